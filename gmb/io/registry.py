"""Which reader or writer handles which file: by ``--format`` or by the file's ending.

>>> sorted(READERS)
['csv', 'graphml', 'kumu', 'kumu-xlsx', 'mdl', 'sdai-json', 'xmile']
>>> set(WRITERS) <= set(READERS)
True
>>> guess_format(Path("map.stmx")), writer_format(Path("map.xlsx"), "kumu")
('xmile', 'kumu-xlsx')
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gmb.errors import InputError
from gmb.session.model import Session

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["KEEPS", "READERS", "WRITERS", "guess_format", "read_any", "write_any", "writer_format"]


# Readers and writers are imported on use, so `gmb --help` does not load openpyxl or networkx.
def _csv(path: Path, **kw) -> Session:
    from gmb.io.csv_pair import is_csv_pair, read_csv_pair

    if is_csv_pair(path):
        return read_csv_pair(path, **kw)
    from gmb.io.csv_edges import read_edge_csv

    return read_edge_csv(path, **kw)


def _lazy(module: str, name: str) -> Callable[..., Any]:
    def call(*args, **kw):
        from importlib import import_module

        return getattr(import_module(module), name)(*args, **kw)

    call.__name__ = name
    call.__doc__ = f"{module}.{name}"
    return call


#: format name -> (file endings, reader(path, *, lang, title, by) -> Session)
READERS: dict[str, tuple[tuple[str, ...], Callable[..., Session]]] = {
    "csv": ((".csv", ".tsv", ".txt"), _csv),
    "mdl": ((".mdl",), _lazy("gmb.io.vensim", "read_mdl")),
    "xmile": ((".xmile", ".stmx", ".itmx", ".xmi"), _lazy("gmb.io.xmile", "read_xmile")),
    "kumu": ((".json",), _lazy("gmb.io.kumu", "read_kumu_json")),
    "kumu-xlsx": ((".xlsx", ".xlsm"), _lazy("gmb.io.kumu", "read_kumu_xlsx")),
    "graphml": ((".graphml",), _lazy("gmb.io.graphml", "read_graphml")),
    # sd-ai eval files: .json is Kumu's ending, so this one is chosen only with --format sdai-json
    "sdai-json": ((), _lazy("gmb.io.sdai_json", "read_sdai_json")),
}

#: format name -> (file endings, writer(session, path) -> Path written); csv writes a folder
WRITERS: dict[str, tuple[tuple[str, ...], Callable[..., Path]]] = {
    "csv": (("",), _lazy("gmb.io.csv_pair", "write_csv_pair")),
    "mdl": ((".mdl",), _lazy("gmb.io.vensim", "write_mdl")),
    "xmile": ((".xmile", ".stmx"), _lazy("gmb.io.xmile", "write_xmile")),
    "kumu": ((".json",), _lazy("gmb.io.kumu", "write_kumu_json")),
    "kumu-xlsx": ((".xlsx",), _lazy("gmb.io.kumu", "write_kumu_xlsx")),
    "graphml": ((".graphml",), _lazy("gmb.io.graphml", "write_graphml")),
}


_ALL_VAR = ("id", "labels", "kind", "position", "description", "themes", "notes", "proposed_by", "stage")
_ALL_LINK = ("id", "polarity", "delay", "strength", "supporters", "disputers", "evidence", "notes", "proposed_by",
             "stage")  # fmt: skip

#: What a round trip session -> format -> session keeps; everything else is lost (README, "Formats").
#: ``label`` is the first language's label only; ``kind=stock`` keeps only whether it is a stock;
#: ``themes`` keep their labels (ids made again from them) except in csv and graphml (ids, and in csv
#: no labels). The tests hold every writer/reader pair to this table.
KEEPS: dict[str, dict[str, tuple[str, ...]]] = {
    "graphml": {"variable": (*_ALL_VAR, "proposed_at"), "link": (*_ALL_LINK, "proposed_at"),
                "session": ("title", "focus", "languages", "participants", "themes", "ideas", "outcome")},
    "csv": {"variable": _ALL_VAR, "link": _ALL_LINK, "session": ("languages",)},
    "kumu": {"variable": _ALL_VAR, "link": _ALL_LINK, "session": ("title", "languages")},
    "kumu-xlsx": {"variable": _ALL_VAR, "link": _ALL_LINK, "session": ("languages",)},
    "xmile": {"variable": ("id", "label", "kind", "position", "description", "themes"),
              "link": ("id", "polarity", "delay", "strength"), "session": ("title",)},
    "mdl": {"variable": ("label", "kind=stock", "position", "description"), "link": ("polarity", "delay"),
            "session": ()},
}  # fmt: skip


def guess_format(path: Path) -> str:
    """The reader for ``path``: a folder is a CSV pair, a file is known by its ending."""
    if path.is_dir():
        return "csv"
    suffix = path.suffix.lower()
    for name, (endings, _) in READERS.items():
        if suffix in endings:
            return name
    raise InputError(
        f"cannot tell the format from the ending {suffix!r}",
        file=str(path), hint=f"give --format, one of: {', '.join(READERS)}",
    )  # fmt: skip


def writer_format(path: Path, fmt: str | None = None) -> str:
    """The writer for ``path``: ``fmt`` (``kumu`` becomes ``kumu-xlsx`` for an ``.xlsx`` file), else the ending."""
    suffix = path.suffix.lower()
    if fmt == "kumu" and suffix in WRITERS["kumu-xlsx"][0]:
        return "kumu-xlsx"
    if fmt is not None:
        if fmt not in WRITERS:
            raise InputError(f"unknown format {fmt!r}", field="--format", hint=f"one of: {', '.join(WRITERS)}")
        return fmt
    for name, (endings, _) in WRITERS.items():
        if suffix and suffix in endings:
            return name
    if not suffix:
        return "csv"
    raise InputError(f"cannot tell the format from the ending {suffix!r}", file=str(path),
                     hint=f"give --format, one of: {', '.join(WRITERS)}")  # fmt: skip


def read_any(
    path: str | Path,
    *,
    fmt: str | None = None,
    strict: bool | None = None,
    columns: dict[str, str] | str | None = None,
    polarity_from_colour: bool | None = None,
    max_items: int | None = None,
    max_bytes: int | None = None,
    **kw,
) -> Session:
    """Read any supported map file into an in-memory session (``lang``, ``title``, ``by`` are passed on).

    ``strict`` makes one bad item fail the whole file (else it is skipped with a warning);
    ``columns`` maps edge-list columns (``{"from": "sender", ...}`` or ``"from=sender,..."``);
    ``polarity_from_colour`` reads green/red Vensim arrows as +/−; ``max_items`` and ``max_bytes``
    raise the limits of :mod:`gmb.io.limits`. A file that yields no variable is refused.

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV/TSV edge list, Vensim ``.mdl``, XMILE, Kumu JSON/XLSX, GraphML or sd-ai JSON file.
    fmt : str, optional
        The format (default: from the ending): ``csv``, ``mdl``, ``xmile``, ``kumu``, ``kumu-xlsx``,
        ``graphml``, ``sdai-json``.
    strict : bool, optional
        One bad item fails the whole file.
    columns : dict or str, optional
        Edge-list column names.
    polarity_from_colour : bool, optional
        Read green/red Vensim arrows as +/−.
    max_items, max_bytes : int, optional
        Raise the size limits.
    **kw
        ``lang``, ``title``, ``by`` (who the links are proposed by).

    Returns
    -------
    gmb.session.Session
        A new session (nothing is written).

    Raises
    ------
    gmb.errors.NotFoundError
        The file does not exist.
    gmb.errors.InputError
        An unknown format or ending, a file over the limits, or no variable in it.
    gmb.errors.FormatError, gmb.errors.EncodingError, gmb.errors.ValidationError
        The file is malformed, not UTF-8, or breaks a rule (in ``strict`` mode, any bad item).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "map.csv"
    >>> _ = path.write_text(chr(10).join(["from,to,sign", "Screen time,Sleep,-", "Sleep,Mood,+"]),
    ...                     encoding="utf-8")
    >>> s = read_any(path)
    >>> [(link.cause, link.effect, link.polarity.value) for link in s.links]
    [('screen_time', 'sleep', '-'), ('sleep', 'mood', '+')]
    """
    from gmb.errors import FormatError
    from gmb.io.limits import import_options, parse_columns

    path = Path(path)
    fmt = fmt or guess_format(path)
    if fmt not in READERS:
        raise InputError(f"unknown format {fmt!r}", field="--format", hint=f"one of: {', '.join(READERS)}")
    kw = {k: v for k, v in kw.items() if v is not None or k == "title"}
    if isinstance(columns, str):
        columns = parse_columns(columns)
    import gc

    collecting = gc.isenabled()
    gc.disable()  # readers make many objects and few cycles: collection runs would cost ~40 % of a large import
    try:
        with import_options(strict=strict, columns=columns, polarity_from_colour=polarity_from_colour,
                            max_items=max_items, max_bytes=max_bytes):  # fmt: skip
            session = READERS[fmt][1](path, **kw)
    finally:
        if collecting:
            gc.enable()
    if not session.variables:
        raise FormatError("no variables found: nothing to import", file=str(path),
                          hint="is this a map file of this format? (an empty map cannot be imported)")  # fmt: skip
    return session


def write_any(session: Session | nx.DiGraph, path: str | Path, *, fmt: str | None = None) -> Path:
    """Write a Session (or a gmb-cld graph) in ``fmt`` (default: from the ending).

    Parameters
    ----------
    session : gmb.session.Session or networkx.DiGraph
        What to write.
    path : str or pathlib.Path
        The file (a folder for ``csv``).
    fmt : str, optional
        ``csv``, ``mdl``, ``xmile``, ``kumu``, ``kumu-xlsx`` or ``graphml`` (default: from the ending).

    Returns
    -------
    pathlib.Path
        What was written.

    Raises
    ------
    gmb.errors.InputError
        An unknown format or ending.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "map.csv"
    >>> _ = path.write_text(chr(10).join(["from,to,sign", "Screen time,Sleep,-", "Sleep,Mood,+"]),
    ...                     encoding="utf-8")
    >>> out = write_any(read_any(path), path.with_name("map.graphml"))
    >>> out.name, [link.cause for link in read_any(out).links]
    ('map.graphml', ['screen_time', 'sleep'])
    """
    path = Path(path)
    return WRITERS[writer_format(path, fmt)][1](session, path)
