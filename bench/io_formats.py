"""Reading and writing a large map in every format, as a ratio to loading the same map's session.json.

The reference is what gmb does anyway for a stored session: ``json.loads`` + validation into a
Session. A map of 400 variables and 1,600 links (far beyond a workshop's 40 variables) is written
in each format and read back; each step's best of 5 is printed as a multiple of the reference.

Run: python bench/io_formats.py
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

from gmb.io.registry import READERS, WRITERS  # noqa: E402
from gmb.session.model import Session  # noqa: E402
from gmb.session.validate import parse_session  # noqa: E402

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


def best(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


if __name__ == "__main__":
    session = big_map()
    folder = Path(tempfile.mkdtemp())
    text = json.dumps(session.model_dump(mode="json"))
    reference = best(lambda: parse_session(json.loads(text)))
    print(f"reference: session.json load of {len(session.variables)} variables, {len(session.links)} links: "
          f"{reference * 1000:.1f} ms")  # fmt: skip
    print(f"{'format':10} {'write':>8} {'read':>8}   (multiples of the reference)")
    for fmt in sorted(WRITERS):
        path = folder / f"map{ENDING[fmt]}" if fmt != "csv" else folder / "map"
        write = best(lambda: WRITERS[fmt][1](session, path))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read = best(lambda: READERS[fmt][1](path, lang="da"))
        print(f"{fmt:10} {write / reference:8.1f} {read / reference:8.1f}")
