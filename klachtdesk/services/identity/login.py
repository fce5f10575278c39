"""Who is at the keyboard, proven rather than claimed; and the demo database.

The user of klachtdesk is never taken from a name someone types or sets:

- on SQLite (one workstation) it is the operating-system account of the process's
  real uid (``pwd.getpwuid(os.getuid())``), never ``USER``, ``LOGNAME`` or
  ``KLACHTDESK_GEBRUIKER``: whoever can change those is still the same account;
- on PostgreSQL it is ``session_user``, the login the server authenticated.

``--gebruiker`` and ``KLACHTDESK_GEBRUIKER`` may only repeat that name. Naming someone
else is refused, except in a *demo database*: one made by ``klachtdesk demo`` (or the
app's demo offer) on a new database, marked so in the ``setting`` table, where a
newcomer may try every role. A desk in use (any case, or staff besides the one signing
in) never becomes a demo database, and demo data goes only into a demo database.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, text
from sqlmodel import Session, select

from klachtdesk.db import Database
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import Complaint, Setting, Staff
from klachtdesk.services.identity.who import (
    DEMO,
    KIND_KEY,
    USER_VARIABLE,
    Login,
    decide_login,
    os_login,
    requested_login,
)


def proven_login(database: Database) -> str:
    """Who the operating system (SQLite) or the database server (PostgreSQL) says this is."""
    if database.dialect == "sqlite":
        return os_login()
    with database.read() as session:
        return str(session.execute(text("SELECT session_user")).scalar_one())


def resolve_login(database: Database, explicit: str | None = None) -> Login:
    """Whom to sign in as: the proven name; another name only in a demo database."""
    return decide_login(proven_login(database), is_demo(database), requested_login(explicit), database.dialect)


# -- the demo database ------------------------------------------------------------------------


def _is_demo(session: Session) -> bool:
    row = session.get(Setting, KIND_KEY)
    return row is not None and row.value == DEMO


def is_demo(database: Database) -> bool:
    """True for a database made by ``klachtdesk demo`` (or marked so by a test)."""
    with database.read() as session:
        return _is_demo(session)


def _is_new(session: Session, username: str | None) -> bool:
    """No case yet, and no staff besides the one at the keyboard (the first beheerder)."""
    if session.exec(select(Complaint.id).limit(1)).first() is not None:
        return False
    others = select(func.count()).select_from(Staff)
    if username:
        others = others.where(Staff.username != username)
    return session.exec(others).one() == 0


def may_hold_demo_data(database: Database, username: str | None = None) -> bool:
    """A demo database, or a new one that may become one (``username``: who is at the keyboard)."""
    with database.read() as session:
        return _is_demo(session) or _is_new(session, username)


def claim_for_demo(session: Session, username: str | None, now: datetime | None = None) -> None:
    """Mark the database as a demo database (in the caller's transaction), or refuse:
    demo data never goes into a desk that is in use. ``username``: who is at the
    keyboard (a new database may already hold them, as its first beheerder)."""
    if _is_demo(session):
        return
    if not _is_new(session, username):
        raise PermissionDenied(
            "Demodata komt alleen in een nieuwe database (klachtdesk demo --db NIEUW_BESTAND); deze database "
            "is een klachtenbalie in gebruik."
        )
    session.add(Setting(key=KIND_KEY, value=DEMO, updated_at=now or datetime.now(timezone.utc)))
    session.flush()


def mark_demo(database: Database, now: datetime | None = None) -> None:
    """Mark a new database as a demo database (``klachtdesk demo``; test fixtures)."""
    with database.write() as session:
        claim_for_demo(session, None, now)


__all__ = ["DEMO", "KIND_KEY", "Login", "claim_for_demo", "is_demo", "mark_demo", "may_hold_demo_data",
           "os_login", "proven_login", "requested_login", "resolve_login"]
