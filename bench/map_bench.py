"""Benchmark: a 1,000-variable, 3,000-link map from opening to a stable layout in headless Chromium.

    /work/venv/bin/python bench/map_bench.py [--nodes 1000] [--links 3000] [--repeat 3]

Prints, for gmb's map and for a reference made the plain pyvis way (``Network.from_nx`` +
``cdn_resources="in_line"``, default physics) in the same run: the time to build the HTML in
Python, the time from navigation start to a stable layout in the browser (median of
``--repeat`` page loads in one browser; the reference is loaded once, it takes minutes), the
file size, and console errors with the network off. Target: gmb's
map stable in under 3 s. Needs .ci/setup-browser.sh (Debian chromium + chromium-driver) and
selenium.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def synthetic_session(n: int, m: int, seed: int = 1):
    """A random signed CLD with themes, kinds, delays and strengths, built through the session model."""
    import networkx as nx
    import numpy as np

    from gmb.session.model import Link, Session, Theme, Variable

    rng = np.random.default_rng(seed)
    D = nx.gnm_random_graph(n, m, seed=seed, directed=True)
    themes = [Theme(id=f"t{i}", labels={"da": f"Tema {i}", "en": f"Theme {i}"}) for i in range(6)]
    kinds = ["stock", "auxiliary", "auxiliary", "auxiliary", "exogenous"]
    variables = [
        Variable(id=f"v{i}", labels={"da": f"Variabel {i} æøå", "en": f"Variable {i}"},
                 kind=kinds[int(rng.integers(len(kinds)))], themes=(f"t{int(rng.integers(6))}",))
        for i in range(n)
    ]  # fmt: skip
    links = [
        Link(id=f"L{k}", cause=f"v{u}", effect=f"v{v}", polarity="+-?"[int(rng.choice(3, p=[0.55, 0.4, 0.05]))],
             delay=bool(rng.random() < 0.15), strength=["weak", "medium", "strong", "unknown"][int(rng.integers(4))])
        for k, (u, v) in enumerate(D.edges)
    ]  # fmt: skip
    return Session(title="benchmark", languages=("da", "en"), variables=tuple(variables), links=tuple(links),
                   themes=tuple(themes), outcome="v0")  # fmt: skip


def plain_pyvis_html(G) -> str:
    """The reference: what pyvis does out of the box (physics stabilisation in the browser)."""
    import networkx as nx
    from pyvis.network import Network

    H = nx.DiGraph()
    H.add_nodes_from((n, {"label": str(d.get("label", n))}) for n, d in G.nodes(data=True))
    H.add_edges_from(G.edges)  # a fresh copy: from_nx changes the graph it is given
    net = Network(directed=True, cdn_resources="in_line")
    net.from_nx(H)
    return net.generate_html()


# pyvis's template hides its loading bar (opacity 0) when stabilisation ends; gmb's sets window.gmbStable
_GMB_DONE = "window.gmbStable"
_PYVIS_DONE = (
    "(function(){var b = document.getElementById('loadingBar');"
    "return b && b.style.opacity === '0' ? performance.now() : null;})()"
)


def time_to_stable(driver, path: Path, done: str, timeout: float = 300.0) -> float:
    """Seconds from navigation start until ``done`` is truthy (gmb reports its own timestamp)."""
    driver.get_log("browser")
    driver.get(path.resolve().as_uri())
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(f"return {done}")
        if value:
            return float(value) / 1000.0
        time.sleep(0.02)
    raise TimeoutError(f"{path.name}: no stable layout after {timeout}s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--links", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-reference", action="store_true", help="do not time plain pyvis (it is slow)")
    args = ap.parse_args()

    from views_browser import browser_missing, chromium

    reason = browser_missing()
    if reason:
        sys.exit(f"cannot run the browser benchmark: {reason}")

    from gmb.cld import to_graph
    from gmb.views.map import map_html

    session = synthetic_session(args.nodes, args.links)
    G = to_graph(session)
    print(f"map: {G.number_of_nodes()} variables, {G.number_of_edges()} links")
    out = Path(tempfile.mkdtemp(prefix="gmb-map-bench-"))
    pages = {}
    t0 = time.perf_counter()
    pages["gmb"] = (out / "gmb.html", map_html(G, lang="da"), _GMB_DONE)
    build = {"gmb": time.perf_counter() - t0}
    if not args.skip_reference:
        t0 = time.perf_counter()
        pages["plain pyvis"] = (out / "pyvis.html", plain_pyvis_html(G), _PYVIS_DONE)
        build["plain pyvis"] = time.perf_counter() - t0
    for path, html, _ in pages.values():
        path.write_text(html, encoding="utf-8")

    results = {}
    with chromium() as driver:
        driver.set_page_load_timeout(300)
        for name, (path, _, done) in pages.items():
            repeat = args.repeat if name == "gmb" else 1  # plain pyvis takes minutes on this map
            times, errors = [], 0
            for _ in range(repeat):
                times.append(time_to_stable(driver, path, done))
                errors += sum(1 for m in driver.get_log("browser") if m.get("level") == "SEVERE")
            results[name] = statistics.median(times)
            size = path.stat().st_size
            print(f"{name:12s} build {build[name]:6.2f} s   open→stable {results[name]:6.2f} s "
                  f"(runs: {', '.join(f'{t:.2f}' for t in times)})   file {size / 1e6:.2f} MB   "
                  f"console errors offline: {errors}")  # fmt: skip
    target = 3.0
    verdict = "meets" if results["gmb"] < target else "MISSES"
    print(f"gmb open→stable {results['gmb']:.2f} s: {verdict} the {target:.0f} s target")
    if "plain pyvis" in results:
        print(f"ratio plain pyvis / gmb (open→stable): {results['plain pyvis'] / results['gmb']:.1f}x")


if __name__ == "__main__":
    main()
