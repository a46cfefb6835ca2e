"""Which symmetric bound keeps the group's strength classes meaningful: per variable or per link?

Both bound effects symmetrically in log space (``y = ln x``) at ``B`` (default ln 3):

* per variable (the ``saturating`` effect shape): ``y*_i = B·tanh((Σ_j s·e·y_j + u_i) / B)``;
* per link: ``y*_i = Σ_j B·tanh(s·e·y_j / B) + u_i`` — run here through the ``bounded`` shape's
  lookup machinery with the table ``L(z) = exp(B·tanh(ln z / B))`` on a fine log-spaced grid.

For Havndal as drawn and with every link set to one strength class (weak / medium / strong),
it prints the bundle's and each idea's effect on the outcome at the horizon (median and 90 %
interval over the draws), the broken runs, and the share of draws whose outcome is within 1 %
of a ceiling. The old default (``power`` + ``stability: scale``) is printed for comparison.

Run: ``PYTHONPATH=. python bench/response_shapes.py [--runs 1000] [--horizon 36]``
"""

from __future__ import annotations

import argparse
import math
from dataclasses import replace

import numpy as np


def per_link(model, b):
    """The model (converted with the bounded shape) with its lookup replaced by the per-link tanh bound."""
    from gmb.stockflow.model import Lookup

    zs = np.exp(np.linspace(-14.0, 14.0, 4001))
    pts = tuple((float(z), float(np.exp(b * np.tanh(np.log(z) / b)))) for z in zs)
    lk = model.lookups[0]
    return replace(model, lookups=(Lookup(lk.name, pts, doc="per-link bound"),))


def effects(model, session, runs, horizon, seed=0):
    from gmb.cld import to_graph
    from gmb.scenarios.settings import default_scenarios
    from gmb.simulate.ensemble import Study, run_study

    sc = default_scenarios(to_graph(session))
    ideas = [i.id for i in session.ideas]
    runs_map = {i: list(sc.interventions([i])) for i in ideas}
    runs_map["bundle"] = list(sc.interventions(ideas))
    study = Study.build(model, runs_map, seed=seed, horizon=horizon)
    r = run_study(study, runs)
    out = {}
    for name in ["bundle", *ideas]:
        e = r.effect(name)
        ok = np.isfinite(e)
        q = np.quantile(e[ok], [0.05, 0.5, 0.95]) if ok.any() else [np.nan] * 3
        out[name] = (q, int((~ok).sum()))
    return out, r


def main() -> None:
    from gmb.cld import to_graph
    from gmb.examples import load_example
    from gmb.stockflow.assumptions import DEFAULT_STRENGTHS, Assumptions
    from gmb.stockflow.convert import to_stockflow

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--horizon", type=float, default=36.0)
    args = ap.parse_args()
    session = load_example("havndal")
    G = to_graph(session)
    b = math.log(3)
    variants = {"as drawn": {}}
    for cls in ("weak", "medium", "strong"):
        variants[f"all {cls}"] = {"strengths": {k: DEFAULT_STRENGTHS[cls] for k in DEFAULT_STRENGTHS}}
    shapes = {
        "per variable (saturating)": lambda a: to_stockflow(G, a.edit(effect_shape="saturating")),
        "per link": lambda a: per_link(to_stockflow(G, a.edit(effect_shape="bounded")), b),
        "old default (power, scale)": lambda a: to_stockflow(G, a.edit(effect_shape="power", stability="scale")),
    }
    print(
        f"Havndal, {args.runs} draws, seed 0, horizon {args.horizon:g} months; effect = outcome index "
        f"(bundle of all ideas) minus baseline: median [5 %, 95 %]"
    )
    for shape, make in shapes.items():
        print(f"\n== {shape}")
        for vname, change in variants.items():
            m = make(Assumptions().edit(**change))
            res, r = effects(m, session, args.runs, args.horizon)
            (lo, med, hi), broken = res["bundle"]
            top = r.horizon[r.index("bundle")]
            top = top[np.isfinite(top)]
            print(
                f"  {vname:<10} bundle {med:+.3f} [{lo:+.3f}, {hi:+.3f}]  broken {broken}  "
                f"outcome within 1 % of e^B {np.mean(np.log(top) > 0.99 * b):.0%}, above e^B "
                f"{np.mean(np.log(top) > b + 1e-12):.0%}  scale {m.elasticity_scale:.4g}"
            )
            if vname == "as drawn":
                for idea, ((lo, med, hi), brk) in res.items():
                    if idea != "bundle":
                        print(f"      {idea:<24} {med:+.3f} [{lo:+.3f}, {hi:+.3f}]" + (f" broken {brk}" if brk else ""))


if __name__ == "__main__":
    main()
