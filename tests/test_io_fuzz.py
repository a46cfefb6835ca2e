"""Bad input: every reader raises nothing but GmbError subclasses, naming the file (and the line).

For each format, hypothesis mutates valid files (truncation, flipped and inserted bytes, cut and
repeated slices), generates structurally plausible nonsense, and re-encodes text in wrong
encodings — at least 1,000 files per format over the tests below (``EXAMPLES``). Hand-made cases
cover XML bombs, external entities, huge labels and files, cyclic references and binary junk.
"""

from __future__ import annotations

import io
import json
import tempfile
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmb.errors import EncodingError, FormatError, GmbError, GmbWarning, ValidationError
from gmb.io.registry import READERS, WRITERS
from gmb.session.model import Session

FORMATS = sorted(WRITERS)  # the formats gmb both reads and writes (the seeds come from its writers)
ENDING = {"csv": ".csv", "mdl": ".mdl", "xmile": ".xmile", "kumu": ".json", "kumu-xlsx": ".xlsx", "graphml": ".graphml"}
#: examples per format and test: mutate + generate + encode = 1,000 per text format; kumu-xlsx has
#: mutate + sheets + generate = 1,200 (building workbooks is slow, mutating their sheets is not)
EXAMPLES = {"mutate": 500, "generate": 400, "encode": 100, "sheets": 500, "generate-xlsx": 200}
SETTINGS = {"deadline": None, "derandomize": True, "suppress_health_check": list(HealthCheck), "database": None}
_DIR = Path(tempfile.mkdtemp(prefix="gmb-fuzz-"))


def seed_session() -> Session:
    return Session.model_validate({
        "title": "Fuzz", "languages": ["da", "en"],
        "participants": [{"id": "p1", "name": "P"}],
        "themes": [{"id": "t", "labels": {"da": "Tema"}}],
        "variables": [
            {"id": "a", "labels": {"da": "Søvn", "en": "Sleep"}, "kind": "stock", "position": [1, 2], "themes": ["t"]},
            {"id": "b", "labels": {"da": "Trivsel, børn"}, "description": "x|y~z", "position": [30, 40]},
            {"id": "c", "labels": {"da": '"Skærm" (tid)'}, "kind": "exogenous"},
        ],
        "links": [
            {"id": "L1", "cause": "a", "effect": "b", "polarity": "+", "delay": True, "supporters": ["p1"]},
            {"id": "L2", "cause": "b", "effect": "a", "polarity": "-"},
            {"id": "L3", "cause": "c", "effect": "b"},
        ],
    })  # fmt: skip


def _seeds() -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {}
    folder = _DIR / "seeds"
    folder.mkdir()
    for fmt in FORMATS:
        path = folder / f"seed{ENDING[fmt]}"
        if fmt == "csv":
            WRITERS["csv"][1](seed_session(), folder / "pair")
            out[fmt] = [(folder / "pair" / "links.csv").read_bytes(),
                        "from,to,sign,delay\nSøvn,Trivsel,+,yes\nTrivsel,Søvn,-,no\n".encode()]  # fmt: skip
            continue
        WRITERS[fmt][1](seed_session(), path)
        out[fmt] = [path.read_bytes()]
    out["mdl"].append(SFD_MDL.encode())
    out["xmile"].append(SFD_XMILE.encode())
    return out


