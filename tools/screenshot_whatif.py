"""Take the README's picture of the what-if panel: ``docs/screenshots/whatif.png`` (headless Chromium, 1920×1080).

Starts ``gmb serve --import havndal`` (as the tests do), opens ``/w`` with the projector's key, switches on
three ideas, sets fællesspisning's dose to ×0.6 and waits for the full 1,000-draw answer and its Shapley
split, then saves the page scaled to 1280 px wide as a 256-colour PNG. Needs Debian's chromium +
chromium-driver (``.ci/setup-browser.sh``) and selenium.

Run: ``PYTHONPATH=$PWD python tools/screenshot_whatif.py [--out docs/screenshots]``
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    from PIL import Image
    from serve_support import Server
    from test_serve_browser import Browser

    tmp = Path(tempfile.mkdtemp(prefix="gmb-shot-whatif-"))
    srv = Server(tmp, str(tmp / "serve.sqlite3"), "havndal")
    links = srv.start()
    b = Browser("screenshot", width=1920, height=1080)
    try:
        b.go(f"{srv.base}/w#key={links['viewer']}")
        b.wait("window.gmbWhatif && gmbWhatif.last && !gmbWhatif.last.preview", timeout=120)
        n = b.js("return gmbWhatif.splits")
        b.js("""const want = ['faellesspisning', 'bike_paths', 'soestien'];
                document.querySelectorAll('#wi-ideas li').forEach(li => {
                  const on = li.querySelector('.wi-on');
                  if (want.includes(li.dataset.idea) !== on.checked) on.click();
                  if (li.dataset.idea === 'faellesspisning') {
                    const s = li.querySelector('.wi-dose'); s.value = 0.6; s.dispatchEvent(new Event('change'));
                  }
                });""")  # fmt: skip
        b.wait("gmbWhatif.splits > arguments[0] && gmbWhatif.lastSplit.out.shapley.ideas.length === 3 && "
               "document.getElementById('wi-shapley').dataset.state === 'current'", n, timeout=120)  # fmt: skip
        args.out.mkdir(parents=True, exist_ok=True)
        img = Image.open(io.BytesIO(b.driver.get_screenshot_as_png())).convert("RGB")
        img = img.resize((1280, round(img.height * 1280 / img.width)), Image.LANCZOS)
        path = args.out / "whatif.png"
        img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        print(f"{path}  {img.width}×{img.height}  {path.stat().st_size / 1024:.0f} kB")
    finally:
        b.quit()
        srv.stop()


if __name__ == "__main__":
    main()
