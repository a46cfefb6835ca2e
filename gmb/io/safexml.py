"""Parsing XML from files we did not write: no DTDs, no entities, no network, located errors.

Uses :mod:`defusedxml`, which refuses document type declarations (and with them the "billion
laughs" entity bombs and external entities, XXE). Every failure is a :class:`~gmb.errors.FormatError`
or :class:`~gmb.errors.EncodingError` naming the file and, where the parser knows it, the line.

>>> root = parse_xml(b'<a xmlns="urn:x"><b n="1"/></a>', "f.xml")
>>> local(root.tag), [local(c.tag) for c in root]
('a', ['b'])
>>> try:
...     parse_xml(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', "bomb.xml")
... except FormatError as exc:
...     print(exc.file, exc.line, exc.message)
bomb.xml 1 XML with a document type declaration (DTD) is refused
"""

from __future__ import annotations

import re
import weakref
import xml.etree.ElementTree as ET
from xml.etree.ElementTree import Element, ParseError

from gmb.errors import EncodingError, FormatError

__all__ = ["attr", "check_utf8", "check_xml", "child", "children", "line_of", "local", "parse_xml", "text_of"]

# the line each parsed element starts on (ElementTree's elements cannot carry it themselves)
_LINES: weakref.WeakKeyDictionary[Element, int] = weakref.WeakKeyDictionary()


class _LineBuilder(ET.TreeBuilder):
    """Notes each element's line, and refuses nesting deeper than the depth limit as it parses."""

    parser = None
    file = ""

    def __init__(self) -> None:
        from gmb.io.limits import options

        super().__init__()
        self.depth = 0
        self.max_depth = options().max_depth

    def start(self, tag, attrs):
        self.depth += 1
        line = self.parser.parser.CurrentLineNumber if self.parser is not None else None
        if self.depth > self.max_depth:
            from gmb.io.limits import check_depth

            check_depth(self.depth, self.file, line=line)
        elem = super().start(tag, attrs)
        if line is not None:
            _LINES[elem] = line
        return elem

    def end(self, tag):
        self.depth -= 1
        return super().end(tag)


def line_of(elem: Element | None) -> int | None:
    """The line ``elem`` starts on in the file it was parsed from (None if unknown)."""
    return None if elem is None else _LINES.get(elem)


