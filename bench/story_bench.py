"""Stories: how fast the projector follows the facilitator, and what a what-if step costs the export.

1. **Follow latency** (headless Chromium, ``gmb serve --import havndal``): the facilitator's page (``/s``)
   presses → (the phone remote's button); the projector's page (``/s``, the projector's key) shows the
   next step when the live feed brings it. Latency = the projector's ``Date.now()`` when the step is
   drawn minus the facilitator's when the button was pressed (same machine, same clock). Reference, in
   the same run: the facilitator's own round trip of that request (``POST …/stories/play``), so the ratio
   is what the feed adds on top of one HTTP round trip.
2. **Export** (in process): ``story_html`` of Havndal's auto-drafted story, without and with one what-if
   step (1,000 draws, precomputed and embedded); ratio with / without.

Run: ``PYTHONPATH=$PWD python bench/story_bench.py [steps]``. Prints the machine's load (the machine is shared).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]


def follow(moves: int) -> tuple[list[float], list[float]]:
    import httpx
    from serve_support import H, Server
    from test_serve_browser import Browser

    tmp = Path(tempfile.mkdtemp(prefix="gmb-story-bench-"))
    srv = Server(tmp, str(tmp / "serve.sqlite3"), "havndal")
    keys = srv.start()
    fac = proj = None
    try:
        sid = httpx.get(srv.base + "/api/me", headers=H(keys["facilitator"])).json()["session"]
        steps = [{"captions": {"da": f"Trin {i}"}, "variables": ["boerns_trivsel"]} for i in range(moves + 1)]
        state = httpx.get(f"{srv.base}/api/s/{sid}/state", headers=H(keys["facilitator"])).json()
        for s in steps:
            s["variables"] = [state["outcome"]]
        httpx.post(f"{srv.base}/api/s/{sid}/stories", json={"id": "b", "steps": steps},
                   headers=H(keys["facilitator"]), timeout=30).raise_for_status()  # fmt: skip
        fac, proj = Browser("facilitator"), Browser("projector")
        fac.go(f"{srv.base}/s#key={keys['facilitator']}")
        fac.wait("document.body.dataset.ready === '1'", timeout=60)
        fac.js(
            "document.getElementById('st-pick').value = 'b'; document.getElementById('st-pick').dispatchEvent(new Event('change'))"
        )
        proj.go(f"{srv.base}/v#key={keys['viewer']}")
        proj.wait("!!(window.gmb && window.gmb.state)", timeout=60)
        fac.click("#st-play")
        proj.wait("location.pathname === '/s' && document.body.dataset.step === '0'", timeout=60)
        time.sleep(1.0)
        lat, rtt = [], []
        for k in range(1, moves + 1):
            fac.wait("gmbStory.playing.step === arguments[0] - 1", k, timeout=10)
            t0 = fac.js("""const t0 = Date.now(); window.__rt = null;
                const f = window.fetch; window.fetch = async (...a) => { const s = performance.now(); const r = await f(...a);
                  if (String(a[0]).endsWith('/stories/play')) window.__rt = performance.now() - s; window.fetch = f; return r; };
                document.getElementById('st-next').click(); return t0;""")
            proj.wait("document.body.dataset.step === String(arguments[0])", k, timeout=10)
            lat.append(proj.js("return gmbStory.shownAt") - t0)
            fac.wait("window.__rt !== null", timeout=10)
            rtt.append(fac.js("return window.__rt"))
        return lat, rtt
    finally:
        for b in (fac, proj):
            if b is not None:
                b.quit()
        srv.stop()


def export_times(reps: int = 3) -> tuple[float, float]:
    from gmb.examples import load_example
    from gmb.session.model import PresentationStep, StepWhatif
    from gmb.views.story import draft, story_html

    s = load_example("havndal")
    p = draft(s)
    story_html(s, p)  # warm up (vis-network read, templates)
    step = PresentationStep(captions={"da": "x"}, variables=(s.outcome_variable,),
                            whatif=StepWhatif(ideas={"krea_cafe": {"dose": 0.5, "start": 6}}))  # fmt: skip
    q = p.model_copy(update={"steps": (*p.steps, step)})
    story_html(s, q)  # warm up the engine (numba compile) once
    best = []
    for pres in (p, q):
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            story_html(s, pres)
            times.append(time.perf_counter() - t)
        best.append(min(times))
    return best[0], best[1]


def main() -> None:
    moves = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"load average before: {os.getloadavg()}")
    lat, rtt = follow(moves)
    p50, p95 = np.percentile(lat, [50, 95])
    r50 = float(np.percentile(rtt, 50))
    print(f"projector follows the facilitator's → ({moves} steps, Havndal): p50 {p50:.0f} ms, p95 {p95:.0f} ms; "
          f"the request's own round trip p50 {r50:.0f} ms; ratio p50 follow / round trip {p50 / max(r50, 1e-9):.1f}")  # fmt: skip
    plain, with_wi = export_times()
    print(f"export of Havndal's drafted story (22 steps): {plain:.2f} s; with one what-if step (1,000 draws "
          f"embedded): {with_wi:.2f} s; ratio {with_wi / plain:.2f}")  # fmt: skip
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
