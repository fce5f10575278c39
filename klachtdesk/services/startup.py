"""The app's first inbox page and ``zoek KL-…``, read before the ORM and the services are loaded (issue 19).

A new process that loads SQLModel, SQLAlchemy's ORM and the table classes before its first
screen spends most of its start on them. ``read_first_page`` reads what that screen shows
with the driver alone (``dbapi.connect_for_reading``: ``sqlite3`` read-only, or ``psycopg``
as the user's own login, so grants and row-level security apply), and the app opens the
full ``Context`` (``bootstrap.open_context``) in a worker after the first paint.

It is not a second set of rules: each step calls the rule the services use —

- the schema version: the one row of ``alembic_version`` against ``dbapi``'s newest
  revision (as ``Database.schema_state``);
- who is at the keyboard: ``identity.who.decide_login`` (as ``login.resolve_login``), the
  staff row active (as ``staff.sign_in``), the roles' permissions (``core.user``);
- the permission to see the inbox (``READ_STATUS``) and what the role may see of personal
  data (``core.personal``: directie sees ``•••``);
- the settings: ``Settings.from_texts`` over the stored texts (as ``config.store``);
- the rows: ``lists.first_page`` (the same query and the same ``case_rows``).

And it never decides anything alone: whenever a step is not the plain case — no file, a
URL with options, a password to ask, a schema to migrate, an unknown, inactive or refused
user, a first user to make beheerder, an erasure register to apply again, a settings text
missing or wrong, any driver error — it returns None and the app starts the usual way
(``open_context`` first), which gives exactly today's answer or Dutch message. It writes
nothing: reading a list is not recorded in the history (``fetch_page`` does not either).

``find_case`` does the same for ``klachtdesk zoek KL-…`` (the same sign-in, ``_signed_in``),
then reads the case as ``complaints.get_case`` does and writes its access line as
``read_log.record`` does (``cases.plain_case``), in one transaction with
``dbapi.connect_for_writing``; a case that does not exist or that this login cannot see,
a write that fails, anything else: None, and ``zoek`` takes the usual way.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from klachtdesk.clock import Clock, SystemClock, local
from klachtdesk.dbapi import (
    MIGRATIONS,
    NotPlain,
    _newest_revision,
    connect_for_reading,
    connect_for_writing,
    plain_sql,
    resolve_url,
)
from klachtdesk.errors import KlachtdeskError
from klachtdesk.models.enums import StaffRole
from klachtdesk.services import limits
from klachtdesk.services.cases import read_log
from klachtdesk.services.cases.detail import CaseDetail
from klachtdesk.services.cases.numbering import parse_number
from klachtdesk.services.cases.plain_case import read_case, record_view
from klachtdesk.services.cases.rows import CaseRow
from klachtdesk.services.config.settings import DOCUMENT_NAMES, Settings
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.core.personal import PersonalData
from klachtdesk.services.core.starting import StartingContext
from klachtdesk.services.core.user import CurrentUser
from klachtdesk.services.identity.who import DEMO, KIND_KEY, decide_login, os_login, requested_login
from klachtdesk.services.lists.first_page import read_first_page, read_marker
from klachtdesk.services.privacy.pending import PENDING_SETTING

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class FirstPage:
    """What the first inbox page shows, read with the driver; the ``Context`` follows."""

    #: the database (``dbapi.resolve_url``) the full context must open
    url: str
    user: CurrentUser
    #: who the operating system or the server proved is at the keyboard
    proven_login: str
    demo: bool
    settings: Settings
    #: the moment the page was read (``clock.now()``): the werkdagen are counted from its day
    read_at: datetime
    rows: list[CaseRow]
    #: ``changes.change_marker`` when the rows were read
    marker: int
    #: how many rows were asked for (fewer: the list ends there)
    limit: int

    @property
    def today(self):  # noqa: ANN201 - a date
        return local(self.read_at).date()


def _usual(reason: str) -> None:
    """The plain reader steps aside; the log says why (``klachtdesk.log`` when debugging)."""
    log.info("eerste inboxpagina: de gewone weg (%s)", reason)
    return None


def read(db: str | os.PathLike[str] | None, *, user: str | None, clock: Clock | None = None,
         limit: int = 100) -> FirstPage | None:
    """The first inbox page of ``db`` for the user at the keyboard (``--gebruiker``:
    ``user``), or None: then the app opens the usual way (see the module's docstring)."""
    return _plainly(db, connect_for_reading,
                    lambda connection, dialect, url: _read(connection, dialect, url, user, clock or SystemClock(),
                                                           limit))


def read_beside(db: str | os.PathLike[str] | None, *, user: str | None, clock: Clock | None = None,
                limit: int = 100) -> Callable[[], FirstPage | None]:
    """Start reading the first inbox page (``read``) and return the function that gives it.

    On PostgreSQL the page is read in a child process (``os.fork``) while this one imports
    Textual: the driver (psycopg and its libpq, a fifth of a bare app's start), the connection
    and the server's work then take no time of their own on a machine with a second core. The
    child is this process as it is before Textual, the same user with the same credentials;
    it reads exactly as ``read`` does (so a password to ask, a migration, ... steps aside to the
    usual way as always), sends the page back through a pipe and ends; nothing is written to a
    file. When it gives nothing — no page, or it failed — the usual way follows, as after a
    None from ``read``. On SQLite (a read of a few milliseconds, ``sqlite3`` only) and where
    there is no ``fork``, the page is read here, at once."""
    clock = clock or SystemClock()
    try:
        postgres = resolve_url(db).startswith("postgresql")
    except Exception:  # noqa: BLE001 - a path or URL no file can have: ``read`` and the usual way say so
        postgres = False
    if not postgres or not hasattr(os, "fork"):
        page = read(db, user=user, clock=clock, limit=limit)
        return lambda: page
    import pickle

    readable, writable = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - measured through the parent (tests/security/test_first_page.py)
        status = 1
        try:
            os.close(readable)
            data = pickle.dumps(read(db, user=user, clock=clock, limit=limit))
            with os.fdopen(writable, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)  # no exit handlers, no buffers of the parent flushed twice
    os.close(writable)

    def page() -> FirstPage | None:
        try:
            with os.fdopen(readable, "rb") as pipe:
                data = pipe.read()
        finally:
            os.waitpid(child, 0)
        try:
            found = pickle.loads(data) if data else None  # sent by our own child, this process's image
        except Exception as error:  # noqa: BLE001 - a child that failed halfway: the usual way
            return _usual(f"de eerste pagina kwam niet over: {error}")
        return found if isinstance(found, FirstPage) else _usual("de eerste pagina kwam niet over")

    return page


def _plainly(db: str | os.PathLike[str] | None, connect: Callable[[str], tuple[Any, str]],
             work: Callable[[Any, str, str], T | None]) -> T | None:
    """``work(connection, dialect, url)`` on a plain connection to ``db``; None (the usual
    way) when there is none or when anything goes wrong (its transaction rolled back)."""
    try:
        url = resolve_url(db)
        connection, dialect = connect(url)
    except (KlachtdeskError, NotPlain, OSError):
        return None
    except Exception as error:  # noqa: BLE001 - a path or URL no file can have (a NUL byte): the usual way says so
        return _usual(str(error))
    try:
        return work(connection, dialect, url)
    except Exception as error:  # noqa: BLE001 - any surprise: the usual way says what it is
        _end(connection, dialect, commit=False)
        return _usual(str(error))
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a connection that failed
            pass


@dataclass(frozen=True)
class SignedIn:
    """Who is at the keyboard and the desk's settings, read with the driver (as ``open_context``)."""

    user: CurrentUser
    #: who the operating system or the server proved is at the keyboard
    proven_login: str
    demo: bool
    settings: Settings


def _signed_in(cursor: Any, dialect: str, explicit: str | None) -> SignedIn | None:
    """The plain case of ``open_context``: the schema up to date, no register to apply, a
    known and active user who may see the cases, the settings stored; else None."""

    def one(sql: str, *parameters: object) -> tuple | None:
        cursor.execute(plain_sql(sql, dialect), parameters)
        return cursor.fetchone()  # type: ignore[no-any-return]

    version = one("SELECT version_num FROM alembic_version")
    if version is None or version[0] != _newest_revision(MIGRATIONS):
        return _usual("schemaversie")  # a migration is due (or the schema is newer): open_database says so
    if one("SELECT 1 FROM setting WHERE key = ?", PENDING_SETTING) is not None:
        return _usual("vergeetregister")  # a restored backup: the erasure register is applied again first
    kind = one("SELECT value FROM setting WHERE key = ?", KIND_KEY)
    demo = kind is not None and kind[0] == DEMO
    proven = os_login() if dialect == "sqlite" else str(one("SELECT session_user")[0])  # type: ignore[index]
    try:
        login = decide_login(proven, demo, requested_login(explicit), dialect)
        username = limits.clean_text(login.username, "username")
    except KlachtdeskError:
        return _usual("gebruiker geweigerd")
    if username != login.username:
        return _usual("gebruikersnaam")
    staff = one("SELECT id, username, name, person_id, active FROM staff WHERE username = ?", username)
    if staff is None or not staff[4]:
        return _usual("onbekende of niet-actieve gebruiker")  # perhaps the first user, to be made beheerder
    cursor.execute(plain_sql("SELECT role FROM staff_role WHERE staff_id = ?", dialect), (staff[0],))
    roles = frozenset(StaffRole(row[0]) for row in cursor.fetchall())
    user = CurrentUser(staff[0], staff[1], staff[2], roles, staff[3])
    if not user.may(Permission.READ_STATUS):
        return _usual("geen inzage in zaken")  # the service says why, as it does today
    cursor.execute("SELECT name, text FROM organisation_setting")
    texts = dict(cursor.fetchall())
    if any(name not in texts for name in DOCUMENT_NAMES):
        return _usual("instellingen ontbreken")  # a new database: the defaults are stored first
    settings = Settings.from_texts(texts, lambda name: f"{name} (instellingen in de database)")
    return SignedIn(user, proven, demo, settings)


def _read(connection: Any, dialect: str, url: str, explicit: str | None, clock: Clock,
          limit: int) -> FirstPage | None:
    cursor = connection.cursor()
    signed = _signed_in(cursor, dialect, explicit)
    if signed is None:
        return None
    read_at = clock.now()
    shown = PersonalData(signed.user.may(Permission.READ_PERSONAL_DATA))
    marker = read_marker(cursor, dialect)
    rows = read_first_page(cursor, dialect, shown, limit)
    return FirstPage(url=url, user=signed.user, proven_login=signed.proven_login, demo=signed.demo,
                     settings=signed.settings, read_at=read_at, rows=rows, marker=marker, limit=limit)


# -- ``klachtdesk zoek KL-…`` ---------------------------------------------------------------


@dataclass(frozen=True)
class FoundCase:
    """A case found with the driver (``find_case``), and whether the database is a demo database."""

    case: CaseDetail
    demo: bool


def find_case(db: str | os.PathLike[str] | None, term: str, *, user: str | None,
              clock: Clock | None = None) -> FoundCase | None:
    """The case with klachtnummer ``term`` as ``complaints.get_case`` gives it to the user at
    the keyboard (without its history, which ``zoek`` does not print), its access line
    written as ``get_case`` writes it; or None: then ``zoek`` takes the usual way
    (``open_context`` and ``get_case``), which gives today's answer or Dutch message — for a
    case that does not exist, a role that may not see it, a line that cannot be written."""
    return _plainly(db, connect_for_writing,
                    lambda connection, dialect, _url: _find_case(connection, dialect, term, user,
                                                                 clock or SystemClock()))


def _end(connection: Any, dialect: str, *, commit: bool) -> None:
    """End the transaction ``_find_case`` began (SQLite: in autocommit, so by statement)."""
    try:
        if dialect == "sqlite":
            if connection.in_transaction:
                connection.execute("COMMIT" if commit else "ROLLBACK")
        elif commit:
            connection.commit()
        else:
            connection.rollback()
    except Exception:  # noqa: BLE001 - a rollback of a connection that failed is no news
        if commit:
            raise  # not written: the usual way tries again, and says so when it cannot


def _find_case(connection: Any, dialect: str, term: str, explicit: str | None, clock: Clock) -> FoundCase | None:
    cursor = connection.cursor()
    signed = _signed_in(cursor, dialect, explicit)
    if signed is None:
        return None
    context = StartingContext(clock=clock, user=signed.user, settings=signed.settings, demo=signed.demo,
                              proven_login=signed.proven_login)
    number = parse_number(term, context.today().year)  # a wrong one: the usual way says what is wrong
    shown = PersonalData(signed.user.may(Permission.READ_PERSONAL_DATA))
    record = shown.readable  # as get_case: reading personal data is recorded, in one write transaction
    if dialect == "sqlite":
        cursor.execute("BEGIN IMMEDIATE" if record else "BEGIN")
    case = read_case(cursor, dialect, context, number, shown)
    if case is None:
        _end(connection, dialect, commit=False)
        return _usual("geen zaak met dit nummer voor deze gebruiker")  # get_case: "bestaat niet"
    if not record:
        _end(connection, dialect, commit=False)
        return FoundCase(case, signed.demo)
    recorded = record_view(cursor, dialect, context, case.id)
    _end(connection, dialect, commit=True)
    read_log.written(recorded)
    return FoundCase(case, signed.demo)


__all__ = ["FirstPage", "FoundCase", "SignedIn", "find_case", "read", "read_beside"]
