"""Which reader handles which file: by ``--format`` or by the file's ending.

>>> sorted(READERS)
['csv', 'sdai-json']
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from gmb.errors import InputError
from gmb.session.model import Session

__all__ = ["READERS", "read_any", "guess_format"]


def _csv(path: Path, **kw) -> Session:
    from gmb.io.csv_edges import read_edge_csv

    return read_edge_csv(path, **kw)


def _sdai_json(path: Path, **kw) -> Session:
    from gmb.io.sdai_json import read_sdai_json

    return read_sdai_json(path, **kw)


#: format name -> (file endings, reader)
READERS: dict[str, tuple[tuple[str, ...], Callable[..., Session]]] = {
    "csv": ((".csv", ".tsv", ".txt"), _csv),
    # .json is shared with other tools' formats: sd-ai files are read only with --format sdai-json
    "sdai-json": ((), _sdai_json),
}


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower()
    for name, (endings, _) in READERS.items():
        if suffix in endings:
            return name
    raise InputError(
        f"cannot tell the format from the ending {suffix!r}",
        file=str(path), hint=f"give --format, one of: {', '.join(READERS)}",
    )  # fmt: skip


def read_any(path: str | Path, *, fmt: str | None = None, **kw) -> Session:
    """Read any supported map file into an in-memory session."""
    path = Path(path)
    fmt = fmt or guess_format(path)
    if fmt not in READERS:
        raise InputError(f"unknown format {fmt!r}", field="--format", hint=f"one of: {', '.join(READERS)}")
    return READERS[fmt][1](path, **kw)
