"""Every model file in ../shared/external-data through import -> loops -> export to every format -> re-import.

The files are other people's (Vensim, Stella/XMILE with modules, Kumu JSON/XLSX, sd-ai JSON, edge
lists; licences in PROVENANCE.md) and are read in place, never copied into the repository. For
each file: no traceback (anything that goes wrong is a one-line :class:`GmbError` naming the file),
an import never succeeds empty, loop finding is bounded (0.2 s, 2,000 listed), every writer either
writes or refuses with a GmbError, and each export reads back with the same links and signs.
pysd runs the XMILE and .mdl of the stock-flow model gmb makes from imported stock-flow models (the
first ``PYSD_MODELS`` that convert), and opens a CLD's XMILE export. Measured on a loaded 2-core
machine (load average 8): ~55 s for the whole module, 7 s of it the 820-variable Stella file.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from conftest import EXTERNAL

from gmb.cld.graph import to_graph
from gmb.cld.loops import find_loops
from gmb.errors import FormatError, GmbError, GmbWarning
from gmb.io.equations import vensim_name, xmile_name
from gmb.io.registry import READERS, WRITERS, read_any

MODEL_ENDINGS = {".mdl", ".xmile", ".stmx", ".itmx", ".json", ".xlsx", ".graphml"}
ENDING = {"csv": "", "mdl": ".mdl", "xmile": ".xmile", "kumu": ".json", "kumu-xlsx": ".xlsx", "graphml": ".graphml"}
#: pysd translation costs ~1 s per file here: it runs on this many stock-flow models (both writers)
PYSD_MODELS = 5


def corpus() -> list[Path]:
    if not EXTERNAL.is_dir():
        return []
    files = [p for p in EXTERNAL.rglob("*") if p.is_file() and p.suffix.lower() in MODEL_ENDINGS]
    files += sorted((EXTERNAL / "_derived").glob("*.edges.csv"))[:8]  # edge lists (normalised by the research)
    return sorted(files)


FILES = corpus()


def read(path: Path, fmt: str | None = None):
    """(session or None, error or None, warnings said)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GmbWarning)
        try:
            session = read_any(path, fmt=fmt)
        except GmbError as exc:
            return None, exc, caught
    return session, None, caught


def signed(session, norm) -> set[tuple[str, str, str]]:
    label = {v.id: norm(" ".join(v.label().split())) for v in session.variables}
    return {(label[link.cause], label[link.effect], link.polarity.value) for link in session.links}


def test_the_corpus_is_there():
    if not FILES:
        pytest.skip(f"external data not found at {EXTERNAL}")
    assert len(FILES) >= 60


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(EXTERNAL)) for p in FILES])
def test_import_loops_export_reimport(path, tmp_path):
    session, error, said = read(path)
    if error is not None and path.suffix == ".json" and "not a Kumu blueprint" in error.message:
        session, error, said = read(path, "sdai-json")  # .json is Kumu's ending; sd-ai files say so
    if error is not None:
        # refused: one clear line naming the file (and never a Python error dressed up)
        assert str(path) in str(error) and "\n" not in str(error) and "Traceback" not in str(error)
        assert isinstance(error, GmbError)
        return
    assert session.variables, "an import never succeeds empty"
    for w in said:
        assert "\n" not in str(w.message)

    G = to_graph(session)
    loops = find_loops(G, time_limit=0.2, keep=2000)
    assert loops.listed <= 2000 and (loops.complete or loops.stopped_by in ("time limit", "list cap"))

    for fmt, (_, writer) in WRITERS.items():
        target = tmp_path / f"out{ENDING[fmt]}" if fmt != "csv" else tmp_path / "out-csv"
        try:
            writer(session, target)
        except GmbError as exc:  # e.g. two labels one name in Vensim; a label XML cannot hold
            assert "\n" not in str(exc)
            continue
        back, error, _ = read(target / "links.csv" if fmt == "csv" else target, fmt)
        assert error is None, f"{fmt}: {error}"
        norm = {"mdl": vensim_name, "xmile": xmile_name}.get(fmt, lambda s: s)
        assert signed(back, norm) == signed(session, norm), fmt
        assert len(back.variables) == len(session.variables), fmt


