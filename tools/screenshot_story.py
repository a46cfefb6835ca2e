"""Take the README's picture of a story playing on the projector (``gmb serve``, Havndal, headless Chromium).

The facilitator saves a two-step story through the API (the outcome; then the Krea-café idea's path to
it with a what-if: half the planned dose, starting 6 months late) and starts it at the second step; the
projector (1920×1080, Danish) follows to ``/s`` and computes the step's what-if live. Writes
``docs/screenshots/story.png``, scaled down and reduced to 256 colours. Needs Debian's chromium +
chromium-driver (``.ci/setup-browser.sh``).

Run: ``python tools/screenshot_story.py [--out docs/screenshots]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))

import httpx
from screenshots_serve import save, wait
from serve_support import H, Server
from views_browser import start_chromium

IDEA = "krea_cafe"


def story(base: str, key: str) -> dict:
    me = httpx.get(base + "/api/me", headers=H(key)).json()
    sid = me["session"]
    state = httpx.get(f"{base}/api/s/{sid}/state", headers=H(key)).json()
    path = httpx.get(f"{base}/api/s/{sid}/stories/path/{IDEA}", headers=H(key)).json()
    outcome = state["outcome"]
    steps = [
        {"title": {"da": "Udfaldet", "en": "The outcome"}, "variables": [outcome],
         "captions": {"da": "Det vi vil flytte: børns mentale sundhed og trivsel.",
                      "en": "What we want to move: children's mental health and wellbeing."}},
        {"title": {"da": "Krea-café – halv dosis, et halvt år senere", "en": "Craft café – half the dose, six months late"},
         "variables": path["variables"], "path": path["variables"], "links": path["links"],
         "captions": {"da": "Idéens vej til udfaldet. Hvad hvis den kun når halvt så langt og starter et halvt år senere?",
                      "en": "The idea's path to the outcome. What if it reaches half as far and starts six months late?"},
         "whatif": {"ideas": {IDEA: {"dose": 0.5, "start": 6}}}},
    ]  # fmt: skip
    body = {"id": "byraad", "title": {"da": "Til byrådet", "en": "For the council"}, "steps": steps}
    r = httpx.post(f"{base}/api/s/{sid}/stories", json=body, headers=H(key), timeout=30)
    r.raise_for_status()
    return {"sid": sid}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="gmb-story-shot-"))
    srv = Server(tmp, str(tmp / "serve.sqlite3"), "havndal")
    keys = srv.start()
    driver = None
    try:
        sid = story(srv.base, keys["facilitator"])["sid"]
        driver = start_chromium(tempfile.mkdtemp(prefix="chromium-", dir=tmp), width=1920, height=1080)
        driver.get(srv.base + "/api/health")
        driver.execute_script("localStorage.setItem('gmb.lang', 'da')")
        driver.get(f"{srv.base}/v#key={keys['viewer']}")
        wait(driver, "window.gmb && gmb.state")
        r = httpx.post(f"{srv.base}/api/s/{sid}/stories/play", json={"story": "byraad", "step": 1},
                       headers=H(keys["facilitator"]))  # fmt: skip
        r.raise_for_status()
        wait(driver, "location.pathname === '/s' && document.body.dataset.chart === '1'", timeout=120)
        wait(driver, "document.body.dataset.step === '1'")
        import time

        time.sleep(1.5)  # the map's layout settles
        save(driver, args.out / "story.png", 960)
    finally:
        if driver is not None:
            driver.quit()
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
