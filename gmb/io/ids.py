"""Variable ids made from labels: readable, unique, safe.

>>> make_id("Børns fysiske aktivitet", set())
'børns_fysiske_aktivitet'
>>> make_id("a/b", {"a_b"})
'a_b_2'
>>> taken, counters = set(), {}
>>> [make_id("x", taken, counters=counters) for _ in range(3)] == ["x", "x_2", "x_3"] and len(taken) == 3
True
"""

from __future__ import annotations

import re

__all__ = ["make_id"]


def make_id(
    label: str, taken: set[str] | dict[str, object], *, max_len: int = 60, counters: dict[str, int] | None = None
) -> str:
    """An id for ``label`` not in ``taken``: lowercase, words joined by ``_``, no slashes or spaces.

    With ``counters`` (a dict kept by the caller across calls) the id is also added to ``taken``
    and the search for a free ``base_N`` resumes where the last one for that base stopped, so
    n variables with the same label cost O(n), not O(n²).
    """
    base = re.sub(r"[\s/\\]+", "_", label.strip().lower())
    base = re.sub(r"[^\w\-.+]", "", base)[:max_len].strip("_") or "var"
    candidate, n = base, counters.get(base, 1) if counters is not None else 1
    if n > 1:
        candidate = f"{base}_{n}"
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    if counters is not None:
        counters[base] = n
        if isinstance(taken, set):
            taken.add(candidate)
    return candidate
