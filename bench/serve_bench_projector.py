"""The projector page with a big map in headless Chromium: time to settle, and time per live update.

A 150-variable, 400-link session (random links, fixed seed) served by ``gmb serve``; the projector
page at 1920×1080. Prints the seconds from opening the page to the layout having settled and stopped
(physics off), whether positions still move afterwards, and p50 / max milliseconds from a new link
being sent to the projector's map holding it (20 links, one at a time). Used by ``serve_bench.py --projector``.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def big_session(n_vars: int = 150, n_links: int = 400, seed: int = 3) -> dict:
    rng = random.Random(seed)
    pairs = set()
    while len(pairs) < n_links + 20:
        a, b = rng.randrange(n_vars), rng.randrange(n_vars)
        if a != b:
            pairs.add((a, b))
    pairs = sorted(pairs)
    rng.shuffle(pairs)
    return {"title": "Projector bench", "languages": ["da", "en"],
            "variables": [{"id": f"v{i}", "labels": {"da": f"Variabel nummer {i}"}} for i in range(n_vars)],
            "links": [{"id": f"L{i}", "cause": f"v{a}", "effect": f"v{b}", "polarity": rng.choice("+-")}
                      for i, (a, b) in enumerate(pairs[:n_links])]}, pairs[n_links:]  # fmt: skip


def projector_bench() -> None:
    import httpx
    from serve_bench import serve, stop
    from views_browser import browser_missing, start_chromium

    reason = browser_missing()
    if reason:
        print(f"projector                   : skipped ({reason})")
        return
    session, spare = big_session()
    tmp = Path(tempfile.mkdtemp(prefix="gmb-projector-bench-"))
    proc, base, keys = serve(tmp, session)
    driver = start_chromium(str(tmp / "profile"), width=1920, height=1080)
    try:
        t0 = time.perf_counter()
        driver.get(f"{base}/v#key={keys['viewer']}")
        while not driver.execute_script("return !!(window.gmb && gmb.settledAt !== undefined)"):
            if time.perf_counter() - t0 > 120:
                raise SystemExit("the projector page did not settle in 120 s")
            time.sleep(0.05)
        settle = time.perf_counter() - t0
        a = driver.execute_script("return gmb.network.getPositions()")
        time.sleep(3)
        b = driver.execute_script("return gmb.network.getPositions()")
        moved = sum(1 for k in a if a[k] != b.get(k))
        scale = driver.execute_script("return gmb.network.getScale()")
        sid = "projector-bench"
        me = httpx.post(f"{base}/api/join", json={"code": keys["code"], "name": "Bench"}).json()
        sid = me["session"]
        times = []
        for x, y in spare[:20]:
            t = time.perf_counter()
            r = httpx.post(f"{base}/api/s/{sid}/links", json={"cause": f"v{x}", "effect": f"v{y}", "polarity": "+"},
                           headers={"Authorization": f"Bearer {me['key']}"})  # fmt: skip
            r.raise_for_status()
            new = r.json()["id"]
            while not driver.execute_script("return gmb.edges.get(arguments[0]) !== null", new):
                time.sleep(0.005)
            times.append(time.perf_counter() - t)
        times.sort()
        print("projector                   : 150 variables, 400 links, Chromium 1920x1080 (headless)")
        print(
            f"  settled and stopped after : {settle:.1f} s from opening the page; {moved} of {len(a)} nodes moved in the 3 s after"
        )
        print(f"  label height at first view: {scale * 30:.1f} px (30 px font x scale {scale:.2f})")
        print(
            f"  new link -> on the map    : p50 {times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms (20 links)"
        )
    finally:
        driver.quit()
        stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    projector_bench()
