"""Which uncertain parameters drive the spread of a scenario's effect: Sobol indices via SALib.

The effect of a scenario at the horizon (by default as the log ratio of the
outcome with and without the scenario, same draw) is a function of the
uncertain parameters — link elasticities, adjustment and delay
times, doses. Saltelli's scheme (``SALib.sample.sobol``, a scrambled Sobol
sequence, seeded) chooses ``N · (D + 2)`` parameter sets; the engine runs them
under the baseline and the scenario; ``SALib.analyze.sobol`` returns for each
parameter its first-order index ``S1`` (the share of the effect's variance it
explains alone) and total index ``ST`` (alone and in interaction), with
bootstrap confidence intervals. A base sample whose block of runs contains a
run that broke down (overflow) is left out whole (counted in the output).
Parameters are named by what they belong to —
for an elasticity, its link with the labels of cause and effect.

>>> from gmb.simulate.synthetic import chain_model
>>> from gmb.simulate.interventions import Intervention
>>> from gmb.simulate.ensemble import Study
>>> study = Study.build(chain_model(3), {"push": [Intervention(variable="v2", dose=0.2)]}, seed=3, horizon=24.0)
>>> s = sobol(study, "push", n=64)
>>> s["parameters"][0]["kind"] in ("elasticity", "adjustment_time"), len(s["parameters"]) == s["meta"]["dimensions"]
(True, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gmb.errors import InputError, SimulationError
from gmb.simulate.ensemble import Study, run_parameters, spectral_radii
from gmb.simulate.result_types import SobolIndices
from gmb.simulate.sampling import varying

__all__ = ["S1_ST_FLOOR", "convergence", "describe_parameter", "sobol"]

#: S1 above ST by less than this share of the variance (beyond the intervals) is round-off on negligible indices
S1_ST_FLOOR = 0.005


def convergence(rows: list[dict[str, Any]]) -> tuple[bool, list[str]]:
    """Have Sobol estimates converged? ``(ok, reasons)`` over rows with ``S1``, ``S1_conf``, ``ST``, ``ST_conf``.

    Not converged when a total index is far outside [0, 1], its interval is wider than itself, or a
    first-order index exceeds its total index beyond both intervals (``S1 − ST > conf(S1) + conf(ST)``;
    in theory ``S1 <= ST``; differences below :data:`S1_ST_FLOOR` of the variance are round-off, not a sign).

    >>> convergence([{"parameter": "a", "S1": 0.5, "S1_conf": 0.05, "ST": 0.6, "ST_conf": 0.05}])
    (True, [])
    >>> convergence([{"parameter": "a", "S1": 0.8, "S1_conf": 0.05, "ST": 0.6, "ST_conf": 0.05}])[1]
    ['a: S1 0.8 > ST 0.6 beyond their intervals']
    """
    why = []
    for r in rows:
        name = r.get("parameter", "?")
        if not -0.05 <= r["ST"] <= 1.05:
            why.append(f"{name}: ST {r['ST']:.3g} outside 0–1")
        elif r["ST_conf"] > max(0.05, r["ST"]):
            why.append(f"{name}: ST interval ±{r['ST_conf']:.3g} wider than ST {r['ST']:.3g}")
        if r["S1"] - r["ST"] > r["S1_conf"] + r["ST_conf"] + S1_ST_FLOOR:
            why.append(f"{name}: S1 {r['S1']:.3g} > ST {r['ST']:.3g} beyond their intervals")
    return not why, why


def describe_parameter(study: Study, i: int) -> str:
    """A readable name: ``L3: Social relations -> Belonging`` for an elasticity, etc."""
    p = study.program
    kind, ref, name = p.param_kind[i], p.param_ref[i], p.param_names[i]
    m = p.model
    if m is not None and kind in ("elasticity", "delay_time"):
        eff = next((e for e in m.effects if e.link == ref), None)
        if eff is not None:
            labels = {el.variable: el.label or el.variable for el in m.variables}
            what = "elasticity" if kind == "elasticity" else "delay"
            sign = "+" if eff.sign > 0 else "-"
            return f"{ref} {what}: {labels.get(eff.cause, eff.cause)} -({sign})-> {labels.get(eff.target, eff.target)}"
    if m is not None and kind == "adjustment_time":
        labels = {el.variable: el.label or el.variable for el in m.variables}
        return f"adjustment time of {labels.get(ref, ref)}"
    if kind == "dose":
        return f"dose of {ref}"
    return name


def _scenario_index(study: Study, scenario: str, *, n: int, output: str) -> int:
    """The analysed scenario's index in ``study``, after checking ``output`` and ``n`` (InputError naming the field)."""
    if output not in ("log_ratio", "effect"):
        raise InputError(f"output must be log_ratio or effect, got {output!r}", field="output")
    if n < 2 or n & (n - 1):
        raise InputError(f"n must be a power of two >= 2, got {n}", field="n")
    s = study.scenarios.index(scenario) if scenario in study.scenarios else None
    if s is None or s == 0:
        raise InputError(f"no scenario {scenario!r} to analyse", field="scenario",
                         hint=", ".join(study.scenarios[1:]))  # fmt: skip
    return s


