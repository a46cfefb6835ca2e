"""Calibrate a group's model to what was observed, and attribute the observed change (issue 18).

The package is callable: ``gmb.calibrate("roskilde")`` is :func:`gmb.calibrate.api.calibrate`.

* :mod:`gmb.calibrate.records` — observations and implemented activities from the session;
* :mod:`gmb.calibrate.core` — the posterior by importance resampling of the ensemble's prior
  draws (or a least-squares point fit), with narrowing, identifiability and fit checks;
* :mod:`gmb.calibrate.attribution` — Shapley shares of the observed change among the
  implemented activities, baseline drift and the unexplained residual;
* :mod:`gmb.calibrate.api` — :func:`calibrate` and :func:`attribute_observed` on a session.
"""

from __future__ import annotations

import functools

from gmb._lazy import callable_module

__all__ = ["attribute_observed", "calibrate"]


def _calibrate(*args, **kwargs):
    from gmb.calibrate.api import calibrate as run

    return run(*args, **kwargs)


def attribute_observed(*args, **kwargs):
    """See :func:`gmb.calibrate.api.attribute_observed`."""
    from gmb.calibrate.api import attribute_observed as run

    return run(*args, **kwargs)


def calibrate(*args, **kwargs):
    """See :func:`gmb.calibrate.api.calibrate`."""
    return _calibrate(*args, **kwargs)


functools.update_wrapper(calibrate, _calibrate)
callable_module(__name__, calibrate)
