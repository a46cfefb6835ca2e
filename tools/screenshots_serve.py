"""Take the README's three pictures of ``gmb serve`` with the Havndal workshop (headless Chromium).

Writes ``docs/img/serve-participant.png`` (phone, 390×844, Danish), ``docs/img/serve-facilitator.png``
(1366×768, English) and ``docs/img/serve-projector.png`` (1920×1080, Danish), scaled down and reduced
to 256 colours so they stay small. Needs Debian's chromium + chromium-driver (``.ci/setup-browser.sh``).

Run: ``python tools/screenshots_serve.py [--out docs/img]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serve_support import Server
from views_browser import start_chromium

PHONE = {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0, "touch": True, "mobile": True}}


def wait(driver, script: str, timeout: float = 30.0) -> None:
    t0 = time.monotonic()
    while not driver.execute_script("return " + script):
        if time.monotonic() - t0 > timeout:
            raise SystemExit(f"timed out waiting for {script}")
        time.sleep(0.1)


def save(driver, path: Path, width: int) -> None:
    from PIL import Image

    raw = path.with_suffix(".raw.png")
    driver.save_screenshot(str(raw))
    img = Image.open(raw).convert("RGB")
    img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    raw.unlink()
    print(f"{path} ({path.stat().st_size // 1024} KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="gmb-shots-"))
    srv = Server(tmp, str(tmp / "serve.sqlite3"), "havndal")
    keys = srv.start()
    drivers = []
    try:

        def browser(lang: str, **kw):
            profile = tempfile.mkdtemp(prefix="gmb-shots-chromium-", dir=tmp)
            d = start_chromium(profile, **kw)
            drivers.append(d)
            d.get(srv.base + "/api/health")  # same origin, so the language can be set before the page loads
            d.execute_script("localStorage.setItem('gmb.lang', arguments[0])", lang)
            return d

        fac = browser("en", width=1366, height=768)
        fac.get(f"{srv.base}/f#key={keys['facilitator']}")
        wait(fac, "window.gmb && gmb.settledAt !== undefined")
        wait(fac, "gmb.state.variables.every(v => v.position)")  # the layout is stored: the others reuse it

        phone = browser("da", mobile=PHONE)
        phone.get(f"{srv.base}/#code={keys['code']}")
        wait(phone, "document.getElementById('join-code').value.length > 0")
        phone.find_element("css selector", "#join-name").send_keys("Ida")
        phone.find_element("css selector", "#form-join button[type=submit]").click()
        wait(phone, "location.pathname === '/p' && window.gmb && gmb.state")
        phone.find_element("css selector", "nav.tabs button[data-show=vote]").click()
        time.sleep(0.5)
        save(phone, args.out / "serve-participant.png", 390)

        proj = browser("da", width=1920, height=1080)
        proj.get(f"{srv.base}/v#key={keys['viewer']}")
        wait(proj, "window.gmb && gmb.settledAt !== undefined")
        proj.execute_script("gmb.panel = -1; gmb.loopIndex = -1; gmb.cyclePanel()")  # the first loop, lit up
        time.sleep(1.0)
        save(proj, args.out / "serve-projector.png", 960)

        time.sleep(0.5)
        save(fac, args.out / "serve-facilitator.png", 900)
    finally:
        for d in drivers:
            d.quit()
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
