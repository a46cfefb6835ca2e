"""How sure is a ranking? Rank probabilities, pairwise wins and ties, from the draws themselves.

Every idea runs with the *same* parameter draws (common random numbers), so in each
draw the ideas can be ranked by their effect (better first: larger for an outcome
that should go up). Over the draws:

* ``P(rank = k)`` — the share of draws in which the idea is k-th (a draw's exact ties
  are broken at random, seeded, so every row and every column sums to 1);
* ``P(A beats B)`` — the share of draws in which A's effect is better than B's;
  ``P(A beats B) + P(B beats A) + P(equal) = 1``;
* a rank interval — the ranks between the ``(1 - level)/2`` and ``(1 + level)/2``
  quantiles of the idea's rank over the draws (default 90 %);
* **ties** — a pair whose ``P(A beats B)`` lies within :data:`TIE_BAND` (0.35–0.65)
  is *not distinguishable*: its order is within the noise of the assumptions;
* **tiers** — ideas in order of mean rank, cut where every idea above beats every
  idea below with a probability above the band's top; an idea alone in its tier
  has a clear place, a tier of several is "ranks a–b, not distinguishable".

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> common = rng.normal(size=2000)
>>> E = np.array([1.0 + common, 0.5 + common + 0.1 * rng.normal(size=2000), 0.5 + common + 0.1 * rng.normal(size=2000)])
>>> r = rank_probabilities(E, ["a", "b", "c"])
>>> [sorted(t) for t in r["tiers"]], r["p_rank"]["a"][0]
([['a'], ['b', 'c']], 1.0)
>>> bool(np.allclose(np.sum([r["p_rank"][i] for i in "abc"], axis=0), 1.0))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["RANK_LEVEL", "TIE_BAND", "add_rank_uncertainty", "describe_tiers", "rank_probabilities"]

#: a pair whose P(A beats B) lies within this band is shown as a tie ("not distinguishable")
TIE_BAND = (0.35, 0.65)
#: the rank interval's coverage
RANK_LEVEL = 0.9


def rank_probabilities(effects: np.ndarray, ideas: Sequence[str], *, better: float = 1.0,
                       band: tuple[float, float] = TIE_BAND, level: float = RANK_LEVEL,
                       seed: int = 0) -> dict[str, Any]:  # fmt: skip
    """Rank statistics of ``effects`` ``(ideas, draws)`` (see the module docstring).

    Draws where any idea's effect is not finite are left out (their count is in ``draws_left_out``).
    ``better`` is +1 when a larger effect is better, −1 when smaller is.
    """
    n = len(ideas)
    E = better * np.asarray(effects, dtype=float)
    if n == 0:  # no ideas: nothing to rank
        E = np.zeros((0, 0))
    ok = np.isfinite(E).all(axis=0) if E.size else np.zeros(0, dtype=bool)
    E = E[:, ok]
    draws = E.shape[1]
    out: dict[str, Any] = {"ideas": list(ideas), "draws": int(draws), "draws_left_out": int((~ok).sum()),
                           "tie_band": list(band), "level": level}  # fmt: skip
    if draws == 0 or n == 0:
        out.update(p_rank={}, p_beats={}, p_equal={}, rank_interval={}, mean_rank={}, ties=[], tiers=[])
        return out
    # rank 1 = best; exact ties within a draw broken at random (seeded) so rows and columns sum to 1
    jitter = np.random.default_rng(seed).random(E.shape)
    order = np.lexsort((jitter, -E), axis=0)  # per draw: ideas from best to worst
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(n)[:, None].repeat(draws, axis=1), axis=0)
    p_rank = np.stack([(ranks == k).mean(axis=1) for k in range(n)], axis=1)  # (ideas, ranks)
    beats = (E[:, None, :] > E[None, :, :]).mean(axis=2)
    equal = (E[:, None, :] == E[None, :, :]).mean(axis=2)
    lo, hi = np.quantile(ranks + 1, [(1 - level) / 2, (1 + level) / 2], axis=1, method="inverted_cdf")
    mean_rank = (ranks + 1).mean(axis=1)
    ties = [[ideas[a], ideas[b], float(beats[a, b])] for a in range(n) for b in range(a + 1, n)
            if band[0] <= beats[a, b] <= band[1]]  # fmt: skip
    by_rank = sorted(range(n), key=lambda i: (mean_rank[i], ideas[i]))
    tiers: list[list[int]] = []
    for pos, i in enumerate(by_rank):
        above, below = by_rank[:pos], by_rank[pos:]
        if tiers and all(beats[a, b] > band[1] for a in above for b in below):
            tiers.append([i])
        elif tiers:
            tiers[-1].append(i)
        else:
            tiers.append([i])
    out.update(
        p_rank={ideas[i]: p_rank[i].tolist() for i in range(n)},
        p_beats={ideas[a]: {ideas[b]: float(beats[a, b]) for b in range(n) if b != a} for a in range(n)},
        p_equal={ideas[a]: {ideas[b]: float(equal[a, b]) for b in range(n) if b != a} for a in range(n)},
        rank_interval={ideas[i]: [int(lo[i]), int(hi[i])] for i in range(n)},
        mean_rank={ideas[i]: float(mean_rank[i]) for i in range(n)},
        ties=ties,
        tiers=[[ideas[i] for i in t] for t in tiers],
    )  # fmt: skip
    return out


def describe_tiers(stats: dict[str, Any], labels: dict[str, str] | None = None) -> list[str]:
    """Sentences for the tiers: "1. A — clearly", "ranks 2–4 not distinguishable: B, C, D".

    >>> describe_tiers({"tiers": [["a"], ["b", "c"]]})
    ['rank 1: a (clearly ahead of the ideas below)', 'ranks 2–3: b, c (not distinguishable)']
    """
    labels = labels or {}
    out, pos = [], 1
    tiers = stats.get("tiers") or []
    for t, tier in enumerate(tiers):
        names = ", ".join(labels.get(i, i) for i in tier)
        last = t == len(tiers) - 1
        if len(tier) == 1:
            out.append(f"rank {pos}: {names}" + ("" if last else " (clearly ahead of the ideas below)"))
        else:
            out.append(f"ranks {pos}–{pos + len(tier) - 1}: {names} (not distinguishable)")
        pos += len(tier)
    return out


def add_rank_uncertainty(ranking: dict[str, Any], effects: np.ndarray, ideas: Sequence[str], *, better: float = 1.0,
                         band: tuple[float, float] = TIE_BAND, level: float = RANK_LEVEL,
                         seed: int = 0) -> None:  # fmt: skip
    """Add the rank statistics to a ranking (``ranking["ideas"]`` rows and ``ranking["rank_uncertainty"]``)."""
    stats = rank_probabilities(effects, ideas, better=better, band=band, level=level, seed=seed)
    labels = {r["idea"]: r.get("label", r["idea"]) for r in ranking.get("ideas", [])}
    for r in ranking.get("ideas", []):
        i = r["idea"]
        r["p_rank"] = stats["p_rank"].get(i)
        r["rank_interval"] = stats["rank_interval"].get(i)
        r["mean_rank"] = stats["mean_rank"].get(i)
        r["p_beats"] = stats["p_beats"].get(i)
        r["ties_with"] = sorted({b if a == i else a for a, b, _ in stats["ties"] if i in (a, b)})
    stats["text"] = describe_tiers(stats, labels)
    stats["rule"] = (f"per draw (common random numbers), ideas are ranked by effect; P(rank = k) and P(A beats B) "
                     f"are shares of the {stats['draws']} draws; pairs with P(A beats B) between {band[0]:g} and "
                     f"{band[1]:g} are not distinguishable (ties); rank interval: {level:.0%} of the "
                     "draws")  # fmt: skip
    ranking["rank_uncertainty"] = stats
