"""Each format's own rules: what the readers take from a file, and how they say what they skip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmb.errors import FormatError, GmbWarning, InputError, ValidationError
from gmb.io.csv_pair import read_csv_pair, write_csv_pair
from gmb.io.equations import EquationError, Refs, vensim_refs, vensim_tokens, xmile_name, xmile_refs
from gmb.io.graphml import read_graphml
from gmb.io.kumu import read_kumu_json, read_kumu_xlsx, write_kumu_xlsx
from gmb.io.limits import import_options
from gmb.io.registry import guess_format, read_any, write_any, writer_format
from gmb.io.vensim import read_mdl, write_mdl
from gmb.io.xmile import read_xmile, write_xmile
from gmb.session.model import Session


def links(session: Session) -> list[tuple[str, str, str, bool]]:
    return [(k.cause, k.effect, k.polarity.value, k.delay) for k in session.links]


# -- the equation tokenizer -----------------------------------------------------------------------
KNOWN = {"a", "b c", "lookup", "x y"}


@pytest.mark.parametrize("expr,dynamic,initial", [
    ("a + B  C", ("a", "b c"), ()),
    ('"a" * "B_C" / 2', ("a", "b c"), ()),
    ("IF THEN ELSE(a > 0 :AND: b c < 1, a, 0)", ("a", "b c"), ()),
    ("lookup(a) + MAX(x y[sub1, a], 1e-3)", ("lookup", "a", "x y"), ()),
    ("INTEG(a - b c, x y)", ("a", "b c"), ("x y",)),
    ("DELAY1I(a, b c, x y) + INITIAL(lookup)", ("a", "b c"), ("x y", "lookup")),
    ("GET XLS DATA('a.xlsx', 'b c', '1', 'B2') {a comment naming a}", (), ()),
    ("SMOOTH N(a, 3, INTEG(b c, a), 2)", ("a",), ("b c",)),
    ("WITH LOOKUP(a, ([(0,0)-(1,1)],(0,0),(1,1)))", ("a",), ()),
])  # fmt: skip
def test_vensim_references(expr, dynamic, initial):
    assert vensim_refs(expr, KNOWN) == Refs(dynamic, initial)


def test_vensim_names_keep_apostrophes_and_numbers_stay_numbers():
    toks = vensim_tokens("Developer's Turnover * 3D effect - 2 apples + 1.5e-3")
    assert [t.text for t in toks if t.kind == "name"] == ["Developer's Turnover", "3D effect", "apples"]
    assert [t.text for t in toks if t.kind == "number"] == ["2", "1.5e-3"]


def test_xmile_references_and_initial_arguments():
    known = {"our_weapons", "rate", "init_value", "æble_høst"}
    assert xmile_refs("SMTH1(Our_Weapons, rate, init_value) + æble_høst", known) == Refs(
        ("our_weapons", "rate", "æble_høst"), ("init_value",))  # fmt: skip
    assert xmile_refs('"Our Weapons"[dim] + INIT(rate) + module.rate', known) == Refs(("our_weapons",), ("rate",))
    assert xmile_name("Our\\nWeapons") == xmile_name('"our weapons"') == "our_weapons"


@pytest.mark.parametrize("bad", ["(a", "a)", "[a", '"a', "{a", "'a", "(a]"])
def test_unbalanced_expressions_raise_equation_error(bad):
    with pytest.raises(EquationError):
        vensim_refs(bad, KNOWN)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_tokenizers_never_fail_otherwise_and_only_name_known_variables(text):
    for refs_of in (vensim_refs, xmile_refs):
        try:
            refs = refs_of(text, KNOWN | {"a_b"})
        except EquationError as exc:
            assert 0 <= exc.offset <= len(text)
            continue
        assert set(refs.dynamic) | set(refs.initial) <= KNOWN | {"a_b"}


# -- Vensim ---------------------------------------------------------------------------------------
SKETCH = "\\\\\\---/// Sketch information\nV300  Do not put anything below this section\n*View 1\n$192-192-192\n"


def mdl(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.mdl"
    path.write_text(text, encoding="utf-8")
    return path


def test_arrows_to_valves_mean_the_flow_and_pipes_are_not_links(tmp_path):
    path = mdl(tmp_path, "{UTF-8}\nS = INTEG(f, 1) ~~|\nf = r * S ~~|\nr = 0.1 ~~|\n" + SKETCH +
               "10,1,S,100,100,40,20,3,3,0,0,0,0,0,0\n11,2,48,50,100,6,8,34,3,0,0,1,0,0,0\n"
               "10,3,f,50,120,20,10,40,3,0,0,-1,0,0,0\n1,4,2,1,4,0,0,22,0,0,0,-1--1--1,,1|(75,100)|\n"
               "10,5,r,20,20,20,10,8,3,0,0,0,0,0,0\n1,6,5,2,0,0,43,0,2,64,0,-1--1--1,,1|(0,0)|\n"
               "1,7,1,2,0,0,83,0,2,65,0,-1--1--1,,1|(0,0)|\n")  # fmt: skip
    s = read_mdl(path)
    assert sorted(links(s)) == [("f", "s", "+", False), ("r", "f", "+", False), ("s", "f", "+", True)]
    assert s.variable("f").kind.value == "auxiliary" and s.variable("s").kind.value == "stock"
    assert s.variable("r").kind.value == "exogenous"


def test_polarity_letters_and_unmarked_arrows(tmp_path):
    path = mdl(tmp_path, "A = A FUNCTION OF() ~~|\nB = A FUNCTION OF(A, C) ~~|\nC = A FUNCTION OF() ~~|\n" + SKETCH +
               "10,1,A,0,0,20,10,8,3,0,0,0,0,0,0\n10,2,B,90,0,20,10,8,3,0,0,0,0,0,0\n10,3,C,0,90,20,10,8,3,0,0,0,0,0,0\n"
               "1,4,1,2,0,0,79,0,2,64,0,-1--1--1,,1|(0,0)|\n1,5,3,2,0,0,0,0,0,64,0,-1--1--1,,1|(0,0)|\n")  # fmt: skip
    assert links(read_mdl(path)) == [("a", "b", "-", False), ("c", "b", "?", False)]


def test_shadow_copies_do_not_move_a_variable(tmp_path):
    path = mdl(tmp_path, "A = A FUNCTION OF() ~~|\n" + SKETCH + "*View 2\n10,1,A,500,500,20,10,8,2,0,0,0,0,0,0\n"
               "10,2,A,7,8,20,10,8,3,0,0,0,0,0,0\n")  # fmt: skip
    assert read_mdl(path).variable("a").position == (7.0, 8.0)


def test_arrows_from_sketch_only_maps_and_drawn_links_without_equations(tmp_path):
    """A map drawn without equations: the arrows are the links."""
    path = mdl(tmp_path, SKETCH + "10,1,Søvn,0,0,20,10,8,3,0,0,0,0,0,0\n10,2,Trivsel,90,0,20,10,3,3,0,0,0,0,0,0\n"
               "1,3,1,2,0,0,43,0,2,64,0,-1--1--1,,1|(0,0)|\n")  # fmt: skip
    with pytest.warns(GmbWarning, match="has no equation"):
        s = read_mdl(path)
    assert links(s) == [("søvn", "trivsel", "+", False)]
    assert s.variable("trivsel").kind.value == "stock"  # drawn as a box


def test_macros_ranges_groups_lookups_and_comments(tmp_path):
    path = mdl(tmp_path, r"""{UTF-8}
