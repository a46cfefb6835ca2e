"""Variable ids made from labels: readable, unique, safe.

>>> make_id("Børns fysiske aktivitet", set())
'børns_fysiske_aktivitet'
>>> make_id("a/b", {"a_b"})
'a_b_2'
"""

from __future__ import annotations

import re

__all__ = ["make_id"]


def make_id(label: str, taken: set[str], *, max_len: int = 60) -> str:
    """An id for ``label`` not in ``taken``: lowercase, words joined by ``_``, no slashes or spaces."""
    base = re.sub(r"[\s/\\]+", "_", label.strip().lower())
    base = re.sub(r"[^\w\-.+]", "", base)[:max_len].strip("_") or "var"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate
