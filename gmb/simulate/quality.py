"""Broken and runaway runs: always counted, never hidden, and too many of them stop the summary.

A *broken* run is a parameter draw whose outcome at the horizon is not a finite
number (an overflow, or a multiplier that turned non-positive) under any of the
scenarios compared. A *runaway* draw is one whose reinforcing loops grow without
limit near baseline (spectral radius of the log-linear matrix >= 1); it may still
be finite. Every answer (:mod:`gmb.scenarios.answers`) carries both counts out of
the total in ``meta["runs_quality"]`` (see :func:`quality`).

Point statistics (effects, ranks, Shapley values) are computed from the runs
that did not break. That is only honest when those are nearly all of them: a
study whose broken share exceeds ``max_broken`` (default :data:`MAX_BROKEN`, 1 %)
raises :class:`TooManyBrokenRuns` instead of returning numbers — more runs do not
help, because the same share breaks again; the fix is in the model's assumptions.

>>> q = quality(broken=3, runs=1000, runaway=12)
>>> q["broken_runs"], q["broken_share"], q["text"]
(3, 0.003, '3 of 1000 runs broken (0.3 %), 12 of 1000 draws with runaway loops (1.2 %)')
>>> check_broken(q, max_broken=0.01) is None
True
>>> try:
...     check_broken(quality(broken=30, runs=1000), max_broken=0.01, what="the ranking")
... except TooManyBrokenRuns as exc:
...     print(exc.refusal["refused"], exc.refusal["broken_runs"])
True 30
"""

from __future__ import annotations

from typing import Any

from gmb.errors import InputError, SimulationError

__all__ = ["MAX_BROKEN", "TooManyBrokenRuns", "check_broken", "check_max_broken", "quality"]

#: the default largest share of broken runs a summary is printed from
MAX_BROKEN = 0.01

_WHAT_TO_CHANGE = (
    "more runs do not help (the same share breaks again); check the reinforcing loops that run away "
    "('gmb convert NAME' names them), use a response shape that saturates ('effect_shape' in the model's "
    "assumptions.json), use weaker strengths or 'stability': 'scale', or lower the doses in scenarios.json; "
    "--max-broken raises the threshold (statistics then rest on the runs that did not break)"
)


class TooManyBrokenRuns(SimulationError):
    """More runs broke than ``max_broken`` allows; ``refusal`` is the JSON-ready block that says so."""

    def __init__(self, message: str, refusal: dict[str, Any] | None = None, **where: Any) -> None:
        where.setdefault("hint", _WHAT_TO_CHANGE)
        super().__init__(message, **where)
        self.refusal = refusal or {"refused": True, "reason": message, "what_to_change": where["hint"]}


def check_max_broken(max_broken: float) -> float:
    """``max_broken`` checked: a share in [0, 1]."""
    if isinstance(max_broken, bool) or not isinstance(max_broken, (int, float)) or not 0 <= max_broken <= 1:
        raise InputError(f"max_broken must be a share between 0 and 1, got {max_broken!r}", field="max_broken")
    return float(max_broken)


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %" if x < 0.1 else f"{100 * x:.0f} %"


def quality(*, broken: int, runs: int, runaway: int | None = None, max_broken: float = MAX_BROKEN) -> dict[str, Any]:
    """Counts of broken and runaway runs out of ``runs``, with a sentence saying them."""
    share = broken / runs if runs else 0.0
    text = f"{broken} of {runs} runs broken ({_pct(share)})"
    out: dict[str, Any] = {"runs": int(runs), "broken_runs": int(broken), "broken_share": share,
                           "max_broken": float(max_broken)}  # fmt: skip
    if runaway is not None:
        out["runaway_runs"] = int(runaway)
        out["runaway_share"] = runaway / runs if runs else 0.0
        text += f", {runaway} of {runs} draws with runaway loops ({_pct(out['runaway_share'])})"
    out["text"] = text
    return out


def check_broken(q: dict[str, Any], *, max_broken: float | None = None, what: str = "the summary",
                 meta: dict[str, Any] | None = None) -> None:  # fmt: skip
    """Raise :class:`TooManyBrokenRuns` when ``q``'s broken share exceeds ``max_broken`` (default: ``q``'s)."""
    limit = check_max_broken(q["max_broken"] if max_broken is None else max_broken)
    if q["broken_share"] <= limit:
        return
    reason = (f"refusing to print {what}: {q['broken_runs']} of {q['runs']} runs broke down "
              f"({_pct(q['broken_share'])}, "
              f"more than the {_pct(limit)} allowed), so effects, ranks and shares would rest on the runs that "
              "happened not to break")  # fmt: skip
    refusal = {"refused": True, "reason": reason, "what_to_change": _WHAT_TO_CHANGE, **q, "max_broken": limit}
    if meta is not None:
        refusal["meta"] = meta
    raise TooManyBrokenRuns(reason, refusal)
