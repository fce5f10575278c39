"""The organisation's settings in the database (``organisation_setting``).

One row per settings text; ``data/`` only seeds the rows a database does not have yet
(a new database, or a settings text that a newer klachtdesk added). A workstation's
own ``data/`` never changes a row that is there. Writing is the management service's
(``klachtdesk.services.settings``), which checks the permission and records history.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from klachtdesk.db import Database
from klachtdesk.models import OrganisationSetting
from klachtdesk.services.config.settings import DOCUMENT_NAMES, Settings


def stored_texts(session: Session) -> dict[str, str]:
    """The settings texts the database holds (name -> text)."""
    return {row.name: row.text for row in session.exec(select(OrganisationSetting))}


def stored_version(session: Session) -> int:
    """A number that grows with every change of any settings text (0: none stored)."""
    return int(session.exec(select(func.coalesce(func.sum(OrganisationSetting.version), 0))).one())


def missing_names(session: Session) -> list[str]:
    stored = set(session.exec(select(OrganisationSetting.name)))
    return [name for name in DOCUMENT_NAMES if name not in stored]


def seed_missing(session: Session, now: datetime, defaults: Settings | None = None) -> list[str]:
    """Store the defaults (``data/``) for every settings text the database lacks; the
    names seeded. Rows that are there are never touched."""
    missing = missing_names(session)
    if not missing:
        return []
    defaults = defaults or Settings.defaults()
    for name in missing:
        # an optional text that data/ leaves out is stored empty: its defaults stand
        session.add(OrganisationSetting(name=name, text=defaults.texts.get(name, ""), version=1, updated_at=now))
    session.flush()
    return missing


def write_texts(session: Session, texts: Mapping[str, str], now: datetime, actor_id: int | None) -> None:
    """Replace settings texts (the caller checked them and records the history)."""
    for name, text in texts.items():
        row = session.get(OrganisationSetting, name)
        if row is None:
            session.add(OrganisationSetting(name=name, text=text, version=1, updated_at=now, updated_by_id=actor_id))
        else:
            row.text, row.version, row.updated_at, row.updated_by_id = text, row.version + 1, now, actor_id
            session.add(row)
    session.flush()


def load_settings(database: Database, now: datetime) -> tuple[Settings, int]:
    """The desk's settings from the database, and their version. Settings texts the
    database lacks are seeded from ``data/`` first (a new database)."""
    with database.read() as session:
        missing = missing_names(session)
    if missing:
        with database.write() as session:
            seed_missing(session, now)
    with database.read() as session:
        texts, version = stored_texts(session), stored_version(session)
    return Settings.from_texts(texts, lambda name: f"{name} (instellingen in de database)"), version


__all__ = ["load_settings", "seed_missing", "stored_texts", "stored_version", "write_texts"]
