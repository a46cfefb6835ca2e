"""Reading and writing a large map in every format, as a ratio to loading the same map's session.json;
and how reading time grows with the size of the file (the scaling table).

The reference is what gmb does anyway for a stored session: ``json.loads`` + validation into a
Session. A map of 400 variables and 1,600 links (far beyond a workshop's 40 variables) is written
in each format and read back; each step's best of 5 is printed as a multiple of the reference.

The scaling table reads files of 10k, 40k and 160k items for the cases that used to be quadratic
(issue 20): XMILE nested 10k–160k elements deep, Kumu JSON whose elements all have the same label,
a CSV edge list of that many variables, sd-ai JSON, and the same chain map as .mdl, .xmile, GraphML
and a CSV pair. Each time is the best of 2; a linear reader grows ~4× per 4× items (the issue's bound
is 4.5×). The item limit is raised for the run (``import_options(max_items=..., max_depth=...)``).

Run: python bench/io_formats.py            (both tables)
     python bench/io_formats.py --scaling  (only the scaling table)
     python bench/io_formats.py --quick    (scaling with 2.5k, 10k, 40k items)
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from gmb.io.registry import READERS, WRITERS
from gmb.session.model import Session
from gmb.session.parse import parse_session

ENDING = {"csv": "", "mdl": ".mdl", "xmile": ".xmile", "kumu": ".json", "kumu-xlsx": ".xlsx", "graphml": ".graphml"}


def big_map(n_vars: int = 400, n_links: int = 1600, seed: int = 1) -> Session:
    rng = random.Random(seed)
    variables = [
        {"id": f"v{i}", "labels": {"da": f"Variabel {i} æøå", "en": f"Variable {i}"},
         "kind": rng.choice(["stock", "auxiliary", "exogenous", "unknown"]),
         "position": [rng.uniform(0, 2000), rng.uniform(0, 2000)], "description": "x" * rng.randint(0, 80)}
        for i in range(n_vars)
    ]  # fmt: skip
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_links:
        a, b = rng.randrange(n_vars), rng.randrange(n_vars)
        if a != b:
            pairs.add((a, b))
    links = [
        {"id": f"L{k}", "cause": f"v{a}", "effect": f"v{b}", "polarity": rng.choice("+-?"), "delay": rng.random() < 0.2}
        for k, (a, b) in enumerate(sorted(pairs))
    ]  # fmt: skip
    return Session.model_validate({"title": "bench", "languages": ["da", "en"], "variables": variables, "links": links})


def best(fn, n: int = 5, clock=time.perf_counter) -> float:
    times = []
    for _ in range(n):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


# -- the scaling table: generators (tests/test_io_scaling.py uses them at small sizes) -------------------
def nested_xmile(path: Path, n: int) -> Path:
    """Two variables, the first holding ``n`` nested elements (depth n)."""
    body = '<aux name="a"><eqn>1</eqn>' + "<x>" * n + "</x>" * n + '</aux><aux name="b"><eqn>a</eqn></aux>'
    path.write_text(f'<xmile xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><model><variables>{body}'
                    "</variables></model></xmile>", encoding="utf-8")  # fmt: skip
    return path


def same_label_kumu(path: Path, n: int) -> Path:
    """``n`` Kumu elements all labelled "Same", chained by n-1 connections."""
    elements = [{"_id": f"e{i}", "attributes": {"label": "Same"}} for i in range(n)]
    connections = [{"from": f"e{i}", "to": f"e{i + 1}", "attributes": {"connection type": "+"}} for i in range(n - 1)]
    path.write_text(json.dumps({"elements": elements, "connections": connections}), encoding="utf-8")
    return path


def wide_csv(path: Path, n: int) -> Path:
    """A CSV edge list naming ``n`` variables: a chain v0 -> v1 -> ... (n-1 rows)."""
    rows = "".join(f"Variable number {i},Variable number {i + 1},+\n" for i in range(n - 1))
    path.write_text("from,to,sign\n" + rows, encoding="utf-8")
    return path


def sdai_json(path: Path, n: int) -> Path:
    """An sd-ai model file with ``n`` variables in a chain."""
    variables = [{"name": f"v {i}", "type": "variable"} for i in range(n)]
    relationships = [{"from": f"v {i}", "to": f"v {i + 1}", "polarity": "+"} for i in range(n - 1)]
    path.write_text(json.dumps({"model": {"variables": variables, "relationships": relationships}}), encoding="utf-8")
    return path


def chain_map(n: int) -> Session:
    """``n`` variables, each causing the next (n-1 links), positions on a grid."""
    return Session.model_validate({
        "title": "chain", "languages": ["en"],
        "variables": [{"id": f"v{i}", "labels": {"en": f"Variable {i}"}, "position": [i % 100 * 50.0, i // 100 * 50.0]}
                      for i in range(n)],
        "links": [{"id": f"L{i}", "cause": f"v{i}", "effect": f"v{i + 1}", "polarity": "+-"[i % 2]}
                  for i in range(n - 1)],
    })  # fmt: skip


def written(fmt: str, ending: str):
    def make(path: Path, n: int) -> Path:
        target = path.with_suffix(ending) if ending else path.with_suffix("")
        return WRITERS[fmt][1](chain_map(n), target)

    return make


#: case -> (reader format, file maker(path, n))
SCALING = {
    "xmile, nested n deep": ("xmile", nested_xmile),
    "kumu json, n same labels": ("kumu", same_label_kumu),
    "csv edge list, n variables": ("csv", wide_csv),
    "sd-ai json, n variables": ("sdai-json", sdai_json),
    "mdl, n-variable chain": ("mdl", written("mdl", ".mdl")),
    "xmile, n-variable chain": ("xmile", written("xmile", ".xmile")),
    "graphml, n-variable chain": ("graphml", written("graphml", ".graphml")),
    "csv pair, n-variable chain": ("csv", written("csv", "")),
}


def read_time(fmt: str, path: Path, repeat: int = 2, clock=time.perf_counter) -> float:
    """Best-of-``repeat`` seconds to read ``path`` with the limits raised far beyond its size.

    ``clock=time.process_time`` counts this process's CPU time only, so other jobs on a shared
    machine do not inflate it (the growth-ratio tests use that)."""
    from gmb.io.limits import import_options
    from gmb.io.registry import read_any

    def read():  # as gmb import reads (read_any pauses garbage collection), with every limit far away
        with import_options(max_depth=10**8), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_any(path, fmt=fmt, max_items=10**8, max_bytes=2**34)

    return best(read, repeat, clock)


def scaling(sizes=(10_000, 40_000, 160_000)) -> None:
    folder = Path(tempfile.mkdtemp())
    print("\nscaling: seconds to read n items (best of 2) and the growth per 4x items (linear: ~4, bound 4.5)")
    print(f"{'case':30} " + " ".join(f"{n:>9,}" for n in sizes) + "   growth")
    for case, (fmt, make) in SCALING.items():
        times = []
        for n in sizes:
            path = make(folder / f"{case.split(',')[0].replace(' ', '_')}-{n}.x", n)
            times.append(read_time(fmt, path))
        growth = " ".join(f"{b / a:4.1f}x" for a, b in itertools.pairwise(times))
        print(f"{case:30} " + " ".join(f"{t:9.3f}" for t in times) + f"   {growth}")


def formats_table() -> None:
    session = big_map()
    folder = Path(tempfile.mkdtemp())
    text = json.dumps(session.model_dump(mode="json"))
    reference = best(lambda: parse_session(json.loads(text)))
    print(f"reference: session.json load of {len(session.variables)} variables, {len(session.links)} links: "
          f"{reference * 1000:.1f} ms")  # fmt: skip
    print(f"{'format':10} {'write':>8} {'read':>8}   (multiples of the reference)")
    for fmt in sorted(WRITERS):
        path = folder / f"map{ENDING[fmt]}" if fmt != "csv" else folder / "map"
        write = best(lambda fmt=fmt, path=path: WRITERS[fmt][1](session, path))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read = best(lambda fmt=fmt, path=path: READERS[fmt][1](path, lang="da"))
        print(f"{fmt:10} {write / reference:8.1f} {read / reference:8.1f}")


if __name__ == "__main__":
    if "--scaling" not in sys.argv and "--quick" not in sys.argv:
        formats_table()
    scaling((2_500, 10_000, 40_000) if "--quick" in sys.argv else (10_000, 40_000, 160_000))
