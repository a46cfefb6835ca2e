"""One dose per idea: the split rule, sampling with common random numbers, migration from /1, the
dose check after the channel is resolved, flags for targets the map does not connect, and gmb scenarios set."""

import hashlib
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from gmb.errors import GmbError, ValidationError
from gmb.examples import example_dir
from gmb.scenarios.doses import Factor, IdeaPlan, Target, target_flags
from gmb.scenarios.settings import Scenarios, load_scenarios, parse_scenarios
from gmb.simulate.ensemble import Study, run_parameters
from gmb.simulate.interventions import Intervention, with_interventions
from gmb.simulate.sampling import draw
from gmb.simulate.synthetic import chain_model

#: the first release's Havndal scenarios.json (schema /1: a dose per tagged target)
V1 = Path(__file__).parent / "data" / "havndal_scenarios_v1.json"


def _multipliers(model, ivs, P=None):
    """The factor each term multiplies its input by at full effect (g = 1), as the engine sees it."""
    study = Study.build(model, {"s": ivs}, seed=0, horizon=12.0)
    p = study.program
    P = p.derive_doses(p.nominal(1) if P is None else P)
    return 1.0 + p.term_sign * P[p.term_param][:, 0], p


@pytest.mark.parametrize("d", [0.05, 0.2, 0.9])
def test_an_ideas_total_push_does_not_grow_with_its_number_of_targets(d):
    m = chain_model(5)
    pushes = []
    for n in (1, 2, 3, 4):
        plan = IdeaPlan(dose=d, targets=tuple(Target(variable=f"v{i}") for i in range(1, n + 1)))
        mult, _ = _multipliers(m, plan.interventions_for("i"))
        u = np.log(mult)
        assert np.allclose(u, math.log1p(d / n), rtol=1e-13)  # equal shares: each target gets ln(1 + d/n)
        pushes.append(u.sum())
    assert pushes[0] == pytest.approx(math.log1p(d), rel=1e-13)  # one target: exactly ln(1 + d)
    # whatever the number of targets: ln(1 + d) <= Σ u <= d (concavity of ln(1 + x); ln(1 + x) <= x)
    assert all(math.log1p(d) - 1e-15 <= p <= d + 1e-15 for p in pushes)
    assert all(abs(p - d) <= d * d / 2 + 1e-15 for p in pushes)  # so Σ u = d to first order (Σ w = 1)
    # the old rule (a dose per tag) pushed n·ln(1 + d): with 4 tags, more than 2.5 times as hard
    assert 4 * math.log1p(d) > 2.5 * pushes[3]


def test_weights_split_the_dose_and_a_fall_mirrors_a_rise():
    m = chain_model(4)
    plan = IdeaPlan(dose=0.6, targets=(Target(variable="v1", weight=2), Target(variable="v2", direction="-"),
                                       Target(variable="v3", weight=0)))  # fmt: skip
    ivs = plan.interventions_for("i")
    assert [iv.variable for iv in ivs] == ["v1", "v2"]  # weight 0: left out (but still listed in the plan)
    mult, _ = _multipliers(m, ivs)
    assert mult[0] == pytest.approx(1 + 0.6 * 2 / 3, rel=1e-14)
    assert mult[1] == pytest.approx(1 / (1 + 0.6 / 3), rel=1e-14)  # '-': 1/(1 + d·w), > 0 for every d
    assert np.log(mult[1]) == pytest.approx(-math.log1p(0.2), rel=1e-14)
    huge = IdeaPlan(dose=50.0, targets=(Target(variable="v1", direction="-"),)).interventions_for("i")
    assert _multipliers(m, huge)[0][0] == pytest.approx(1 / 51)
    # the inflow channel adds d·w index units per time unit; '-' subtracts the same amount
    flow = IdeaPlan(dose=0.3, targets=(Target(variable="v1", direction="-", channel="inflow"),))
    assert flow.interventions_for("i")[0].dose == pytest.approx(0.3)


