"""PostgreSQL: the login of a staff member (``klachtdesk medewerker toevoegen``,
``wachtwoord``). Its group roles follow the staff member's roles by themselves, and it is
switched off with the staff member (``services/core/database_logins``).

The password is turned into a SCRAM verifier here, on the workstation (libpq's
``PQencryptPasswordConn``); only the verifier goes to the server, and nothing is kept.
On SQLite there are no logins: the operating-system account is the user.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from klachtdesk.db import REFUSED, PasswordPrompt, refused, set_password_prompt
from klachtdesk.errors import DatabaseProblem, ValidationError
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.database_roles import valid_login
from klachtdesk.services.core.permissions import Permission

MIN_PASSWORD = 12


def has_logins(context: Context) -> bool:
    """Whether this database gives each staff member a login of their own (PostgreSQL)."""
    return context.db.dialect == "postgresql"


def ask_passwords_with(prompt: PasswordPrompt | None) -> None:
    """How to ask the person for their database password when the server wants one that
    ``~/.pgpass`` or the environment do not give (kept in memory for this run only)."""
    set_password_prompt(prompt)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Een wachtwoord heeft minstens {MIN_PASSWORD} tekens.", field="wachtwoord")


def make_login(context: Context, username: str, password: str | None) -> None:
    """Make the staff member's login (or give it a new password). ``password`` None: no
    password, for a server that authenticates by peer, certificate or LDAP."""
    context.require(Permission.MANAGE_STAFF)
    if not has_logins(context):
        return
    if not valid_login(username):
        raise ValidationError(f"'{username}' kan geen databaselogin zijn: gebruik kleine letters, cijfers, punt, "
                              "streepje of liggend streepje.", field="gebruiker")
    if password is not None:
        check_password(password)
    try:
        with context.db.write() as session:
            verifier = None
            if password is not None:
                pgconn = session.connection().connection.dbapi_connection.pgconn  # type: ignore[union-attr]
                verifier = pgconn.encrypt_password(password.encode(), username.encode(), b"scram-sha-256").decode()
            session.execute(text("SELECT klachtdesk_login_maken(:naam, :verificatie)"),
                            {"naam": username, "verificatie": verifier})
    except DBAPIError as error:
        if refused(error):
            raise DatabaseProblem(REFUSED) from None
        raise DatabaseProblem(f"De databaselogin '{username}' is niet gemaakt: "
                              f"{str(getattr(error, 'orig', error)).splitlines()[0]}") from None


__all__ = ["MIN_PASSWORD", "ask_passwords_with", "check_password", "has_logins", "make_login"]
