"""How sure the record is of each link: P(present) and P(sign as drawn), from what the group recorded.

A CLD link carries who proposed it, who supports and who disputes it, and an
evidence code (``S`` stated in a source, ``I`` implied, ``Inf`` inferred,
``candidate`` not yet supported — the first word of the link's ``evidence``).
The conversion turns that into two probabilities per link, which ensembles
sample when the ``structure`` kind varies (:mod:`gmb.simulate.sampling`):

**P(present)** is the mean of a Beta(α, β) with pseudo-counts from the record
(:class:`~gmb.stockflow.assumptions.PresenceRule`)::

    α = 1 + support + 2·[code S] + 1·[code I]
    β = 0 + disputers + 1·[code candidate or Inf]
    P(present) = α / (α + β)

``support`` counts the distinct participants who proposed or support the link,
``disputers`` those who dispute it. The default ``β`` starts at 0: doubt comes
only from the record — a link nobody disputed and whose evidence is not a
candidate or an inference is present for sure (as the group drew it), so a map
imported without any record behaves as before. Set ``presence.beta`` to 1 for
the Laplace prior that doubts every link a little (an ``S`` link with three
supporters and its proposer: 7/8).

Why the mean and not a Beta draw per run: each run draws the link's presence
once, and a presence drawn from Bernoulli(p) with p ~ Beta(α, β) is exactly
Bernoulli(α/(α+β)) — drawing p first would add noise, not uncertainty.

**P(sign as drawn)** is 1 for a ``+`` or ``-`` link and 1/2 for a ``?`` link
(whose sign is then ``+`` with probability 1/2, ``-`` otherwise).

Per-link overrides win: ``link_presence`` and ``link_sign`` in the assumptions
(for a ``?`` link, ``link_sign`` is P(+)).

>>> from gmb.stockflow.assumptions import Assumptions
>>> a = Assumptions()
>>> round(link_doubt({"evidence": "S", "support": 4}, a).present, 3)
1.0
>>> round(link_doubt({"evidence": "candidate (Inf)", "support": 2}, a).present, 3)
0.75
>>> link_doubt({"evidence": "candidate (Inf)", "support": 2}, a.edit(link_presence={"C7": 0.9}), "C7").present
0.9
>>> link_doubt({"sign": 0, "polarity": "?"}, a).sign
0.5
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gmb.stockflow.assumptions import Assumptions

__all__ = ["LinkDoubt", "evidence_code", "link_doubt", "link_support"]


@dataclass(frozen=True)
class LinkDoubt:
    """A link's probability of being present and of having the sign drawn, and why (one phrase)."""

    present: float
    sign: float
    why: str

    @property
    def certain(self) -> bool:
        return self.present >= 1.0 and self.sign >= 1.0


def evidence_code(evidence: Any) -> str:
    """The evidence's code: its first word (``'candidate (Inf)'`` → ``'candidate'``; ``''`` when none).

    >>> evidence_code("S (adults)"), evidence_code("I/Inf"), evidence_code(None)
    ('S', 'I', '')
    """
    m = re.match(r"\s*([^\W\d_]+)", str(evidence or ""))
    return m.group(1) if m else ""


def _lookup(table: Mapping[str, float], code: str) -> float:
    # codes are matched without regard to case ('inf' = 'Inf'), so a typed record still counts
    low = code.lower()
    return next((v for k, v in table.items() if k.lower() == low), 0.0) if code else 0.0


def link_support(data: Mapping[str, Any]) -> int:
    """Distinct participants who proposed or support the link (the graph's ``support``, else counted)."""
    if data.get("support") is not None:
        return int(data["support"])
    people = {p for p in (data.get("proposed_by"), *(data.get("supporters") or ())) if p}
    return len(people)


def link_doubt(data: Mapping[str, Any], assumptions: Assumptions, link: str | None = None,
               *, unsigned: bool | None = None) -> LinkDoubt:  # fmt: skip
    """P(present) and P(sign as drawn) of one link from its CLD edge attributes (see the module docstring).

    ``unsigned``: whether the link enters the model without a known sign (default: its ``sign`` is 0
    and the assumptions' ``polarities`` give none).
    """
    a = assumptions
    rule = a.presence
    code = evidence_code(data.get("evidence"))
    support = link_support(data)
    disputers = len(set(data.get("disputers") or ()))
    alpha = rule.alpha + rule.per_supporter * support + _lookup(rule.evidence, code)
    beta = rule.beta + rule.per_disputer * disputers + _lookup(rule.doubt, code)
    if link is not None and link in a.link_presence:
        present, why = float(a.link_presence[link]), "set in the assumptions"
    else:
        present = alpha / (alpha + beta)
        parts = [f"evidence {code}" if code else "no evidence code", f"{support} supporting"]
        if disputers:
            parts.append(f"{disputers} disputing")
        why = ", ".join(parts)
    if unsigned is None:
        unsigned = int(data.get("sign") or 0) == 0 and not (link is not None and link in a.polarities)
    if link is not None and link in a.link_sign:
        sign = float(a.link_sign[link])
    else:
        sign = 0.5 if unsigned else 1.0
    if unsigned:
        why += "; polarity unknown: + or - in ensembles"
    return LinkDoubt(present=float(present), sign=sign, why=why)
