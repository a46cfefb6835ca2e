"""Safe exports and clean text (issue 20, item 3 "Safe exports").

Nothing a spreadsheet could evaluate reaches a CSV or XLSX cell unneutralised, in any column;
text with control or invisible characters is refused where it enters (CLI, API, import), so
whatever is stored can be exported to every format.
"""

from __future__ import annotations

import csv
import json
import warnings

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmb.errors import GmbError
from gmb.io.registry import READERS, WRITERS
from gmb.io.safe_cells import FORMULA_START, needs_neutralising
from gmb.session.model import Session
from gmb.session.text import UnsafeTextError

ENDING = {"csv": "", "mdl": ".mdl", "xmile": ".xmile", "kumu": ".json", "kumu-xlsx": ".xlsx", "graphml": ".graphml"}


def hostile() -> Session:
    """Every text field, ids and participant references included, starting like a formula."""
    return Session.model_validate({
        "title": "=cmd|' /C calc'!A0", "languages": ["da", "en"],
        "participants": [{"id": "@p1", "name": "=Ada"}, {"id": "-p2", "name": "+Bo"}],
        "themes": [{"id": "+t", "labels": {"da": "=tema"}}],
        "variables": [
            {"id": "=a", "labels": {"da": "=HYPERLINK(\"http://x\")", "en": "@SUM(1)"}, "description": "-2+3",
             "notes": "+note", "themes": ["+t"], "proposed_by": "@p1"},
            {"id": "@b", "labels": {"da": "-b"}, "proposed_by": "-p2"},
        ],
        "links": [{"id": "-L1", "cause": "=a", "effect": "@b", "polarity": "-", "supporters": ["@p1", "-p2"],
                   "disputers": ["-p2"], "evidence": "=1+1", "notes": "@x", "proposed_by": "-p2"}],
    })  # fmt: skip


def _cells(folder):
    for name in ("variables.csv", "links.csv"):
        with open(folder / name, encoding="utf-8-sig", newline="") as fh:
            yield from ((name, cell) for row in csv.reader(fh) for cell in row)


def test_no_csv_cell_in_any_column_can_run(tmp_path):
    s = hostile()
    WRITERS["csv"][1](s, tmp_path / "out")
    risky = [(name, cell) for name, cell in _cells(tmp_path / "out") if needs_neutralising(cell)]
    assert risky == []
    quoted = {cell for _, cell in _cells(tmp_path / "out") if cell.startswith("'")}
    assert {"'=a", "'@b", "'-L1", "'@p1", "'-p2", "'@p1;-p2", "'+t"} <= quoted  # ids, ends, people, themes
    # and gmb reads its own file back unchanged
    back = READERS["csv"][1](tmp_path / "out", lang="da")
    assert [v.id for v in back.variables] == ["=a", "@b"] and back.links[0].supporters == ("@p1", "-p2")
    assert back.variable("=a").labels["da"] == '=HYPERLINK("http://x")' and back.links[0].polarity.value == "-"


