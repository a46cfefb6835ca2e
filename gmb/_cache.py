"""Where gmb keeps caches: the user's cache folder, never the installed package.

numba's ``cache=True`` writes compiled kernels beside the source file by default
(``gmb/simulate/__pycache__``), which fails on a read-only install and pollutes a shared one.
:func:`configure_numba_cache` points numba at ``<user cache>/gmb/numba`` unless the user chose
a place with ``NUMBA_CACHE_DIR``; it must run before numba compiles anything (gmb calls it just
before importing numba).

>>> import os
>>> str(user_cache_dir()).endswith("gmb") or "GMB_CACHE_DIR" in os.environ
True
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["configure_numba_cache", "user_cache_dir"]

#: overrides the user cache folder for everything gmb caches
CACHE_ENV = "GMB_CACHE_DIR"


def user_cache_dir() -> Path:
    """``$GMB_CACHE_DIR``, else the platform's user cache folder for gmb (``~/.cache/gmb`` on Linux, XDG)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    from platformdirs import user_cache_dir as platform_cache_dir

    return Path(platform_cache_dir("gmb", appauthor=False))


def configure_numba_cache() -> str:
    """Set ``NUMBA_CACHE_DIR`` to gmb's user cache unless it is set already; returns the folder.

    The environment variable (not only ``numba.config``) is set so that numba's own re-reading of
    its configuration and worker processes (Dask) use the same folder.
    """
    folder = os.environ.get("NUMBA_CACHE_DIR") or str(user_cache_dir() / "numba")
    os.environ["NUMBA_CACHE_DIR"] = folder
    numba_config = sys.modules.get("numba.core.config")
    if numba_config is not None:  # numba was imported before gmb: it read its configuration already
        numba_config.CACHE_DIR = folder
    return folder
