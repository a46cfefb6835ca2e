"""Shapley attribution: a bundle's effect at the horizon split among its ideas.

Exactly over all 2^n sub-bundles for n <= :data:`EXACT_IDEAS`, else by sampled
permutations (antithetic pairs), with each idea's solo effect and the interaction part.
Separate from :mod:`gmb.scenarios.attribution`, which holds the ratio-of-means shares and the
interaction in log units; this module runs the sub-bundles and computes the Shapley values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from math import factorial
from typing import TYPE_CHECKING, Any

import numpy as np

from gmb.errors import InputError
from gmb.scenarios.answer_study import (
    Progress,
    _check_ideas,
    _label,
    _meta,
    _settled,
    _sign,
    _study,
    effect_summary,
)
from gmb.scenarios.results import Attribution
from gmb.scenarios.settings import Scenarios, ideas_of
from gmb.simulate.quality import MAX_BROKEN, check_broken, check_max_broken, quality
from gmb.simulate.sampling import VARY

if TYPE_CHECKING:
    import networkx as nx

    from gmb.scale.backends import Backend
    from gmb.session.model import Session
    from gmb.stockflow.model import StockFlowModel


__all__ = ["EXACT_IDEAS", "attribute", "shapley_weights"]

#: up to this many ideas, Shapley values are exact (all 2^n sub-bundles)
EXACT_IDEAS = 10


def shapley_weights(n: int) -> np.ndarray:
    """``w[s] = s! (n-s-1)! / n!``: the weight of a coalition of size ``s`` not containing the player.

    >>> shapley_weights(3).tolist() == [1/3, 1/6, 1/3]
    True
    """
    return np.array([factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)])


def _exact_shapley(V: np.ndarray, n: int) -> np.ndarray:
    """Shapley values from ``V[mask]`` (coalition values, mask = bit set of players), per run."""
    w = shapley_weights(n)
    masks = np.arange(1 << n)
    sizes = np.array([(m).bit_count() for m in masks])
    phi = np.zeros((n,) + V.shape[1:])
    for i in range(n):
        bit = 1 << i
        without = masks[(masks & bit) == 0]
        phi[i] = np.tensordot(w[sizes[without]], V[without | bit] - V[without], axes=(0, 0))
    return phi


def attribute(
    model: StockFlowModel,
    source: nx.DiGraph | Session,
    scenarios: Scenarios,
    bundle: Sequence[str],
    *,
    runs: int = 1000,
    seed: int = 0,
    method: str = "mc",
    horizon: float | None = None,
    permutations: int = 256,
    exact_limit: int = EXACT_IDEAS,
    lang: str | None = None,
    engine: str = "auto",
    integration: str = "euler",
    chunk: int = 256,
    progress: Progress = None,
    backend: str | Backend | None = None,
    max_broken: float = MAX_BROKEN,
    settle: bool = True,
    vary: Iterable[str] = VARY,
) -> Attribution:
    """Shapley attribution of ``bundle``'s effect at the horizon to its ideas (see the module docstring).

    Every sub-bundle runs with the *same* parameter draws (common random numbers),
    so for each draw the Shapley values add up exactly to that draw's bundle effect.
    Shares are ratios of means, ``E[φ_i] / E[v(N)]``, and the interaction is also given in
    log units (:mod:`gmb.scenarios.attribution`).

    Parameters
    ----------
    model : StockFlowModel
        The model.
    source : networkx.DiGraph or gmb.session.Session
        The map (labels).
    scenarios : Scenarios
        The ideas' doses.
    bundle : sequence of str
        The ideas run together.
    runs : int, optional
        Parameter draws (default 1000).
    seed : int, optional
        Seed of the draws; the same seed gives the same answer on every engine and backend.
    method : {"mc", "lhs"}, optional
        How the draws are made.
    horizon : float, optional
        When effects are read (default: the scenarios' horizon, else the model's stop time).
    engine : {"auto", "numba", "numpy"}, optional
        The ensemble engine (``auto``: numba when available).
    integration : {"euler", "rk4"}, optional
        Euler (as pysd) or classic Runge-Kutta.
    chunk : int, optional
        Runs per chunk (memory bound).
    progress : callable, optional
        ``progress(done, runs)`` after each chunk.
    backend : str or gmb.scale.Backend, optional
        Run the chunks on a Dask cluster (``"dask"``, ``"tcp://host:8786"``); same result, bit for bit.
    max_broken : float, optional
        Largest share of runs allowed to break (non-finite) before the answer is refused.
    settle : bool, optional
        Add each scenario's settled share of its long-run effect.
    vary : iterable of str, optional
        What is uncertain: ``elasticity``, ``adjustment_time``, ``delay_time``, ``dose``, ``structure``
        (leave out ``structure`` for the map as drawn).
    permutations : int, optional
        Sampled orderings when the bundle has more than ``exact_limit`` ideas.
    exact_limit : int, optional
        Up to this many ideas, Shapley values are computed exactly.
    lang : str, optional
        Language of the labels.

    Returns
    -------
    Attribution
        Typed and frozen (:class:`gmb.scenarios.results.Attribution`): ``meta``, ``unit``, ``horizon``,
        ``bundle``, ``runs``, ``seed``, ``shares`` (per idea), ``total``, ``ideas`` …, and the per-draw
        ``shapley_draws`` and ``bundle_draws`` (arrays, left out of ``to_dict()``).

    Raises
    ------
    gmb.simulate.quality.TooManyBrokenRuns
        More than ``max_broken`` of the runs broke (a :class:`gmb.errors.SimulationError`).
    gmb.errors.NotFoundError
        An idea or variable named does not exist.

    Examples
    --------
    >>> from gmb.scenarios.settings import default_scenarios
    >>> from gmb.simulate.synthetic import synthetic_cld, synthetic_model
    >>> G, model = synthetic_cld(8, seed=2), synthetic_model(8, seed=2)  # a small map and its model
    >>> scenarios = default_scenarios(G)
    >>> a = attribute(model, G, scenarios, ["idea0", "idea1"], runs=16, engine="numpy")
    >>> sorted(a.shares)
    ['idea0', 'idea1']
    """
    check_max_broken(max_broken)
    info = ideas_of(source)
    ideas = _check_ideas(scenarios, bundle)
    n = len(ideas)
    if n == 0:
        raise InputError("the bundle has no ideas", field="bundle")
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise InputError(f"need at least one run, got {runs!r}", field="runs")
    exact = n <= exact_limit
    masks, orders = _coalitions(n, exact, permutations, seed)
    position = {m: k for k, m in enumerate(masks)}
    named = {f"s{m}": [iv for j, i in enumerate(ideas) if m >> j & 1 for iv in scenarios.interventions([i])]
             for m in masks if m}  # fmt: skip
    study = _study(model, scenarios, named, seed=seed, method=method, horizon=horizon, every=10**9, engine=engine,
                   integration=integration, vary=vary)  # fmt: skip
    # scenario order in the study: baseline (mask 0), then masks[1:] in order; sub-bundles × chunks of runs
    # are tasks (here, or on a Dask cluster given as ``backend``), with the same result wherever they ran
    from gmb.scale.ensemble_jobs import horizon_values

    V, radius = horizon_values(study, runs, chunk=chunk, backend=backend, progress=progress)
    sign = _sign(scenarios)
    raw = V.copy()
    base = V[0].copy()
    V = V - base  # v(S): effect of sub-bundle S, run by run
    if exact:
        phi = _exact_shapley(V, n)
    else:
        phi = _sampled_shapley(V, orders, position, n, runs)
    full = V[position[(1 << n) - 1]]
    solo = np.array([V[position[1 << j]] for j in range(n)])
    finite = np.isfinite(full) & np.isfinite(phi).all(axis=0) & np.isfinite(raw).all(axis=0)
    q = quality(broken=int((~finite).sum()), runs=runs, runaway=int(np.sum(radius >= 1.0)), max_broken=max_broken)
    meta = _attribution_meta(study, runs, scenarios, ideas, exact, orders, q, radius, full, finite)
    check_broken(q, what="the attribution", meta=meta)
    from gmb.scenarios.attribution import expected_shapley, interaction_parts

    expected = expected_shapley(phi, full)
    parts = interaction_parts(raw[0], np.array([raw[position[1 << j]] for j in range(n)]),
                              raw[position[(1 << n) - 1]])  # fmt: skip
    rows = _idea_rows(ideas, phi, solo, expected, sign, info, lang)
    out = _answer(study, ideas, runs, meta, rows, expected, parts, phi, full, solo, finite, sign)
    if settle:
        out["settled"] = _settled(model, {"bundle": scenarios.interventions(ideas)}, study, runs)
    return Attribution.from_dict(out)


def _coalitions(n: int, exact: bool, permutations: int, seed: int) -> tuple[list[int], list[np.ndarray] | None]:
    """The sub-bundles to run (bit masks, baseline first) and, when sampling, the random orders of the ideas."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,)))
    if exact:
        masks = list(range(1 << n))
        orders = None
    else:
        # antithetic pairs of random orders; each order's marginal contributions add up to the bundle's effect
        half = max(1, permutations // 2)
        orders = [rng.permutation(n) for _ in range(half)]
        orders += [o[::-1] for o in orders]
        wanted = {0}
        for o in orders:
            m = 0
            for i in o:
                m |= 1 << int(i)
                wanted.add(m)
        masks = sorted(wanted)
    return masks, orders


def _sampled_shapley(V: np.ndarray, orders: list[np.ndarray], position: dict[int, int], n: int,
                     runs: int) -> np.ndarray:  # fmt: skip
    """Shapley values per run as the mean marginal contribution over the sampled orders."""
    phi = np.zeros((n, runs))
    for o in orders:
        prev = 0
        m = 0
        for i in o:
            m |= 1 << int(i)
            phi[int(i)] += V[position[m]] - V[position[prev]]
            prev = m
    phi /= len(orders)
    return phi


def _attribution_meta(study, runs: int, scenarios: Scenarios, ideas: Sequence[str], exact: bool,
                      orders: list[np.ndarray] | None, q: dict[str, Any], radius: np.ndarray, full: np.ndarray,
                      finite: np.ndarray) -> dict[str, Any]:  # fmt: skip
    """The attribution's meta: how the Shapley values were computed, the run quality and the share rule."""
    n = len(ideas)
    meta = _meta(study, runs, scenarios, ideas, {
        "method_shapley": f"exact over all {1 << n} sub-bundles" if exact else
                          f"sampled: {len(orders)} random orders (antithetic pairs)",
        "common_random_numbers": True, "broken_runs": q["broken_runs"], "runs_quality": q,
        "share_rule": "share = E[the idea's Shapley value] / E[the bundle's effect] over the draws (ratio of means; "
                      "shares add up to 1); intervals are of the per-draw Shapley values",
    }, float(np.mean(radius >= 1.0)))  # fmt: skip
    # kept for older readers: draws whose bundle effect is (near) zero (shares are ratios of means now, so these
    # draws count like any other)
    scale = np.nanmax(np.abs(full[finite])) if finite.any() else 0.0
    meta["draws_without_shares"] = int((finite & (np.abs(full) <= 1e-12 * max(scale, 1e-300))).sum())
    return meta


def _idea_rows(ideas: Sequence[str], phi: np.ndarray, solo: np.ndarray, expected: dict[str, Any], sign: float,
               info: Mapping[str, Any], lang: str | None) -> list[dict[str, Any]]:  # fmt: skip
    """One row per idea (its Shapley value, share, solo effect and interaction), the largest mean first."""
    rows = []
    for j, i in enumerate(ideas):
        s = effect_summary(phi[j], sign)
        rows.append({
            "idea": i, "label": _label(info.get(i) or {}, i, lang),
            "shapley": {k: s[k] for k in ("median", "mean", "p5", "p25", "p75", "p95")},
            "expected": expected["expected"][j],
            "share": expected["shares"][j],
            "p_positive": s["p_improves"],
            "solo": effect_summary(solo[j], sign),
            "interaction": effect_summary(phi[j] - solo[j], sign),
        })  # fmt: skip
    rows.sort(key=lambda r: (-(sign * r["shapley"]["mean"]) if np.isfinite(r["shapley"]["mean"]) else np.inf,
                             r["idea"]))  # fmt: skip
    return rows


def _answer(study, ideas: Sequence[str], runs: int, meta: dict[str, Any], rows: list[dict[str, Any]],
            expected: dict[str, Any], parts: dict[str, Any], phi: np.ndarray, full: np.ndarray, solo: np.ndarray,
            finite: np.ndarray, sign: float) -> dict[str, Any]:  # fmt: skip
    """The JSON-ready attribution, with the per-draw efficiency check in the meta."""
    n = len(ideas)
    # efficiency: per draw, the Shapley values add up to the bundle's effect (relative to the draw's effect size)
    size = np.maximum(np.abs(full[finite]), np.abs(phi[:, finite]).max(axis=0) if n else 0.0)
    gap = np.abs(phi[:, finite].sum(axis=0) - full[finite])
    meta["efficiency_max_error"] = float(np.max(gap / np.maximum(size, 1e-300))) if finite.any() else 0.0
    interaction = full - solo.sum(axis=0)
    bundle_summary = effect_summary(full, sign)
    # for the report's bar chart: each idea's expected Shapley value (the bars add up to the expected bundle effect);
    # the interaction is already inside the Shapley values, so no separate bar
    amounts = {row["idea"]: row["expected"] for row in rows}
    return {
        "meta": meta,
        "unit": study.program.unit,
        "horizon": study.horizon,
        "bundle": list(ideas),
        "runs": runs,
        "seed": study.seed,
        "shares": amounts,
        "interaction": 0.0,
        "total": expected["bundle"],
        "total_rule": "the expected (mean) bundle effect; the shares (expected Shapley values) add up to it",
        "bundle_effect": bundle_summary,
        "sum_of_solo_effects": effect_summary(solo.sum(axis=0), sign),
        "interaction_effect": effect_summary(interaction, sign),
        "interaction_parts": parts,
        "ideas": rows,
        "_phi": phi,  # per-run Shapley values (dropped from JSON output)
        "_bundle": full,
    }
