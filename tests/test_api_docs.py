"""Every name of the public API (gmb.__all__) has a numpydoc docstring: Parameters, Returns, Examples.

The Examples run as doctests (pytest's --doctest-modules over gmb/); this test checks the sections exist.
"""

import enum
import inspect
import itertools
import re

import pytest

import gmb

#: names not checked here, each with the reason
EXCLUDED = {
    # constants carry no docstring of their own (an int and a dict); their module documents them
    "SCHEMA_VERSION": "a constant (int): documented in gmb.session.model",
    "GRAPH_SCHEMA": "a constant (dict): documented in gmb.cld.graph",
}


def _object(name):
    value = getattr(gmb, name)
    # gmb.simulate is a callable subpackage: the docstring is the function's
    return getattr(value, "__wrapped__", value) if inspect.ismodule(value) else value


def _sections(doc):
    """The numpydoc section titles of ``doc`` (a title line underlined with dashes)."""
    lines = doc.splitlines()
    return {a.strip() for a, b in itertools.pairwise(lines) if re.fullmatch(r"\s*-{3,}\s*", b)}


def _takes_parameters(obj):
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return False
    return any(p.name not in ("self", "cls") for p in signature.parameters.values())


def _expected(name, obj):
    if inspect.isclass(obj) and issubclass(obj, gmb.GmbError):
        return {"Examples"}  # an error: a summary and how to catch it
    if inspect.isclass(obj) and issubclass(obj, enum.Enum):
        return {"Examples"}  # the members are the documentation
    if inspect.isclass(obj):
        return {"Examples"} | ({"Parameters"} if _takes_parameters(obj) else set())
    out = {"Examples"} | ({"Parameters"} if _takes_parameters(obj) else set())
    return out | {"Returns"}


def test_exclusions_are_public_names():
    assert set(EXCLUDED) <= set(gmb.__all__)


@pytest.mark.parametrize("name", [n for n in gmb.__all__ if n not in EXCLUDED])
def test_public_name_has_numpydoc_sections(name):
    obj = _object(name)
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{name}: no docstring"
    assert "\n" not in doc.split("\n\n")[0].strip() or len(doc.split("\n\n")[0]) < 200, f"{name}: long summary"
    sections = _sections(doc)
    if "Returns" in _expected(name, obj) and "Yields" in sections:
        sections.add("Returns")  # a generator or context manager documents what it yields
    missing = _expected(name, obj) - sections
    assert not missing, f"{name}: missing sections {sorted(missing)}"
    examples = doc.split("Examples\n--------", 1)[-1]
    assert ">>>" in examples, f"{name}: the Examples section has no doctest"


def test_calibrate_is_the_workflow_function_whatever_was_imported_first():
    """``gmb.calibrate`` is a function, not a package that shadows it once a submodule is imported."""
    import gmb.calibration.core
    from gmb.workflow import calibration as api

    assert gmb.calibrate is api.calibrate and gmb.attribute_observed is api.attribute_observed
