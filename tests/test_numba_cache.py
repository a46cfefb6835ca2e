"""numba's compiled kernels go to the user's cache folder, never beside the installed package's sources."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A read-only "installed package" with a cached kernel, compiled after gmb's numba engine was imported.
SCRIPT = r"""
import json, os, sys
sys.path.insert(0, sys.argv[1])
import gmb.simulate.engine_numba as engine
import numba
import kernels
assert kernels.twice(21.0) == 42.0
print(json.dumps({"env": os.environ.get("NUMBA_CACHE_DIR"), "config": numba.config.CACHE_DIR,
                  "available": engine.available()}))
"""

KERNEL = "import numba\n\n@numba.njit(cache=True)\ndef twice(x):\n    return 2.0 * x\n"


def _run(tmp_path: Path, **env_extra: str) -> tuple[dict, Path]:
    package = tmp_path / "site"
    package.mkdir()
    (package / "kernels.py").write_text(KERNEL, encoding="utf-8")
    package.chmod(0o555)  # like a system-wide install: numba must not need to write here
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "GMB_CACHE_DIR", "XDG_CACHE_HOME")}
    env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path / "xdg"), **env_extra)
    try:
        proc = subprocess.run([sys.executable, "-c", SCRIPT, str(package)], env=env, capture_output=True, text=True,
                              timeout=120, check=False)  # fmt: skip
    finally:
        package.chmod(0o755)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), package


def _cached(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.suffix in (".nbi", ".nbc"))


def test_numba_caches_in_the_user_cache_folder(tmp_path):
    seen, package = _run(tmp_path)
    expected = tmp_path / "xdg" / "gmb" / "numba"
    assert seen["available"] is True  # numba is a dependency, not an option
    assert seen["env"] == seen["config"] == str(expected)
    assert any(name.startswith("kernels.twice") for name in _cached(expected)), _cached(tmp_path)
    assert _cached(package) == []


def test_numba_cache_dir_chosen_by_the_user_is_kept(tmp_path):
    mine = tmp_path / "mine"
    seen, package = _run(tmp_path, NUMBA_CACHE_DIR=str(mine))
    assert seen["env"] == seen["config"] == str(mine)
    assert any(name.startswith("kernels.twice") for name in _cached(mine))
    assert not (tmp_path / "xdg" / "gmb").exists() and _cached(package) == []
