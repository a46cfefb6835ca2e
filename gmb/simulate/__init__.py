"""Running stock-flow models: the native reference simulator, pysd runs, and their results."""

from gmb.simulate.reference import simulate
from gmb.simulate.results import Trajectories, compare, from_frame, read_canonical

__all__ = ["simulate", "Trajectories", "compare", "from_frame", "read_canonical"]
