"""The Jinja2 templates of the pages (map, report, story) and the vis-network script they inline.

Separate from :mod:`gmb.views.map` because the report and the story page render through the same
environment (autoescape on, ``safe_json`` for ``<script>`` data); :mod:`gmb.views.map` re-exports
``_template`` and ``_vis_js`` for them. Jinja2 and markupsafe are imported on first use only.

>>> text = str(_safe_json({"label": "</script>"}))
>>> "</" in text, text.startswith('{"label":')
(False, True)
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from gmb.errors import InputError


@lru_cache(maxsize=1)
def _vis_js() -> str:
    """vis-network 9.1.2 as shipped inside pyvis (no download, no CDN)."""
    text = (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text("utf-8")
    if "</script" in text.lower():  # would end our inline <script> early
        raise InputError("vis-network.min.js contains '</script' and cannot be inlined")
    return text


@lru_cache(maxsize=4)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,  # every value is HTML-escaped unless we mark it safe (only vis_js is)
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_json"] = _safe_json
    return env


def _template(name: str):
    return _environment().get_template(name)


def _safe_json(value: Any):
    """JSON for a ``<script>`` block: ``<``, ``>``, ``&`` and quotes are \\u-escaped so no text can end the script."""
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(ch, esc)
    return Markup(text)
