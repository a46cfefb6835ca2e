"""The Havndal example is committed twice — ``gmb/examples/havndal`` (package data, ``gmb demo``) and
``sessions/havndal`` (so ``gmb session show havndal`` works in a checkout) — and both copies must stay
byte for byte the same (``python tools/build_havndal.py`` writes both)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = ROOT / "gmb" / "examples" / "havndal"
CHECKOUT = ROOT / "sessions" / "havndal"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock" and "__pycache__" not in p.parts
    }


def test_both_havndal_copies_are_byte_identical():
    packaged, checkout = _files(PACKAGED), _files(CHECKOUT)
    assert {"session.json", "events.jsonl"} <= set(packaged)
    assert sorted(packaged) == sorted(checkout)
    different = [name for name in packaged if packaged[name] != checkout[name]]
    assert different == [], f"differ: {different} (rebuild both with python tools/build_havndal.py)"
