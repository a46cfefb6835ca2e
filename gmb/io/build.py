"""What every reader shares: bounded file reading and one builder from "things read" to a Session.

Readers find variables and links in their format, hand them to a :class:`MapBuilder` together with
where they were found (line, field), and get back one validated :class:`~gmb.session.model.Session`.
The builder makes readable unique ids from labels, checks labels, skips self-loops and merges
duplicate links with a :class:`~gmb.errors.GmbWarning`, and reports problems with file and line.

>>> b = MapBuilder("m.txt", lang="da")
>>> a, s = b.variable("Søvn", key="søvn", line=1), b.variable("Trivsel", key="trivsel", line=2)
>>> b.link(a, s, polarity="+", line=3)
>>> [(l.cause, l.effect, l.polarity.value) for l in b.build(title="demo").links]
[('søvn', 'trivsel', '+')]
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from gmb.errors import FormatError, NotFoundError, StoreError, ValidationError, warn
from gmb.io.ids import make_id
from gmb.session.model import Polarity, Session, Strength, VariableKind
from gmb.session.validate import parse_session

__all__ = [
    "MapBuilder",
    "read_bytes",
    "MAX_BYTES",
    "MAX_LABEL",
    "as_session",
    "check_new_file",
    "xml_safe",
    "read_utf8",
]

#: files larger than this are refused before parsing (a CLD is kilobytes, not gigabytes)
MAX_BYTES = 64 * 1024 * 1024
#: longest label a Variable accepts (see gmb.session.model)
MAX_LABEL = 2000

_ID_OK = re.compile(r"^[^\s/\\]{1,200}$")
_KINDS = {k.value for k in VariableKind}
_STRENGTHS = {s.value for s in Strength}


def read_bytes(path: str | Path, *, limit: int | None = None) -> bytes:
    """The file's bytes; a missing, unreadable or oversized file raises a located GmbError."""
    path = Path(path)
    limit = MAX_BYTES if limit is None else limit
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise NotFoundError("is a folder, not a file", file=str(path))
        if size > limit:
            raise FormatError(
                f"file is too large ({size:,} bytes; the limit is {limit:,})", file=str(path),
                hint="a causal-loop diagram should be far smaller; is this the right file?",
            )  # fmt: skip
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError("no such file", file=str(path)) from None
    except OSError as exc:
        raise StoreError(f"cannot read: {exc.strerror}", file=str(path)) from None


def read_utf8(path: str | Path) -> str:
    """:func:`read_bytes` decoded as strict UTF-8 (a BOM is dropped); bad bytes raise EncodingError with the line."""
    from gmb.io.safexml import check_utf8

    raw = read_bytes(path)
    check_utf8(raw, str(path))
    return raw.decode("utf-8").removeprefix("\ufeff")


def check_new_file(path: Path) -> None:
    """Refuse to write where a folder is."""
    if path.is_dir():
        raise ValidationError("is a folder; give a file name", file=str(path), field="--out")


def as_session(obj: Any) -> Session:
    """Writers take a Session or a gmb-cld graph (``gmb.to_graph``)."""
    if isinstance(obj, Session):
        return obj
    import networkx as nx

    if isinstance(obj, nx.DiGraph):
        from gmb.cld.graph import from_graph

        # from_graph needs the themes and people the nodes and edges name; the graph carries them
        G = obj
        themes = G.graph.get("themes") if isinstance(G.graph.get("themes"), dict) else {}
        people = {d.get("proposed_by") for _, d in G.nodes(data=True)}
        for *_, d in G.edges(data=True):
            people |= {d.get("proposed_by"), *(d.get("supporters") or ()), *(d.get("disputers") or ())}
        base = parse_session({
            "title": G.graph.get("title") or "untitled", "focus": G.graph.get("focus") or "",
            "languages": G.graph.get("languages") or ["en"],
            "themes": [{"id": k, **{f: v[f] for f in ("labels", "description") if f in v}} for k, v in themes.items()],
            "participants": [{"id": p, "name": p} for p in sorted(x for x in people if x)],
        })  # fmt: skip
        return from_graph(G, base=base)
    raise ValidationError(f"expected a Session or a networkx.DiGraph, got {type(obj).__name__}")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(session: Session) -> None:
    """Refuse text XML 1.0 cannot hold (control characters), naming where it is."""
    for kind, items in (("variables", session.variables), ("links", session.links), ("themes", session.themes)):
        for item in items:
            for name, value in item.model_dump(mode="json").items():
                texts = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
                for text in texts:
                    if isinstance(text, str) and _NOT_XML.search(text):
                        raise ValidationError(
                            "contains a control character that XML files cannot hold",
                            field=f"{kind}.{item.id}.{name}", hint="remove it and export again",
                        )  # fmt: skip
    if _NOT_XML.search(session.title):
        raise ValidationError("contains a control character that XML files cannot hold", field="title")


