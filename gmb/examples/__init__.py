"""Example sessions shipped inside the package, so ``gmb demo`` works from any folder.

>>> s = load_example("havndal")
>>> len(s.ideas) >= 7
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from gmb.errors import NotFoundError
from gmb.session.model import Session

__all__ = ["EXAMPLES", "example_dir", "load_example"]

EXAMPLES = ("havndal",)


def example_dir(name: str) -> Path:
    """The folder of a shipped example (``session.json`` + ``events.jsonl``)."""
    if name not in EXAMPLES:
        raise NotFoundError(f"no example '{name}'", hint=f"examples: {', '.join(EXAMPLES)}")
    return Path(str(resources.files("gmb.examples") / name))


def load_example(name: str) -> Session:
    """Load a shipped example the same way the store loads a session (snapshot + log)."""
    from gmb.session.store import Store

    folder = example_dir(name)
    return Store(folder.parent).load(folder.name)
