"""Importers stay linear and within their limits (issue 20): growth ratios, item/size/depth limits, memory.

Growth is measured as the ratio of read CPU times at n and 4n items (best of 3, sizes small enough to
be fast). A linear reader gives ~4; the quadratic readers this replaces gave 9-16x at these sizes
(measured with main's readers: nested XMILE 1,500 -> 6,000 deep 15.4x, same-label Kumu JSON 9.3x,
CSV 4,000 -> 16,000 variables 10.3x), so the bound here is 7 — loose for a loaded CI machine, tight
enough to catch a quadratic. ``bench/io_formats.py``
prints the table for 10k, 40k and 160k items.
"""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from gmb.errors import FormatError
from gmb.io.limits import import_options
from gmb.io.registry import read_any

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("io_formats_bench", ROOT / "bench" / "io_formats.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.mark.parametrize("case, small", [("xmile, nested n deep", 1_500), ("kumu json, n same labels", 1_500),
                                         ("csv edge list, n variables", 4_000)])  # fmt: skip
def test_reading_time_grows_linearly(case, small, tmp_path):
    fmt, make = bench.SCALING[case]
    large = 4 * small
    # CPU time of this process, best of 3: another job on the machine must not decide the ratio
    t_small = bench.read_time(fmt, make(tmp_path / "small.x", small), repeat=3, clock=time.process_time)
    t_large = bench.read_time(fmt, make(tmp_path / "large.x", large), repeat=3, clock=time.process_time)
    assert t_large / t_small < 7, f"{case}: {t_small:.3f} s -> {t_large:.3f} s for 4x the items"


def test_the_item_limit_names_itself_and_its_option(tmp_path):
    path = bench.wide_csv(tmp_path / "m.csv", 50)
    with import_options(max_items=20), pytest.raises(FormatError) as info:
        read_any(path)
    assert "more than 20 items (variables and links); the limit is 20" in info.value.message
    assert info.value.hint.endswith("give --max-items 80")
    assert len(read_any(path, max_items=200).variables) == 50
    path = bench.same_label_kumu(tmp_path / "k.json", 50)
    with pytest.raises(FormatError, match="more than 20 items"):
        read_any(path, max_items=20)


@pytest.mark.parametrize("maker, fmt", [("wide_csv", "csv"), ("sdai_json", "sdai-json")])
def test_csv_and_sdai_json_over_the_size_limit_are_refused(maker, fmt, tmp_path):
    path = getattr(bench, maker)(tmp_path / "m.x", 100)
    size = path.stat().st_size
    with pytest.raises(FormatError) as info:
        read_any(path, fmt=fmt, max_bytes=size - 1)
    assert f"file is too large ({size:,} bytes; the limit is {size - 1:,})" in info.value.message
    assert "--max-bytes" in info.value.hint
    assert len(read_any(path, fmt=fmt, max_bytes=size).variables) == 100


def test_depth_limits_for_xml_and_json(tmp_path):
    deep = bench.nested_xmile(tmp_path / "d.xmile", 500)
    with pytest.raises(FormatError, match="nested more than 200 levels deep; the limit is 200") as info:
        read_any(deep)
    assert info.value.line == 1
    path = tmp_path / "d.json"
    path.write_text('{"model": {"relationships": []}, "x": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    with pytest.raises(FormatError, match="nested more than 200 levels deep"):
        read_any(path, fmt="sdai-json")  # was a RecursionError traceback
    path.write_text('{"elements": [], "x": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    with pytest.raises(FormatError, match="nested more than 200 levels deep"):
        read_any(path, fmt="kumu")


def xlsx_bomb(rows: int) -> bytes:
    """A Kumu workbook whose Elements sheet has ``rows`` rows: small zipped, large unpacked."""
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Element {r}</t></is></c></row>'
                    for r in range(2, rows + 2))  # fmt: skip
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Label</t></is></c></row>'
             f"{cells}</sheetData></worksheet>")  # fmt: skip
    main = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{main}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{main}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{main}/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{main}/spreadsheetml/2006/main" '
        f'xmlns:r="{main}/officeDocument/2006/relationships"><sheets><sheet name="Elements" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{main}/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{main}/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buffer.getvalue()


_MEASURE = """
import resource, sys, warnings
warnings.simplefilter("ignore")
from gmb.io.registry import read_any
from gmb.errors import FormatError
try:
    read_any(sys.argv[1], max_items=int(sys.argv[2]))
    print("read")
except FormatError as exc:
    print("refused:", exc.message)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_an_xlsx_unfolding_beyond_the_item_limit_is_refused_early_in_bounded_memory(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_bomb(400_000))  # ~3 MB zipped, ~35 MB of sheet XML unpacked, 400,000 rows
    assert path.stat().st_size < 4_000_000
    baseline = subprocess.run([sys.executable, "-c", _MEASURE, str(bench.wide_csv(tmp_path / "s.csv", 10)), "100"],
                              capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path), "20000"], capture_output=True, text=True,
                          check=True, cwd=ROOT)  # fmt: skip
    verdict, peak = done.stdout.splitlines()
    base = int(baseline.stdout.splitlines()[-1])
    assert verdict.startswith("refused: more than 20,000 rows in sheet1.xml"), done.stdout + done.stderr
    # measured: 143 MB peak for both (Python and the libraries); reading all 400,000 rows would hold them all
    assert int(peak) - base < 150, (base, peak)
