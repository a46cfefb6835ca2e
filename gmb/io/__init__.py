"""Reading and writing maps in other tools' formats (CSV edge lists, Vensim, XMILE, Kumu, GraphML)."""

from gmb.io.csv_edges import read_edge_csv
from gmb.io.ids import make_id
from gmb.io.sdai_json import read_sdai_json

__all__ = ["read_edge_csv", "read_sdai_json", "make_id"]
