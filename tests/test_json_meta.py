"""Every ensemble command's ``--json`` carries every ``meta`` key the README promises "for every command".

The keys are read from README.md itself (the "every command: `"meta": {…}`" item), so the README and the
commands cannot drift apart again (``gmb sensitivity --json`` lacked 8 of them).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def promised_meta_keys() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    item = re.search(r"\* every command: `\"meta\": \{(.*?)\}`;", text, re.DOTALL)
    assert item, "README.md no longer has the 'every command: `\"meta\": {…}`' item"
    body = item.group(1)
    while True:  # drop nested shapes such as ranges' {kind: {…}}, innermost first
        stripped = re.sub(r"\{[^{}]*\}", "", body)
        if stripped == body:
            break
        body = stripped
    keys = set(re.findall(r'"([a-z_]+)"', body))
    assert {"seed", "runaway_share", "model_notes", "scenarios_file"} <= keys  # the parse found the list
    return keys


COMMANDS = {
    "rank": ["rank", "havndal", "--runs", "40", "--json"],
    "attribute": ["attribute", "havndal", "--bundle", "soestien,playgrounds", "--runs", "40", "--json"],
    "simulate --runs": ["simulate", "havndal", "--runs", "40", "--json"],
    "sensitivity": ["sensitivity", "havndal", "--scenario", "soestien", "--samples", "8", "--json"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_json_meta_has_every_promised_key(cli, tmp_path, command):
    shutil.copytree(ROOT / "sessions" / "havndal", tmp_path / "sessions" / "havndal")
    code, out, err = cli(*COMMANDS[command])
    assert code == 0, err
    meta = json.loads(out)["meta"]
    assert promised_meta_keys() - set(meta) == set(), command
    assert meta["exploratory"] is True and meta["outcome"] == "mental_wellbeing"
    assert 0.0 <= meta["runaway_share"] <= 1.0 and meta["broken_runs"] >= 0