SFD_MDL = r"""{UTF-8}
Stock= INTEG (
	Inflow-Outflow,
		Initial)
	~	people
	~	A "quoted" comment | ends here
	|
Inflow=
	Stock * Rate * Effect(Stock / Initial)
	~	people/year
	~		|
Effect(
	[(0,0)-(2,2)],(0,0),(1,1),(2,2))
	~
	~		|
Outflow=
	DELAY1I("Rate, per year"[sub], 3, Initial) + IF THEN ELSE(Stock > 0 :AND: Rate < 1, 1, 0)
	~	~	|
"Rate, per year"[sub]= 0.1, 0.2 ~~|
sub: a, b ~~|
Rate = A FUNCTION OF(Stock, -"Rate, per year")
	~	~	|
Initial = 100 ~~|
\\\---/// Sketch information - do not modify anything except names
V300  Do not put anything below this section - it will be ignored
*View 1
$192-192-192,0,Arial|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0
10,1,Stock,300,200,40,20,3,3,0,0,0,0,0,0
11,2,48,200,200,6,8,34,3,0,0,1,0,0,0
10,3,Inflow,200,220,20,10,40,3,0,0,-1,0,0,0
1,4,2,1,4,0,0,22,0,0,0,-1--1--1,,1|(250,200)|
1,5,1,2,1,0,43,0,2,65,0,-1--1--1,|12||0-0-0,1|(250,150)|
1,6,7,1,0,0,45,0,2,64,0,-1--1--1,|12||0-0-0,1|(0,0)|
12,8,0,100,100,30,10,8,4,0,0,-1,0,0,0
1,2,3
10,9,"Rate, per year",50,50,20,10,8,3,0,0,0,0,0,0
///---\\\
"""

SFD_XMILE = """<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
<header><name>sfd</name></header>
<model><variables>
<stock name="Stock"><eqn>init</eqn><inflow>inflow</inflow><outflow>outflow</outflow></stock>
<flow name="Inflow"><eqn>Stock * rate * SMTH1(Stock, 2, init)</eqn></flow>
<flow name="Outflow"><eqn>IF Stock &gt; 0 THEN "Rate 2"[a] ELSE 0</eqn></flow>
<aux name="rate"><eqn>0.1</eqn></aux>
<aux name="Rate 2"><dimensions><dim name="d"/></dimensions><element subscript="a"><eqn>rate</eqn></element></aux>
<aux name="init"><eqn>100</eqn></aux>
<group name="Tema"><entity name="rate"/></group>
</variables><views><view>
<stock x="10" y="20" name="Stock"/><alias uid="7" x="1" y="1"><of>rate</of></alias>
<connector uid="1" polarity="+"><from><alias uid="7"/></from><to>inflow</to></connector>
<connector uid="2" polarity="-"><from>ghost</from><to>inflow</to></connector>
</view></views></model></xmile>
"""

SEEDS = _seeds()


def check(fmt: str, data: bytes, name: str = "f") -> None:
    """Read ``data`` as ``fmt``: a Session, or a GmbError naming this file (and a line where it has one)."""
    path = _DIR / f"{name}{ENDING[fmt]}"
    path.write_bytes(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GmbWarning)
            session = READERS[fmt][1](path, lang="da")
    except GmbError as exc:
        assert exc.file is not None and Path(exc.file).name == path.name, repr(exc)
        text_format = fmt != "kumu-xlsx"
        if text_format and (isinstance(exc, EncodingError) or exc.message.startswith(
                ("malformed JSON", "not well-formed XML", "not a CSV"))):  # fmt: skip
            assert exc.line is not None and exc.line >= 1, repr(exc)
        return
    assert isinstance(session, Session)


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "repeat", "junk"]))
        n = len(data)
        at = draw(st.integers(0, max(n - 1, 0)))
        if op == "truncate":
            del data[at:]
        elif op == "flip" and n:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(
                st.sampled_from(
                    [
                        b"<",
                        b">",
                        b'"',
                        b"|",
                        b"~",
                        b"(",
                        b")",
                        b"[",
                        b",",
                        b"\\",
                        b"\x00",
                        b"\xff",
                        b"\xc3",
                        b"&",
                        b"{",
                        b"}",
                        b"\n",
                        b"=",
                        b"1,",
                        b"-",
                    ]
                )
            )
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "repeat":
            chunk = bytes(data[at : at + draw(st.integers(1, 200))])
            data[at:at] = chunk * draw(st.integers(1, 5))
        elif op == "junk":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