def test_factor_draws_are_shared_by_targets_and_the_same_alone_and_in_a_bundle():
    m = chain_model(5)
    sc = Scenarios(ideas={
        "a": IdeaPlan(reach=Factor.parse("0.2:0.5:0.8"), intensity=Factor.parse("0.1:0.3:0.5"),
                      persistence=Factor.parse("0.5:0.7:0.9"), targets=(Target(variable="v1"), Target(variable="v2"))),
        "b": IdeaPlan(dose=0.2, low=0.1, high=0.3, targets=(Target(variable="v3"),)),
    })  # fmt: skip
    alone = Study.build(m, {"a": sc.interventions(["a"])}, seed=4, horizon=12.0)
    both = Study.build(m, {"b": sc.interventions(["b"]), "ab": sc.interventions(["a", "b"])}, seed=4, horizon=12.0)
    Pa = draw(alone.program, seed=4, runs=300)
    Pb = draw(both.program, seed=4, runs=300)
    pa, pb = alone.program, both.program
    for f in ("reach", "intensity", "persistence"):
        row = Pa[pa.param(f"dose[a:{f}]")]
        assert np.array_equal(row, Pb[pb.param(f"dose[a:{f}]")])  # common random numbers across studies
        lo, _, hi = getattr(sc.ideas["a"], f).range
        assert row.min() >= lo and row.max() <= hi and row.std() > 0
    d = np.prod([Pa[pa.param(f"dose[a:{f}]")] for f in ("reach", "intensity", "persistence")], axis=0)
    for k in pa.term_keys:  # both targets: half of the same draw of d
        assert np.allclose(Pa[pa.param(f"dose[{k}]")], d / 2, rtol=1e-14)
    # an explicit parameter matrix (e.g. Sobol's) gets its share rows from the factor rows too
    P = Pa[:, :5].copy()
    garbage = P.copy()
    garbage[pa.term_param] = 0.0
    out = run_parameters(alone, P)
    assert np.array_equal(out, run_parameters(alone, garbage)) and not np.allclose(out[1], out[0])


def test_the_reference_replays_the_ensembles_dose_draws():
    from gmb.simulate.reference import simulate

    m = chain_model(4)
    plan = IdeaPlan(reach=Factor.parse("0.3:0.6:0.9"), intensity=Factor.parse("0.2"),
                    targets=(Target(variable="v1"), Target(variable="v2", direction="-")))  # fmt: skip
    ivs = plan.interventions_for("i")
    study = Study.build(m, {"i": ivs}, seed=2, horizon=24.0)
    p = study.program
    P = draw(p, seed=2, runs=20)
    engine = run_parameters(study, P)[1, 0, -1]
    shaped = with_interventions(m, ivs, [P[p.param(f"dose[{k}]")] for k in p.term_keys])
    ref = simulate(shaped, {n: P[i] for i, n in enumerate(p.param_names) if p.param_kind[i] != "dose"})
    assert np.allclose(ref[m.outcome][ref.at([24.0])][0], engine, rtol=1e-11)


def test_a_dose_is_checked_after_the_channel_is_resolved():
    m = chain_model(3)  # v1 is a stock: 'auto' resolves to its indicated value, a multiplier
    iv = Intervention(variable="v1", direction="-", dose=0.6, high=1.3, idea="screen")  # passes on its own
    for build in (lambda: with_interventions(m, [iv]), lambda: Study.build(m, {"s": [iv]}, seed=0, horizon=6.0)):
        with pytest.raises(ValidationError) as err:
            build()
        text = str(err.value)
        assert "ideas.screen.targets.v1.high" in text and "below 1" in text and "gmb scenarios set" in text
    # a scenarios file with such an explicit per-target dose: refused when the plans meet the model
    from gmb.commands.doses import check_plans

    sc = Scenarios(ideas={"screen": IdeaPlan(targets=(Target(variable="v1", direction="-", dose=0.6, high=1.3),))})
    with pytest.raises(ValidationError, match=r"ideas\.screen\.targets\.v1\.high"):
        check_plans(sc, m)
    # the idea-dose rule cannot make a multiplier <= 0, whatever the dose
    ok = Scenarios(ideas={"screen": IdeaPlan(dose=0.6, high=5.0, targets=(Target(variable="v1", direction="-"),))})
    check_plans(ok, m)


