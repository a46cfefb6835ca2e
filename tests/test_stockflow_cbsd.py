"""Structure check against a published CLD translation: the CBSD lab's Regional CLD Stella model.

Their file (``CHLFS-Regional-CLD-Analysis/Regional CLD 5.stmx``, read here by path, never copied)
turns every CLD variable into a module with one stock and a normalised output ``Δ = stock / initial``.
Incoming links multiply the stock's goal (goal-gap modules) or its growth rate / lifespan
(development/decline modules) by the upstream ``Δ``, a negative link by ``1/Δ``; interventions are a
multiplier ``IP`` on the goal and an additive ``U`` on the flow. We read their structure, convert the
same CLD with our formulation (every link elasticity 1), and check that per variable:

* there is one stock per variable in both;
* our indicated value equals their goal / initial (or growth rate × lifespan, normalised) for any
  upstream values — ``x^-e`` is their ``1/Δ``, and effects multiply;
* the flow is the same goal gap with an additive input, and the goal takes a multiplicative input.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import networkx as nx
import numpy as np
import pytest
from conftest import external_file

NS = {"x": "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"}
TOKEN = re.compile(r'\(\s*1\s*/\s*("[^"]+"|[\w.\-]+)\s*\)|([*/])|("[^"]+"|[\w.\-]+)')


def norm(name: str) -> str:
    name = name.replace("\\n", " ").replace('"', "")
    return re.sub(r"[\s_]+", "_", name.strip()).lower()


def split_ref(ref: str) -> tuple[str, str]:
    """``Module.var`` / ``"Quoted, module".var`` / ``.top_level_var`` → (module, var)."""
    if ref.startswith('"'):
        end = ref.index('"', 1)
        return norm(ref[: end + 1]), norm(ref[end + 2 :])
    module, _, var = ref.partition(".")
    return norm(module), norm(var)


def product_factors(eqn: str) -> list[tuple[str, int]]:
    """The factors of a product like ``a * (1/b) * c / d`` with exponents +1 / -1."""
    out, op = [], "*"
    for recip, oper, name in TOKEN.findall(eqn):
        if oper:
            op = oper
            continue
        out.append((norm(recip), -1) if recip else (norm(name), 1 if op == "*" else -1))
        op = "*"
    return out


def read_cbsd(path):
    root = ET.parse(path).getroot()
    models = root.findall("x:model", NS)
    sources = {}
    for c in models[0].iter(f"{{{NS['x']}}}connect"):
        sources[split_ref(c.get("to"))] = split_ref(c.get("from"))[0] or split_ref(c.get("from"))[1]
    modules = {}
    for m in models[1:]:
        name = norm(m.get("name"))
        eqns, kinds = {}, {}
        for v in m.find("x:variables", NS):
            eq = v.find("x:eqn", NS)
            eqns[norm(v.get("name"))] = "" if eq is None or eq.text is None else eq.text
            kinds[norm(v.get("name"))] = v.tag.split("}")[1]
        active = {}  # "<upstream>_active" aux -> the module input it passes on (X_1 …)
        for n, eq in eqns.items():
            found = re.search(r"ELSE\s+(\S+)\s*$", eq)
            if "active" in n and found:
                active[n] = norm(found.group(1))
        goal = [n for n in eqns if n.endswith("_goal")]
        if goal:
            kind, products = "goal", [eqns[goal[0]]]
        else:
            kind = "growth"
            products = [
                eq for n, eq in eqns.items() if n.endswith(("net_fractional_growth_rate", "decline_time_constant"))
            ]
        factors = [(sources[(name, active[tok])], sign) for eq in products for tok, sign in product_factors(eq)
                   if tok in active and (name, active[tok]) in sources]  # fmt: skip
        flows = [eqns[n] for n, k in kinds.items() if k == "flow"]
        modules[name] = {"stocks": [n for n, k in kinds.items() if k == "stock"], "kind": kind,
                         "factors": factors, "products": products, "flows": flows}  # fmt: skip
    return modules


@pytest.fixture(scope="module")
def cbsd():
    return read_cbsd(external_file("CHLFS-Regional-CLD-Analysis", "Regional CLD 5.stmx"))


@pytest.fixture(scope="module")
def ours(cbsd):
    """Their CLD (links and signs as their modules use them) converted by us, every elasticity 1."""
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow

    G = nx.DiGraph(outcome="health_outcomes")
    exps: dict[tuple[str, str], int] = {}
    for module, info in cbsd.items():
        G.add_node(module, label=module)
        for src, sign in info["factors"]:
            exps[(src, module)] = exps.get((src, module), 0) + sign
    for i, ((src, dst), exp) in enumerate(sorted(exps.items()), start=1):
        assert exp in (1, -1), (src, dst, exp)  # each upstream variable enters a module once
        G.add_node(src, label=src)
        G.add_edge(src, dst, id=f"L{i}", sign=exp, strength="unknown", delay=False)
    stocks = tuple(m for m, info in cbsd.items() if info["stocks"])
    a = Assumptions(
        stocks=stocks,
        elasticities={f"L{i}": 1.0 for i in range(1, len(exps) + 1)},
        stability="report",
        effect_shape="power",
    )  # their model is unscaled and unbounded
    return to_stockflow(G, a)


def test_one_stock_per_variable_in_both(cbsd, ours):
    with_stock = {m for m, info in cbsd.items() if info["stocks"]}
    assert len(with_stock) >= 20
    assert all(len(cbsd[m]["stocks"]) == 1 for m in with_stock)
    assert sorted(s.variable for s in ours.stocks) == sorted(with_stock)
    assert all(len([s for s in ours.stocks if s.variable == m]) == 1 for m in with_stock)


def test_their_goal_is_our_indicated_value(cbsd, ours):
    """Multiplicative effects, ``1/Δ`` for negative links ⇔ ``x^-e``: equal at random upstream values."""
    from gmb.simulate.reference import simulate

    rng = np.random.default_rng(7)
    stocks = tuple(replace(s, initial=float(rng.uniform(0.5, 2.0))) for s in ours.stocks)
    levels = {i.name: float(rng.uniform(0.5, 2.0)) for i in ours.inputs if i.channel == "level"}
    from gmb.stockflow.model import TimeSpec

    # one step is enough (t = 0); with every elasticity 1 this CLD runs away later, as the stability check says
    at_t0 = replace(ours, stocks=stocks, time=TimeSpec(stop=ours.time.dt, dt=ours.time.dt))
    traj = simulate(at_t0, levels)
    value = {el.variable: traj[el.name][0] for el in ours.variables}
    checked = 0
    for module, info in cbsd.items():
        if not info["stocks"] or not info["factors"]:
            continue
        theirs = np.prod([value[src] ** sign for src, sign in info["factors"]])
        indicated = next(a for a in ours.auxiliaries if a.role == "indicated" and a.variable == module)
        assert traj[indicated.name][0] == pytest.approx(theirs, rel=1e-12), module
        assert abs(np.log(theirs)) > 1e-3  # the check is not at baseline
        checked += 1
    negative = sum(sign < 0 for info in cbsd.values() for _, sign in info["factors"])
    assert checked >= 20 and negative >= 8
    assert sum(e.sign < 0 for e in ours.effects) == negative


def test_goal_gap_flow_and_intervention_points_match(cbsd, ours):
    from gmb.stockflow.equations import equation

    goal_gap = [m for m, info in cbsd.items() if info["kind"] == "goal" and info["stocks"]]
    assert len(goal_gap) >= 8
    for module in goal_gap:
        info = cbsd[module]
        # theirs: rate * (Goal - Stock) + U, and the goal is multiplied by an intervention IP
        assert any(
            re.fullmatch(r"\s*\w+\s*\*\s*\(\s*\w+_Goal\s*-\s*\w+\s*\)\s*\+\s*U\s*", f, re.IGNORECASE)
            for f in info["flows"]
        )
        assert any(tok.startswith("ip") for tok, _ in product_factors(info["products"][0]))
        # ours: (indicated - stock) / tau + inflow input, indicated = indicated input * effects
        stock = next(s for s in ours.stocks if s.variable == module)
        flow = ours.element(stock.flow)
        assert re.fullmatch(r"\(\w+ - \w+\) / \w+ \+ \w+", equation(flow, "xmile"))
        assert ours.element(flow.input).channel == "inflow"
        assert ours.element(ours.element(flow.indicated).input).channel == "indicated"