def _xlsx_mutated(seed: bytes, member_data) -> bytes:
    """A zip whose one XML member is mutated: exercises openpyxl's parsing, not only the zip check."""
    zin = zipfile.ZipFile(io.BytesIO(seed))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/") or info.filename == "xl/workbook.xml":
                data = member_data(data)
            zout.writestr(info.filename, data)
    return out.getvalue()


# -- 1. mutated valid files ------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_mutated_files(fmt):
    @settings(max_examples=EXAMPLES["mutate"], **SETTINGS)
    @given(data=mutated(SEEDS[fmt]))
    def run(data):
        check(fmt, data)

    run()


@settings(max_examples=EXAMPLES["sheets"], **SETTINGS)
@given(data=st.data())
def test_mutated_workbook_sheets(data):
    """Inside a valid zip: broken sheet and workbook XML (reaches openpyxl's parser, not just the zip check)."""

    def mutate(xml: bytes) -> bytes:
        return data.draw(mutated([xml]))

    check("kumu-xlsx", _xlsx_mutated(SEEDS["kumu-xlsx"][0], mutate))


# -- 2. generated nonsense with the format's shape ------------------------------------------------
_TEXT = st.text(st.sampled_from(list("abæøå ÆØÅ-+*/()[],;:\"'|~{}=<>\\\n\t0123456789.") + ["\u2028", "\x00"]),
                max_size=40)  # fmt: skip
_NAME = st.text(st.sampled_from(list("abcæøå _-'\"\\,.()0")), min_size=0, max_size=12)


def _mdl(draw) -> str:
    lines = ["{UTF-8}"] if draw(st.booleans()) else []
    names = draw(st.lists(_NAME, min_size=0, max_size=6))
    for name in names:
        rhs = draw(st.one_of(
            st.builds(lambda xs: "A FUNCTION OF(" + ", ".join(xs) + ")", st.lists(
                st.builds(lambda s, n: s + n, st.sampled_from(["", "-", "+"]), st.sampled_from(names or ["x"])))),
            st.builds(lambda a, b: f"INTEG({a}, {b})", st.sampled_from(names or ["x"]), _TEXT),
            _TEXT,
        ))  # fmt: skip
        lines.append(f"{name} = {rhs}\n\t~\t{draw(_TEXT)}\n\t~\t{draw(_TEXT)}\n\t|")
    if draw(st.booleans()):
        lines.append("\\\\\\---/// Sketch information\nV300\n*View 1\n$192")
        for uid in range(draw(st.integers(0, 8))):
            kind = draw(st.sampled_from([1, 10, 11, 12, 30]))
            fields = draw(st.lists(st.one_of(st.integers(-5, 20).map(str), _NAME), min_size=0, max_size=14))
            lines.append(",".join([str(kind), str(uid), *fields]))
    return "\n".join(lines)


def _xmile(draw) -> str:
    names = draw(st.lists(_NAME.map(lambda s: s.replace("&", "").replace("<", "").replace('"', "")), max_size=6))
    tags = []
    for name in names:
        tag = draw(st.sampled_from(["stock", "flow", "aux", "gf", "module", "group", "bogus"]))
        body = f"<eqn>{draw(_TEXT).replace('&', '').replace('<', '')}</eqn>" if draw(st.booleans()) else ""
        if tag == "stock" and names:
            body += f"<inflow>{draw(st.sampled_from(names))}</inflow>"
        tags.append(f'<{tag} name="{name}">{body}</{tag}>')
    conns = [f'<connector uid="{i}" polarity="{draw(st.sampled_from(["+", "-", "?", ""]))}"><from>'
             f"{draw(st.sampled_from(names or ['x']))}</from><to>{draw(st.sampled_from(names or ['x']))}</to>"
             "</connector>" for i in range(draw(st.integers(0, 6)))]  # fmt: skip
    root = draw(st.sampled_from(["xmile", "xmile", "svg"]))
    model = "<model>" if draw(st.integers(0, 9)) else ""
    return (
        f'<{root} xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">{model}<variables>{"".join(tags)}'
        f"</variables><views><view>{''.join(conns)}</view></views>{'</model>' if model else ''}</{root}>"
    )


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), _NAME),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_NAME, inner, max_size=4)),
    max_leaves=20,
)


