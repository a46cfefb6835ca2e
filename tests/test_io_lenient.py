"""Issue 17: nothing silently unsigned or empty, lenient by item and strict by file, exports other tools run."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from gmb.errors import GmbWarning, InputError, ValidationError
from gmb.io.build import polarity_of
from gmb.io.graphml import read_graphml
from gmb.io.kumu import read_kumu_json, read_kumu_xlsx
from gmb.io.limits import import_options
from gmb.io.registry import read_any
from gmb.io.vensim import read_mdl, write_mdl
from gmb.session.model import Session


def links(session):
    label = {v.id: v.label() for v in session.variables}
    return sorted((label[k.cause], label[k.effect], k.polarity.value) for k in session.links)


def said(caught) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, GmbWarning)]


# -- signs ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling, sign", [
    ("++", "+"), ("--", "+"), ("+-", "-"), ("-+", "-"), ("s", "+"), ("O", "-"), ("same", "+"), ("Opposite", "-"),
    ("positive", "+"), ("NEGATIVE", "-"), ("+ve", "+"), ("-ve", "-"), ("+", "+"), ("−", "-"), ("?", "?"), ("", "?"),
])  # fmt: skip
def test_documented_sign_spellings(spelling, sign):
    assert polarity_of(spelling) == sign


def kumu(tmp_path: Path, types: list[str]) -> Path:
    elements = [{"_id": f"e{i}", "attributes": {"label": f"V{i}"}} for i in range(len(types) + 1)]
    connections = [{"from": f"e{i}", "to": f"e{i + 1}", "attributes": {"connection type": t}}
                   for i, t in enumerate(types)]  # fmt: skip
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"elements": elements, "connections": connections}), encoding="utf-8")
    return path


def test_kumu_documentation_signs_are_read(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = read_kumu_json(kumu(tmp_path, ["++", "--", "+-", "-+"]))
    assert [k.polarity.value for k in s.links] == ["+", "+", "-", "-"] and not said(caught)


def test_many_unsigned_links_are_said_with_why(tmp_path):
    with pytest.warns(GmbWarning, match=r"3 of 4 links \(75 %\) have no sign \(\?\): their sign is written as "
                                        r"'increases\?' ×2, 'maybe' ×1, which gmb does not read"):  # fmt: skip
        read_kumu_json(kumu(tmp_path, ["increases?", "+", "maybe", "increases?"]).rename(tmp_path / "k2.json"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_kumu_json(kumu(tmp_path, ["+", "-", "", "+"]))  # one in four: not more than a quarter
    assert not said(caught)


MDL_COLOURS = """{UTF-8}
A = A FUNCTION OF(C) ~~|
B = A FUNCTION OF(A) ~~|
C = A FUNCTION OF(B) ~~|
\\\\\\---/// Sketch information
V300  Do not put anything below this section - it will be ignored
*View 1
10,1,A,100,100,40,20,8,3,0,0,0,0,0,0,0,0,0
10,2,B,200,100,40,20,8,3,0,0,0,0,0,0,0,0,0
10,3,C,150,200,40,20,8,3,0,0,0,0,0,0,0,0,0
1,4,1,2,0,0,0,0,0,64,0,0-192-0,|12||0-0-0,1|(0,0)|
1,5,2,3,0,0,0,0,0,64,0,255-0-0,|12||0-0-0,1|(0,0)|
1,6,3,1,0,0,43,0,0,64,0,255-0-0,|12||0-0-0,1|(0,0)|
///---\\\\\\
"""


def test_vensim_colour_polarity_is_said_and_read_on_request(tmp_path):
    path = tmp_path / "c.mdl"
    path.write_text(MDL_COLOURS, encoding="utf-8")
    with pytest.warns(GmbWarning, match="2 of their arrows have no polarity mark but are drawn green or red; .* "
                                        r"--polarity-from-colour \(green = \+, red = −\)"):  # fmt: skip
        s = read_mdl(path)
    assert links(s) == [("A", "B", "?"), ("B", "C", "?"), ("C", "A", "+")]  # a mark beats a colour
    with pytest.warns(GmbWarning, match="polarity read from the colour of 2 unmarked arrow"):
        s = read_any(path, polarity_from_colour=True)
    assert links(s) == [("A", "B", "+"), ("B", "C", "-"), ("C", "A", "+")]


# -- lenient by item, strict by file ----------------------------------------------------------------------
@pytest.mark.parametrize("header", ["sender,receiver,sign", "Source;Target;Polarity", "cause,effect,type",
                                    "origin\tdestination\tsign"])  # fmt: skip
def test_edge_list_column_synonyms(header, tmp_path):
    sep = ";" if ";" in header else "\t" if "\t" in header else ","
    path = tmp_path / "m.csv"
    path.write_text(header + "\n" + "\n".join(sep.join(r) for r in (("a", "b", "+"), ("b", "a", "-"))) + "\n",
                    encoding="utf-8")  # fmt: skip
    assert links(read_any(path)) == [("a", "b", "+"), ("b", "a", "-")]


def test_columns_option_maps_other_names(tmp_path, cli):
    Path("m.csv").write_text("Von,Nach,Wirkung\na,b,+\nb,a,-\n", encoding="utf-8")
    code, _, err = cli("import", "m.csv", "--session", "s")
    assert code == 2 and "no from or to column" in err and "--columns" in err
    code, out, err = cli("import", "m.csv", "--session", "s", "--columns", "from=Von,to=Nach,sign=Wirkung")
    assert code == 0 and "2 variables and 2 links" in out, err
    with pytest.raises(InputError, match="cannot read 'from'"):
        read_any(Path("m.csv"), columns="from,to=Nach")


def test_one_bad_row_is_skipped_with_a_warning_and_strict_refuses_the_file(tmp_path, cli):
    Path("m.csv").write_text("from,to,sign\nA,B,+\n,B,+\nB,B,-\nB,A,sideways\nA,B,+\n", encoding="utf-8")
    code, out, err = cli("import", "m.csv", "--session", "s")
    assert code == 0 and "2 variables and 2 links" in out
    for line in ("line 3: from: a row without both ends (from, to); skipped",
                 "line 4: to: a link from 'b' to itself is not a causal link of the map; skipped",
                 "line 5: sign: 'sideways' is no sign gmb reads; read as unknown (?)",
                 "line 6: to: link a -> b appears again (first on line 2); kept as one link, with a note"):  # fmt: skip
        assert f"warning: m.csv: {line}" in err.replace("\n", " ").replace("  ", " ") or line in err, line
    code, _, err = cli("import", "m.csv", "--session", "t", "--strict")
    assert code == 2 and "line 3" in err and not Path("sessions", "t").exists()


def test_kumu_xlsx_duplicates_are_kept_once_with_a_note(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Elements"
    for row in (["Label"], ["Sleep"], ["Mood"], ["Sleep"]):
        ws.append(row)
    ws = wb.create_sheet("Connections")
    for row in (["From", "To", "Type"], ["Sleep", "Mood", "+"], ["Mood", "Sleep", "-"], ["Sleep", "Mood", "+"]):
        ws.append(row)
    wb.save(tmp_path / "k.xlsx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = read_kumu_xlsx(tmp_path / "k.xlsx")
    assert links(s) == [("Mood", "Sleep", "-"), ("Sleep", "Mood", "+")] and len(s.variables) == 2
    text = "\n".join(said(caught))
    assert "line 4: Elements row 4: element 'Sleep' is listed again (first in row 2); kept as one element" in text
    assert "line 4: Connections row 4: link sleep -> mood appears again (first on line 2)" in text
    assert s.links[0].notes == "listed 2 times in k.xlsx (again on line 4); kept as one link"
    with import_options(strict=True), pytest.raises(ValidationError, match="listed again"):
        read_kumu_xlsx(tmp_path / "k.xlsx")


def test_yed_positions_signs_and_an_unlabelled_shape(tmp_path):
    path = tmp_path / "y.graphml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml">
  <key for="node" id="d6" yfiles.type="nodegraphics"/><key for="edge" id="d10" yfiles.type="edgegraphics"/>
  <graph edgedefault="directed" id="G">
    <node id="n0"><data key="d6"><y:ShapeNode><y:Geometry x="100.5" y="200.0"/><y:NodeLabel>Sleep</y:NodeLabel>
      </y:ShapeNode></data></node>
    <node id="n1"><data key="d6"><y:ShapeNode><y:Geometry x="300.0" y="50.0"/><y:NodeLabel>Mood</y:NodeLabel>
      </y:ShapeNode></data></node>
    <node id="n2"><data key="d6"><y:ShapeNode><y:Geometry x="10.0" y="10.0"/><y:NodeLabel/></y:ShapeNode></data></node>
    <edge source="n0" target="n1"><data key="d10"><y:PolyLineEdge><y:EdgeLabel>+</y:EdgeLabel></y:PolyLineEdge></data></edge>
    <edge source="n1" target="n0"><data key="d10"><y:PolyLineEdge><y:EdgeLabel>o</y:EdgeLabel></y:PolyLineEdge></data></edge>
    <edge source="n2" target="n0"/>
  </graph></graphml>""", encoding="utf-8")  # fmt: skip
    with pytest.warns(GmbWarning, match="node n2: a variable without a name; skipped, with its links"):
        s = read_graphml(path)
    assert [(v.label(), v.position) for v in s.variables] == [("Sleep", (100.5, 200.0)), ("Mood", (300.0, 50.0))]
    assert links(s) == [("Mood", "Sleep", "-"), ("Sleep", "Mood", "+")]