def test_no_xlsx_cell_in_any_column_is_a_formula(tmp_path):
    from openpyxl import load_workbook

    WRITERS["kumu-xlsx"][1](hostile(), tmp_path / "m.xlsx")
    wb = load_workbook(tmp_path / "m.xlsx")
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if needs_neutralising(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                    seen += 1
    assert seen >= 12  # ids, link ends, proposed_by, supporters among them


def test_a_hostile_kumu_file_passes_through_import_to_a_safe_csv(tmp_path, cli):
    kumu = {"elements": [{"_id": "1", "attributes": {"label": "=2+5", "id": "=x"}},
                         {"_id": "2", "attributes": {"label": "@y", "id": "@y"}}],
            "connections": [{"from": "1", "to": "2", "attributes": {"connection type": "+"}}]}  # fmt: skip
    (tmp_path / "evil.json").write_text(json.dumps(kumu), encoding="utf-8")
    code, out, err = cli("import", "evil.json", "--session", "evil")
    assert code == 0, (out, err)
    code, out, err = cli("export", "evil", "--format", "csv", "--out", "exp")
    assert code == 0, (out, err)
    cells = [cell for _, cell in _cells(tmp_path / "exp")]
    assert cells and not [c for c in cells if needs_neutralising(c)]


@pytest.mark.parametrize("start", FORMULA_START)
def test_every_formula_start_is_neutralised(start):
    from gmb.io.safe_cells import neutralise, restore

    assert neutralise(start + "x") == "'" + start + "x" and restore(neutralise(start + "x")) == start + "x"


# -- clean text at entry ------------------------------------------------------------------------
BAD = ["a\x00b", "a\x1b[31mb", "a\x85b", "a\u200bb", "a\u202eb", "\u2066x", "a\ufeffb", "\u3164", "a\u2028b", "a\x7f"]


@pytest.mark.parametrize("text", BAD, ids=[f"U+{ord(next(c for c in t if c not in 'ab')):04X}" for t in BAD])
def test_control_and_invisible_characters_are_refused_naming_the_field(text):
    with pytest.raises(UnsafeTextError) as info:
        Session.model_validate({"title": "t", "variables": [{"id": "v", "labels": {"da": text}}]})
    assert info.value.field == "variable[v].labels.da" and "U+" in info.value.message


def test_text_is_normalised_to_nfc_and_newlines_and_tabs_stay():
    s = Session.model_validate({"title": "Bo\u0308rn", "notes": "a\r\nb\tc",
                                "variables": [{"id": "v", "labels": {"da": "Tra\u030aden"}}]})  # fmt: skip
    assert s.title == "Börn" and s.notes == "a\nb\tc" and s.variable("v").labels["da"] == "Tråden"
    assert Session.model_validate({"title": "👩‍👩‍👧 ok"}).title == "👩‍👩‍👧 ok"  # emoji joiners are fine


def test_the_cli_refuses_control_characters_in_one_line(tmp_path, cli):
    assert cli("session", "new", "s")[0] == 0
    code, _, err = cli("var", "add", "s", "v", "--label", "en=bell\x07")
    assert code == 2 and "U+0007" in err and "labels.en" in err
    assert cli("var", "add", "s", "v", "--label", "en=Søvn")[0] == 0


def test_imports_name_the_item_with_the_bad_character(tmp_path):
    (tmp_path / "m.csv").write_text("from,to,sign\nSøvn,Tri\u200bvsel,+\n", encoding="utf-8")
    with pytest.raises(UnsafeTextError, match="U\\+200B") as info:
        READERS["csv"][1](tmp_path / "m.csv")
    assert "labels" in info.value.field


def test_the_api_refuses_control_characters_in_the_error_shape(tmp_path):
    from fastapi.testclient import TestClient

    from gmb.serve.app import create_app

    app = create_app(str(tmp_path / "t.sqlite3"), admin_key="admin-key-123")
    with TestClient(app) as c:
        made = c.post("/api/sessions", json={"title": "Demo"}, headers={"Authorization": "Bearer admin-key-123"}).json()
        h = {"Authorization": f"Bearer {made['facilitator_key']}"}
        r = c.post(f"/api/s/{made['session']}/variables", json={"label": "Søvn\u202e"}, headers=h)
        assert r.status_code == 422 and "U+202E" in r.json()["error"] and "labels" in r.json()["field"]
        r = c.post(f"/api/s/{made['session']}/variables", json={"label": "Søvn"}, headers=h)
        assert r.status_code == 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=12))
def test_whatever_is_stored_can_be_exported_to_every_format(tmp_path_factory, text):
    try:
        s = Session.model_validate({"title": "t", "languages": ["da"],
                                    "variables": [{"id": "a", "labels": {"da": text}, "description": text},
                                                  {"id": "b", "labels": {"da": "B"}}],
                                    "links": [{"id": "L1", "cause": "a", "effect": "b", "notes": text}]})  # fmt: skip
    except GmbError:
        return  # refused at entry: never stored
    except pydantic.ValidationError:  # e.g. a label that is only spaces: also refused at entry
        return
    out = tmp_path_factory.mktemp("x")
    for fmt, ending in ENDING.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            WRITERS[fmt][1](s, out / f"m{ending}" if ending else out / "csv")