def test_migration_from_v1_keeps_every_idea_and_target_and_says_so():
    data = json.loads(V1.read_text(encoding="utf-8"))
    assert data["schema"] == "gmb-scenarios/1"
    sc = parse_scenarios(data)
    before = {i: [(iv["variable"], iv["direction"]) for iv in p["interventions"]] for i, p in data["ideas"].items()}
    after = {i: [(t.variable, t.direction) for t in p.targets] for i, p in sc.ideas.items()}
    assert after == before
    assert "all 7 ideas and 16 targets kept" in sc.migration and "faellesspisning" in sc.migration
    assert all(p.dose_range == (0.1, 0.2, 0.3) for p in sc.ideas.values())  # untouched defaults: one idea dose
    # an edited /1 dose is kept as written, as an explicit per-target dose
    data["ideas"]["bike_paths"]["interventions"][1].update(dose=0.5, low=0.4, high=0.6)
    edited = parse_scenarios(data)
    t = edited.ideas["bike_paths"].targets
    assert (t[0].dose, t[1].dose, t[1].low) == (0.2, 0.5, 0.4) and "bike_paths" in edited.migration
    assert "kept as written" in edited.ideas["bike_paths"].note
    assert parse_scenarios(json.loads(edited.to_json())) == edited  # /2 round trip


def test_a_hand_written_plan_without_a_dose_gets_the_defaults():
    sc = parse_scenarios({"defaults": {"dose": 0.3, "low": 0.2, "high": 0.4},
                          "ideas": {"x": {"targets": [{"variable": "a"}, {"variable": "b", "weight": 3}]}}})  # fmt: skip
    plan = sc.ideas["x"]
    assert plan.dose_range == (0.2, 0.3, 0.4) and [plan.share_of(t) for t in plan.targets] == [0.25, 0.75]


def test_unknown_schema_and_inconsistent_dose_are_refused():
    with pytest.raises(ValidationError, match="schema"):
        parse_scenarios({"schema": "gmb-scenarios/9"})
    bad = {"ideas": {"x": {"dose": 0.5, "reach": {"nominal": 0.5}, "intensity": {"nominal": 0.2},
                           "targets": [{"variable": "a"}]}}}  # fmt: skip
    with pytest.raises(GmbError, match=r"ideas\.x\.dose: dose 0.5 is not reach × intensity × persistence = 0.1"):
        parse_scenarios(bad)


def _havndal_graph():
    from gmb.cld.graph import to_graph
    from gmb.session.store import Store

    return to_graph(Store(Path(example_dir("havndal")).parent).load("havndal"))


def test_targets_the_map_does_not_connect_to_the_outcome_are_flagged_on_havndal():
    G = _havndal_graph()
    sc = load_scenarios(Path(example_dir("havndal")) / "scenarios.json")
    flags = target_flags(sc.ideas, G)
    assert not any(f["no_path_to_outcome"] for idea in flags.values() for f in idea.values())  # as drawn: all linked
    assert flags["bike_paths"]["safety"]["links_to_outcome"] == 1
    assert "FLAG" in sc.ideas["bike_paths"].targets[1].note  # the tag the map does not derive from bike paths
    cut = G.copy()
    cut.remove_edges_from(list(cut.out_edges("safety")))  # safety no longer leads anywhere
    flags = target_flags(sc.ideas, cut)
    assert flags["bike_paths"]["safety"] == {"no_path_to_outcome": True, "links_to_outcome": None}
    assert not flags["bike_paths"]["safe_bike_paths"]["no_path_to_outcome"]
    from gmb.commands.doses import unlinked_warnings

    (text,) = unlinked_warnings(sc, cut, "havndal")
    assert "bike_paths" in text and "safety" in text and "50%" in text and "--drop-unlinked" in text


