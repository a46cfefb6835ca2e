"""The API reference (tools/api_docs.py, pdoc) builds, with a page for each module of the public API."""

import importlib.util
import re
from pathlib import Path

import pytest

import gmb

_TOOL = Path(__file__).resolve().parent.parent / "tools" / "api_docs.py"


def _tool():
    spec = importlib.util.spec_from_file_location("api_docs", _TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_module_of_the_package_is_listed():
    names = _tool().modules()
    assert names[0] == "gmb" and {"gmb.cld", "gmb.cld.loops", "gmb.simulate.reference", "gmb.errors"} <= set(names)
    assert not [n for n in names if "._" in n], "private modules are not documented"


@pytest.mark.filterwarnings("ignore:Error parsing type annotation:UserWarning")
def test_reference_has_a_page_for_each_public_module(tmp_path):
    public = ["gmb", *gmb._WHERE]  # the modules that define the names of gmb.__all__
    pages = _tool().build(tmp_path, public)
    for module in public:
        page = tmp_path.joinpath(*module.split(".")).with_suffix(".html")
        assert page in pages, module
    text = (tmp_path / "gmb" / "cld.html").read_text(encoding="utf-8")
    for name in ("find_loops", "to_graph", "LoopResult"):
        assert re.search(rf'id="{name}"', text), name
    # numpydoc sections are rendered as sections, not left as underlined text
    assert re.search(r"<h6[^>]*>Parameters", text) and "----------" not in text
    errors = (tmp_path / "gmb" / "errors.html").read_text(encoding="utf-8")
    assert all(f'id="{name}"' in errors for name in ("GmbError", "ValidationError", "SimulationError"))