def _analyze(analyze: Any, problem: dict[str, Any], Y: np.ndarray, *, resamples: int, seed: int) -> Any:
    """SALib's Sobol analysis of ``Y`` (``analyze`` is :mod:`SALib.analyze.sobol`, imported lazily by the caller)."""
    import warnings

    with warnings.catch_warnings():  # SALib warns about constant outputs; our convergence check reports instead
        warnings.simplefilter("ignore")
        # a Generator, not the int: SALib seeds its bootstrap only `if seed:`, so seed 0 gave other confidence
        # intervals (and `converged`) on every run; default_rng(seed) is the stream SALib makes from a non-zero int
        return analyze.analyze(problem, Y, calc_second_order=False, num_resamples=resamples,
                               seed=np.random.default_rng(seed), print_to_console=False)  # fmt: skip


def _index_rows(study: Study, idx: Any, Si: Any) -> list[dict[str, Any]]:
    """One row per analysed parameter (its indices and their intervals), largest total index first."""
    p = study.program
    rows = [
        {"parameter": p.param_names[i], "kind": p.param_kind[i], "ref": p.param_ref[i],
         "label": describe_parameter(study, i), "S1": float(Si["S1"][k]), "S1_conf": float(Si["S1_conf"][k]),
         "ST": float(Si["ST"][k]), "ST_conf": float(Si["ST_conf"][k])}
        for k, i in enumerate(idx)
    ]  # fmt: skip
    rows.sort(key=lambda r: (-r["ST"], r["parameter"]))
    return rows


