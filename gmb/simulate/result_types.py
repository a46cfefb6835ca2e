"""The simulation answers as typed, frozen results (:class:`gmb.results.Result`): :class:`SobolIndices`
(:func:`gmb.sobol`) and :class:`Dominance` (:func:`gmb.loop_dominance`).

Each has ``to_dict()`` (what ``--json`` prints), ``to_json()``, ``to_frame()`` (a pandas view of its
main table) and, kept for compatibility, the read-only mapping view of the dict the functions
returned before (``res["parameters"]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from gmb.results import OPTIONAL, Result

__all__ = ["Dominance", "SobolIndices"]


@dataclass(frozen=True, eq=False, repr=False)
class SobolIndices(Result):
    """First-order and total Sobol indices of a scenario's effect at the horizon, largest total first.

    Parameters
    ----------
    meta : dict
        The assumptions and the design: scenario, base samples, dimensions, simulations, sampler,
        broken runs, whether the indices converged (and why not), the output analysed, its variance.
    parameters : list of dict
        One row per uncertain parameter: ``parameter``, ``kind``, ``ref``, ``label``, ``S1``,
        ``S1_conf``, ``ST``, ``ST_conf`` (the confidence intervals' half widths).

    Examples
    --------
    >>> from gmb.simulate.ensemble import Study
    >>> from gmb.simulate.interventions import Intervention
    >>> from gmb.simulate.sensitivity import sobol
    >>> from gmb.simulate.synthetic import chain_model
    >>> study = Study.build(chain_model(3), {"push": [Intervention(variable="v2")]}, seed=1, horizon=24,
    ...                     engine="numpy")
    >>> s = sobol(study, "push", n=16, resamples=10)
    >>> list(s.to_frame().columns[:3]), len(s.to_frame()) == s.meta["dimensions"]
    (['kind', 'ref', 'label'], True)
    """

    _table: ClassVar[str] = "parameters"
    _index: ClassVar[str] = "parameter"

    meta: dict[str, Any]
    parameters: list[dict[str, Any]]


@dataclass(frozen=True, eq=False, repr=False)
class Dominance(Result):
    """Which feedback loops drive a scenario's deviation from the baseline, over time (Loops That Matter).

    Parameters
    ----------
    scenario : str
        The scenario's name.
    time : list of float
        The times of the reported series.
    unit : str
        The model's time unit.
    loops : list of dict
        The loops scored, most influential first: ``id``, ``kind`` (``map`` or a stock's adjustment),
        ``variables``, ``relative`` (the relative loop score at each time), ``mean_abs``, ``elements`` …
    dominant, dominant_map : list of dict
        Periods (``start``, ``end``, ``loop``) of the loop with the largest score (among all loops,
        among the map's loops).
    shifts : list of float
        When the dominant loop changes.
    periods, periods_map : list of dict
        ``dominant`` and ``dominant_map`` with periods shorter than one time unit merged.
    complete : bool
        Whether every loop was found.
    mode : str
        How the loops were found.
    truncated : bool
        Whether the loop search stopped early.
    baseline_moves : bool
        Whether the baseline itself changes (scores then explain the deviation from it).
    loops_found, loops_scored : int
        Loops found, and scored.
    method : str
        The method in words.
    ensemble : dict, optional
        With ``runs``: per period, the share of draws in which each loop dominates.
    elapsed : float
        Seconds taken.

    Examples
    --------
    >>> from gmb.simulate.dominance import loop_dominance
    >>> from gmb.simulate.synthetic import chain_model
    >>> d = loop_dominance(chain_model(3))
    >>> d.to_frame().index.tolist(), d.complete
    (['adj:v0', 'adj:v1', 'adj:v2', 'B1'], True)
    """

    _table: ClassVar[str] = "loops"
    _index: ClassVar[str] = "id"

    scenario: str
    time: list[float]
    unit: str
    loops: list[dict[str, Any]]
    dominant: list[dict[str, Any]]
    dominant_map: list[dict[str, Any]]
    shifts: list[float]
    periods: list[dict[str, Any]]
    periods_map: list[dict[str, Any]]
    complete: bool
    mode: str
    truncated: bool
    baseline_moves: bool
    loops_found: int
    loops_scored: int
    method: str
    ensemble: dict[str, Any] | None = field(default=None, metadata=OPTIONAL)
    elapsed: float = 0.0
