"""What every reader shares: bounded file reading and one builder from "things read" to a Session.

Readers find variables and links in their format, hand them to a :class:`MapBuilder` together with
where they were found (line, field), and get back one validated :class:`~gmb.session.model.Session`.
The builder makes readable unique ids from labels, checks labels, skips self-loops and merges
duplicate links with a :class:`~gmb.errors.GmbWarning`, and reports problems with file and line.
Sign spellings live in :mod:`gmb.io.signs` and what writers share in :mod:`gmb.io.writing`.

>>> b = MapBuilder("m.txt", lang="da")
>>> a, s = b.variable("Søvn", key="søvn", line=1), b.variable("Trivsel", key="trivsel", line=2)
>>> b.link(a, s, polarity="+", line=3)
>>> [(l.cause, l.effect, l.polarity.value) for l in b.build(title="demo").links]
[('søvn', 'trivsel', '+')]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gmb.errors import FormatError, NotFoundError, StoreError, ValidationError, warn
from gmb.io.ids import make_id
from gmb.io.limits import MAX_BYTES, check_items, lenient, options
from gmb.io.signs import polarity_of
from gmb.io.writing import as_session, check_new_file, xml_safe  # in __all__: readers import them from here
from gmb.session.model import Session, Strength, VariableKind
from gmb.session.parse import parse_session

__all__ = [
    "MAX_BYTES",
    "MAX_LABEL",
    "MapBuilder",
    "as_session",
    "check_new_file",
    "read_bytes",
    "read_utf8",
    "xml_safe",
]

#: longest label a Variable accepts (see gmb.session.model)
MAX_LABEL = 2000

_ID_OK = re.compile(r"^[^\s/\\]{1,200}$")
_KINDS = {k.value for k in VariableKind}
_STRENGTHS = {s.value for s in Strength}


def read_bytes(path: str | Path, *, limit: int | None = None) -> bytes:
    """The file's bytes; a missing, unreadable or oversized file raises a located GmbError."""
    path = Path(path)
    limit = options().max_bytes if limit is None else limit
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise NotFoundError("is a folder, not a file", file=str(path))
        if size > limit:
            raise FormatError(
                f"file is too large ({size:,} bytes; the limit is {limit:,})", file=str(path),
                hint=f"a causal-loop diagram should be far smaller; if this is the right file, give --max-bytes {size}",
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


#: at most this many warnings of one kind are printed per file; the rest are counted in one line
WARN_EACH = 20


class MapBuilder:
    """Collect variables and links found in ``file``; :meth:`build` makes the Session.

    ``key`` is how the format refers to a variable (a normalised name, an element id); ids are made
    from labels unless a usable ``id`` is given. ``lang`` is the language of the labels read.
    Every lookup is a dict, so building is linear in the number of items; the item limit
    (:mod:`gmb.io.limits`) is checked as items arrive.
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
        self._by_id: dict[str, dict[str, Any]] = {}
        self._ids: set[str] = set()
        self._counters: dict[str, int] = {}
        self._theme_of: dict[str, str] = {}
        self._counters_theme: dict[str, int] = {}
        self._pairs: dict[tuple[str, str], dict[str, Any]] = {}
        self._warned: Counter = Counter()
        #: sign texts read that are no sign gmb knows (reported when many links stay unsigned)
        self.sign_values: Counter = Counter()
        #: why links are unsigned, when the reader knows better than "no sign given"
        self.unsigned_reason: str | None = None

    # -- warnings ----------------------------------------------------------
    def note(self, kind: str, message: str, *, line: int | None = None, field: str | None = None) -> None:
        """A warning of ``kind``; after :data:`WARN_EACH` of a kind they are only counted (said at build)."""
        self._warned[kind] += 1
        if self._warned[kind] <= WARN_EACH:
            warn(message, file=self.file, line=line, field=field)

    def skip(self, kind: str, message: str, *, line: int | None = None, field: str | None = None,
             action: str = "skipped") -> None:  # fmt: skip
        """One bad item skipped or repaired with a warning (an error with ``--strict``)."""
        if options().strict:
            lenient(message, file=self.file, line=line, field=field,
                    hint="without --strict, gmb skips such items with a warning")  # fmt: skip
        self.note(kind, f"{message}; {action}", line=line, field=field)

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
    ) -> str | None:
        """Add a variable (or return the id of the one already under ``key``).

        An empty label skips the variable (and later its links) with a warning, and returns None.
        """
        key = label if key is None else key
        if key in self._by_key:
            return self._by_key[key]
        if label is None or not str(label).strip():
            self.skip("empty", "a variable without a name", line=line, field=field, action="skipped, with its links")
            self._by_key[key] = None  # links to it are skipped quietly: the warning above says so
            return None
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
            self._ids.add(var_id)
        var_id = var_id or make_id(label, self._ids, counters=self._counters)
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
        self._by_id[var_id] = item
        check_items(len(self.variables) + len(self.links), self.file, line=line)
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

    def set(self, var_id: str | None, **fields: Any) -> None:
        """Fill fields of a variable read earlier (e.g. a position from a later sketch)."""
        item = self._by_id.get(var_id) if var_id is not None else None
        if item is not None:
            item.update({k: v for k, v in fields.items() if v is not None})

    def theme(self, label: Any, *, id: Any = None, line: int | None = None, field: str | None = None) -> str:
        """The id of the theme called ``label`` (made on first use, from ``id`` if usable)."""
        text = self.check_label(label, line=line, field=field)
        if text in self._theme_of:
            return self._theme_of[text]
        usable = isinstance(id, str) and _ID_OK.match(id) and id not in self.themes
        theme_id = id if usable else make_id(text, self.themes, counters=self._counters_theme)
        self.themes[theme_id] = {"id": theme_id, "labels": {self.lang: text}}
        self._theme_of[text] = theme_id
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
    def sign(self, value: Any) -> str:
        """:func:`polarity_of`, remembering texts that are no known sign (to say why links are unsigned)."""
        polarity = polarity_of(value)
        if polarity == "?" and value is not None and str(value).strip() not in ("", "?"):
            self.sign_values[str(value).strip()[:20]] += 1
        return polarity

    def link(
        self,
        cause: str | None,
        effect: str | None,
        *,
        polarity: str = "?",
        delay: bool = False,
        strength: str | None = None,
        id: Any = None,
        line: int | None = None,
        field: str | None = None,
        repeated: str = "merge",
        **extra: Any,
    ) -> None:
        """Add ``cause -> effect``. A self-loop is skipped and a repeated pair merged, with a warning.

        ``repeated="note"`` (files that list links, not equations) also warns about a repeated pair
        and notes the repetition on the link; ``"merge"`` merges silently (equations that use a
        name twice). A link to a skipped variable (None) is skipped.
        """
        if cause is None or effect is None:
            return
        if cause == effect and repeated == "note":
            self.skip("self", f"a link from '{cause}' to itself is not a causal link of the map", line=line,
                      field=field)  # fmt: skip
            return
        if cause == effect:
            self.note("self", f"a link from '{cause}' to itself is not a causal link of the map; skipped",
                      line=line, field=field)  # fmt: skip
            return
        polarity = polarity if polarity in ("+", "-", "?") else "?"
        old = self._pairs.get((cause, effect))
        if old is not None:
            if old["polarity"] == "?":
                old["polarity"] = polarity
            elif polarity not in ("?", old["polarity"]):
                self.skip("conflict", f"link {cause} -> {effect} appears twice with different signs",
                          line=line, field=field, action=f"kept '{old['polarity']}'")  # fmt: skip
            old["delay"] = old["delay"] or bool(delay)
            if repeated == "note":
                old.setdefault("_repeats", []).append(line)
                first = f" (first on line {old['_line']})" if old.get("_line") is not None else ""
                self.skip("repeat", f"link {cause} -> {effect} appears again{first}", line=line, field=field,
                          action="kept as one link, with a note of the repetition")  # fmt: skip
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
        check_items(len(self.variables) + len(self.links), self.file, line=line)

    def update_link(self, cause: str | None, effect: str | None, **fields: Any) -> bool:
        """Set fields of an existing link; False if there is none."""
        item = self._pairs.get((cause, effect))
        if item is None:
            return False
        item.update({k: v for k, v in fields.items() if v is not None})
        return True

    def has_link(self, cause: str | None, effect: str | None) -> bool:
        return (cause, effect) in self._pairs

    # -- the session -------------------------------------------------------
    def _say_counts(self) -> None:
        for n in self._warned.values():
            if n > WARN_EACH:
                warn(f"… and {n - WARN_EACH:,} more warnings like the ones above ({n:,} in all)", file=self.file)
        unsigned = sum(1 for item in self.links if item["polarity"] == "?")
        if self.links and unsigned * 4 > len(self.links):
            if self.unsigned_reason:
                why = self.unsigned_reason
            elif self.sign_values:
                seen = ", ".join(f"'{v}' ×{n}" for v, n in self.sign_values.most_common(5))
                why = f"their sign is written as {seen}, which gmb does not read as + or −"
            else:
                why = "the file gives no sign for them"
            warn(f"{unsigned:,} of {len(self.links):,} links ({100 * unsigned / len(self.links):.0f} %) have no "
                 f"sign (?): {why}; loops through them are unsigned", file=self.file)  # fmt: skip

    def build(self, *, title: Any = None, **session_fields: Any) -> Session:
        """One validated Session; a rule it breaks is reported with the file and line of the item."""
        self._say_counts()
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
            repeats = item.pop("_repeats", None)
            if repeats:
                where = ", ".join(str(x) for x in repeats[:10] if x is not None)
                note = (f"listed {len(repeats) + 1} times in {Path(self.file).name}"
                        + (f" (again on line {where})" if where else "") + "; kept as one link")  # fmt: skip
                item["notes"] = f"{item['notes']}; {note}" if item.get("notes") else note
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
            # the same class (e.g. UnsafeTextError), now with the line the item came from
            raise type(exc)(exc.message, file=self.file, line=line, field=exc.field, hint=exc.hint) from None
