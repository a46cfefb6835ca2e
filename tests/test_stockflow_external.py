"""Checks against others' data: SDXorg test-models (our result reading) and Uleman et al.'s sleep CLD.

Everything here reads ../shared/external-data by path and skips cleanly when it is absent.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import external_file

from gmb.simulate.results import Trajectories, compare, read_canonical

SDX = [
    ("samples/teacup/teacup.xmile", "samples/teacup/output.csv"),
    ("samples/teacup/teacup.mdl", "samples/teacup/output.csv"),
    ("samples/SIR/SIR.xmile", "samples/SIR/output.csv"),
    ("tests/smooth/test_smooth.mdl", "tests/smooth/output.tab"),
    ("tests/delays/test_delays.mdl", "tests/delays/output.tab"),
    ("tests/input_functions/test_inputs.mdl", "tests/input_functions/output.csv"),
]


@pytest.mark.parametrize("model, output", SDX, ids=[m.split("/")[-1] for m, _ in SDX])
def test_sdxorg_models_in_pysd_match_their_canonical_output(model, output):
    """SDXorg's rule: rows by position, blank canonical cells skipped, relative 1e-4."""
    from gmb.simulate.pysd_runner import run_pysd

    path = external_file("test-models", *model.split("/"))
    canonical = read_canonical(external_file("test-models", *output.split("/")))
    result = compare(run_pysd(path), canonical)
    assert result.ok, (result.missing, result.mismatches)
    assert len(result.columns) == len(canonical.names) + 1  # every canonical column, plus time
    assert result.compared >= 5 * len(canonical.time)


def test_canonical_reader_handles_old_mac_line_endings_and_tabs():
    sir = read_canonical(external_file("test-models", "samples", "SIR", "output.csv"))  # bare CR line ends
    assert len(sir.time) == 3201 and sir.time[1] == 0.03125 and sir["Susceptible"][0] == 1000
    smooth = read_canonical(external_file("test-models", "tests", "smooth", "output.tab"))
    assert "Smooth3I output" in smooth.names and smooth.time[-1] == 20


def test_the_comparison_rule_catches_what_it_should():
    t = np.arange(4.0)
    canonical = Trajectories(t, {"Stock A": [1.0, 2.0, np.nan, 4.0], "Zero": [0.0, 0.0, 0.0, 0.0]})
    good = Trajectories(t, {"stock_a": [1.00005, 2.0, 99.0, 4.0], "zero": [0, 1e-12, 0, 0], "extra": [0, 0, 0, 0]})
    assert compare(good, canonical).ok  # within 1e-4, the blank cell skipped, names matched like XMILE
    off = Trajectories(t, {"stock_a": [1.0, 2.0003, 3.0, 4.0], "zero": [0, 0, 0, 0]})
    assert [m[:2] for m in compare(off, canonical).mismatches] == [("Stock A", 1)]
    shifted = Trajectories(t + 1, {"stock_a": [1.0, 2.0, 3.0, 4.0], "zero": [0, 0, 0, 0]})
    assert compare(shifted, canonical).mismatches[0][0] == "time"
    missing = Trajectories(t, {"stock_a": [1.0, 2.0, 3.0, 4.0]})
    assert compare(missing, canonical).missing == ("Zero",)


# -- Uleman et al. 2024: the sleep CLD with three marked stocks ------------------------------------
def read_sleep_session():
    """A minimal reader for the tutorial's Kumu-style workbook: Elements (Label, Type) and Connections."""
    openpyxl = pytest.importorskip("openpyxl")
    from gmb.io.ids import make_id
    from gmb.session.model import Link, Session, Variable

    path = external_file("systemdynamics", "tutorials", "Sleep.xlsx")
    settings = json.loads(external_file("systemdynamics", "tutorials", "Sleep.json").read_text("utf-8"))
    book = openpyxl.load_workbook(path, read_only=True)
    kinds = {"stock": "stock", "auxiliary": "auxiliary", "constant": "exogenous"}
    ids: dict[str, str] = {}
    variables = []
    for label, kind, *_ in list(book["Elements"].iter_rows(values_only=True))[1:]:
        ids[label] = make_id(label, set(ids.values()))
        variables.append(Variable(id=ids[label], labels={"en": label}, kind=kinds[kind]))
    links = []
    for i, (src, dst, _direction, _label, sign, *_) in enumerate(
        list(book["Connections"].iter_rows(values_only=True))[1:], start=1
    ):
        links.append(Link(id=f"L{i}", cause=ids[src], effect=ids[dst], polarity=sign))
    outcome = ids[settings["variable_of_interest"]]
    marked = {
        ids[label] for label, kind, *_ in list(book["Elements"].iter_rows(values_only=True))[1:] if kind == "stock"
    }
    session = Session(title="Sleep (Uleman et al.)", variables=tuple(variables), links=tuple(links), outcome=outcome)
    return session, settings, marked


def test_sleep_cld_keeps_exactly_its_three_marked_stocks_and_runs_twelve_months():
    from gmb.cld.graph import to_graph
    from gmb.simulate.model_checks import baseline_deviation
    from gmb.simulate.reference import simulate
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow

    session, settings, marked = read_sleep_session()
    assert len(marked) == 3
    a = Assumptions(time={"unit": settings["time_unit"].lower(), "horizon": settings["t_end"], "step": settings["dt"]})
    m = to_stockflow(to_graph(session), a)
    assert {s.variable for s in m.stocks} == marked and {s.chosen for s in m.stocks} == {"marked"}
    assert len(m.effects) == 19 and m.element(m.outcome).label == "Depressive symptoms"
    traj = simulate(m)
    assert traj.time.tolist() == [float(k) for k in range(13)]  # 12 months, monthly steps
    assert baseline_deviation(traj, m) <= 1e-9
    # more treatment (Treatment -> Depressive symptoms is negative) lowers the outcome
    treated = simulate(m, {m.input_for("treatment", "level").name: 1.2})
    assert treated[m.outcome][-1] < 1.0 and np.all(np.diff(treated[m.outcome]) <= 0)
