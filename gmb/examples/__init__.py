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

__all__ = ["ABOUT", "EXAMPLES", "example_dir", "load_example"]

EXAMPLES = ("havndal", "roskilde", "guldborgsund", "aktive-boern")
#: one line per example (``gmb examples``)
ABOUT = {
    "havndal": "children's mental health in Havndal: the full GMB process (seed 003)",
    "roskilde": "men's communities in Roskilde: loneliness by time in a group (cross-sectional; seed 000 L215–290)",
    "guldborgsund": "open meeting places for seniors: 16 places, 300–500 users a week (seeds 000, 001)",
    "aktive-boern": "Aktive Børn i Forening, København: levers, no numbers (seed 000 L416–425)",
}


def example_dir(name: str) -> Path:
    """The folder of a shipped example (``session.json`` + ``events.jsonl``)."""
    if name not in EXAMPLES:
        raise NotFoundError(f"no example '{name}'", hint=f"examples: {', '.join(EXAMPLES)}")
    return Path(str(resources.files("gmb.examples") / name))


def load_example(name: str) -> Session:
    """Load a shipped example the same way the store loads a session (snapshot + log).

    Parameters
    ----------
    name : str
        The example's name; ``"havndal"`` (the Havndal workshop series) is shipped.

    Returns
    -------
    gmb.session.Session
        The example session.

    Raises
    ------
    gmb.errors.NotFoundError
        If there is no example called ``name``.

    Examples
    --------
    >>> s = load_example("havndal")
    >>> s.outcome_variable is not None and len(s.links) > 30
    True
    """
    from gmb.session.store import Store

    folder = example_dir(name)
    return Store(folder.parent).load(folder.name)