def test_pysd_runs_the_exported_stock_flow_model_of_stock_flow_files(tmp_path):
    """The CLD of a stock-flow model -> gmb's stock-flow model -> XMILE and .mdl -> pysd runs both.

    pysd costs ~1 s per translation here, so the first ``PYSD_MODELS`` convertible models (in path
    order) are run; a model gmb cannot convert must say why in a ConversionError.
    """
    pysd = pytest.importorskip("pysd")
    import networkx as nx

    from gmb.errors import ConversionError
    from gmb.stockflow.assumptions import Assumptions
    from gmb.stockflow.convert import to_stockflow
    from gmb.stockflow.write_mdl import to_mdl
    from gmb.stockflow.write_xmile import to_xmile

    candidates = [p for p in FILES if p.suffix in (".mdl", ".xmile", ".stmx") and "test-models" in p.parts]
    if not candidates:
        pytest.skip("external data not found")
    ran = []
    for path in candidates:
        session, error, _ = read(path)
        if error is not None:
            continue  # refused files are checked above
        G = to_graph(session)
        signed_links = nx.DiGraph([(u, v) for u, v, d in G.edges(data=True) if d.get("sign")])
        if not signed_links:
            with pytest.raises(ConversionError):
                to_stockflow(G, Assumptions(outcome=next(iter(G))))
            continue
        # the outcome: the variable most others lead to through signed links (the files do not mark one)
        outcome = max(signed_links, key=lambda n: (len(nx.ancestors(signed_links, n)), str(n)))
        model = to_stockflow(G, Assumptions(outcome=outcome))
        for name, text, read_model in (("m.xmile", to_xmile(model), pysd.read_xmile),
                                       ("m.mdl", to_mdl(model), pysd.read_vensim)):  # fmt: skip
            (tmp_path / name).write_text(text, encoding="utf-8")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run = read_model(str(tmp_path / name)).run()
            assert len(run) > 1 and run.notna().all().all(), (path, name)
        ran.append(path.name)
        if len(ran) >= PYSD_MODELS:
            break
    assert len(ran) == PYSD_MODELS, ran


def test_the_cld_xmile_export_opens_in_pysd(tmp_path):
    """A CLD export carries <sim_specs> and an equation per variable: pysd opens and runs it (all 0)."""
    pysd = pytest.importorskip("pysd")
    from gmb.io.xmile import write_xmile
    from gmb.session.model import Session

    s = Session.model_validate({"title": "t", "languages": ["en"], "variables": [
        {"id": "a", "labels": {"en": "M&Ms sold"}, "kind": "stock"}, {"id": "b", "labels": {"en": "Price (%)"}},
        {"id": "c", "labels": {"en": "2nd thing. Done"}}],
        "links": [{"id": "L1", "cause": "a", "effect": "b", "polarity": "+"},
                  {"id": "L2", "cause": "b", "effect": "a", "polarity": "-"},
                  {"id": "L3", "cause": "c", "effect": "a", "polarity": "+"}]})  # fmt: skip
    path = write_xmile(s, tmp_path / "m.xmile")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = pysd.read_xmile(str(path)).run()
    assert len(run) == 101
    assert READERS["xmile"][1](path).links == s.links  # and gmb reads its links back, not the placeholders


def test_what_is_refused_is_said_clearly(tmp_path):
    if not FILES:
        pytest.skip("external data not found")
    refused = []
    for path in FILES:
        if path.suffix in (".json", ".xlsx"):
            _, error, _ = read(path)
            if error is not None:
                refused.append(error)
    assert refused and all(isinstance(e, FormatError | GmbError) and e.file for e in refused)
