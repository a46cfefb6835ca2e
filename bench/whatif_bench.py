"""What-if panel latency, end to end in headless Chromium: slider release -> updated chart.

Starts ``gmb serve`` (as the tests do) with Havndal, then with a 200-stock synthetic map
(:func:`gmb.simulate.synthetic.synthetic_cld`), opens ``/w`` with the projector's key, switches on
every idea (Havndal: 7 ideas, Shapley split over 128 sub-bundles; synthetic: its 3 ideas) and moves
the first idea's dose slider N times (each time to a dose not asked before, so nothing comes from the
memo of earlier settings), each release requesting the full 1,000 draws. The latency is the page's own
measure: from sending the request to the redrawn chart (``gmbWhatif.last.ms``), and for a bundle from the
release to the drawn Shapley split, which the page asks for second (``gmbWhatif.lastSplit.ms``).
Prints p50/p95 against the targets (<= 150 ms Havndal, <= 1 s for 200 stocks) with the machine's load.

Run: ``PYTHONPATH=$PWD python bench/whatif_bench.py [moves] [one,all,synthetic] [threads,prange]``
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]


def measure(source: str, moves: int, *, all_on: bool = True, bundle: bool = True) -> tuple[list, list]:
    """Per slider release [end-to-end ms, server ms, drawing ms] for the chart and the split (empty: no split).

    The split's end-to-end time runs from the release (it is asked for after the chart arrives); its server
    time is the split request's alone.
    """
    from serve_support import Server
    from test_serve_browser import Browser

    tmp = Path(tempfile.mkdtemp(prefix="gmb-whatif-bench-"))
    srv = Server(tmp, str(tmp / "serve.sqlite3"), source)
    links = srv.start()
    b = Browser("bench")
    try:
        b.go(f"{srv.base}/w#key={links['viewer']}")
        b.wait("window.gmbWhatif && gmbWhatif.last && !gmbWhatif.last.preview", timeout=300)
        if not bundle:
            b.js("document.getElementById('wi-bundle').click()")
        split = False
        if all_on:
            n, m = b.js("return [gmbWhatif.results, gmbWhatif.splits]")
            b.js("document.querySelectorAll('.wi-on').forEach((c, i) => { if (i) c.click(); })")
            b.wait("gmbWhatif.results > arguments[0] && !gmbWhatif.last.preview", n, timeout=300)
            split = b.js("return gmbWhatif.last.out.shapley_pending")
            if split:
                b.wait("gmbWhatif.splits > arguments[0]", m, timeout=300)
        chart, parts = [], []
        # every release a dose not asked before: no answer comes from the memo of earlier settings
        doses = np.linspace(0.3, 2.9, moves + 2)
        for k, dose in enumerate(doses):  # the first two warm the cache and the JIT: not counted
            n, m = b.js("return [gmbWhatif.results, gmbWhatif.splits]")
            # the first idea's dose slider, or its first factor (reach) where its dose is reach × intensity × …
            b.js("""const s = document.querySelector('.wi-dose') || document.querySelector('.wi-factor');
                    s.value = s.classList.contains('wi-dose') ? arguments[0]
                              : +s.min + (+s.max - +s.min) * arguments[1];
                    s.dispatchEvent(new Event('change'));""", float(dose), (k + 1) / (len(doses) + 1))  # fmt: skip
            b.wait("gmbWhatif.results > arguments[0] && !gmbWhatif.last.preview", n, timeout=300)
            c = b.js("return [gmbWhatif.last.ms, gmbWhatif.last.server_ms, gmbWhatif.last.draw_ms]")
            if split:
                b.wait("gmbWhatif.splits > arguments[0]", m, timeout=300)
            if k >= 2:
                chart.append(c)
                if split:
                    parts.append(b.js("return [gmbWhatif.lastSplit.ms, gmbWhatif.lastSplit.server_ms, "
                                      "gmbWhatif.lastSplit.draw_ms]"))  # fmt: skip
        return chart, parts
    finally:
        b.quit()
        srv.stop()


def synthetic_session(n: int = 200) -> str:
    from gmb.cld.graph import from_graph
    from gmb.session.model import Idea
    from gmb.session.store import session_to_json
    from gmb.simulate.synthetic import synthetic_cld

    G = synthetic_cld(n, seed=1, stock_share=1.0, ideas=3)
    ideas = tuple(Idea(id=i, labels=d["labels"], targets=d["targets"]) for i, d in G.graph["ideas"].items())
    session = from_graph(G).model_copy(update={"ideas": ideas})  # from_graph keeps no idea bank
    path = Path(tempfile.mkdtemp(prefix="gmb-whatif-synth-")) / "synthetic200.json"
    path.write_text(session_to_json(session), encoding="utf-8")
    return str(path)


def report(name: str, rows: list[list[float]], target: float) -> None:
    """p50/p95 of the end-to-end time, and where the median goes: server compute, page drawing, the rest
    (HTTP, JSON encoding and parsing, waiting)."""
    ms = np.array(rows, dtype=float)
    p50, p95 = np.percentile(ms[:, 0], [50, 95])
    server, draw = np.median(ms[:, 1]), np.median(ms[:, 2])
    verdict = "meets" if p95 <= target else "MISSES"
    print(f"{name}: 1000 draws, {len(ms)} slider releases: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
          f"(target p95 <= {target:.0f} ms: {verdict}); median server compute {server:.0f} ms, "
          f"page drawing {draw:.1f} ms", flush=True)  # fmt: skip


def main() -> None:
    moves = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start", flush=True)
    which = sys.argv[2].split(",") if len(sys.argv) > 2 else ["one", "all", "synthetic"]
    # how the server spreads the runs over the cores (GMB_WHATIF_PARALLEL, gmb/scenarios/whatif_runs.py):
    # "threads" (two Python threads, the default) and/or "prange" (numba's threads), measured one after the other
    modes = sys.argv[3].split(",") if len(sys.argv) > 3 else ["threads"]
    for mode in modes:
        os.environ["GMB_WHATIF_PARALLEL"] = mode  # the server inherits it
        tag = f" [{mode}]"
        print(f"-- {mode}: load average {os.getloadavg()[0]:.2f}", flush=True)
        if "one" in which:
            report("havndal, 1 idea on" + tag, measure("havndal", moves, all_on=False)[0], 150)
        if "all" in which:
            chart, split = measure("havndal", moves)
            report("havndal, 7 ideas on (chart: fans, effects, P(improves))" + tag, chart, 150)
            report("havndal, 7 ideas on (Shapley split, 128 sub-bundles, release -> split drawn)" + tag, split, 150)
        if "synthetic" in which:
            chart, split = measure(synthetic_session(), moves)
            report("synthetic 200 stocks, 3 ideas on (chart)" + tag, chart, 1000)
            report("synthetic 200 stocks, 3 ideas on (Shapley split, 8 sub-bundles)" + tag, split, 1000)
    print(f"load average {os.getloadavg()[0]:.2f} at the end", flush=True)


if __name__ == "__main__":
    main()