:MACRO: DOUBLE(x)
DOUBLE = 2 * x ~~|
:END OF MACRO:
Towns: a, b ~~|
********************************************************
	.Control
********************************************************~
		Simulation Control Parameters
	|
Effect( [(0,0)-(1,1)],(0,0),(1,1)) ~~|
Out[Towns] = DOUBLE(In[Towns]) + Effect(In[Towns]) + \
    TIME STEP
	~	units
	~	What comes out. Line two \
		continues.
	|
In[Towns] = 1, 2 ~~|
INITIAL TIME = 0 ~~|
TIME STEP = 1 ~~|
""")  # fmt: skip
    s = read_mdl(path)
    assert [v.id for v in s.variables] == ["effect", "out", "in"]
    assert sorted(links(s)) == [("effect", "out", "?", False), ("in", "out", "?", False)]
    assert s.variable("out").description == "What comes out. Line two continues."


def test_comment_text_lines_in_the_sketch_are_not_objects(tmp_path):
    path = mdl(tmp_path, "A = A FUNCTION OF() ~~|\nB = A FUNCTION OF() ~~|\n" + SKETCH +
               "10,1,A,0,0,20,10,8,3,0,0,0,0,0,0\n10,2,B,9,9,20,10,8,3,0,0,0,0,0,0\n"
               "12,3,0,50,50,30,10,8,4,0,0,-1,0,0,0\n1,2,1,0,0,43\n")  # fmt: skip
    assert links(read_mdl(path)) == []


def test_the_mdl_writer_quotes_what_vensim_needs(tmp_path):
    s = Session.model_validate({"title": "t", "languages": ["da"], "variables": [
        {"id": "a", "labels": {"da": 'Børn, "små" (0-6 år)'}}, {"id": "b", "labels": {"da": "3 måltider"}},
        {"id": "c", "labels": {"da": "Mad- og motionsvaner"}}],
        "links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "-"},
                  {"id": "L2", "cause": "c", "effect": "b", "polarity": "+", "delay": True}]})  # fmt: skip
    text = write_mdl(s, tmp_path / "q.mdl").read_text(encoding="utf-8")
    assert '"3 måltider"  = A FUNCTION OF( -"Børn, \\"små\\" (0-6 år)", "Mad- og motionsvaner" )' in text
    back = read_mdl(tmp_path / "q.mdl", lang="da")
    assert [v.label() for v in back.variables] == ['Børn, "små" (0-6 år)', "3 måltider", "Mad- og motionsvaner"]
    assert sorted(links(back)) == [("børn_små_0-6_år", "3_måltider", "-", False),
                                   ("mad-_og_motionsvaner", "3_måltider", "+", True)]  # fmt: skip


# -- XMILE ----------------------------------------------------------------------------------------
def xmile(tmp_path: Path, body: str, head: str = "") -> Path:
    path = tmp_path / "m.xmile"
    path.write_text(f'<?xml version="1.0"?>\n<xmile xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0" {head}>'
                    f"{body}</xmile>", encoding="utf-8")  # fmt: skip
    return path


def test_cld_connectors_aliases_groups_and_positions(tmp_path):
    path = xmile(
        tmp_path,
        """<header><name>Kort</name></header><model><variables>
        <aux name="Søvn"><doc>Hvor godt</doc></aux><aux name="Trivsel"/><stock name="Fysisk\\naktivitet"/>
        <group name="Sundhed"><entity name="Søvn"/><entity name="Fysisk_aktivitet"/></group></variables>
        <views><view><aux x="10" y="20" name="Søvn"/><alias uid="9" x="1" y="1"><of>Trivsel</of></alias>
        <connector uid="1" polarity="+"><from>Søvn</from><to><alias uid="9"/></to></connector>
        <connector uid="2" polarity="-" delay="true"><from>Trivsel</from><to>"fysisk aktivitet"</to></connector>
        <connector uid="3"><from>Gone</from><to>Søvn</to></connector></view></views></model>""",
    )
    with pytest.warns(GmbWarning, match="connector 3 points at 'gone'"):
        s = read_xmile(path, lang="da")
    assert s.title == "Kort"
    assert links(s) == [("søvn", "trivsel", "+", False), ("trivsel", "fysisk_aktivitet", "-", True)]
    assert s.variable("søvn").position == (10.0, 20.0) and s.variable("søvn").description == "Hvor godt"
    assert s.variable("fysisk_aktivitet").label() == "Fysisk aktivitet"
    assert s.variable("fysisk_aktivitet").kind.value == "stock"
    assert [t.label() for t in s.themes] == ["Sundhed"] and s.variable("søvn").themes == ("sundhed",)


def test_undeclared_isee_prefix_is_repaired_with_a_warning(tmp_path):
    path = tmp_path / "m.stmx"
    path.write_text('<xmile><isee:prefs layer="cld"/><model><variables><aux name="a"/></variables></model></xmile>')
    with pytest.warns(GmbWarning, match="undeclared XML prefix isee:"):
        assert read_xmile(path).variables[0].id == "a"


def test_modules_and_equations_that_do_not_parse(tmp_path):
    path = xmile(tmp_path, '<model><variables><module name="sub"/><aux name="a"><eqn>\n(b +</eqn></aux>'
                 '<aux name="b"/></variables></model>')  # fmt: skip
    with (
        pytest.warns(GmbWarning, match="module 'sub' names no <model> in the file"),
        pytest.raises(FormatError) as info,
    ):
        read_xmile(path)
    assert info.value.line == 2 and "'(' is not closed" in info.value.message


def test_two_variables_with_the_same_xmile_name(tmp_path):
    path = xmile(tmp_path, '<model><variables><aux name="Our Weapons"/>\n<aux name="our_weapons"/></variables></model>')
    with import_options(strict=True), pytest.raises(ValidationError, match="two variables are called") as info:
        read_xmile(path)
    assert info.value.line == 3
    with pytest.warns(GmbWarning, match="line 3: <aux name>: two variables are called 'our_weapons'.*the second is sk"):
        assert [v.label() for v in read_xmile(path).variables] == ["Our Weapons"]


def test_stella_modules_are_flattened_with_their_connections(tmp_path):
    """Stella's layout: the main model holds only modules; each module's model is a <model name=...>."""
    path = xmile(
        tmp_path,
        """<model><variables>
