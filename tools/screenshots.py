"""Remake the README's screenshots of the map (docs/screenshots/*.png) from the shipped Havndal example.

    PYTHONPATH=. python tools/screenshots.py [--out docs/screenshots]

Opens the map in headless Debian Chromium (as the browser tests do: file://, network off) on a
laptop (1366×768), a projector (1920×1080, scaled down for the README) and a phone (390×844,
touch; a node tapped so its bottom sheet shows), and saves small palette PNGs. Needs
.ci/setup-browser.sh (chromium + chromium-driver) and selenium; Pillow comes with matplotlib.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _save(png: bytes, path: Path, width: int) -> None:
    """Scale to ``width`` px and store as an optimised 256-colour PNG (a screenshot of a map needs no more)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    if img.width != width:
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path}  {img.width}×{img.height}  {path.stat().st_size / 1024:.0f} kB")


def _tap_middle(driver) -> None:
    x, y = driver.execute_script(
        "var r = document.getElementById('mynetwork').getBoundingClientRect(), P = network.getPositions(),"
        " best = null, bd = 1e9; Object.keys(P).forEach(function (k) { var c = network.canvasToDOM(P[k]);"
        " var d = Math.hypot(c.x - r.width / 2, c.y - r.height / 2); if (d < bd) { bd = d; best = [c.x + r.left,"
        " c.y + r.top]; } }); return best;"
    )
    driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    from views_browser import PHONE, chromium, open_page

    from gmb.cld import to_graph
    from gmb.examples import load_example
    from gmb.views.map import write_map

    s = load_example("havndal")
    people = {p.id: p.name for p in s.participants}
    tmp = Path(tempfile.mkdtemp(prefix="gmb-shots-"))
    page = write_map(to_graph(s), tmp / "havndal.html", ideas=True, people=people)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, size, width in (
        ("map-laptop-1366.png", (1366, 768), 1024),
        ("map-projector-1920.png", (1920, 1080), 1024),
    ):
        with chromium(*size) as driver:
            p = open_page(driver, page)
            p.wait_for("window.gmbStable", timeout=30)
            _save(driver.get_screenshot_as_png(), args.out / name, width)
    with chromium(mobile=PHONE) as driver:
        p = open_page(driver, page)
        p.wait_for("window.gmbStable", timeout=30)
        _tap_middle(driver)
        p.wait_for("!document.querySelector('.gmb-sheet').hidden", timeout=5)
        _save(driver.get_screenshot_as_png(), args.out / "map-phone.png", 390)


if __name__ == "__main__":
    main()