def _kumu(draw) -> str:
    ids = draw(st.lists(st.one_of(_NAME, st.integers(0, 5)), max_size=6))
    elements = [draw(st.one_of(_JSON, st.fixed_dictionaries({"_id": st.just(i), "attributes": st.fixed_dictionaries(
        {"label": _NAME, "element type": st.sampled_from(["stock", "Action", "", 3, None]), "tags": _JSON})})))
        for i in ids]  # fmt: skip
    connections = [draw(st.one_of(_JSON, st.fixed_dictionaries({
        "from": st.sampled_from(ids or [0]), "to": st.sampled_from(ids or [0]),
        "direction": st.sampled_from(["directed", "mutual", "undirected", None, 7]),
        "attributes": st.fixed_dictionaries({"connection type": _JSON, "delay": _JSON, "strength": _JSON})})))
        for _ in range(draw(st.integers(0, 6)))]  # fmt: skip
    top = {"elements": elements, "connections": connections, "maps": draw(_JSON)}
    return json.dumps(draw(st.one_of(st.just(top), _JSON)), ensure_ascii=draw(st.booleans()))


def _graphml(draw) -> str:
    nodes = draw(st.lists(_NAME.map(lambda s: s.replace('"', "").replace("&", "").replace("<", "")), max_size=5))
    end = st.sampled_from(nodes or ["n"])
    edges = "".join(f'<edge source="{draw(end)}" target="{draw(end)}">'
                    f'<data key="p">{draw(st.sampled_from(["+", "-", "x", ""]))}</data></edge>'
                    for _ in range(draw(st.integers(0, 6))))  # fmt: skip
    labels = "".join(f'<node id="{n}"><data key="l">{draw(_NAME).replace("<", "").replace("&", "")}</data></node>'
                     for n in nodes)  # fmt: skip
    kind = draw(st.sampled_from(["directed", "undirected", "bogus"]))
    typ = draw(st.sampled_from(["string", "int", "double", "boolean", "bogus"]))
    return ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
            f'<key id="l" for="node" attr.name="label" attr.type="{typ}"/>'
            f'<key id="p" for="edge" attr.name="polarity" attr.type="string"/>'
            f'<graph edgedefault="{kind}">{labels}{edges}</graph></graphml>')  # fmt: skip


def _csv(draw) -> str:
    header = draw(st.sampled_from(["from,to,sign", "from;to;sign;delay", "a,b", "", "from,to,sign,strength"]))
    rows = [",".join(draw(st.lists(_NAME, max_size=5))) for _ in range(draw(st.integers(0, 6)))]
    return "\n".join([header, *rows])


def _xlsx(draw) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = draw(st.sampled_from(["Elements", "elements", "Other"]))
    cell = st.one_of(st.none(), st.integers(-3, 3), st.floats(allow_nan=False, allow_infinity=False), _NAME.map(
        lambda s: s.lstrip("=")))  # fmt: skip
    for _ in range(draw(st.integers(0, 5))):
        ws.append(draw(st.lists(cell, max_size=6)))
    if draw(st.booleans()):
        ws2 = wb.create_sheet("Connections")
        ws2.append(draw(st.sampled_from([["From", "To", "Type"], ["From"], [], ["To", "From", "Delay", "Direction"]])))
        for _ in range(draw(st.integers(0, 5))):
            ws2.append(draw(st.lists(cell, max_size=5)))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GENERATORS = {"mdl": _mdl, "xmile": _xmile, "kumu": _kumu, "graphml": _graphml, "csv": _csv, "kumu-xlsx": _xlsx}


@pytest.mark.parametrize("fmt", FORMATS)
def test_generated_files(fmt):
    @settings(max_examples=EXAMPLES["generate-xlsx" if fmt == "kumu-xlsx" else "generate"], **SETTINGS)
    @given(data=st.data())
    def run(data):
        content = GENERATORS[fmt](data.draw)
        check(fmt, content if isinstance(content, bytes) else content.encode("utf-8"))

    run()


