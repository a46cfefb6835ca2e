"""Run a fixed list of gmb commands in the current folder, in one process; used by test_determinism.py.

Prints one JSON object: {command: {"exit": code, "stdout": text}}. Every command runs through typer's
runner (one interpreter start-up for all of them, so the two hash seeds cost two start-ups).
"""

from __future__ import annotations

import json
import shlex
import sys

#: small runs: the point is the bytes, not the statistics
COMMANDS = [
    "convert havndal --json",
    "simulate havndal --json",
    "simulate havndal --runs 40 --scenario all --json",
    "rank havndal --runs 40 --json",
    "rank havndal --runs 40",
    "attribute havndal --bundle bike_paths,soestien,playgrounds --runs 40 --json",
    "sensitivity havndal --scenario soestien --samples 8 --json",
    "loops havndal --json",
    "analyse havndal --json",
    "scenarios havndal",
    "export havndal --format kumu-xlsx --out exports/havndal.xlsx",
    "export havndal --format graphml --out exports/havndal.graphml",
    "export havndal --format xmile --out exports/havndal.xmile",
    "export havndal --format mdl --out exports/havndal.mdl",
    "export havndal --format kumu --out exports/havndal.json",
    "export havndal --format csv --out exports/havndal-csv",
    "map havndal --json",
    "report havndal --json",
    # reading every format back (the readers build sets and graphs too), and what the sessions then hold
    "import exports/havndal.mdl --session from-mdl",
    "import exports/havndal.xmile --session from-xmile",
    "import exports/havndal.json --session from-kumu --format kumu",
    "import exports/havndal.xlsx --session from-xlsx",
    "import exports/havndal.graphml --session from-graphml",
    "import exports/havndal-csv --session from-csv",
    "session show from-mdl --json",
    "session show from-xmile --json",
    "session show from-graphml --json",
    "loops from-xmile --json",
    # a map without stock marks: the conversion chooses the stocks (a feedback vertex set) itself
    "convert edges.csv --outcome mental_wellbeing --json",
    "simulate edges.csv --runs 40 --json",
]


def _write_edge_list() -> None:
    """``edges.csv``: the Havndal links as a bare edge list (no kinds, so no stocks are marked)."""
    import csv

    from gmb.session.store import Store

    session = Store("sessions").load("havndal")
    with open("edges.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["from", "to", "sign", "delay", "strength"])
        for link in session.links:
            out.writerow(
                [link.cause, link.effect, link.polarity.value, "yes" if link.delay else "", link.strength.value]
            )


def main() -> None:
    from typer.testing import CliRunner

    from gmb.cli import app

    _write_edge_list()
    runner = CliRunner()
    out = {}
    for command in COMMANDS:
        result = runner.invoke(app, shlex.split(command))
        out[command] = {"exit": result.exit_code, "stdout": result.stdout, "error": repr(result.exception)}
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
