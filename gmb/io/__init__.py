"""Reading and writing maps in other tools' formats (CSV edge lists, Vensim, XMILE, Kumu, GraphML)."""

from gmb.io.csv_edges import read_edge_csv
from gmb.io.ids import make_id

__all__ = ["read_edge_csv", "make_id"]
