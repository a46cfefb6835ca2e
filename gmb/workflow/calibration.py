"""Calibrating a stored session: ``gmb.calibrate(...)``, ``gmb.attribute_observed(...)`` and the
``gmb calibrate`` / ``gmb attribute-observed`` / ``gmb attribute --observed`` commands' work.

Both build the model as ``gmb convert`` does (nothing written), read each idea's targets from
``scenarios.json``, take what was implemented from the session (``gmb implemented set``) and the
observations (``gmb observe add``/``import``), then calibrate (:mod:`gmb.calibration.core`) and,
for the attribution, split the observed change (:mod:`gmb.calibration.attribution`). This reads
sessions and model folders from disk, so it lives in the workflow, above the calibration maths.

>>> import os, tempfile
>>> from rich.console import Console
>>> from gmb.workflow import sources
>>> from gmb.workflow.examples import install_example
>>> before = sources._state["sessions_dir"]
>>> sources.set_sessions_dir(tempfile.mkdtemp())
>>> with open(os.devnull, "w") as null:
...     _ = install_example("roskilde", Console(file=null))
>>> r = calibrate("roskilde", runs=500, seed=0, out=sources.store().root)
>>> r.data_points, r.ess > 1
(2, True)
>>> sources.set_sessions_dir(before)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from gmb.calibration.results import Calibration, ObservedAttribution
from gmb.workflow.models import build, model_name
from gmb.workflow.output import console, print_json
from gmb.workflow.sources import load_source
from gmb.workflow.studies import load_or_init_scenarios, scenarios_file

__all__ = ["RUNS", "attribute_observed", "calibrate", "problem_for", "save_observed", "show_observed_attribution"]

#: default prior draws for importance resampling
RUNS = 4000


def problem_for(name: str, *, seed: int = 0, structure: bool = True, engine: str = "auto", out: Path = Path(".")):
    """``(problem, built model)`` of stored session ``name`` under its implemented activities and observations."""
    from gmb.calibration.core import build_problem
    from gmb.calibration.records import implemented_plans
    from gmb.simulate.sampling import VARY

    session = load_source(name)
    b = build(name, out=out, write=False)
    sc, _ = load_or_init_scenarios(scenarios_file(name, out), b.graph)
    plans = implemented_plans(session, sc)
    vary = VARY if structure else tuple(k for k in VARY if k != "structure")
    return build_problem(b.model, plans, list(session.observations), seed=seed, vary=vary, engine=engine), b


def _public(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if not k.startswith("_")}


def calibrate(name: str, *, method: str = "is", runs: int = RUNS, seed: int = 0, structure: bool = True,
              engine: str = "auto", out: Path = Path("."), plot: Path | None = None,
              keep_draws: bool = False) -> Calibration:  # fmt: skip
    """The posterior (or point fit) of session ``name``'s model given its observations.

    ``gmb.calibrate(name)`` is this function.

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
        Keep the resampled posterior draws (``posterior_draws``, ``weights``; not in ``to_dict()``).

    Returns
    -------
    Calibration
        Typed and frozen (:class:`gmb.calibration.results.Calibration`): the parameters' prior and posterior
        ranges (narrowing, identifiability), the fit, effective sample size, warnings, ``implemented``,
        ``unit``, ``observations``, ``assumptions``; ``to_frame()`` is the parameters' table.

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
    from gmb.calibration.core import calibrate_problem

    prob, _ = problem_for(name, seed=seed, structure=structure, engine=engine, out=out)
    r = calibrate_problem(prob, runs=runs, seed=seed, method=method)
    r["implemented"] = {i: p.summary(i, prob.study.program.unit) for i, p in prob.plans.items()}
    r["unit"] = prob.study.program.unit
    r["observations"] = len([o for s in prob.series for o in s.raw])
    r["assumptions"] = ("a share is read as an index proportional to the model's variable, relative to its first "
                        "value; observation errors are Gaussian and independent (a relative series shares its "
                        "first value's error); the prior is the ensemble's ranges and link probabilities")  # fmt: skip
    if plot is not None:
        from gmb.calibration.plot import predictive_plot

        r["plot"] = str(predictive_plot(prob, r, plot))
    if method == "lsq" and "_point" in r:
        r["_draws"] = r["_point"]
    return Calibration.from_dict(r if keep_draws else _public(r))


def attribute_observed(name: str, *, runs: int = RUNS, seed: int = 0, structure: bool = True, engine: str = "auto",
                       out: Path = Path("."), variable: str | None = None, draws: int = 400) -> ObservedAttribution:  # fmt: skip
    """Split session ``name``'s observed change among its implemented activities, drift and residual.

    The model is calibrated to the session's observations first (:func:`calibrate`); the change
    is then split by Shapley shares over the posterior draws (:mod:`gmb.calibration.attribution`).

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
    ObservedAttribution
        Typed and frozen (:class:`gmb.calibration.results.ObservedAttribution`): per activity its share of the
        change with an interval, the baseline drift, the unexplained residual, ``calibration`` (effective
        sample size, fit, warnings); ``to_frame()`` is the activities' table.

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
    from gmb.calibration.attribution import attribute_change
    from gmb.calibration.core import calibrate_problem

    prob, b = problem_for(name, seed=seed, structure=structure, engine=engine, out=out)
    post = calibrate_problem(prob, runs=runs, seed=seed, keep=draws)
    a = attribute_change(prob, post, variable=variable)
    a["calibration"] = {"ess": post["ess"], "runs": runs, "fit": post["fit"], "warnings": post["warnings"]}
    labels = {v: d.get("label", v) for v, d in b.graph.nodes(data=True)}
    a["variable_label"] = labels.get(a["variable"], a["variable"])
    return ObservedAttribution.from_dict(a)


def save_observed(name: str, a: Mapping[str, Any], out: Path = Path(".")) -> Path:
    """Write the attribution to ``models/NAME/observed_attribution.json``, where ``gmb report`` finds it."""
    import json

    from gmb.files import atomic_write_text
    from gmb.views.report_observed import FILE

    path = Path(out) / "models" / model_name(name) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(dict(a), ensure_ascii=False, indent=2, default=str) + "\n")
    return path


def show_observed_attribution(
    name: str,
    *,
    runs: int = RUNS,
    seed: int = 0,
    variable: str | None = None,
    structure: bool = True,
    selection: str | None = None,
    as_json: bool = False,
) -> None:
    """``gmb attribute-observed NAME``: split the observed change, save it for ``gmb report`` and print it
    (JSON with ``as_json``); ``selection``: also the shares of a cross-sectional difference that are who stays."""
    from gmb.calibration.report_text import print_observed_attribution

    a = attribute_observed(name, runs=runs, seed=seed, variable=variable, structure=structure)
    if selection:
        from gmb.calibration.selection import selection_variants
        from gmb.errors import InputError

        try:
            shares = [float(x) for x in selection.split(",")]
        except ValueError:
            raise InputError(
                f"not a list of numbers: {selection!r}", field="--selection", hint="e.g. 0,0.25,0.5"
            ) from None
        prob, _ = problem_for(name, seed=seed, structure=structure)
        a = replace(a, selection_variants=selection_variants(prob, shares, runs=runs, seed=seed))
    save_observed(name, a)
    if as_json:
        print_json(a)
    else:
        print_observed_attribution(a, console())
        if selection:
            from gmb.calibration.selection import print_variants

            print_variants(a["selection_variants"], console())