def sobol(study: Study, scenario: str, *, n: int = 256, seed: int | None = None, top: int | None = None,
          resamples: int = 100, output: str = "log_ratio", max_broken: float = 0.01) -> SobolIndices:  # fmt: skip
    """First-order and total Sobol indices of ``scenario``'s effect at the horizon, largest total first.

    ``output``: ``log_ratio`` (default) analyses ``log(outcome with / outcome without)`` — the effect
    in relative terms, which stays finite in variance when reinforcing loops run away (variances of
    raw effects spanning many orders of magnitude are dominated by a few runs); ``effect`` analyses
    the difference itself (the quantity the ranking reports; nearly the same for small effects).

    Parameters
    ----------
    study : Study
        The ensemble study (:meth:`Study.build`).
    scenario : str
        The scenario analysed.
    n : int, optional
        Saltelli's base sample size (a power of two); the engine runs ``2 · n · (D + 2)``
        simulations for ``D`` uncertain parameters.
    seed : int, optional
        Seed (default: the study's).
    top : int, optional
        Keep only the ``top`` parameters.
    resamples : int, optional
        Bootstrap resamples for the confidence intervals.
    output : {"log_ratio", "effect"}, optional
        What is analysed.
    max_broken : float, optional
        Largest share of broken parameter sets allowed.

    Returns
    -------
    SobolIndices
        Typed and frozen (:class:`gmb.simulate.result_types.SobolIndices`): ``meta`` and ``parameters`` (each
        with its first-order and total index and their confidence intervals); ``to_frame()`` is the table.

    Raises
    ------
    gmb.simulate.quality.TooManyBrokenRuns
        More than ``max_broken`` of the parameter sets broke down (a non-finite output).

    Examples
    --------
    >>> from gmb.scenarios import Intervention
    >>> from gmb.simulate.ensemble import Study
    >>> from gmb.simulate.synthetic import chain_model
    >>> study = Study.build(chain_model(3), {"push": [Intervention(variable="v2")]}, seed=1, horizon=24,
    ...                     engine="numpy")
    >>> s = sobol(study, "push", n=16, resamples=10)
    >>> sorted(s), len(s["parameters"]) > 0
    (['meta', 'parameters'], True)
    """
    from gmb.simulate.quality import check_broken, check_max_broken, quality

    check_max_broken(max_broken)
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    s = _scenario_index(study, scenario, n=n, output=output)
    p = study.program
    idx = varying(p, [k for k in study.vary if k != "structure"])  # magnitudes of the map as drawn: no structure
    if len(idx) == 0:
        raise SimulationError("nothing is uncertain: every parameter range is a single value", field="vary")
    seed = study.seed if seed is None else seed
    problem = {"num_vars": len(idx), "names": [p.param_names[i] for i in idx],
               "bounds": [[float(p.param_low[i]), float(p.param_high[i])] for i in idx]}  # fmt: skip
    X = sample.sample(problem, n, calc_second_order=False, seed=seed)
    P = np.repeat(np.asarray(p.param_nominal)[:, None], X.shape[0], axis=1)
    P[idx] = X.T
    slot = list(study.save_slots).index(p.outcome_slot)
    out = run_parameters(study, P, scenarios=[0, s])
    # the share of draws whose reinforcing loops run away, as every ensemble answer reports it
    runaway = float(np.mean(spectral_radii(study, P) >= 1.0)) if P.shape[1] else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        if output == "log_ratio":  # log(outcome with the scenario / outcome at baseline)
            Y = np.log(out[1, slot, -1]) - np.log(out[0, slot, -1])
        else:
            Y = out[1, slot, -1] - out[0, slot, -1]
    # Saltelli's design is N blocks of D + 2 rows (one base sample each): a block with a run that broke down
    # (overflow) is left out whole, which keeps the design's structure for the remaining base samples
    Y_all = Y
    blocks = Y.reshape(n, len(idx) + 2)
    q = quality(broken=int((~np.isfinite(Y)).sum()), runs=int(Y.size), max_broken=max_broken)
    check_broken(q, what="the Sobol indices", meta={**study.assumptions(), "scenario": scenario, "base_samples": n})
    keep = np.isfinite(blocks).all(axis=1)
    if keep.sum() < 2:
        raise SimulationError(f"{int((~keep).sum())} of {n} base samples have a run that broke down (overflow)",
                              hint="use bounded effects or stable strengths")  # fmt: skip
    Y = blocks[keep].ravel()
    Si = _analyze(analyze, problem, Y, resamples=resamples, seed=seed)
    rows = _index_rows(study, idx, Si)
    # indices are shares of variance: estimates far outside [0, 1] or wider than themselves have not converged;
    # nor have they when a first-order index exceeds its total index beyond both intervals (S1 <= ST in theory)
    converged, why = convergence(rows)
    return SobolIndices.from_dict(
        {
            "meta": {
                **study.assumptions(),
                "exploratory": True,
                "scenario": scenario,
                "base_samples": n,
                "dimensions": len(idx),
                "simulations": int(2 * X.shape[0]),
                "sampler": "Saltelli (SALib, scrambled Sobol)",
                "runs": int(X.shape[0]),
                "broken_runs": int((~np.isfinite(Y_all)).sum()),
                "runaway_share": runaway,
                "base_samples_left_out": int((~keep).sum()),
                "converged": converged,
                "runs_quality": q,
                "not_converged_because": why,
                "output": {
                    "log_ratio": "log(outcome with the scenario / outcome at baseline) at the horizon",
                    "effect": "outcome with the scenario minus outcome at baseline at the horizon",
                }[output],
                "variance": float(np.var(Y)),
                "mean_effect": float(np.mean(Y)),
            },
            "parameters": rows[:top] if top else rows,
        }
    )
