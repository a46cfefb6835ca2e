"""Modelling checks every converted model should pass (used by the tests and available to users).

* :func:`baseline_deviation`: with no intervention every index stays at 1.0.
* :func:`link_responses`: push each cause up a little, everything else at
  baseline, and see which way each link's effect — and its target — moves first.
* :func:`equilibrium_shift`: the exact long-run answer of the power formulation,
  ``log x = (I - W)^-1 u`` (the DEMATEL total relation plus ``I``), to compare
  with a long simulation.

>>> import networkx as nx
>>> from gmb.stockflow.convert import to_stockflow
>>> G = nx.DiGraph(outcome="b"); G.add_edge("a", "b", id="L1", sign=-1, strength="weak")
>>> m = to_stockflow(G)
>>> [(r.link, r.sign, r.effect_sign, r.target_sign) for r in link_responses(m)]
[('L1', -1, -1, -1)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import networkx as nx
import numpy as np

from gmb.simulate.reference import simulate
from gmb.simulate.results import Trajectories
from gmb.stockflow.model import StockFlowModel, TimeSpec
from gmb.stockflow.stability import log_linear

__all__ = ["LinkResponse", "baseline_deviation", "equilibrium_shift", "index_names", "link_responses"]


def index_names(model: StockFlowModel) -> list[str]:
    """Every element whose value is an index (1.0 at baseline): variables, indicated values, effects, smooths."""
    return [*(s.name for s in model.stocks), *model.order, *(s.name for s in model.smooths)]


def baseline_deviation(traj: Trajectories, model: StockFlowModel) -> float:
    """Largest ``|x - 1|`` of any index element over the run (0 means perfectly at rest)."""
    return max(float(np.max(np.abs(traj[n] - 1.0))) for n in index_names(model) if n in traj)


@dataclass(frozen=True)
class LinkResponse:
    """How link ``cause -> target`` responded when only ``cause`` was pushed up.

    ``effect_sign``: first move of the link's effect; ``target_sign``: first move
    of the target variable; ``isolated``: the link is the only path from cause to
    target in the model, so the target's first move is this link's doing alone.
    """

    link: str
    cause: str
    target: str
    sign: int
    effect_sign: int
    target_sign: int
    isolated: bool


def _first_sign(series: np.ndarray, tol: float) -> int:
    moved = np.flatnonzero(np.abs(series - 1.0) > tol)
    return 0 if moved.size == 0 else int(np.sign(series[moved[0]] - 1.0))


def link_responses(
    model: StockFlowModel, push: float = 0.01, steps: int = 12, tol: float = 1e-12
) -> list[LinkResponse]:
    """Push each cause up by ``push`` (its level, or a stock's indicated value) in its own run.

    All runs go in one vectorised call (one run per variable); ``steps`` Euler
    steps are enough for a third-order delay to pass its first signal on.
    """
    variables = [el.variable for el in model.variables]
    run = {v: r for r, v in enumerate(variables)}
    values = {}
    for v in variables:
        channel = "indicated" if model.variable_element(v).kind == "stock" else "level"
        inp = model.input_for(v, channel)
        arr = np.ones(len(variables))
        arr[run[v]] = 1.0 + push
        values[inp.name] = arr
    t = model.time
    short = replace(model, time=TimeSpec(start=t.start, stop=t.start + steps * t.dt, dt=t.dt, unit=t.unit))
    traj = simulate(short, values)
    G = nx.DiGraph()
    G.add_nodes_from(variables)
    G.add_edges_from((e.cause, e.target) for e in model.effects)
    out = []
    for e in model.effects:
        r = run[e.cause]
        target = model.variable_element(e.target).name
        H = G.copy()
        H.remove_edge(e.cause, e.target)
        out.append(
            LinkResponse(
                e.link, e.cause, e.target, e.sign,
                _first_sign(traj[e.name][:, r], tol), _first_sign(traj[target][:, r], tol),
                not nx.has_path(H, e.cause, e.target),
            )
        )  # fmt: skip
    return out


def equilibrium_shift(model: StockFlowModel, inputs: Mapping[str, float]) -> dict[str, float]:
    """Long-run value of every variable under permanent multiplicative inputs, exactly (power shape).

    ``inputs`` maps level/indicated input names to multipliers. In log space the
    model's rest point solves ``y = W y + u``, so ``y = (I - W)^-1 u``.
    """
    ids, W = log_linear(model)
    u = np.zeros(len(ids))
    pos = {v: i for i, v in enumerate(ids)}
    for name, value in inputs.items():
        inp = model.element(name)
        if inp.kind != "input" or inp.channel == "inflow":
            raise ValueError(f"{name} is not a level or indicated input")
        u[pos[inp.variable]] += np.log(value)
    y = np.linalg.solve(np.eye(len(ids)) - W, u)
    return {model.variable_element(v).name: float(np.exp(y[pos[v]])) for v in ids}
