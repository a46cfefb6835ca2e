"""Headless Chromium for the view tests and the map benchmark (Debian's chromium + chromium-driver).

Install with ``.ci/setup-browser.sh``. :func:`chromium_or_skip` skips a test with the reason
when the browser is not installed; :func:`open_page` loads a ``file://`` page with the network
switched off (Chrome DevTools ``Network.emulateNetworkConditions``) and returns what happened:
console messages, every URL the page asked for, and the driver for further checks.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path(os.environ.get("GMB_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("GMB_CHROMEDRIVER", "/usr/bin/chromedriver"))
#: where screenshots go for a person to look at: $GMB_ARTIFACTS_DIR, else a folder in the system's temporary
#: directory — never the checkout (which may be read-only, and a test run must not change it)
ARTIFACTS = Path(os.environ.get("GMB_ARTIFACTS_DIR") or Path(tempfile.gettempdir()) / "gmb-test-artifacts")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
]  # fmt: skip


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (install it with .ci/setup-browser.sh)"
    if not CHROMEDRIVER.exists():
        return f"chromedriver not found at {CHROMEDRIVER} (install it with .ci/setup-browser.sh)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed (pip install -e '.[test]')"
    return None


def chromium_or_skip() -> None:
    import pytest

    reason = browser_missing()
    if reason:
        pytest.skip(reason)


def start_chromium(profile: str, *, width: int = 1400, height: int = 900, mobile: dict | None = None):
    """A headless Chromium webdriver on the (fresh) profile folder ``profile``, logging the console and
    the network; ``mobile`` is a ``mobileEmulation`` setting that takes the place of the window size."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download drivers
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    if mobile:
        opts.add_experimental_option("mobileEmulation", mobile)
    else:
        opts.add_argument(f"--window-size={width},{height}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)


#: a phone as the room review used it: 390×844 CSS px, touch events, device pixel ratio 2
PHONE = {
    "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0, "touch": True, "mobile": True},
    "userAgent": "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36",
}


@contextmanager
def chromium(width: int = 1400, height: int = 900, mobile: dict | None = None):
    """A fresh headless Chromium with an empty profile, network off; closed and cleaned up after.

    ``mobile`` (e.g. :data:`PHONE`) emulates a touch device of that size instead of a desktop window."""
    profile = tempfile.mkdtemp(prefix="gmb-chromium-")
    driver = start_chromium(profile, width=width, height=height, mobile=mobile)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def read_logs(driver) -> tuple[list[dict], list[str]]:
    """The console messages and the URLs asked for since the last read (``driver`` from :func:`start_chromium`)."""
    console, requests = driver.get_log("browser"), []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            requests.append(msg["params"]["request"]["url"])
    return console, requests


@dataclass
class Page:
    driver: object
    console: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def errors(self) -> list[dict]:
        return [m for m in self.console if m.get("level") == "SEVERE"]

    def remote_requests(self) -> list[str]:
        """Every URL asked for that is not the page itself or inline data."""
        return [u for u in self.requests if not u.startswith(("file:", "data:", "about:", "blob:"))]

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def collect(self) -> Page:
        console, requests = read_logs(self.driver)
        self.console += console
        self.requests += requests
        return self

    def wait_for(self, script: str, timeout: float = 20.0, frame: bool = False):
        """Poll ``return <script>`` until it is truthy; returns its value."""
        end = time.monotonic() + timeout
        while True:
            value = self.driver.execute_script(f"return {script}")
            if value:
                return value
            if time.monotonic() > end:
                raise TimeoutError(f"waited {timeout}s for: {script}")
            time.sleep(0.05)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.driver.save_screenshot(str(path))
        return path


def open_page(driver, path: Path) -> Page:
    """Load ``path`` from ``file://`` in ``driver`` (network already off) and collect what happened so far."""
    driver.get_log("browser")  # drop what the start page logged
    driver.get_log("performance")
    driver.get(Path(path).resolve().as_uri())
    return Page(driver).collect()