def test_vensim_data_variables_have_no_wrong_warning(tmp_path):
    path = tmp_path / "d.mdl"
    path.write_text("""{UTF-8}
Births data :INTERPOLATE: ~ people ~ from the census |
Deaths data :RAW: := GET XLS DATA('d.xlsx', 'a', '1', 'B2') ~~|
Population = INTEG(Births data - Deaths data, 10) ~~|
\\\\\\---/// Sketch information
*View 1
10,1,Births data,100,100,40,20,8,3,0,0,0,0,0,0,0,0,0
10,2,Deaths data,200,100,40,20,8,3,0,0,0,0,0,0,0,0,0
10,3,Population,150,200,40,20,3,3,0,0,0,0,0,0,0,0,0
///---\\\\\\
""", encoding="utf-8")  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = read_mdl(path)
    assert not [m for m in said(caught) if "has no equation" in m]
    assert links(s) == [("Births data", "Population", "+"), ("Deaths data", "Population", "-")]
    assert s.variable("births_data").kind.value == "exogenous"
    assert s.variable("births_data").description == "from the census"


# -- exports that run --------------------------------------------------------------------------------
def test_mdl_export_quotes_names_and_keeps_descriptions(tmp_path):
    pysd = pytest.importorskip("pysd")
    s = Session.model_validate({"title": "t", "languages": ["en"], "variables": [
        {"id": "a", "labels": {"en": "M&Ms"}, "description": "line one\nline ~ two | x &#126; y"},
        {"id": "b", "labels": {"en": "Share %"}}, {"id": "c", "labels": {"en": "U.S. sales"}},
        {"id": "d", "labels": {"en": "2nd wave"}}],
        "links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "+"},
                  {"id": "L2", "cause": "c", "effect": "b", "polarity": "-"},
                  {"id": "L3", "cause": "d", "effect": "c", "polarity": "+"}]})  # fmt: skip
    path = write_mdl(s, tmp_path / "m.mdl")
    text = path.read_text(encoding="utf-8")
    for name in ('"M&Ms"', '"Share %"', '"U.S. sales"', '"2nd wave"'):
        assert name in text
    back = read_mdl(path)
    assert back.variable("mms").description == "line one\nline ~ two | x &#126; y"
    assert links(back) == links(s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = pysd.read_vensim(str(path))  # translates (a CLD: running it is for Vensim's diagram view)
    assert {"M&Ms", "Share %", "U.S. sales", "2nd wave"} <= {n.strip('"') for n in model.namespace}  # as written


def test_never_an_empty_success_and_the_limits_on_the_command_line(cli):
    Path("m.stmx").write_text('<xmile xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><model><variables>'
                              '<module name="Elsewhere"/></variables></model></xmile>', encoding="utf-8")  # fmt: skip
    code, _, err = cli("import", "m.stmx", "--session", "s")
    assert code == 2 and "no variables found: nothing to import" in err and not Path("sessions", "s").exists()
    Path("m.csv").write_text("from,to,sign\n" + "".join(f"v{i},v{i + 1},+\n" for i in range(30)), encoding="utf-8")
    code, _, err = cli("import", "m.csv", "--session", "s", "--max-items", "10")
    assert code == 2 and "the limit is 10" in err and "--max-items 40" in err
    code, _, err = cli("import", "m.csv", "--session", "s", "--max-bytes", "100")
    assert code == 2 and "file is too large" in err and "--max-bytes" in err
    code, out, err = cli("import", "m.csv", "--session", "s", "--max-items", "100")
    assert code == 0 and "31 variables and 30 links" in out, err


def test_sdai_repeated_relationship_is_one_link_with_a_note(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"model": {"variables": [], "relationships": [
        {"from": "a", "to": "b", "polarity": "+"}, {"from": "a", "to": "b"}, {"from": "b", "to": "a"}]}}))  # fmt: skip
    with pytest.warns(GmbWarning, match=r"relationships\[1\]: relationship a -> b appears again; kept as one link"):
        s = read_any(path, fmt="sdai-json")
    assert [(k.cause, k.effect, k.polarity.value, k.notes) for k in s.links] == [
        ("a", "b", "+", "listed again as model.relationships[1]"),
        ("b", "a", "?", ""),
    ]
    with import_options(strict=True), pytest.raises(ValidationError, match="appears again"):
        read_any(path, fmt="sdai-json")
