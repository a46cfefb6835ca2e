"""Calibrate a group's model to what was observed, and attribute the observed change (issue 18).

The package is callable: ``gmb.calibrate("roskilde")`` is :func:`gmb.calibrate.api.calibrate`.

* :mod:`gmb.calibrate.records` — observations and implemented activities from the session;
* :mod:`gmb.calibrate.core` — the posterior by importance resampling of the ensemble's prior
  draws (or a least-squares point fit), with narrowing, identifiability and fit checks;
* :mod:`gmb.calibrate.attribution` — Shapley shares of the observed change among the
  implemented activities, baseline drift and the unexplained residual;
* :mod:`gmb.workflow.calibration` — :func:`calibrate` and :func:`attribute_observed` on a stored session
  (it reads sessions and model folders, so it sits in the workflow layer; the wrappers here call it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gmb._lazy import callable_module

__all__ = ["attribute_observed", "calibrate"]

#: posterior draws by default (as :data:`gmb.workflow.calibration.RUNS`; kept here so importing stays cheap)
_RUNS = 4000


def attribute_observed(
    name: str,
    *,
    runs: int = _RUNS,
    seed: int = 0,
    structure: bool = True,
    engine: str = "auto",
    out: Path = Path("."),
    variable: str | None = None,
    draws: int = 400,
) -> dict[str, Any]:
    """Split session ``name``'s observed change among its implemented activities, drift and residual.

    The model is calibrated to the session's observations first (:func:`calibrate`); the change
    is then split by Shapley shares over the posterior draws (:mod:`gmb.calibrate.attribution`).

    Parameters
    ----------
    name : str
        A stored session (see :class:`gmb.Store`) with observations and implemented activities.
    runs : int, optional
        Prior draws of the ensemble (default 4000).
    seed : int, optional
        Seed of the draws.
    structure : bool, optional
        Also draw the links' presence and sign.
    engine : {"auto", "numba", "numpy"}, optional
        The ensemble engine.
    out : pathlib.Path, optional
        The folder holding ``models/NAME`` (the converted model).
    variable : str, optional
        The observed variable whose change is split (default: the outcome's observations).
    draws : int, optional
        Posterior draws kept for the attribution.

    Returns
    -------
    dict
        JSON-ready: per activity its share of the change with an interval, the baseline drift,
        the unexplained residual, ``calibration`` (effective sample size, fit, warnings).

    Raises
    ------
    gmb.errors.NotFoundError
        No stored session ``name``.
    gmb.errors.InputError, gmb.errors.NotFoundError
        An observation that cannot be used (no uncertainty, outside the run, an unknown variable …).

    Examples
    --------
    >>> import gmb
    >>> try:
    ...     gmb.attribute_observed("no-such-session")
    ... except gmb.NotFoundError as err:
    ...     print(err.message)
    no session 'no-such-session' in sessions
    """
    from gmb.workflow.calibration import attribute_observed as run

    return run(name, runs=runs, seed=seed, structure=structure, engine=engine, out=out, variable=variable,
               draws=draws)  # fmt: skip


def calibrate(
    name: str,
    *,
    method: str = "is",
    runs: int = _RUNS,
    seed: int = 0,
    structure: bool = True,
    engine: str = "auto",
    out: Path = Path("."),
    plot: Path | None = None,
    keep_draws: bool = False,
) -> dict[str, Any]:
    """The posterior (or point fit) of session ``name``'s model given its observations; JSON-ready.

    ``gmb.calibrate(name)`` calls this function.

    Parameters
    ----------
    name : str
        A stored session with observations (see :class:`gmb.Store`).
    method : {"is", "lsq"}, optional
        Importance resampling of the ensemble's prior draws (default), or a least-squares point fit.
    runs : int, optional
        Prior draws (default 4000).
    seed : int, optional
        Seed of the draws.
    structure : bool, optional
        Also draw the links' presence and sign.
    engine : {"auto", "numba", "numpy"}, optional
        The ensemble engine.
    out : pathlib.Path, optional
        The folder holding ``models/NAME``.
    plot : pathlib.Path, optional
        Write the posterior predictive bands against the data there (PNG).
    keep_draws : bool, optional
        Keep the resampled posterior draws under ``_draws`` (for :func:`attribute_observed`).

    Returns
    -------
    dict
        JSON-ready: the parameters' prior and posterior ranges (narrowing, identifiability), the fit,
        effective sample size, warnings, ``implemented``, ``unit``, ``observations``, ``assumptions``.

    Raises
    ------
    gmb.errors.NotFoundError
        No stored session ``name``.
    gmb.errors.InputError, gmb.errors.NotFoundError
        An observation that cannot be used (no uncertainty, outside the run, an unknown variable …).

    Examples
    --------
    >>> import gmb
    >>> try:
    ...     gmb.calibrate("no-such-session")
    ... except gmb.NotFoundError as err:
    ...     print(err.message)
    no session 'no-such-session' in sessions
    """
    from gmb.workflow.calibration import calibrate as run

    return run(name, method=method, runs=runs, seed=seed, structure=structure, engine=engine, out=out, plot=plot,
               keep_draws=keep_draws)  # fmt: skip


callable_module(__name__, calibrate)
