"""Who is at the keyboard: the rule, without a database (see ``login`` for the whole story).

``login.resolve_login`` (every command) and the app's first inbox page
(``services.startup``, which reads with the driver alone) both decide with
``decide_login``, so the rule is written once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from klachtdesk.errors import PermissionDenied

try:  # POSIX; on Windows the login of the session is what there is
    import pwd
except ImportError:  # pragma: no cover - not on the platforms klachtdesk runs on
    pwd = None  # type: ignore[assignment]

#: the ``setting`` row that marks a database as a demo database
KIND_KEY = "database.soort"
DEMO = "demo"

#: the environment variable that may repeat (never change) who is at the keyboard
USER_VARIABLE = "KLACHTDESK_GEBRUIKER"


@dataclass(frozen=True)
class Login:
    """Whom to sign in as, and how that was decided."""

    #: the staff username to sign in as
    username: str
    #: the name the operating system (SQLite) or the server (PostgreSQL) proved
    proven: str
    #: the database is a demo database (another name than ``proven`` was allowed)
    demo: bool


def os_login() -> str:
    """The operating-system account of the real uid (environment variables play no part)."""
    if pwd is None:  # pragma: no cover
        return os.getlogin()
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid without a passwd entry (some containers): still that uid
        return f"uid-{uid}"


def requested_login(explicit: str | None) -> tuple[str, str] | None:
    """The name asked for, and where it came from (``--gebruiker`` or the variable)."""
    if explicit is not None and explicit.strip():
        return explicit.strip(), "--gebruiker"
    value = os.environ.get(USER_VARIABLE, "").strip()
    return (value, USER_VARIABLE) if value else None


def decide_login(proven: str, demo: bool, requested: tuple[str, str] | None, dialect: str) -> Login:
    """Whom to sign in as: the proven name; another name only in a demo database. The one
    rule, for ``login.resolve_login`` and for the first inbox page (``services.startup``)."""
    if requested is None or requested[0] == proven:
        return Login(proven, proven, demo)
    name, source = requested
    if demo:
        return Login(name, proven, True)
    if dialect == "sqlite":
        raise PermissionDenied(
            f"U bent '{proven}' (uw account op deze computer), maar {source} noemt '{name}'. Als een ander werken "
            "kan alleen in een demodatabase (klachtdesk demo); laat --gebruiker en KLACHTDESK_GEBRUIKER weg."
        )
    raise PermissionDenied(
        f"U bent bij de database aangemeld als '{proven}', maar {source} noemt '{name}'. Werk met uw eigen "
        "PostgreSQL-login (in de URL van --db); als een ander werken kan alleen in een demodatabase."
    )



__all__ = ["DEMO", "KIND_KEY", "USER_VARIABLE", "Login", "decide_login", "os_login", "requested_login"]