# -- 3. wrong encodings -----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "kumu-xlsx"])
def test_wrong_encodings(fmt):
    text = SEEDS[fmt][0].decode("utf-8")

    @settings(max_examples=EXAMPLES["encode"], **SETTINGS)
    @given(encoding=st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-32", "cp865", "mac-roman"]),
           cut=st.integers(0, len(text)))  # fmt: skip
    def run(encoding, cut):
        data = text[:cut].encode(encoding, errors="replace") + text[cut:].encode("utf-8")
        check(fmt, data)

    run()


def test_latin1_is_refused_with_its_line():
    text = SEEDS["kumu"][0].decode("utf-8")
    path = _DIR / "latin.json"
    path.write_bytes(text.encode("latin-1", errors="replace"))
    with pytest.raises(EncodingError) as info:
        READERS["kumu"][1](path)
    assert info.value.line == text[: text.index("ø")].count("\n") + 1


def test_mdl_without_utf8_header_falls_back_to_windows_1252(tmp_path):
    path = tmp_path / "old.mdl"
    path.write_bytes("Søvn = A FUNCTION OF(Trivsel)\n~~|\nTrivsel = A FUNCTION OF()\n~~|\n".encode("cp1252"))
    with pytest.warns(GmbWarning, match="Windows-1252"):
        s = READERS["mdl"][1](path)
    assert [v.label() for v in s.variables] == ["Søvn", "Trivsel"]
    path.write_bytes(b"{UTF-8}\n" + path.read_bytes())
    with pytest.raises(EncodingError) as info:
        READERS["mdl"][1](path)
    assert info.value.line == 2


