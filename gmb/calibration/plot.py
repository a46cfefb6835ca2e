"""Posterior predictive bands against the data (matplotlib, imported lazily)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["predictive_plot"]


def predictive_plot(prob: Any, r: dict[str, Any], path: Path) -> Path:
    """One panel per observed series: the model's 5–95 % and 25–75 % bands (posterior draws, every time
    step up to the last observation) with the data and their 90 % error bars, in comparison space."""
    from dataclasses import replace

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    study = prob.study
    p = study.program
    steps = np.arange(0, study.horizon_step + 1, max(1, round(1.0 / p.dt)), dtype=np.int64)
    dense = replace(study, save_steps=np.union1d(steps, study.save_steps))
    P = r.get("_draws")
    if P is None:
        raise ValueError("predictive_plot needs the posterior draws (calibrate keeps them)")
    from gmb.simulate.ensemble import run_parameters

    dense_run = run_parameters(dense, P[:, : min(P.shape[1], 400)], scenarios=[1])[0]
    times = p.times[dense.save_steps]
    fig, axes = plt.subplots(1, len(prob.series), figsize=(5 * len(prob.series), 3.6), squeeze=False)
    for ax, s in zip(axes[0], prob.series):
        v = list(dense.variables).index(s.variable)
        values = dense_run[v]
        if s.transform == "relative_to_first":
            ref = values[int(np.argmin(np.abs(times - s.ref_time)))]
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.log(values / ref[None, :])
            ax.set_ylabel(f"ln({s.variable}(t) / {s.variable}({s.ref_time:g}))")
        else:
            ax.set_ylabel(s.variable)
        q = np.nanquantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
        ax.fill_between(times, q[0], q[4], alpha=0.2, color="C0", label="model 90 %")
        ax.fill_between(times, q[1], q[3], alpha=0.35, color="C0", label="model 50 %")
        ax.plot(times, q[2], color="C0", lw=1.5, label="model median")
        sd = np.sqrt(np.diag(s.cov))
        ax.errorbar(s.times, s.values, yerr=1.645 * sd, fmt="o", color="C3", capsize=3, label="observed (90 %)")
        if s.transform == "relative_to_first":  # the reference: 0 by definition, its error is in the others' bars
            ax.plot([s.ref_time], [0.0], "o", mfc="none", color="C3", label=f"reference (t = {s.ref_time:g})")
        ax.set_xlabel(p.unit)
        ax.set_title(s.label, fontsize=10)
        ax.legend(fontsize=7)
    fig.suptitle(f"posterior predictive — fit p = {r['fit']['p_value']:.2f}", fontsize=10)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
