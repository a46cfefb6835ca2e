"""Remake the README's screenshot of "watch it travel" (docs/screenshots/animate.png) from the Havndal session.

    PYTHONPATH=. python tools/screenshot_animate.py [--out docs/screenshots/animate.png] [--push belonging] [--step 3]

Writes ``gmb map havndal --animate faellesspisning`` (1,000 draws, seed 0, English labels) to a temporary
folder, opens it in headless Debian Chromium (file://, network off, as the browser tests do) at 1366×768,
plays the push of ``--push`` at frame ``--step`` (links pulsing) and saves a small palette PNG. Run it from
the repository (it reads sessions/havndal). Needs chromium + chromium-driver and selenium.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "animate.png")
    ap.add_argument("--push", default="belonging", help="the variable pushed in the picture")
    ap.add_argument("--step", type=int, default=3, help="the frame shown")
    args = ap.parse_args()
    from screenshots import _save
    from views_browser import chromium, open_page

    page_path = Path(tempfile.mkdtemp(prefix="gmb-anim-shot-")) / "havndal-animated.html"
    subprocess.run([sys.executable, "-m", "gmb", "map", "havndal", "--animate", "faellesspisning", "--lang", "en",
                    "--out", str(page_path)], cwd=ROOT, check=True)  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with chromium(1366, 768) as driver:
        page = open_page(driver, page_path)
        page.wait_for("window.gmbStable !== null && window.gmbAnimStep !== undefined")
        if not page.js(f"return gmbAnimShow('push:{args.push}')"):
            raise SystemExit(f"no push of {args.push!r} in the map")
        page.js(f"gmbAnimAt({args.step})")
        time.sleep(0.4)  # let the pulses move a little
        _save(driver.get_screenshot_as_png(), args.out, 1366)
        page.collect()
        if page.errors() or page.remote_requests():
            raise SystemExit(f"the page logged errors or asked the network: {page.errors()} {page.remote_requests()}")


if __name__ == "__main__":
    main()
