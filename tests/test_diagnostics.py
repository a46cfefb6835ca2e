"""The cheap per-draw stability diagnostic gives the exact runaway counts (radius >= 1) on random maps."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from gmb.simulate.diagnostics import block_radii, loop_radii


def _random_map(n: int, seed: int, degree: float = 2.5, negative: float = 0.4):
    rng = np.random.default_rng(seed)
    G = nx.gnm_random_graph(n, int(degree * n), seed=seed, directed=True)
    G.remove_edges_from(nx.selfloop_edges(G))
    cols, rows = (np.array(x) for x in zip(*G.edges()))
    signs = np.where(rng.random(len(rows)) < negative, -1.0, 1.0)
    return rows, cols, signs, rng


@pytest.mark.parametrize("seed", range(4))
def test_cheap_radii_give_the_exact_runaway_counts_on_random_maps(seed):
    n = 40 + 10 * seed
    rows, cols, signs, rng = _random_map(n, seed)
    draws = 300
    e = rng.uniform(0.1, 1.0, (len(rows), draws))  # strengths from the whole range
    w = signs[:, None] * e
    exact = loop_radii(n, rows, cols, w, exact=True)
    # scale each draw so the radii spread around 1 (0.6 .. 1.5): both sides, and many near 1
    w = w * (rng.uniform(0.6, 1.5, draws) / exact)[None, :]
    exact = loop_radii(n, rows, cols, w, exact=True)
    cheap = loop_radii(n, rows, cols, w)
    assert 40 < (exact >= 1).sum() < draws - 40
    assert np.array_equal(cheap >= 1, exact >= 1)
    near = np.abs(exact - 1) < 0.03  # the estimate is within ~0.01 of the truth: these fall in the margin
    np.testing.assert_allclose(cheap[near], exact[near], rtol=1e-10)  # near 1: computed exactly
    assert np.all(np.abs(cheap - exact) < 0.06)  # elsewhere an estimate, on the right side of 1


def test_each_path_is_used_and_the_bound_is_certain():
    rows, cols, signs, rng = _random_map(60, 11)
    G = nx.DiGraph(list(zip(cols.tolist(), rows.tolist())))
    block = sorted(max(nx.strongly_connected_components(G), key=len))
    index = {v: k for k, v in enumerate(block)}
    inside = np.array([r in index and c in index for r, c in zip(rows, cols)])
    r, c = np.array([index[x] for x in rows[inside]]), np.array([index[x] for x in cols[inside]])
    w = signs[inside][:, None] * rng.uniform(0.1, 1.0, (inside.sum(), 300))
    exact, _ = block_radii(len(block), r, c, w, exact=True)
    w = w * (rng.uniform(0.3, 2.0, 300) / exact)[None, :]
    exact, _ = block_radii(len(block), r, c, w, exact=True)
    cheap, computed = block_radii(len(block), r, c, w)
    assert 0 < computed.sum() < 0.5 * len(computed)  # exact eigenvalues for a minority of draws
    assert np.array_equal(cheap >= 1, exact >= 1)
    # a non-negative block: rho(W) = rho(|W|), the bound is tight and decides alone below 1
    pos = np.abs(w)
    ex, _ = block_radii(len(block), r, c, pos, exact=True)
    ch, _ = block_radii(len(block), r, c, pos)
    assert np.array_equal(ch >= 1, ex >= 1)
    assert np.all(ch[ex < 0.9] < 1)