_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def check_utf8(data: bytes, file: str) -> None:
    """Raise :class:`EncodingError` with the line of the first byte that is not UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EncodingError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", file=file, line=line,
            hint="save the file as UTF-8",
        ) from None  # fmt: skip


def parse_xml(data: bytes, file: str, *, repair: bool = False, _target=None) -> Element:
    """The root element of ``data``; refuses DTDs and entities.

    Bytes that are not UTF-8 raise :class:`EncodingError`; with ``repair=True`` they are replaced by
    ``\ufffd`` instead (with a warning), and the caller must refuse them where it reads text.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    declared = _DECLARED.match(data[:300])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding.replace("_", "-") in ("utf-8", "utf8") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            check_utf8(data, file)
        except EncodingError as exc:
            if not repair:
                raise
            from gmb.errors import warn

            warn(f"{exc.message}; the bad bytes were replaced, they are not in anything gmb reads",
                 file=file, line=exc.line)  # fmt: skip
            data = data.decode("utf-8", errors="replace").encode("utf-8")
    try:
        try:
            return _parse(data, DefusedXMLParser, file, _target)
        except ParseError as exc:
            # Hand-edited XMILE often uses isee: without declaring it; declare such prefixes and retry.
            if not repair or "unbound prefix" not in str(exc):
                raise
            data, prefixes = _declare_prefixes(data)
            if not prefixes:
                raise
            from gmb.errors import warn

            warn(f"undeclared XML prefix {', '.join(p + ':' for p in prefixes)}; read anyway", file=file,
                 line=exc.position[0] if getattr(exc, "position", None) else None)  # fmt: skip
            return _parse(data, DefusedXMLParser, file, _target)
    except DefusedXmlException:
        line = _line_of(data, (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype"))
        raise FormatError(
            "XML with a document type declaration (DTD) is refused", file=file, line=line,
            hint="DTDs can define entity bombs and fetch external files; remove the <!DOCTYPE ...> part",
        ) from None  # fmt: skip
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        message = str(exc).split(": line")[0]
        raise FormatError(f"not well-formed XML: {message}", file=file, line=line) from None
    except (ValueError, LookupError, TypeError, OverflowError, RecursionError) as exc:
        # expat reports some broken encodings and declarations this way
        raise FormatError(f"cannot read the XML: {exc}", file=file) from None


class _Checker(_LineBuilder):
    """A target that keeps nothing: the safety and depth checks without building the tree."""

    root_tag: str | None = None

    def start(self, tag, attrs):
        self.depth += 1
        if self.depth > self.max_depth:
            from gmb.io.limits import check_depth

            line = self.parser.parser.CurrentLineNumber if self.parser is not None else None
            check_depth(self.depth, self.file, line=line)
        if self.root_tag is None:
            self.root_tag = tag

    def end(self, tag):
        self.depth -= 1

    def data(self, data):
        pass

    def close(self):
        return Element(self.root_tag or "")


def check_xml(data: bytes, file: str) -> str:
    """:func:`parse_xml`'s checks (DTDs, entities, well-formedness, UTF-8, depth) without keeping a tree;
    returns the root element's tag. For files another parser reads afterwards (GraphML via networkx).

    >>> local(check_xml(b'<graphml xmlns="urn:g"><graph/></graphml>', "g.graphml"))
    'graphml'
    """
    return parse_xml(data, file, _target=_Checker).tag


def _parse(data: bytes, parser_class, file: str = "", target=None) -> Element:
    builder = (target or _LineBuilder)()
    builder.file = file
    parser = parser_class(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    parser.feed(data)
    return parser.close()


_KNOWN_PREFIXES = {b"isee": b"http://iseesystems.com/XMILE", b"simlin": b"https://simlin.com/XMILE/v1.0"}


def _declare_prefixes(data: bytes) -> tuple[bytes, list[str]]:
    """Add ``xmlns:p`` declarations to the root element for prefixes used but never declared."""
    used = set(re.findall(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]", data)) | set(
        re.findall(rb"\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=", data)
    )
    declared = set(re.findall(rb"xmlns:([A-Za-z_][\w.-]*)\s*=", data))
    missing = sorted(p for p in used - declared if p.lower() not in (b"xml", b"xmlns"))
    root = re.search(rb"<(?![?!])[A-Za-z_][\w.:-]*", data)
    if not missing or root is None:
        return data, []
    extra = b"".join(b' xmlns:%s="%s"' % (p, _KNOWN_PREFIXES.get(p, b"urn:undeclared:" + p)) for p in missing)
    return data[: root.end()] + extra + data[root.end() :], [p.decode("ascii", "replace") for p in missing]


def _line_of(data: bytes, needles: tuple[bytes, ...]) -> int | None:
    hits = [data.find(n) for n in needles if data.find(n) >= 0]
    return data[: min(hits)].count(b"\n") + 1 if hits else None


def local(tag: object) -> str:
    """The tag without its ``{namespace}``; comments and processing instructions give ``''``."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(elem: Element, name: str) -> list[Element]:
    """Direct children with local name ``name``, whatever their namespace."""
    return [c for c in elem if local(c.tag) == name]


def child(elem: Element, name: str) -> Element | None:
    for c in elem:
        if local(c.tag) == name:
            return c
    return None


def text_of(elem: Element | None) -> str:
    """All text inside ``elem`` (empty for None)."""
    return "" if elem is None else "".join(elem.itertext()).strip()


def attr(elem: Element, name: str, default: str | None = None) -> str | None:
    """Attribute ``name`` in any namespace (``polarity`` matches ``isee:polarity`` too)."""
    if name in elem.attrib:
        return elem.attrib[name]
    for key, value in elem.attrib.items():
        if local(key) == name:
            return value
    return default