def test_havndal_copies_are_identical_and_illustrative():
    a = Path(example_dir("havndal")) / "scenarios.json"
    b = Path(__file__).resolve().parents[1] / "sessions" / "havndal" / "scenarios.json"
    assert a.read_bytes() == b.read_bytes()
    sc = load_scenarios(a)
    assert "ILLUSTRATIVE" in sc.note and all(p.factors and p.dose_range[0] < p.dose_range[2] for p in sc.ideas.values())


# -- gmb scenarios set -------------------------------------------------------------------------------
@pytest.fixture
def in_store(tmp_path):
    shutil.copytree(example_dir("havndal"), tmp_path / "sessions" / "havndal")
    return tmp_path / "sessions" / "havndal"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_scenarios_set_edits_round_trips_and_records_the_answers_in_the_session(cli, in_store):
    code, out, err = cli(
        "scenarios",
        "set",
        "havndal",
        "lan_party",
        "--reach",
        "0.1:0.2:0.3",
        "--intensity",
        "0.25",
        "--lag",
        "4",
        "--ramp-up",
        "2",
        "--weight",
        "community_participation=3",
        "--json",
    )
    assert code == 0, err
    shown = json.loads(out)["summary"]["lan_party"]
    assert shown["dose"] == pytest.approx(0.2 * 0.25 * 0.4)  # persistence kept from the file (0.2:0.4:0.6)
    assert [t["share"] for t in shown["targets"]] == [0.25, 0.75] and shown["lag"] == 4.0
    plan = load_scenarios(in_store / "scenarios.json").ideas["lan_party"]
    assert plan.reach.range == (0.1, 0.2, 0.3) and plan.ramp_up == 2.0 and plan.source.startswith("the working")
    last = json.loads((in_store / "events.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert last["by"] == "gmb scenarios set" and last["data"]["changes"]["dose"]["lag"] == 4.0
    # a dose given directly replaces the factors (range ±50 % unless given)
    code, out, err = cli("scenarios", "set", "havndal", "lan_party", "--dose", "0.3", "--json")
    assert code == 0, err
    plan = load_scenarios(in_store / "scenarios.json").ideas["lan_party"]
    assert plan.dose_range == pytest.approx((0.15, 0.3, 0.45)) and not plan.factors
    n_events = len((in_store / "events.jsonl").read_text(encoding="utf-8").splitlines())
    assert cli("scenarios", "set", "havndal", "playgrounds", "--dose", "0.1")[0] == 0  # no answers: file only
    assert len((in_store / "events.jsonl").read_text(encoding="utf-8").splitlines()) == n_events
    code, out, err = cli("scenarios", "havndal")  # the table (and the old spelling still works)
    assert code == 0 and "lan_party" in out and "0.3 [0.15–0.45]" in out


@pytest.mark.parametrize("args, words", [
    (("--weight", "nope=1"), "--weight: the idea has no target 'nope'"),
    (("--weight", "safety=abc"), "--weight: expected TARGET=WEIGHT"),
    (("--reach", "0.9:0.5:0.7"), "--reach: need low <= nominal <= high"),
    (("--reach", "0.5", "--dose", "0.2"), "either --dose or"),
    (("--dose", "0.2", "--low", "0.3"), "need low <= dose <= high"),
    (("--target", "ghost"), "--target: the model has no variable 'ghost'"),
    (("--lag", "-3"), "--lag: must be a number >= 0"),
    ((), "nothing to change"),
])  # fmt: skip
def test_scenarios_set_rejects_bad_input_in_one_line_and_writes_nothing(cli, in_store, args, words):
    before = _digest(in_store)
    code, _out, err = cli("scenarios", "set", "havndal", "bike_paths", *args)
    assert code == 2 and words in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _digest(in_store) == before


def test_scenarios_set_unknown_idea_and_an_impossible_explicit_dose(cli, in_store):
    code, _out, err = cli("scenarios", "set", "havndal", "nope", "--dose", "0.1")
    assert code == 2 and "unknown idea 'nope'" in err
    data = json.loads((in_store / "scenarios.json").read_text(encoding="utf-8"))
    data["ideas"]["lan_party"]["targets"][0].update(direction="-", dose=0.6, high=1.3)
    (in_store / "scenarios.json").write_text(json.dumps(data), encoding="utf-8")
    for args in (("scenarios", "havndal"), ("rank", "havndal", "--runs", "10")):
        code, _out, err = cli(*args)
        assert code == 2 and "ideas.lan_party.targets.local_activities.high" in err and "below 1" in err


def test_an_unlinked_target_is_warned_flagged_in_json_and_can_be_dropped(cli, in_store):
    from gmb.session.store import Store

    store = Store(in_store.parent)
    store.commit("havndal", "add", {"kind": "variable", "item": {"id": "ghost_var", "labels": {"en": "Ghost"}}})
    store.commit("havndal", "add", {"kind": "link", "item": {"id": "Lghost", "cause": "safety", "effect": "ghost_var",
                                                             "polarity": "+"}})  # fmt: skip
    idea = next(i for i in store.load("havndal").ideas if i.id == "bike_paths")
    tags = [t.model_dump() for t in idea.targets] + [{"variable": "ghost_var", "direction": "+"}]
    store.commit("havndal", "update", {"kind": "idea", "id": "bike_paths", "changes": {"targets": tags}})
    code, out, err = cli("scenarios", "havndal")  # tagged in the idea bank, not (yet) in the plan: said so
    assert "the idea bank tags ghost_var, which its plan in scenarios.json does not list" in " ".join(err.split())
    code, out, err = cli(
        "scenarios",
        "set",
        "havndal",
        "bike_paths",
        "--target",
        "safe_bike_paths",
        "--target",
        "safety",
        "--target",
        "ghost_var",
    )
    assert code == 0, err
    assert "does not list" not in err
    assert "warning: idea bike_paths: target ghost_var has no path to the outcome" in " ".join(err.split())
    code, out, err = cli("scenarios", "havndal", "--json")
    data = json.loads(out)
    assert data["flags"]["bike_paths"]["ghost_var"]["no_path_to_outcome"] is True
    assert any("ghost_var" in w for w in data["warnings"])
    code, out, err = cli("rank", "havndal", "--runs", "20", "--json")
    assert json.loads(out)["meta"]["unlinked_targets"] == {"bike_paths": ["ghost_var"]}
    code, out, err = cli("scenarios", "set", "havndal", "bike_paths", "--drop-unlinked", "--json")
    shares = {t["variable"]: t["share"] for t in json.loads(out)["summary"]["bike_paths"]["targets"]}
    assert shares == {"safe_bike_paths": 0.5, "safety": 0.5, "ghost_var": 0.0}


def test_a_v1_file_is_migrated_on_use_with_a_backup(cli, in_store):
    shutil.copy(V1, in_store / "scenarios.json")
    code, out, err = cli("scenarios", "havndal", "--json")
    assert code == 0, err
    assert "migrated to gmb-scenarios/2" in " ".join(err.split())
    assert json.loads((in_store / "scenarios.v1.json").read_text(encoding="utf-8"))["schema"] == "gmb-scenarios/1"
    assert json.loads((in_store / "scenarios.json").read_text(encoding="utf-8"))["schema"] == "gmb-scenarios/2"
    assert "16 targets kept" in json.loads(out)["migration"]
