"""Take the README's three pictures of ``gmb serve`` with the Havndal workshop (headless Chromium, in Danish).

Starts ``gmb serve --import havndal`` (from this checkout, as the browser tests do) and writes
``docs/screenshots/serve-participant.png`` (a phone: 390×844 with touch, the Map tab),
``docs/screenshots/serve-facilitator.png`` (1366×768) and ``docs/screenshots/serve-projector.png``
(1920×1080, the idea bank with its votes), scaled down and reduced to 256 colours so each stays well under
300 KB. Needs Debian's chromium + chromium-driver (``.ci/setup-browser.sh``), selenium and Pillow
(which comes with matplotlib); nothing is fetched from the network.

Run from a checkout: ``python tools/screenshots_serve.py [--out docs/screenshots]``.
(``tools/screenshots.py`` takes the static map's pictures.)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's gmb and the tests' server helper

from serve_support import Server
from views_browser import start_chromium

PHONE = {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0, "touch": True, "mobile": True}}


# Ida proposes a link between two variables not linked yet, through the page's own API call.
PROPOSE = """
const have = new Set(gmb.state.links.map(l => l.cause + '>' + l.effect)), ids = gmb.state.variables.map(v => v.id);
const pair = ids.flatMap(a => ids.map(b => [a, b])).find(([a, b]) => a !== b && !have.has(a + '>' + b) && !have.has(b + '>' + a));
fetch('/api/s/' + gmb.me.session + '/links', {method: 'POST', headers: {'Content-Type': 'application/json',
      Authorization: 'Bearer ' + sessionStorage.getItem('gmb.key')},
      body: JSON.stringify({cause: pair[0], effect: pair[1], polarity: '-', delay: true, strength: 'medium'})});
"""


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
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
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

        fac = browser("da", width=1366, height=768)
        fac.get(f"{srv.base}/f#key={keys['facilitator']}")
        wait(fac, "window.gmb && gmb.settledAt !== undefined")
        wait(fac, "gmb.state.variables.every(v => v.position)")  # the layout is stored: the others reuse it

        phone = browser("da", mobile=PHONE)
        phone.get(f"{srv.base}/#code={keys['code']}")
        wait(phone, "document.getElementById('join-code').value.length > 0")
        phone.find_element("css selector", "#join-name").send_keys("Ida")
        phone.find_element("css selector", "#form-join button[type=submit]").click()
        wait(phone, "location.pathname === '/p' && window.gmb && gmb.state")
        # The group's map as accepted, and one fresh proposal of Ida's (a negative, delayed link: faint, "○").
        fac.execute_script("window.confirm = () => true; document.getElementById('btn-accept-all').click()")
        wait(phone, "gmb.state.links.length > 0 && gmb.state.links.every(l => l.accepted_by)")
        phone.execute_script(PROPOSE)
        wait(phone, "gmb.state.links.some(l => !l.accepted_by)")
        phone.find_element("css selector", "nav.tabs button[data-show=map]").click()
        wait(phone, "gmb.settledAt !== undefined && gmb.fitted > 0")
        time.sleep(0.5)
        save(phone, args.out / "serve-participant.png", 390)

        proj = browser("da", width=1920, height=1080)
        proj.get(f"{srv.base}/v#key={keys['viewer']}")
        wait(proj, "window.gmb && gmb.settledAt !== undefined")
        # The idea bank page of the side panel, and the map's first view (readable labels, no loop zoomed to).
        proj.execute_script(
            "gmb.panel = 0; gmb.cyclePanel(); gmb.zoomed = null;"
            "GmbVisual.readableFit(gmb.network, {fontSize: Math.min(...gmb.nodes.get().map(n => n.font.size))})"
        )
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
