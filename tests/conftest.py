"""Shared fixtures. External data is used by path and skipped cleanly when ../shared is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GMB_SHARED_DIR", ROOT.parent / "shared"))
EXTERNAL = SHARED / "external-data"


@pytest.fixture
def external() -> Path:
    """``../shared/external-data``; skips the test when it is not there."""
    if not EXTERNAL.is_dir():
        pytest.skip(f"external data not found at {EXTERNAL} (set GMB_SHARED_DIR)")
    return EXTERNAL


def external_file(*parts: str) -> Path:
    """A file under external-data, or skip the test."""
    path = EXTERNAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"external data not found: {path}")
    return path


@pytest.fixture
def havndal():
    from gmb.examples import load_example

    return load_example("havndal")


@pytest.fixture
def store(tmp_path):
    from gmb.session.store import Store

    return Store(tmp_path / "sessions")


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run ``gmb`` in-process in a temporary folder: returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from gmb.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GMB_SESSIONS_DIR", raising=False)
    runner = CliRunner()

    def run(*args: str):
        from gmb.errors import GmbError

        result = runner.invoke(app, list(args), catch_exceptions=True)
        if result.exception and not isinstance(result.exception, (SystemExit, GmbError)):
            raise result.exception
        code = result.exit_code
        err = result.stderr if hasattr(result, "stderr") else ""
        if isinstance(result.exception, GmbError):
            code, err = 2, str(result.exception)
        return code, result.stdout, err

    return run


@pytest.fixture
def browsers():
    """``make(name, **options)`` opens a Chromium page driver (tests/test_serve_browser.py's Browser); all are quit
    at the end. Skips when Chromium or ChromeDriver is missing."""
    from test_serve_browser import Browser
    from views_browser import browser_missing

    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    made: list = []

    def make(name: str, **kw) -> Browser:
        b = Browser(name, **kw)
        made.append(b)
        return b

    yield make
    for b in made:
        b.quit()


@pytest.fixture(scope="module")
def havndal_app(tmp_path_factory):
    """Havndal on an in-process ``gmb serve`` app: ``(client, the import's answer, a joined participant)``.

    The app reads a session's scenarios.json from the session store (./sessions): the fixture runs in an empty
    folder, not the checkout's sessions/havndal, so the served numbers are those of the default scenarios the
    tests compute independently.
    """
    import json

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from gmb.examples import load_example
    from gmb.serve.app import create_app
    from gmb.session.store import session_to_json

    folder = tmp_path_factory.mktemp("app")
    app = create_app(str(folder / "t.sqlite3"), admin_key="secret-admin-key")
    admin = {"Authorization": "Bearer secret-admin-key"}
    with pytest.MonkeyPatch.context() as mp, TestClient(app) as c:
        mp.chdir(folder)
        data = json.loads(session_to_json(load_example("havndal")))
        made = c.post("/api/admin/import", json={"session": data, "id": "havndal"}, headers=admin).json()
        me = c.post("/api/join", json={"code": made["join_code"], "name": "Ada"}).json()
        yield c, made, me
