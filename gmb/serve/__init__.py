"""The live workshop server (``gmb serve``): sessions and their event logs in SQLite or PostgreSQL.

FastAPI and uvicorn are imported only when an app is made, so ``import gmb.serve`` stays light.

>>> from gmb.serve import current_stage, Workshops
>>> callable(create_app)
True
"""

from gmb.serve.actions import current_stage, merge_changes
from gmb.serve.app import create_app
from gmb.serve.db import Database, PostgresDatabase, SqliteDatabase, open_database
from gmb.serve.exchange import export_to_store, resolve_source
from gmb.serve.security import Limits
from gmb.serve.view import find_loops, state_view
from gmb.serve.workshops import Actor, Created, Workshops

__all__ = [
    "Actor",
    "Created",
    "Database",
    "Limits",
    "PostgresDatabase",
    "SqliteDatabase",
    "Workshops",
    "create_app",
    "current_stage",
    "export_to_store",
    "find_loops",
    "merge_changes",
    "open_database",
    "resolve_source",
    "state_view",
]  # fmt: skip
