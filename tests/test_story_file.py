"""Stories in a file (issue 15, item 3): ``gmb story NAME --save-file`` / ``--load-file`` round trip through
``sessions/<name>/stories.json``, each change an event with who; bad files named with file and field."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from views_sessions import small_session

from gmb.errors import FormatError, ValidationError
from gmb.session.events import replay
from gmb.session.model import Presentation, PresentationStep, StepWhatif
from gmb.session.store import Store
from gmb.session.stories_file import read_stories, save_stories, story_changes
from gmb.views.story import draft

ROOT = Path(__file__).resolve().parents[1]


def _gmb(tmp_path, *args, check=True):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GMB_SESSIONS_DIR": str(tmp_path / "sessions")}
    return subprocess.run([sys.executable, "-m", "gmb", "story", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, check=check)  # fmt: skip


def test_cli_round_trip_through_stories_json(tmp_path):
    store = Store(tmp_path / "sessions")
    store.create("t", small_session())
    store.commit("t", "add", {"kind": "presentation", "item": draft(store.load("t")).model_dump(mode="json")})
    _gmb(tmp_path, "t", "--save-file")
    path = tmp_path / "sessions" / "t" / "stories.json"
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == "gmb-stories" and [p["id"] for p in data["presentations"]] == ["auto"]
    assert "Børns trivsel" in path.read_text("utf-8")  # UTF-8, Danish letters kept
    # edit it as a facilitator would in a text editor: a new caption, a what-if on a step, a second story
    steps = data["presentations"][0]["steps"]
    steps[0]["captions"]["da"] = "Sådan ser vi på trivsel"
    steps[1]["whatif"] = {"ideas": {"krea_cafe": {"dose": 0.5, "start": 2}}}
    data["presentations"].append({"id": "kort", "steps": [{"captions": {"en": "Short"}, "variables": ["ensomhed"]}]})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = len(store.events("t"))
    out = _gmb(tmp_path, "t", "--load-file", "--by", "Ada", "--json")
    assert json.loads(out.stdout)["events"] == [["update", "auto"], ["add", "kort"]]
    events = store.events("t")[before:]
    assert [e.op for e in events] == ["update", "add"] and all(e.by == "Ada" for e in events)
    loaded = store.load("t")
    assert replay(store.events("t")) == loaded  # the log alone gives the same session
    auto = next(p for p in loaded.presentations if p.id == "auto")
    assert auto.steps[0].captions["da"] == "Sådan ser vi på trivsel"
    assert auto.steps[1].whatif == StepWhatif(ideas={"krea_cafe": {"dose": 0.5, "start": 2}})
    # loading the same file again records nothing; saving again writes what was loaded
    _gmb(tmp_path, "t", "--load-file")
    assert len(store.events("t")) == before + 2
    _gmb(tmp_path, "t", "--save-file", "--file", "copy.json")
    again = json.loads((tmp_path / "copy.json").read_text("utf-8"))["presentations"]
    assert again[0]["steps"][1]["whatif"]["ideas"]["krea_cafe"] == {"dose": 0.5, "start": 2.0}
    assert [p["id"] for p in again] == ["auto", "kort"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["presentations"][0]["steps"][0].update(variables=["nope"]), "presentations[0].steps[0].variables"),
        (lambda d: d["presentations"][0]["steps"][0].update(whatif={"ideas": {"krea_cafe": {"dose": 9}}}),
         "presentations[0].steps[0].whatif.ideas.krea_cafe.dose"),
        (lambda d: d["presentations"][0]["steps"][0].update(whatif={"ideas": {"nope": {}}}),
         "presentations[0].steps[0].whatif.ideas.nope"),
        (lambda d: d["presentations"][0]["steps"][0].update(colour="red"), "presentations[0].steps[0].colour"),
        (lambda d: d["presentations"].append(dict(d["presentations"][0])), "presentations[1].id"),
        (lambda d: d.update(format="something else"), "format"),
    ],
)  # fmt: skip
def test_a_bad_stories_file_is_refused_naming_file_and_field(tmp_path, change, field):
    s = small_session()
    p = Presentation(id="p", steps=(PresentationStep(captions={"da": "x"}, variables=("ensomhed",)),))
    s = s.model_copy(update={"presentations": (p,)})
    path = save_stories(s, tmp_path / "stories.json")
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises((ValidationError, FormatError)) as info:
        read_stories(path, s)
    assert info.value.file == str(path) and info.value.field.startswith(field)
    assert story_changes(s, (p,)) == []


def test_cli_bad_file_is_one_error_line(tmp_path):
    Store(tmp_path / "sessions").create("t", small_session())
    (tmp_path / "bad.json").write_text('{"presentations": [{"id": "x", "steps": [{"loop": ["nope"]}]}]}', "utf-8")
    bad = _gmb(tmp_path, "t", "--load-file", "--file", "bad.json", check=False)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert "bad.json" in bad.stderr and "presentations[0].steps[0].loop" in bad.stderr


def test_steps_without_a_whatif_stay_as_they_were():
    """Backward compatible: a step written before ``whatif`` existed loads, and dumps without the field."""
    old = {"id": "p", "steps": [{"captions": {"da": "x"}, "variables": ["ensomhed"]}]}
    p = Presentation.model_validate(old)
    assert p.steps[0].whatif is None and p.model_dump(mode="json", exclude_defaults=True) == old
    s = small_session().model_copy(update={"presentations": (p,)})
    assert story_changes(s, (p,)) == []
    with pytest.raises(Exception, match="dose"):
        PresentationStep(whatif={"ideas": {"krea_cafe": {"dose": -1}}})
    with pytest.raises(Exception, match="extra"):
        PresentationStep(whatif={"ideas": {}, "runs": 5})  # runs and seed belong to the server
