"""Run an XMILE or Vensim file in pysd and return :class:`Trajectories`.

pysd translates a model into a Python file next to it; we translate a copy in
a temporary folder so model folders stay clean (and ``model.xmile`` and
``model.mdl`` do not both write ``model.py``). pysd is imported only here.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

from gmb.errors import NotFoundError, SimulationError
from gmb.simulate.results import Trajectories, from_frame

__all__ = ["load_pysd", "run_pysd"]

_READERS = {".xmile": "read_xmile", ".xml": "read_xmile", ".stmx": "read_xmile", ".mdl": "read_vensim"}


def load_pysd(path: str | Path, folder: str | Path):
    """Translate ``path`` with pysd inside ``folder`` and return the pysd model."""
    import pysd

    path = Path(path)
    if not path.is_file():
        raise NotFoundError("no such model file", file=str(path))
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise SimulationError(f"pysd cannot read {path.suffix!r} files", file=str(path), hint="use .xmile or .mdl")
    copy = Path(folder) / path.name
    shutil.copyfile(path, copy)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(pysd, reader)(str(copy))
    except Exception as exc:  # noqa: BLE001 - pysd raises many kinds; all mean "this file does not translate"
        raise SimulationError(f"pysd could not translate the model: {exc}", file=str(path)) from None


def run_pysd(
    path: str | Path,
    *,
    params: Mapping[str, float] | None = None,
    names: Iterable[str] | None = None,
) -> Trajectories:
    """Translate and run a model file in pysd; ``params`` sets constants, ``names`` picks outputs.

    The independent check of gmb's own simulators: the files gmb writes must give the same
    trajectories in pysd.

    Parameters
    ----------
    path : str or pathlib.Path
        An ``.xmile`` or ``.mdl`` file.
    params : mapping of str to float, optional
        Constants to set.
    names : iterable of str, optional
        The outputs (default: all).

    Returns
    -------
    Trajectories
        The run, every step.

    Raises
    ------
    gmb.errors.NotFoundError
        The file does not exist.
    gmb.errors.SimulationError
        Not an ``.xmile`` or ``.mdl`` file, or pysd cannot translate or run it.

    Examples
    --------
    Skipped as a doctest (importing pysd takes seconds); tests/test_stockflow_pysd.py runs it.

    >>> from gmb.simulate.synthetic import chain_model
    >>> model = chain_model(3)  # three stocks v2 -> v1 -> v0 with a balancing link back
    >>> import tempfile
    >>> from gmb.stockflow.files import write_model
    >>> from gmb.stockflow.assumptions import Assumptions
    >>> files = write_model(model, Assumptions(), tempfile.mkdtemp())
    >>> tr = run_pysd(files["xmile"], names=["v0"])  # doctest: +SKIP
    >>> float(tr["v0"][0])  # doctest: +SKIP
    1.0
    """
    with tempfile.TemporaryDirectory(prefix="gmb-pysd-") as folder:
        model = load_pysd(path, folder)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = model.run(params=dict(params or {}), return_columns=list(names) if names else None)
        except Exception as exc:  # noqa: BLE001 - any pysd failure is reported as one SimulationError
            raise SimulationError(f"pysd could not run the model: {exc}", file=str(path)) from None
    return from_frame(frame)
