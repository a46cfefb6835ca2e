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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, ClassVar

import networkx as nx
import numpy as np

from gmb.results import Result
from gmb.stockflow.model import StockFlowModel

if TYPE_CHECKING:
    from gmb.session.model import Story

__all__ = ["Loop", "StabilityReport", "check_stability", "feedback_loops", "log_linear", "spectral_radius"]

MAX_LOOPS = 5000


@dataclass(frozen=True)
class Loop:
    """A feedback loop: CLD variable ids in order, its link ids, polarity ``R``/``B`` and gain.

    ``name`` is the group's name for it: the title of a story that tells exactly this loop,
    else ``None`` (``stories`` lists the titles of stories that include it).
    """

    variables: tuple[str, ...]
    labels: tuple[str, ...]
    links: tuple[str, ...]
    polarity: str
    gain: float
    name: str | None = None
    stories: tuple[str, ...] = ()

    def __str__(self) -> str:
        path = " -> ".join((*self.labels, self.labels[0]))
        told = f"“{self.name}”: " if self.name else (f"in “{self.stories[0]}”: " if self.stories else "")
        return f"{self.polarity} {told}{path} (gain {self.gain:.3g})"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "stories": list(self.stories), "polarity": self.polarity, "gain": self.gain,
                "variables": list(self.variables), "labels": list(self.labels), "links": list(self.links)}  # fmt: skip


@dataclass(frozen=True)
class StabilityReport(Result):
    """The spectral radius at the nominal elasticities, the loops that run away, and what to ask the group.

    A typed, frozen result (:class:`gmb.results.Result`): ``to_dict()`` / ``to_json()`` give ``radius``,
    ``stable``, ``runaway`` (each loop in words), ``loops`` (each loop's fields), ``ceiling``, ``question``
    and ``text``; ``to_frame()`` has one row per runaway loop.

    Parameters
    ----------
    radius : float
        The spectral radius of the linearised loop matrix ``W`` (the model settles near baseline below 1).
    runaway : tuple of Loop
        The reinforcing loops that run away (empty when stable).
    text : str
        The finding in words, for the report.
    question : str
        What to ask the group (empty when the model is stable).
    ceiling : tuple of str
        The labels of the variables those loops would push to the saturating shape's ceiling (when it applies).

    Examples
    --------
    >>> r = StabilityReport(0.5, (), "settles")
    >>> r.stable, r.to_json(), len(r.to_frame())
    (True, '{"radius": 0.5, "stable": true, "runaway": [], "loops": [], "ceiling": [], "question": "", "text": "settles"}', 0)
    """

    _table: ClassVar[str] = "loops"

    radius: float
    runaway: tuple[Loop, ...]
    text: str
    question: str = ""
    ceiling: tuple[str, ...] = ()

    @property
    def stable(self) -> bool:
        return self.radius < 1

    def _items(self) -> Iterator[tuple[str, Any]]:
        yield from (("radius", self.radius), ("stable", self.stable), ("runaway", [str(lp) for lp in self.runaway]),
                    ("loops", [lp.to_json() for lp in self.runaway]), ("ceiling", list(self.ceiling)),
                    ("question", self.question), ("text", self.text))  # fmt: skip


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


def _rotated(cycle: list[str]) -> list[str]:
    # start every cycle at its smallest id, so the order of loops found does not depend on where the search began
    k = cycle.index(min(cycle))
    return cycle[k:] + cycle[:k]


def _story_names(stories: Iterable[Any] | None) -> tuple[dict, list[tuple[str, frozenset, frozenset]]]:
    # as gmb.cld.loops.name_loops (what `gmb loops` shows): a story names a loop when its links are exactly
    # the loop's (or, listing no links, its variables are the loop's in causal order); it includes a loop
    # when all the loop's links (or variables) are among its own
    exact: dict = {}
    told: list[tuple[str, frozenset, frozenset]] = []
    for story in stories or ():
        get = story.get if isinstance(story, dict) else lambda k, st=story: getattr(st, k, None)
        title = str(get("title") or get("id") or "")
        links, variables = frozenset(get("links") or ()), list(get("variables") or ())
        if not title:
            continue
        if links:
            exact.setdefault(links, title)
        elif len(variables) > 1:
            exact.setdefault(tuple(_rotated([str(v) for v in variables])), title)
        told.append((title, links, frozenset(variables)))
    return exact, told


