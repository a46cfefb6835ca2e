"""Scale-out: the same ensembles, sweeps and attributions on one process or a Dask cluster.

* :mod:`gmb.scale.backends`: ``local`` and ``dask`` backends behind one ``map``;
  :func:`open_backend` starts or connects to a cluster and closes it cleanly.
* :mod:`gmb.scale.jobs`: a chunkable job (``size``, ``run(start, stop)``,
  ``reduce(parts)``) and :func:`run_job`, which gives the same answer on any backend.
* :mod:`gmb.scale.chunks`: cutting items into ordered chunks.
* :mod:`gmb.scale.ensemble_jobs`: the ensemble engine's studies, sweeps and Shapley
  sub-bundles as such jobs. (Random draws do not depend on the chunking: the
  engine draws in seeded blocks of runs, see :mod:`gmb.simulate.sampling`.)
"""

from gmb.scale.backends import BACKENDS, Backend, DaskBackend, LocalBackend, machine_workers, open_backend
from gmb.scale.chunks import plan, split
from gmb.scale.jobs import Job, concat, run_job, segments, using

__all__ = [
    "BACKENDS",
    "Backend",
    "DaskBackend",
    "Job",
    "LocalBackend",
    "concat",
    "machine_workers",
    "open_backend",
    "plan",
    "run_job",
    "segments",
    "split",
    "using",
]  # fmt: skip
