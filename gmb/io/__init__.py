"""Reading and writing maps in other tools' formats: Vensim, XMILE/Stella, Kumu, GraphML, CSV.

Every reader returns a new in-memory :class:`~gmb.session.model.Session` (nothing is stored) and
takes ``lang``, ``title`` and ``by``; every writer takes a Session or a gmb-cld graph. What each
format keeps is :data:`gmb.io.registry.KEEPS` (and the README's table). Names load on first use,
so importing :mod:`gmb.io` stays cheap.

>>> from gmb.io import READERS, read_any
>>> "mdl" in READERS and callable(read_any)
True
"""

from gmb._lazy import lazy_names

_WHERE = {
    "gmb.io.registry": ("READERS", "WRITERS", "KEEPS", "read_any", "write_any", "guess_format"),
    "gmb.io.csv_edges": ("read_edge_csv",),
    "gmb.io.csv_pair": ("read_csv_pair", "write_csv_pair"),
    "gmb.io.vensim": ("read_mdl", "write_mdl"),
    "gmb.io.xmile": ("read_xmile", "write_xmile"),
    "gmb.io.kumu": ("read_kumu_json", "write_kumu_json", "read_kumu_xlsx", "write_kumu_xlsx"),
    "gmb.io.graphml": ("read_graphml", "write_graphml"),
    "gmb.io.sdai_json": ("read_sdai_json",),
    "gmb.io.ids": ("make_id",),
    "gmb.io.limits": ("import_options", "MAX_ITEMS", "MAX_BYTES", "MAX_DEPTH"),
}
__getattr__, __dir__, _NAMES = lazy_names("gmb.io", _WHERE, globals())