def feedback_loops(model: StockFlowModel, values: Mapping[str, Any] | None = None, limit: int = MAX_LOOPS,
                   stories: Iterable[Any] | None = None) -> list[Loop]:  # fmt: skip
    """The model's feedback loops (at most ``limit``), strongest first (ties: by variable ids).

    ``stories`` (the session's, or dicts with ``title`` and ``links``) name the loops they tell:
    a story whose links are exactly a loop's gives its name; stories that include all its links
    are listed in ``Loop.stories``.
    """
    exact, told = _story_names(stories)
    labels = {el.variable: el.label or el.variable for el in model.variables}
    # Enumerate on integer nodes numbered in sorted-id order: networkx starts each component's search at
    # next(iter(a set of nodes)), which for string nodes follows PYTHONHASHSEED, so with more than ``limit``
    # loops the subset kept would change from one process to the next (as gmb.cld.loops does, for the same
    # reason). Integers in sorted order make the subset a function of the links alone, not of their order.
    ids = sorted({v for e in model.effects for v in (e.cause, e.target)})
    num = {v: i for i, v in enumerate(ids)}
    G = nx.DiGraph()
    G.add_nodes_from(range(len(ids)))
    for e in sorted(model.effects, key=lambda e: (num[e.cause], num[e.target], e.link)):
        G.add_edge(num[e.cause], num[e.target], link=e.link, w=e.sign * _value(model, e.elasticity, values))
    loops = []
    for numbered in islice(nx.simple_cycles(G), limit):
        cycle = _rotated([ids[i] for i in numbered])
        edges = [(num[u], num[v]) for u, v in zip(cycle, [*cycle[1:], cycle[0]])]
        ws = [G.edges[u, v]["w"] for u, v in edges]
        gain = float(np.prod(np.abs(ws)))
        polarity = "R" if np.prod(np.sign(ws)) > 0 else "B"
        links = tuple(G.edges[u, v]["link"] for u, v in edges)
        key = frozenset(links)
        name = exact.get(key) or exact.get(tuple(str(v) for v in cycle))
        tells = tuple(t for t, sl, sv in told if (key <= sl if sl else sv.issuperset(cycle)))
        loops.append(Loop(tuple(cycle), tuple(labels[v] for v in cycle), links, polarity, gain, name, tells))
    loops.sort(key=lambda lp: (-lp.gain, lp.variables))
    return loops


def _short(lp: Loop) -> str:
    path = " -> ".join(lp.labels)
    if lp.name:
        return f"“{lp.name}” ({path})"
    return f"{lp.polarity} {path}" + (f" (in “{lp.stories[0]}”)" if lp.stories else "")


def check_stability(model: StockFlowModel, values: Mapping[str, float] | None = None, *,
                    stories: Iterable[Story] | None = None) -> StabilityReport:  # fmt: skip
    """Spectral radius of ``W`` and, when it is 1 or more, the reinforcing loops that run away.

    The loops are named from ``stories`` where the group told them (see :func:`feedback_loops`);
    the report says what they do under the model's effect shape and asks what limits them.

    Parameters
    ----------
    model : StockFlowModel
        The model.
    values : mapping of str to float, optional
        Constants overriding the model's (e.g. one ensemble run's elasticities).
    stories : iterable of gmb.session.Story, optional
        Stories that name loops.

    Returns
    -------
    StabilityReport
        ``radius`` (the spectral radius of the linearised loop matrix ``W``), the ``runaway`` loops,
        a ``text`` for the report and a ``question`` for the group.

    Examples
    --------
    >>> from gmb.simulate.synthetic import chain_model
    >>> model = chain_model(3)  # three stocks v2 -> v1 -> v0 with a balancing link back
    >>> r = check_stability(model)
    >>> r.radius < 1, r.runaway
    (True, ())
    """
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
        idx = [pos[v] for v in sorted(part)]
        if len(idx) > 1 and spectral_radius(W[np.ix_(idx, idx)]) >= 1:
            hot |= part
    loops = feedback_loops(model, values, stories=stories)
    reinforcing = [lp for lp in loops if lp.polarity == "R" and set(lp.variables) <= hot]
    runaway = [lp for lp in reinforcing if lp.gain >= 1] or reinforcing[:3]
    alone = "" if any(lp.gain >= 1 for lp in runaway) else " together (no single loop has gain >= 1)"
    labels = {el.variable: el.label or el.variable for el in model.variables}
    on_loops = sorted({v for lp in runaway for v in lp.variables}, key=lambda v: pos[v])
    saturating = any(getattr(a, "saturation", None) for a in model.auxiliaries)
    bounded = any(e.lookup for e in model.effects)
    if saturating:
        consequence = ""
        b = next(model.element(a.saturation).value for a in model.auxiliaries if a.saturation)
        ceiling = f" (an index of {np.exp(b):.3g} or {np.exp(-b):.3g} times its baseline)"
    else:
        consequence = "grow until the bounded effects saturate" if bounded else "grow without limit"
        ceiling = ""
    listed = "; ".join(str(lp) for lp in runaway)
    text = (
        f"stability: UNSTABLE near baseline at the group's strengths (spectral radius of W {radius:.3g} >= 1): "
        f"these reinforcing loops would run away{alone}: {listed}. "
        + (
            f"Under the saturating shape they push their variables to the ceiling{ceiling} instead. "
            if saturating
            else f"They {consequence}. "
        )
        + f"With every elasticity multiplied by less than {1 / radius:.3g} it would settle."
    )
    # balancing loops through the same variables: the map may already hold what limits them
    touching = set(on_loops)
    limits = sorted(
        (lp for lp in loops if lp.polarity == "B" and touching & set(lp.variables)),
        key=lambda lp: (lp.name is None and not lp.stories, -lp.gain, lp.variables),
    )[:3]  # told first
    question = f"What limits {'; '.join(_short(lp) for lp in runaway[:5])} in reality? "
    if limits:
        question += (
            "The map has balancing loops through the same variables — "
            + "; ".join(_short(lp) for lp in limits)
            + " — are their links as strong as the group thinks? "
        )
    question += "If nothing limits them, add the limiting link, or weaken the links of these loops."
    pushed = tuple(labels[v] for v in on_loops) if saturating else ()
    return StabilityReport(radius, tuple(runaway), text, question, pushed)
