"""SQLModel tables and enums: the bottom layer, imported only by the services and db.

The enums are loaded at once; the tables (SQLModel, pydantic, the ORM: about half a second
of a new process) when a name of theirs is first asked for (PEP 562 ``__getattr__``), so
the app's first inbox page, which reads with the driver alone (``services.startup``), can
use the enums without them (issue 19; ``tests/unit/test_startup_imports.py``).
"""

import importlib
from typing import Any

from klachtdesk.models.enums import *  # noqa: F403


def __getattr__(name: str) -> Any:
    # deferred for start-up time: the tables import SQLModel and SQLAlchemy's ORM
    tables = importlib.import_module("klachtdesk.models.tables")
    if name == "metadata":
        return tables.SQLModel.metadata
    try:
        return getattr(tables, name)
    except AttributeError:
        raise AttributeError(f"module 'klachtdesk.models' has no attribute {name!r}") from None
