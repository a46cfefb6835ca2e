"""``gmb loops`` stays within its time limit and a memory bound however many loops a map has (issue 17).

A dense random map (60 variables, 400 links) has astronomically many loops: the command must return
within ``--time-limit`` (reading, finding and writing included), list at most the cap with the true
count found so far and ``complete: false``, and ``--jsonl`` must stream them with a summary line.
"""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

import networkx as nx
import pytest

from gmb.cld.loops import find_loops, stream_loops
from gmb.commands import structure


def dense_csv(path: Path, n: int = 60, links: int = 400, seed: int = 3) -> Path:
    rng = random.Random(seed)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < links:
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            pairs.add((a, b))
    rows = "".join(f"V{a},V{b},{rng.choice('+-')}\n" for a, b in sorted(pairs))
    path.write_text("from,to,sign\n" + rows, encoding="utf-8")
    return path


def test_json_is_capped_with_the_true_count_and_within_the_time_limit(cli, monkeypatch):
    monkeypatch.setattr(structure, "MAX_LISTED", 300)  # the cap is 10,000; a small one keeps the test fast
    dense_csv(Path("dense.csv"))
    started = time.perf_counter()
    code, out, err = cli("loops", "dense.csv", "--time-limit", "1.5", "--json")
    elapsed = time.perf_counter() - started
    assert code == 0, err
    data = json.loads(out)
    assert elapsed < 1.5 + 0.5, elapsed  # measured: ~1.5 s; the whole command, output included
    assert data["complete"] is False and data["listed"] == len(data["loops"]) == 300
    assert data["count"] > 300 and data["count"] == data["reinforcing"] + data["balancing"] + data["unsigned"]
    assert data["stopped_by"] == "time limit"
    lengths = [loop["length"] for loop in data["loops"]]
    assert lengths == sorted(lengths)  # the shortest loops found, in order of length


def test_jsonl_streams_every_loop_and_a_summary(cli):
    dense_csv(Path("dense.csv"))
    code, out, err = cli("loops", "dense.csv", "--time-limit", "0.5", "--jsonl")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    summary = lines[-1]["summary"]
    assert summary["count"] == len(lines) - 1 > 0 and summary["complete"] is False
    assert summary["stopped_by"] == "time limit" and summary["elapsed"] < 0.5 + 0.3
    assert all(set(loop) >= {"id", "polarity", "variables", "links"} for loop in lines[:-1])
    code, out, _ = cli("loops", "dense.csv", "--jsonl", "--max-count", "7")
    assert len(out.splitlines()) == 8 and json.loads(out.splitlines()[-1])["summary"]["stopped_by"] == "max count"


def test_a_capped_list_counts_what_it_does_not_list():
    G = nx.complete_graph(6, create_using=nx.DiGraph)  # 409 elementary cycles (a closed form: sum C(6,k)(k-1)!)
    for u, v in G.edges:
        G.edges[u, v]["sign"] = 1
    full = find_loops(G, time_limit=None)
    capped = find_loops(G, time_limit=None, keep=50)
    assert full.count == capped.count == sum(math.comb(6, k) * math.factorial(k - 1) for k in range(2, 7)) == 409
    assert capped.listed == 50 and not capped.complete and capped.stopped_by == "list cap"
    assert capped.by_length() == full.by_length()
    assert [loop.variables for loop in capped.loops] == [loop.variables for loop in full.loops[:50]]
    seen = []
    assert stream_loops(G, seen.append, time_limit=None)["count"] == 409 == len({loop.variables for loop in seen})


@pytest.mark.parametrize("option", ["--json", "--jsonl"])
def test_small_maps_are_complete(cli, option):
    Path("m.csv").write_text("from,to,sign\na,b,+\nb,a,-\nb,c,+\nc,b,+\n", encoding="utf-8")
    code, out, err = cli("loops", "m.csv", option)
    assert code == 0, err
    summary = json.loads(out.splitlines()[-1])["summary"] if option == "--jsonl" else json.loads(out)
    assert summary["count"] == 2 and summary["complete"] is True
