"""Will the model settle? The log-linear check from the conversion notes.

With ``y = log x`` the indicated values are ``y* = W y + u`` where ``W[i, j] = s·e``
for a link ``j -> i``. Near baseline the model settles when the spectral radius
of ``W`` is below 1; when it is not, some reinforcing loops grow without limit.
We report the radius and name the loops (loop gain = product of the ``s·e``).

>>> import numpy as np
>>> round(spectral_radius(np.array([[0.0, 0.5], [0.8, 0.0]])), 6)
0.632456
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any, Mapping

import networkx as nx
import numpy as np

from gmb.stockflow.model import StockFlowModel

__all__ = ["Loop", "StabilityReport", "log_linear", "spectral_radius", "feedback_loops", "check_stability"]

MAX_LOOPS = 5000


@dataclass(frozen=True)
class Loop:
    """A feedback loop: CLD variable ids in order, its link ids, polarity ``R``/``B`` and gain."""

    variables: tuple[str, ...]
    labels: tuple[str, ...]
    links: tuple[str, ...]
    polarity: str
    gain: float

    def __str__(self) -> str:
        path = " -> ".join((*self.labels, self.labels[0]))
        return f"{self.polarity} {path} (gain {self.gain:.3g})"


@dataclass(frozen=True)
class StabilityReport:
    radius: float
    runaway: tuple[Loop, ...]
    text: str

    @property
    def stable(self) -> bool:
        return self.radius < 1


def _value(model: StockFlowModel, name: str, values: Mapping[str, Any] | None) -> float:
    if values and name in values:
        return float(values[name])
    return float(model.element(name).value)


def log_linear(model: StockFlowModel, values: Mapping[str, Any] | None = None) -> tuple[list[str], np.ndarray]:
    """CLD variable ids (``model.variables`` order) and ``W`` with ``W[i, j] = s·e`` for link ``j -> i``."""
    ids = [el.variable for el in model.variables]
    pos = {v: i for i, v in enumerate(ids)}
    W = np.zeros((len(ids), len(ids)))
    for e in model.effects:
        W[pos[e.target], pos[e.cause]] += e.sign * _value(model, e.elasticity, values)
    return ids, W


def spectral_radius(W: np.ndarray) -> float:
    """Largest absolute eigenvalue of ``W`` (0 for an empty matrix)."""
    if W.size == 0:
        return 0.0
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def feedback_loops(model: StockFlowModel, values: Mapping[str, Any] | None = None, limit: int = MAX_LOOPS) -> list[Loop]:
    """The model's feedback loops (at most ``limit``), strongest first."""
    labels = {el.variable: el.label or el.variable for el in model.variables}
    G = nx.DiGraph()
    for e in model.effects:
        G.add_edge(e.cause, e.target, link=e.link, w=e.sign * _value(model, e.elasticity, values))
    loops = []
    for cycle in islice(nx.simple_cycles(G), limit):
        edges = list(zip(cycle, [*cycle[1:], cycle[0]]))
        ws = [G.edges[u, v]["w"] for u, v in edges]
        gain = float(np.prod(np.abs(ws)))
        polarity = "R" if np.prod(np.sign(ws)) > 0 else "B"
        loops.append(
            Loop(tuple(cycle), tuple(labels[v] for v in cycle), tuple(G.edges[u, v]["link"] for u, v in edges),
                 polarity, gain)
        )  # fmt: skip
    loops.sort(key=lambda lp: (-lp.gain, lp.variables))
    return loops


def check_stability(model: StockFlowModel, values: Mapping[str, Any] | None = None) -> StabilityReport:
    """Spectral radius of ``W`` and, when it is 1 or more, the reinforcing loops that run away."""
    ids, W = log_linear(model, values)
    radius = spectral_radius(W)
    if radius < 1:
        text = f"stability: stable near baseline (spectral radius of W {radius:.3g} < 1)"
        return StabilityReport(radius, (), text)
    pos = {v: i for i, v in enumerate(ids)}
    G = nx.DiGraph([(e.cause, e.target) for e in model.effects])
    # the parts of the map (strongly connected) whose own radius is >= 1 are where it runs away
    hot = set()
    for part in nx.strongly_connected_components(G):
        idx = [pos[v] for v in part]
        if len(idx) > 1 and spectral_radius(W[np.ix_(idx, idx)]) >= 1:
            hot |= part
    reinforcing = [lp for lp in feedback_loops(model, values) if lp.polarity == "R" and set(lp.variables) <= hot]
    runaway = [lp for lp in reinforcing if lp.gain >= 1] or reinforcing[:3]
    alone = "" if any(lp.gain >= 1 for lp in runaway) else " together (no single loop has gain >= 1)"
    bounded = any(e.lookup for e in model.effects)
    consequence = "grow until the bounded effects saturate" if bounded else "grow without limit"
    text = (
        f"stability: UNSTABLE near baseline (spectral radius of W {radius:.3g} >= 1): with these strengths "
        f"these reinforcing loops {consequence}{alone}: " + "; ".join(str(lp) for lp in runaway)
        + f". With every elasticity multiplied by less than {1 / radius:.3g} it would be stable."
    )
    return StabilityReport(radius, tuple(runaway), text)