<module name="Food Cost"><connect to="Food_Cost.Price_In" from="Tourism.Delta"/>
  <connect2 to="Food_Cost.Price_In" from="Tourism.Delta"/></module>
<module name="Tourism"><connect to="Tourism.Cost" from="Food_Cost.Delta"/></module>
<aux name="Effect of Tourism" access="input"/>
</variables></model>
<model name="Food_Cost"><variables>
  <aux name="Price In" access="input"><eqn>1</eqn></aux>
  <stock name="Level"><eqn>1</eqn><inflow>Change</inflow></stock>
  <flow name="Change"><eqn>Price_In - Level</eqn></flow>
  <aux name="Delta" access="output"><eqn>Level</eqn></aux>
</variables></model>
<model name="Tourism"><variables>
  <aux name="Cost" access="input"/><aux name="Delta" access="output"/>
</variables><views><view><connector uid="1" polarity="-"><from>Cost</from><to>Delta</to></connector></view></views>
</model>""",
    )
    s = read_xmile(path)
    labels = sorted(v.label() for v in s.variables)
    assert labels == ["Effect of Tourism", "Food Cost.Change", "Food Cost.Delta", "Food Cost.Level", "Food Cost.Price In",
                      "Tourism.Cost", "Tourism.Delta"]  # fmt: skip
    by_label = {v.id: v.label() for v in s.variables}
    got = {(by_label[l.cause], by_label[l.effect], l.polarity.value) for l in s.links}
    assert got == {
        ("Food Cost.Change", "Food Cost.Level", "+"), ("Food Cost.Price In", "Food Cost.Change", "?"),
        ("Food Cost.Level", "Food Cost.Change", "?"), ("Food Cost.Level", "Food Cost.Delta", "?"),
        ("Tourism.Delta", "Food Cost.Price In", "+"), ("Food Cost.Delta", "Tourism.Cost", "+"),
        ("Tourism.Cost", "Tourism.Delta", "-"),
    }  # fmt: skip
    # the loop through both modules is found: Level -> Delta -> Tourism.Cost -> Tourism.Delta -> Price In -> Change
    from gmb.cld.graph import to_graph
    from gmb.cld.loops import find_loops

    assert find_loops(to_graph(s)).count == 2


def test_an_import_never_succeeds_empty(tmp_path):
    path = xmile(tmp_path, '<model><variables><module name="gone"/></variables></model>')
    with pytest.warns(GmbWarning, match="names no <model>"), pytest.raises(FormatError, match="no variables found"):
        read_any(path)


def test_the_xmile_writer_output_is_valid_for_its_own_reader_and_others(tmp_path):
    s = Session.model_validate({"title": "Ærø & <co>", "languages": ["da"], "variables": [
        {"id": "a", "labels": {"da": 'Børn "små" <3 & ø'}, "kind": "outcome"}, {"id": "b", "labels": {"da": "a.b\\c"}}],
        "links": [{"id": "X7", "cause": "a", "effect": "b", "polarity": "-", "strength": "strong"}]})  # fmt: skip
    path = write_xmile(s, tmp_path / "w.xmile")
    import xml.etree.ElementTree as ET

    ET.parse(path)  # well-formed for a plain XML parser too
    back = read_xmile(path, lang="da")
    assert back.title == "Ærø & <co>"
    assert [v.label() for v in back.variables] == ['Børn "små" <3 & ø', "a.b\\c"]
    assert back.variables[0].kind.value == "outcome"
    assert (back.links[0].id, back.links[0].strength.value) == ("X7", "strong")


# -- Kumu -----------------------------------------------------------------------------------------
def test_kumu_json_directions_tags_types_and_errors(tmp_path):
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"elements": [
        {"_id": "e1", "attributes": {"label": "A", "element type": "Action", "tags": ["Sundhed", "Skole"]}},
        {"_id": "e2", "attributes": {"label": "B", "label (en)": "Bee", "element type": "constant"}},
        {"_id": "e3", "attributes": {"label": "C"}}],
        "connections": [{"from": "e1", "to": "e2", "direction": "mutual", "attributes": {"connection type": "-"}},
                        {"from": "e2", "to": "e3", "direction": "undirected"},
                        {"from": "e3", "to": "e1", "attributes": {"connection type": "same", "strength": 3}}]},
        indent=1), encoding="utf-8")  # fmt: skip
    with pytest.warns(GmbWarning, match="undirected"):
        s = read_kumu_json(path, lang="da")
    assert links(s) == [("a", "b", "-", False), ("b", "a", "-", False), ("c", "a", "+", False)]
    assert s.links[2].strength.value == "strong"
    assert s.variable("a").notes == "Kumu element type: Action" and s.variable("a").themes == ("sundhed", "skole")
    assert s.variable("b").kind.value == "exogenous" and s.variable("b").labels == {"da": "B", "en": "Bee"}
    assert s.languages == ("da", "en")
    path.write_text('{"elements": [{"_id": "e1", "attributes": {"label": "A"}}],\n"connections": [\n'
                    '{"from": "e1", "to": "nope"}]}', encoding="utf-8")  # fmt: skip
    with import_options(strict=True), pytest.raises(ValidationError, match="'to' names no element") as info:
        read_kumu_json(path)
    assert info.value.line == 3 and info.value.field == "connections[0].to"
    with pytest.warns(GmbWarning, match=r"line 3: connections\[0\].to: 'to' names no element \('nope'\); skipped"):
        assert [v.id for v in read_kumu_json(path).variables] == ["a"]  # lenient: the rest imports


def test_kumu_xlsx_by_label_or_id_and_cells_that_look_like_formulas(tmp_path):
    s = Session.model_validate({"title": "t", "languages": ["da"], "variables": [
        {"id": "a", "labels": {"da": "=SUM(A1)"}}, {"id": "b", "labels": {"da": "-5 grader"}}],
        "links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "+"}]})  # fmt: skip
    path = write_kumu_xlsx(s, tmp_path / "k.xlsx")
    back = read_kumu_xlsx(path, lang="da")
    assert [v.label() for v in back.variables] == ["=SUM(A1)", "-5 grader"]
    assert links(back) == [("a", "b", "+", False)]
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Connections"
    ws.append(["From", "To", "Type", "Delay"])
    ws.append(["Søvn", "Trivsel", "+", "yes"])
    ws.append(["Trivsel", None, "-", None])
    wb.save(tmp_path / "c.xlsx")
    with import_options(strict=True), pytest.raises(ValidationError, match="needs both ends") as info:
        read_kumu_xlsx(tmp_path / "c.xlsx")
    assert info.value.line == 3 and info.value.field == "Connections row 3.To"
    with pytest.warns(GmbWarning, match="line 3: Connections row 3.To: empty cell: a connection needs both ends; sk"):
        assert links(read_kumu_xlsx(tmp_path / "c.xlsx")) == [("søvn", "trivsel", "+", True)]


# -- GraphML and CSV ---------------------------------------------------------------------------------
def test_graphml_from_other_tools(tmp_path):
    path = tmp_path / "y.graphml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="label" attr.type="string"/>
  <key id="d1" for="edge" attr.name="sign" attr.type="int"/>
  <graph edgedefault="directed">
    <node id="n0"><data key="d0">Søvn</data></node><node id="n 1"/>
    <edge source="n0" target="n 1"><data key="d1">-1</data></edge>
    <edge source="n 1" target="n 1"/>
  </graph></graphml>""",
        encoding="utf-8",
    )
    with pytest.warns(GmbWarning, match="to itself"):
        s = read_graphml(path, lang="da")
    assert [(v.id, v.label()) for v in s.variables] == [("n0", "Søvn"), ("n_1", "n 1")]
    assert links(s) == [("n0", "n_1", "-", False)]


