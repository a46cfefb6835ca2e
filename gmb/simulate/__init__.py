"""Running stock-flow models: the native reference simulator, pysd runs, and their results.

The package is callable: ``gmb.simulate(model, …)`` is :func:`gmb.simulate.reference.simulate`,
whatever was imported first (see :func:`gmb._lazy.callable_module`).
"""

from gmb._lazy import callable_module
from gmb.simulate.reference import simulate
from gmb.simulate.results import Trajectories, compare, from_frame, read_canonical

callable_module(__name__, simulate)

__all__ = ["Trajectories", "compare", "from_frame", "read_canonical", "simulate"]
