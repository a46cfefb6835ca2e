"""Small problems with known answers, for tests, doctests and the bench.

:func:`tiny_problem` draws the *true* parameters from the prior (a chain of three stocks,
one implemented idea), simulates the observed variable at a few times and adds Gaussian
noise with a known standard error: then the posterior's 90 % intervals should cover the
truth in about 90 % of repetitions (calibration of a Bayesian posterior when the truth is
drawn from the prior).

>>> prob, truth = tiny_problem(seed=1, times=(12, 24))
>>> prob.k, truth.shape == (prob.study.program.n_params,)
(2, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

__all__ = ["observations_from", "tiny_problem"]


def observations_from(variable: str, times: Sequence[float], values: Sequence[float], se: float):
    """Index observations (``level``) of ``variable`` with one standard error."""
    from gmb.session.model import Observation

    return [Observation(id=f"o{k}", variable=variable, time=float(t), value=float(v), se=se)
            for k, (t, v) in enumerate(zip(times, values))]  # fmt: skip


def tiny_problem(*, seed: int = 0, times: Sequence[float] = (6, 12, 18, 24, 30, 36), se: float = 0.02,
                 vary: Sequence[str] = ("elasticity", "adjustment_time", "dose"), variable: str = "v0"):  # fmt: skip
    """``(problem, true parameter vector)``: data of ``variable`` simulated from one prior draw plus noise."""
    from gmb.calibration.core import build_problem
    from gmb.scenarios.doses import Factor, IdeaPlan, Target
    from gmb.simulate.sampling import draw
    from gmb.simulate.synthetic import chain_model

    model = chain_model(3)
    plans = {"push": IdeaPlan(targets=(Target(variable="v2"),), reach=Factor(nominal=0.5, low=0.3, high=0.7),
                              intensity=Factor(nominal=0.4, low=0.2, high=0.6), lag=0, ramp_up=6)}  # fmt: skip
    obs = observations_from(variable, times, [1.0] * len(times), se)
    prob = build_problem(model, plans, obs, vary=vary, engine="numpy")
    truth = draw(prob.study.program, seed=10_000 + seed, runs=1, vary=vary)
    m = prob.predict(prob.run(truth))[:, 0]
    rng = np.random.default_rng(seed)
    y = m + se * rng.standard_normal(len(m))
    return replace(prob, y=y), truth[:, 0]