def polarity_of(value: Any) -> str:
    """``+``/``-``/``?`` from the many ways tools write a sign; anything unclear is ``?``."""
    if isinstance(value, bool) or value is None:
        return "?"
    if isinstance(value, (int, float)):
        return "+" if value > 0 else "-" if value < 0 else "?"
    text = str(value).strip().lower()
    if text in {"+", "+1", "1", "positive", "pos", "same", "s", "p"}:
        return "+"
    if text in {"-", "−", "-1", "negative", "neg", "opposite", "o", "n"}:
        return "-"
    return "?"


def truthy(value: Any) -> bool:
    """A yes/no cell or attribute: ``True``, ``"yes"``, ``"x"``, ``"||"``, ``1``… are yes."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return str(value or "").strip().lower() in {"yes", "y", "true", "1", "x", "||", "delay", "delayed", "ja", "j"}


class MapBuilder:
    """Collect variables and links found in ``file``; :meth:`build` makes the Session.

    ``key`` is how the format refers to a variable (a normalised name, an element id); ids are made
    from labels unless a usable ``id`` is given. ``lang`` is the language of the labels read.
    """

    def __init__(self, file: str | Path, *, lang: str = "en", by: str | None = None) -> None:
        self.file = str(file)
        self.lang = lang
        self.by = by
        self.variables: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.themes: dict[str, dict[str, Any]] = {}
        self.participants: dict[str, dict[str, Any]] = {}
        self.languages: list[str] = [lang]
        self._by_key: dict[Any, str] = {}
        self._ids: set[str] = set()
        self._pairs: dict[tuple[str, str], dict[str, Any]] = {}

    # -- variables -------------------------------------------------------
    def has(self, key: Any) -> bool:
        return key in self._by_key

    def id_of(self, key: Any) -> str | None:
        return self._by_key.get(key)

    def variable(
        self,
        label: Any,
        *,
        key: Any = None,
        id: Any = None,
        line: int | None = None,
        field: str | None = None,
        labels: dict[str, Any] | None = None,
        kind: str | None = None,
        position: tuple[float, float] | None = None,
        description: Any = "",
        themes: Iterable[str] = (),
        notes: Any = "",
        **extra: Any,
    ) -> str:
        """Add a variable (or return the id of the one already under ``key``)."""
        key = label if key is None else key
        if key in self._by_key:
            return self._by_key[key]
        label = self.check_label(label, line=line, field=field)
        all_labels = {self.lang: label}
        for lang, text in (labels or {}).items():
            if text is None or not str(text).strip():
                continue
            all_labels[str(lang)] = self.check_label(text, line=line, field=f"{field or 'label'} ({lang})")
            if str(lang) not in self.languages:
                self.languages.append(str(lang))
        var_id = None
        if isinstance(id, str) and _ID_OK.match(id.strip()) and id.strip() not in self._ids:
            var_id = id.strip()
        var_id = var_id or make_id(label, self._ids)
        self._ids.add(var_id)
        self._by_key[key] = var_id
        item: dict[str, Any] = {"id": var_id, "labels": all_labels}
        if kind and kind in _KINDS:
            item["kind"] = kind
        if position is not None:
            item["position"] = position
        if description:
            item["description"] = str(description)
        if notes:
            item["notes"] = str(notes)
        if themes:
            item["themes"] = list(dict.fromkeys(themes))
        if self.by:
            item["proposed_by"] = self.by
        item.update({k: v for k, v in extra.items() if v not in (None, "", ())})
        item["_line"] = line
        self.variables.append(item)
        return var_id

    def check_label(self, label: Any, *, line: int | None = None, field: str | None = None) -> str:
        text = "" if label is None else str(label).strip()
        if not text:
            raise ValidationError("empty variable name", file=self.file, line=line, field=field)
        if len(text) > MAX_LABEL:
            raise ValidationError(
                f"variable name is {len(text):,} characters long (the limit is {MAX_LABEL:,})",
                file=self.file, line=line, field=field, hint="shorten it, or put the text in a description",
            )  # fmt: skip
        return text

    def set(self, var_id: str, **fields: Any) -> None:
        """Fill fields of a variable read earlier (e.g. a position from a later sketch)."""
        for item in self.variables:
            if item["id"] == var_id:
                item.update({k: v for k, v in fields.items() if v is not None})
                return

    def theme(self, label: Any, *, id: Any = None, line: int | None = None, field: str | None = None) -> str:
        """The id of the theme called ``label`` (made on first use, from ``id`` if usable)."""
        text = self.check_label(label, line=line, field=field)
        for theme_id, item in self.themes.items():
            if item["labels"][self.lang] == text:
                return theme_id
        usable = isinstance(id, str) and _ID_OK.match(id) and id not in self.themes
        theme_id = id if usable else make_id(text, set(self.themes))
        self.themes[theme_id] = {"id": theme_id, "labels": {self.lang: text}}
        return theme_id

    def person(self, pid: Any, name: Any = None) -> str | None:
        """Make sure participant ``pid`` exists (formats name people but rarely describe them)."""
        if pid is None or not str(pid).strip():
            return None
        pid = str(pid).strip()
        if pid not in self.participants:
            self.participants[pid] = {"id": pid, "name": str(name or pid)}
        return pid

    # -- links -----------------------------------------------------------
    def link(
        self,
        cause: str,
        effect: str,
        *,
        polarity: str = "?",
        delay: bool = False,
        strength: str | None = None,
        id: Any = None,
        line: int | None = None,
        field: str | None = None,
        **extra: Any,
    ) -> None:
        """Add ``cause -> effect``. A self-loop is skipped and a repeated pair merged, with a warning."""
        if cause == effect:
            warn(f"a link from '{cause}' to itself is not a causal link of the map; skipped",
                 file=self.file, line=line, field=field)  # fmt: skip
            return
        polarity = polarity if polarity in ("+", "-", "?") else "?"
        old = self._pairs.get((cause, effect))
        if old is not None:
            if old["polarity"] == "?":
                old["polarity"] = polarity
            elif polarity not in ("?", old["polarity"]):
                warn(f"link {cause} -> {effect} appears twice with different signs; kept '{old['polarity']}'",
                     file=self.file, line=line, field=field)  # fmt: skip
            old["delay"] = old["delay"] or bool(delay)
            return
        item: dict[str, Any] = {"cause": cause, "effect": effect, "polarity": polarity, "delay": bool(delay)}
        if strength in _STRENGTHS:
            item["strength"] = strength
        if isinstance(id, str) and _ID_OK.match(id.strip()):
            item["id"] = id.strip()
        if self.by:
            item["proposed_by"] = self.by
        item.update({k: v for k, v in extra.items() if v not in (None, "", ())})
        item["_line"] = line
        self._pairs[cause, effect] = item
        self.links.append(item)

    def update_link(self, cause: str, effect: str, **fields: Any) -> bool:
        """Set fields of an existing link; False if there is none."""
        item = self._pairs.get((cause, effect))
        if item is None:
            return False
        item.update({k: v for k, v in fields.items() if v is not None})
        return True

    def has_link(self, cause: str, effect: str) -> bool:
        return (cause, effect) in self._pairs

    # -- the session -------------------------------------------------------
    def build(self, *, title: Any = None, **session_fields: Any) -> Session:
        """One validated Session; a rule it breaks is reported with the file and line of the item."""
        used = {item.get("id") for item in self.links}
        n = 0
        links = []
        for item in self.links:
            item = dict(item)
            if "id" not in item:
                n += 1
                while f"L{n}" in used:
                    n += 1
                item["id"] = f"L{n}"
                used.add(item["id"])
            links.append(item)
        for person in (self.by, *[p for item in links for p in (item.get("proposed_by"),
                       *item.get("supporters", ()), *item.get("disputers", ()))],
                       *[item.get("proposed_by") for item in self.variables]):  # fmt: skip
            self.person(person)
        lines = {("variables", i): v.get("_line") for i, v in enumerate(self.variables)}
        lines.update({("links", i): link.get("_line") for i, link in enumerate(links)})
        data = {
            "title": str(title or "untitled")[:500].strip() or "untitled",
            "languages": self.languages,
            "participants": list(self.participants.values()),
            "themes": list(self.themes.values()),
            "variables": [{k: v for k, v in item.items() if k != "_line"} for item in self.variables],
            "links": [{k: v for k, v in item.items() if k != "_line"} for item in links],
            **session_fields,
        }
        try:
            return parse_session(data, file=self.file)
        except ValidationError as exc:
            match = re.match(r"(variables|links)\[(\d+)\]", exc.field or "")
            line = lines.get((match.group(1), int(match.group(2)))) if match else None
            raise ValidationError(exc.message, file=self.file, line=line, field=exc.field, hint=exc.hint) from None


def polarity_enum(value: str) -> Polarity:
    return Polarity(value if value in ("+", "-", "?") else "?")
