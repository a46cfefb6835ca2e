"""Calibrate a group's model to what was observed, and attribute the observed change (issue 18).

* :mod:`gmb.calibrate.records` — observations and implemented activities from the session;
* :mod:`gmb.calibrate.core` — the posterior by importance resampling of the ensemble's prior
  draws (or a least-squares point fit), with narrowing, identifiability and fit checks;
* :mod:`gmb.calibrate.attribution` — Shapley shares of the observed change among the
  implemented activities, baseline drift and the unexplained residual;
* :mod:`gmb.calibrate.api` — :func:`calibrate` and :func:`attribute_observed` on a session.
"""

from __future__ import annotations

__all__ = ["calibrate", "attribute_observed"]


def __getattr__(name: str):
    if name in __all__:
        from gmb.calibrate import api

        return getattr(api, name)
    raise AttributeError(name)
