"""Leave-one-link-out for ``gmb report``: the check a ranking made without it (an older one, or
``--no-robustness``) is computed and saved as ``robustness.json`` beside it.

The command ``gmb robustness`` (:mod:`gmb.commands.robustness`) runs the same check on demand;
this part is the report's, so it lives where the report command reaches it.
"""

from __future__ import annotations

from pathlib import Path

from gmb.workflow.ensembles import public
from gmb.workflow.models import build
from gmb.workflow.studies import lang_of, load_or_init_scenarios, scenarios_file

__all__ = ["robustness_for_report"]


def robustness_for_report(source: str, models_dir: Path) -> Path | None:
    """For ``gmb report``: when ``models_dir/ranking.json`` carries no leave-one-link-out block (an older ranking,
    or ``--no-robustness``) and there is no ``robustness.json`` made after it, compute it with the ranking's seed, sampling,
    horizon and what it varied (200 draws) and save ``robustness.json``; returns its path (``None``: nothing to do).

    Only for the default model folder (``<out>/models/<name>/``, where the model and its scenarios.json are
    found); a ranking whose scenarios file is gone is left as it is (the report then says how to make it).
    """
    import json

    from gmb.files import atomic_write_text, read_json
    from gmb.scenarios.robustness import ROBUSTNESS_RUNS, link_robustness

    models_dir = Path(models_dir)
    ranking_path = models_dir / "ranking.json"
    saved = models_dir / "robustness.json"
    if not ranking_path.is_file() or models_dir.parent.name != "models":
        return None
    if saved.is_file() and saved.stat().st_mtime >= ranking_path.stat().st_mtime:  # made after the ranking: current
        return None
    ranking = read_json(ranking_path)
    if not isinstance(ranking, dict) or "robustness" in ranking or not isinstance(ranking.get("meta"), dict):
        return None
    m = ranking["meta"]
    out = models_dir.parent.parent
    path = Path(m.get("scenarios_file") or scenarios_file(source, out))
    if not path.is_file():
        return None
    b = build(source, out=out, write=False)
    sc, _ = load_or_init_scenarios(path, b.graph)
    ideas = [row["idea"] for row in ranking.get("ideas") or [] if row.get("idea") in sc.ideas
             and sc.ideas[row["idea"]].targets]  # fmt: skip
    if not ideas:
        return None
    r = link_robustness(b.model, b.graph, sc, ideas=ideas, runs=min(int(ranking.get("runs") or ROBUSTNESS_RUNS),
                        ROBUSTNESS_RUNS), seed=int(m.get("seed", 0)),
                        method="lhs" if m.get("method") == "Latin hypercube" else "mc", horizon=ranking.get("horizon"),
                        vary=m.get("varied"), integration="rk4" if str(m.get("integration", "")).startswith("RK4")
                        else "euler", lang=lang_of(b, None))  # fmt: skip
    r["meta"]["scenarios_file"] = str(path)
    r["meta"]["made_for"] = "gmb report: ranking.json carried no leave-one-link-out block"
    atomic_write_text(saved, json.dumps(public(r), ensure_ascii=False, indent=2) + "\n")
    return saved
