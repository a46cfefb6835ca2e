"""The written XMILE and Vensim files in pysd: same trajectories as the native simulator (≤ 1e-9).

pysd runs take a second or two each, so this file keeps to a handful of them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest

from gmb.simulate.pysd_runner import run_pysd
from gmb.simulate.reference import simulate
from gmb.stockflow.assumptions import Assumptions
from gmb.stockflow.convert import to_stockflow
from gmb.stockflow.files import write_model
from gmb.stockflow.write_xmile import XMILE_NS

LABELS = {
    "w": "Børns mentale sundhed & trivsel",
    "p": 'Deltagelse i "fællesskaber" <aktiviteter>',
    "s": "Søvn | hvile ~ ro",
    "t": "Tryghed \\ trafik :MACRO: x",
    "e": "time",
    "q": "INTEG(q, 1) = 2",
    "r": "r" * 300,
    "k": "Kapacitet (lokal); ÆØÅ",
}
RICH = [
    ("w", "p", "+", "strong", False), ("p", "w", "+", "medium", True), ("s", "w", "+", "weak", False),
    ("w", "s", "-", "unknown", False), ("t", "p", "+", "medium", False), ("e", "t", "-", "medium", True),
    ("e", "q", "+", "strong", False), ("q", "r", "-", "weak", True), ("r", "w", "+", "medium", False),
    ("k", "w", "-", "strong", False), ("w", "k", "+", "weak", False),
]  # fmt: skip


def rich_graph():
    G = nx.DiGraph(outcome="w", title='Test "model" <1>')
    for n, label in LABELS.items():
        G.add_node(n, label=label, labels={"da": label}, kind="unknown")
    for i, (u, v, pol, strength, delay) in enumerate(RICH, start=1):
        G.add_edge(u, v, id=f"L{i}", sign={"+": 1, "-": -1}[pol], polarity=pol, strength=strength, delay=delay)
    return G


def relative_gap(native, other, names):
    """Largest |a - b| / max(|a|, |b|) over every variable and time (0/0 counts as 0)."""
    worst = 0.0
    for name in names:
        a, b = native[name], other[name]
        scale = np.maximum(np.abs(a), np.abs(b))
        gap = np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1), 0.0)
        worst = max(worst, float(gap.max()))
    return worst


def perturbed(m):
    """Non-neutral inputs and full-precision parameters, so agreement is tested off baseline."""
    values = {
        m.input_for("e", "level").name: 1.2345678901234567,
        m.input_for("w", "inflow").name: -0.0012345678901234567,
        m.input_for("k", "indicated").name: 0.9,
        m.parameter("elasticity", "L1").name: 0.61803398874989484,
        m.parameter("adjustment_time", "w").name: 4.1421356237309505,
    }
    return m.with_values(values)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    out = {}
    # pysd evaluates lookups through xarray, slowly: the bounded model gets a shorter horizon
    for shape, order, horizon in (("power", 3, 36), ("bounded", 1, 12), ("saturating", 3, 36)):
        a = Assumptions(effect_shape=shape, delay={"order": order, "time": {"low": 3, "high": 12, "nominal": 6}},
                        stocks=("w", "k", "r"), time={"horizon": horizon, "step": 0.25})  # fmt: skip
        m = perturbed(to_stockflow(rich_graph(), a))
        folder = tmp_path_factory.mktemp(shape)
        out[shape] = (m, write_model(m, a, folder))
    return out


@pytest.mark.parametrize("shape", ["power", "bounded", "saturating"])
@pytest.mark.parametrize("kind", ["xmile", "mdl"])
def test_native_and_pysd_agree_on_every_variable(folders, shape, kind):
    m, files = folders[shape]
    native = simulate(m)
    other = run_pysd(files[kind])
    names = [el.name for el in m if el.kind not in ("lookup",)]
    assert set(names) <= set(other.names)  # every element of ours, under its own name
    np.testing.assert_allclose(other.time, native.time, rtol=0, atol=1e-12)
    assert relative_gap(native, other, names) <= 1e-9
    # and the run is not trivially flat: the interventions moved things
    assert abs(native[m.outcome][-1] - 1) > 1e-3


def test_pysd_sees_exactly_our_elements_despite_hostile_labels(folders):
    m, files = folders["power"]
    other = run_pysd(files["xmile"], names=[m.outcome])
    assert other.names == (m.outcome,)
    root = ET.parse(files["xmile"]).getroot()
    ns = {"x": XMILE_NS}
    declared = {el.get("name") for el in root.findall("x:model/x:variables/*", ns)}
    assert declared == {el.name for el in m}
    docs = " ".join(d.text or "" for d in root.iter(f"{{{XMILE_NS}}}doc"))
    assert 'Deltagelse i "fællesskaber" <aktiviteter>' in docs  # original label kept, as text


def test_xmile_keeps_the_cld_with_connector_polarity(folders):
    m, files = folders["power"]
    root = ET.parse(files["xmile"]).getroot()
    ns = {"x": XMILE_NS}
    assert root.get("version") == "1.0"
    specs = root.find("x:sim_specs", ns)
    assert (specs.find("x:dt", ns).text, specs.find("x:stop", ns).text) == ("0.25", "36.0")
    view = root.find("x:model/x:views/x:view", ns)
    by_name = {el.name: el for el in m.variables}
    connectors = view.findall("x:connector", ns)
    assert len(connectors) == len(m.effects)
    got = sorted((c.find("x:from", ns).text, c.find("x:to", ns).text, c.get("polarity")) for c in connectors)
    want = sorted(
        (m.variable_element(e.cause).name, m.variable_element(e.target).name, "+" if e.sign > 0 else "-")
        for e in m.effects
    )
    assert got == want
    placed = {el.get("name") for el in view if el.tag in (f"{{{XMILE_NS}}}stock", f"{{{XMILE_NS}}}aux")}
    assert placed == set(by_name)


def test_pysd_smooth_with_an_integer_initial_value_lags_one_step(tmp_path):
    """Why our files write every number as a float literal.

    pysd keeps a SMOOTH's stages in an array of its initial value's type: with
    ``SMTH1(a, 12, 1)`` the array is integer, the first step's input 1.2 is
    truncated to 1 and the smooth starts one step late. ``1.0`` avoids it.
    """
    (tmp_path / "q.xmile").write_text(
        f'<?xml version="1.0" encoding="utf-8"?><xmile version="1.0" xmlns="{XMILE_NS}"><header><vendor>t</vendor>'
        "<product>t</product></header><sim_specs><start>0</start><stop>1</stop><dt>0.25</dt></sim_specs><model>"
        '<variables><aux name="a"><eqn>1.2</eqn></aux><aux name="int_init"><eqn>SMTH1(a, 12, 1)</eqn></aux>'
        '<aux name="float_init"><eqn>SMTH1(a, 12, 1.0)</eqn></aux></variables></model></xmile>',
        encoding="utf-8",
    )
    r = run_pysd(tmp_path / "q.xmile")
    by_hand = 1 + 0.2 * (1 - (1 - 0.25 / 12) ** np.arange(5))
    np.testing.assert_allclose(r["float_init"], by_hand, rtol=1e-14)
    assert r["int_init"][1] == 1.0 and r["float_init"][1] > 1.0  # the integer version lost the first step
    np.testing.assert_allclose(r["int_init"][2:], by_hand[1:-1], rtol=1e-14)