# -- 4. hand-made attacks and extremes ------------------------------------------------------------
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ROOT xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><model><variables><aux name="&lol3;"/>
</variables></model></ROOT>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ROOT><model><variables><aux name="&xxe;"/></variables></model></ROOT>
"""


@pytest.mark.parametrize("fmt,root", [("xmile", b"xmile"), ("graphml", b"graphml")])
@pytest.mark.parametrize("attack", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_xml_bombs_and_external_entities_are_refused(fmt, root, attack):
    path = _DIR / f"attack{ENDING[fmt]}"
    path.write_bytes(attack.replace(b"ROOT", root))
    with pytest.raises(FormatError, match="document type declaration") as info:
        READERS[fmt][1](path)
    assert info.value.line == 2


def test_entity_bomb_inside_a_workbook_is_refused(tmp_path):
    def bomb(xml: bytes) -> bytes:
        if b"<sheetData>" not in xml:
            return xml
        return BILLION_LAUGHS.split(b"<ROOT")[0].replace(b"lolz", b"worksheet") + xml.replace(b"Trivsel", b"&lol3;")

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_xlsx_mutated(SEEDS["kumu-xlsx"][0], bomb))
    with pytest.raises(FormatError):
        READERS["kumu-xlsx"][1](path)


def test_zip_bomb_is_refused_before_unpacking(tmp_path, monkeypatch):
    import gmb.io.kumu_xlsx

    monkeypatch.setattr(gmb.io.kumu_xlsx, "MAX_UNPACKED", 10_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 1_000_000 + b"</a>")
    path = tmp_path / "zip.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(FormatError, match="unpacks to 1,000,007 bytes"):
        READERS["kumu-xlsx"][1](path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_oversized_files_are_refused_unread(fmt, tmp_path):
    from gmb.io.limits import import_options

    path = tmp_path / f"big{ENDING[fmt]}"
    path.write_bytes(SEEDS[fmt][0] + b" " * 200)
    if fmt == "csv":
        path = tmp_path / "pair"
        WRITERS["csv"][1](seed_session(), path)
    with import_options(max_bytes=100), pytest.raises(FormatError, match="too large"):
        READERS[fmt][1](path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_binary_junk_and_empty_files(fmt):
    for i, data in enumerate([b"", b"\x00" * 64, bytes(range(256)) * 4, b"\xff\xfe\x00<", b"PK\x03\x04junk"]):
        check(fmt, data, name=f"junk{i}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_huge_labels_are_refused_with_their_place(fmt, tmp_path):
    big = "Æ" * 5000
    files = {
        "mdl": f"{{UTF-8}}\nx = 1 ~~|\n{big} = A FUNCTION OF(x) ~~|\n".encode(),
        "xmile": f'<xmile><model><variables><aux name="x"/>\n<aux name="{big}"/></variables></model></xmile>'.encode(),
        "kumu": json.dumps({"elements": [{"_id": "a", "attributes": {"label": "x"}},
                                         {"_id": "b", "attributes": {"label": big}}]}, indent=1).encode(),
        "graphml": (f'<graphml><key id="l" for="node" attr.name="label" attr.type="string"/>'
                    f'<graph edgedefault="directed">'
                    f'<node id="n"><data key="l">{big}</data></node></graph></graphml>').encode(),
        "csv": f"from,to,sign\nx,{big},+\n".encode(),
    }  # fmt: skip
    if fmt == "kumu-xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.title = "Elements"
        wb.active.append(["Label"])
        wb.active.append(["x"])
        wb.active.append([big[:4000]])
        buffer = io.BytesIO()
        wb.save(buffer)
        files[fmt] = buffer.getvalue()
    path = tmp_path / f"huge{ENDING[fmt]}"
    path.write_bytes(files[fmt])
    with pytest.raises(ValidationError, match="characters long|label") as info:
        READERS[fmt][1](path)
    assert info.value.file == str(path)
    text = files[fmt].decode("utf-8", errors="replace")
    lines = {"mdl": 3, "xmile": 2, "csv": 2, "kumu-xlsx": 3}  # kumu-xlsx: the row in the sheet
    if fmt == "kumu":
        lines[fmt] = text[: text.index('"_id": "b"')].rstrip().count("\n") + 1  # the element's "{"
    if fmt in lines:
        assert info.value.line == lines[fmt], repr(info.value)


def test_cyclic_and_self_references(tmp_path):
    """Loops are what a CLD is for; a variable that names itself is skipped with a warning."""
    path = tmp_path / "cycle.mdl"
    path.write_text(
        "A = A FUNCTION OF(B, A) ~~|\nB = A FUNCTION OF(C) ~~|\nC = A FUNCTION OF(-A) ~~|\n", encoding="utf-8"
    )
    with pytest.warns(GmbWarning, match="to itself"):
        s = READERS["mdl"][1](path)
    assert {(link.cause, link.effect, link.polarity.value) for link in s.links} == {
        ("b", "a", "?"), ("c", "b", "?"), ("a", "c", "-")}  # fmt: skip
    kumu = tmp_path / "cycle.json"
    kumu.write_text(json.dumps({"elements": [{"_id": 1, "attributes": {"label": "A"}}],
                                "connections": [{"from": 1, "to": 1}]}))  # fmt: skip
    with pytest.warns(GmbWarning, match="to itself"):
        assert READERS["kumu"][1](kumu).links == ()
    xmile = tmp_path / "cycle.xmile"
    xmile.write_text('<xmile><model><variables><aux name="a"><eqn>a + b</eqn></aux><aux name="b"><eqn>a</eqn></aux>'
                     "</variables></model></xmile>")  # fmt: skip
    with pytest.warns(GmbWarning, match="to itself"):
        assert [(link.cause, link.effect) for link in READERS["xmile"][1](xmile).links] == [("b", "a"), ("a", "b")]


def test_broken_equation_names_its_line(tmp_path):
    path = tmp_path / "broken.mdl"
    path.write_text("{UTF-8}\nA = 1 ~~|\nB =\n  (A + \n  2 ~~|\n", encoding="utf-8")
    with pytest.raises(FormatError, match="'\\(' is not closed") as info:
        READERS["mdl"][1](path)
    assert info.value.line == 4
