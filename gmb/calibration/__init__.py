"""Calibrate a group's model to what was observed, and attribute the observed change (issue 18).

* :mod:`gmb.calibration.records` — observations and implemented activities from the session;
* :mod:`gmb.calibration.core` — the posterior by importance resampling of the ensemble's prior
  draws (or a least-squares point fit), with narrowing, identifiability and fit checks;
* :mod:`gmb.calibration.attribution` — Shapley shares of the observed change among the
  implemented activities, baseline drift and the unexplained residual.

Calibrating a *stored* session (``gmb.calibrate("roskilde")``, ``gmb.attribute_observed(...)``) reads
sessions and model folders, so it lives in the workflow layer: :mod:`gmb.workflow.calibration`.
(This package was ``gmb.calibrate``; it was renamed so that ``gmb.calibrate`` is only the function.)
"""