def test_csv_pair_with_plain_label_column_and_unknown_ends(tmp_path):
    folder = tmp_path / "pair"
    folder.mkdir()
    (folder / "variables.csv").write_text("id;label;kind;x;y\nsøvn;Søvn;stock;1,5;2\ntrivsel;Trivsel;;;\n",
                                          encoding="utf-8")  # fmt: skip
    (folder / "links.csv").write_text("from;to;sign;delay\nsøvn;Trivsel;-;ja\n", encoding="utf-8")
    s = read_csv_pair(folder / "links.csv", lang="da")
    assert links(s) == [("søvn", "trivsel", "-", True)] and s.variable("søvn").position == (1.5, 2.0)
    (folder / "links.csv").write_text("from;to;sign\nsøvn;Nobody;-\n", encoding="utf-8")
    with import_options(strict=True), pytest.raises(ValidationError, match="neither an id nor a label") as info:
        read_csv_pair(folder)
    assert info.value.file == str(folder / "links.csv") and info.value.line == 2
    with pytest.warns(GmbWarning, match="line 2: to: 'Nobody' is neither an id nor a label in variables.csv; skip"):
        assert read_csv_pair(folder).links == ()


def test_csv_pair_keeps_formula_like_text_safe_for_spreadsheets(tmp_path):
    s = Session.model_validate({"title": "t", "variables": [
        {"id": "a", "labels": {"en": "=HYPERLINK(x)"}, "description": "+1 more"}, {"id": "b", "labels": {"en": "@b"}}],
        "links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "-", "evidence": "-3 %"}]})  # fmt: skip
    folder = write_csv_pair(s, tmp_path / "p")
    text = (folder / "variables.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(x)" in text and "'+1 more" in text and "'@b" in text
    back = read_csv_pair(folder)
    assert back.variables == s.variables and back.links == s.links


# -- the registry ---------------------------------------------------------------------------------
def test_registry_guesses_and_refuses(tmp_path):
    assert [guess_format(Path(f"x{e}")) for e in (".mdl", ".stmx", ".itmx", ".json", ".xlsx", ".graphml", ".tsv")] == [
        "mdl", "xmile", "xmile", "kumu", "kumu-xlsx", "graphml", "csv"]  # fmt: skip
    assert guess_format(tmp_path) == "csv" and writer_format(tmp_path / "out") == "csv"
    with pytest.raises(InputError, match="cannot tell"):
        guess_format(Path("x.pdf"))
    with pytest.raises(InputError, match="unknown format"):
        read_any(tmp_path / "x.mdl", fmt="pdf")
    s = Session.model_validate({"title": "t", "variables": [{"id": "a", "labels": {"en": "A"}}]})
    assert write_any(s, tmp_path / "m.graphml").suffix == ".graphml"
    with pytest.raises(ValidationError, match="is a folder"):
        write_any(s, tmp_path, fmt="mdl")
