"""Where klachtdesk finds its settings (``data/``) and keeps its own files.

- ``data/`` holds the organisation's configuration (calendar, deadlines, lists,
  message templates). ``KLACHTDESK_DATA`` points elsewhere; otherwise the ``data/``
  folder of the source checkout, or the copy shipped inside the wheel.
- The default SQLite database, drafts and backups live in the user's data
  directory (platformdirs); ``KLACHTDESK_HOME`` overrides it (tests use this).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "klachtdesk"


def data_dir() -> Path:
    """The folder with the organisation's settings files."""
    env = os.environ.get("KLACHTDESK_DATA")
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve().parent
    checkout = here.parent / "data"
    if checkout.is_dir():
        return checkout
    return here / "_data"


def data_file(name: str) -> Path:
    return data_dir() / name


def home_dir() -> Path:
    """The user's own klachtdesk folder (database, drafts, outbox, backups)."""
    env = os.environ.get("KLACHTDESK_HOME")
    path = Path(env).expanduser() if env else user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return home_dir() / "klachtdesk.db"


def outbox_dir() -> Path:
    env = os.environ.get("KLACHTDESK_OUTBOX")
    path = Path(env).expanduser() if env else home_dir() / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path
