"""Write the API reference of the ``gmb`` package (HTML pages made by pdoc from the docstrings).

    python tools/api_docs.py               # into docs/api/ (ignored by git); open docs/api/index.html
    python tools/api_docs.py --out DIR     # into DIR

One page a module (``gmb.html``, ``gmb/cld.html``, …); docstrings are read as numpydoc. The public API
is the list ``gmb.__all__``; every name in it documents its Parameters, Returns and Examples
(tests/test_api_docs.py checks that). pdoc imports every module of the package, nothing more: no
network, no files written outside the output folder.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from pathlib import Path

#: the package whose reference is written, with its subpackages and modules
PACKAGE = "gmb"


def modules() -> list[str]:
    """The modules documented: the package and every module under it, except private ones (``_x``).

    pdoc alone would follow ``gmb.__all__``, which lists names, not modules, and so would skip the
    subpackages where the names are defined.
    """
    import pkgutil

    package = importlib.import_module(PACKAGE)
    found = [m.name for m in pkgutil.walk_packages(package.__path__, prefix=f"{PACKAGE}.")]
    return [PACKAGE, *sorted(m for m in found if not any(part.startswith("_") for part in m.split(".")))]


def build(out: Path, names: list[str] | None = None) -> list[Path]:
    """Write the reference into ``out`` (created if missing) and return the HTML pages written.

    Parameters
    ----------
    out : pathlib.Path
        The folder the pages go to; existing pages of the same names are overwritten.
    names : list of str, optional
        The modules to document (default: :func:`modules`, the whole package).

    Returns
    -------
    list of pathlib.Path
        Every ``.html`` file under ``out``, sorted.
    """
    import pdoc
    import pdoc.render

    # numpydoc sections (Parameters, Returns, Examples) are rendered as sections, not as plain text
    pdoc.render.configure(docformat="numpy", search=False, show_source=False)
    out.mkdir(parents=True, exist_ok=True)
    pdoc.pdoc(*(names or modules()), output_directory=out)
    return sorted(out.rglob("*.html"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/api"), help="output folder (default docs/api)")
    args = parser.parse_args(argv)
    # pdoc cannot evaluate annotations such as ``list[str]`` inside a class that has a method named
    # ``list`` (gmb.session.Store); it shows them as written, which is right, so the warning is noise
    warnings.filterwarnings("ignore", "Error parsing type annotation", UserWarning)
    # a subpackage is listed by modules() and again by its parent (gmb.__all__ names gmb.simulate; a package without __all__ lists its modules): pdoc writes one page and says so
    warnings.filterwarnings("ignore", "The module specification", UserWarning)
    pages = build(args.out)
    print(f"{len(pages)} pages written to {args.out} (open {args.out / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
