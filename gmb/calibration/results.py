"""The calibration answers as typed, frozen results (:class:`gmb.results.Result`): :class:`Calibration`
(:func:`gmb.calibrate`) and :class:`ObservedAttribution` (:func:`gmb.attribute_observed`).

Each has ``to_dict()``, ``to_json()``, ``to_frame()`` (a pandas view of its main table) and, kept for
compatibility, the read-only mapping view of the dict the functions returned before (``res["parameters"]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from gmb.results import OPTIONAL, Result, hidden

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Calibration", "ObservedAttribution"]


@dataclass(frozen=True, eq=False, repr=False)
class Calibration(Result):
    """The posterior (importance resampling) or point fit (least squares) of a session's model given its observations.

    Fields marked *is* or *lsq* are present only for that method (``None`` otherwise, and left out of
    :meth:`to_dict`).

    Parameters
    ----------
    method : str
        The method in words.
    success : bool, optional
        *lsq*: whether the optimiser converged.
    chi2 : float, optional
        *lsq*: χ² at the point estimate.
    runs, seed : int, optional
        *is*: prior draws and their seed.
    ess : float, optional
        *is*: effective sample size of the importance weights.
    broken : int, optional
        *is*: prior draws that broke down.
    data_points : int
        Observations used.
    evaluations : int, optional
        *lsq*: model evaluations.
    parameters : list of dict
        One row per parameter: its prior and posterior range, narrowing, identifiability.
    predictive : list of dict, optional
        *is*: per observation, the posterior predictive 5/50/95 % values beside the observed one.
    fit : dict
        How well the model reproduces the data (p-value, χ², misfit).
    warnings : list of str
        What the group should know before trusting the answer.
    identifiable_threshold : float, optional
        *is*: the narrowing above which a parameter counts as identified.
    implemented : dict
        What was implemented, per activity, in words.
    unit : str
        The model's time unit.
    observations : int
        Observations in the session.
    assumptions : str
        The assumptions in words.
    plot : str, optional
        Where the posterior predictive plot was written.
    posterior_draws : numpy.ndarray, optional
        With ``keep_draws=True``: the resampled posterior parameter draws (parameters × draws; the point
        estimate as one column for *lsq*). Left out of :meth:`to_dict` (thousands of numbers).
    weights : numpy.ndarray, optional
        With ``keep_draws=True`` and *is*: the prior draws' importance weights. Left out of :meth:`to_dict`.
    point : numpy.ndarray, optional
        With ``keep_draws=True`` and *lsq*: the point estimate as a column. Left out of :meth:`to_dict`.

    Examples
    --------
    >>> c = Calibration(method="least squares", data_points=2, fit={"p_value": 0.5},
    ...                 parameters=[{"parameter": "e1", "posterior": [0.1, 0.3]}], warnings=[], implemented={},
    ...                 unit="month", observations=2, assumptions="Gaussian errors")
    >>> list(c.to_frame().index), "ess" in c.to_dict()
    (['e1'], False)
    """

    _table: ClassVar[str] = "parameters"
    _index: ClassVar[str] = "parameter"

    method: str
    data_points: int
    parameters: list[dict[str, Any]]
    fit: dict[str, Any]
    warnings: list[str]
    implemented: dict[str, Any]
    unit: str
    observations: int
    assumptions: str
    success: bool | None = field(default=None, metadata=OPTIONAL)
    chi2: float | None = field(default=None, metadata=OPTIONAL)
    runs: int | None = field(default=None, metadata=OPTIONAL)
    seed: int | None = field(default=None, metadata=OPTIONAL)
    ess: float | None = field(default=None, metadata=OPTIONAL)
    broken: int | None = field(default=None, metadata=OPTIONAL)
    evaluations: int | None = field(default=None, metadata=OPTIONAL)
    predictive: list[dict[str, Any]] | None = field(default=None, metadata=OPTIONAL)
    identifiable_threshold: float | None = field(default=None, metadata=OPTIONAL)
    plot: str | None = field(default=None, metadata=OPTIONAL)
    posterior_draws: np.ndarray | None = field(default=None, metadata=hidden("_draws", "thousands of numbers"))
    weights: np.ndarray | None = field(default=None, metadata=hidden("_weights", "one per prior draw"))
    point: np.ndarray | None = field(default=None, metadata=hidden("_point", "kept beside posterior_draws"))

    #: the order of :meth:`to_dict`'s keys (the order the dict always had: method first, then each method's keys)
    _order: ClassVar[tuple[str, ...]] = (
        "method", "success", "chi2", "runs", "seed", "ess", "broken", "data_points", "evaluations", "parameters",
        "predictive", "fit", "warnings", "identifiable_threshold", "implemented", "unit", "observations",
        "assumptions", "plot",
    )  # fmt: skip

    def _items(self):
        present = dict(super()._items())
        return ((k, present[k]) for k in self._order if k in present)


@dataclass(frozen=True, eq=False, repr=False)
class ObservedAttribution(Result):
    """The observed change of a series split among the implemented activities, baseline drift and the residual.

    Parameters
    ----------
    variable, series, transform : str
        The observed variable, its series key and how it is read (an index, or relative to its first value).
    t0, t1 : float
        The change is from ``t0`` to ``t1``.
    units : str
        The units of the change, in words.
    observed : dict
        The observed change, its standard error and 90 % interval.
    model_change : dict
        The calibrated model's change (mean and interval).
    activities : list of dict
        One row per activity: ``idea``, ``contribution`` (interval), ``mean``, ``share``, ``implemented``.
    drift, residual : dict
        The baseline drift and the unexplained residual (mean, interval, share).
    draws, broken : int
        Posterior draws used, and those that broke down.
    check : float
        observed − (drift + Σ activities + residual): zero up to round-off.
    rule : str
        The rule in words.
    calibration : dict
        The calibration behind it (effective sample size, runs, fit, warnings).
    variable_label : str
        The variable's label on the map.
    selection_variants : list of dict, optional
        Shares of a cross-sectional difference that are who stays (``gmb attribute-observed --selection``).

    Examples
    --------
    >>> a = ObservedAttribution(variable="v", series="v", transform="index", t0=0.0, t1=12.0, units="index units",
    ...     observed={"change": 1.0}, model_change={"mean": 0.9}, activities=[{"idea": "i1", "mean": 0.6}],
    ...     drift={"mean": 0.1}, residual={"mean": 0.3}, draws=400, broken=0, check=0.0, rule="Shapley",
    ...     calibration={"ess": 120.0}, variable_label="V")
    >>> float(a.to_frame().loc["i1", "mean"]), a["variable_label"]
    (0.6, 'V')
    """

    _table: ClassVar[str] = "activities"
    _index: ClassVar[str] = "idea"

    variable: str
    series: str
    transform: str
    t0: float
    t1: float
    units: str
    observed: dict[str, Any]
    model_change: dict[str, Any]
    activities: list[dict[str, Any]]
    drift: dict[str, Any]
    residual: dict[str, Any]
    draws: int
    broken: int
    check: float
    rule: str
    calibration: dict[str, Any]
    variable_label: str
    selection_variants: list[dict[str, Any]] | None = field(default=None, metadata=OPTIONAL)
