"""The web form's own account: every request of ``klachtdesk formulier`` runs as it.

Its one role, webformulier, grants what the form needs and nothing more (see
``permissions.TABLE``): register a submission, send its ontvangstbevestiging, and show
a klager who proved to be one their own case. On SQLite the services enforce that;
on PostgreSQL the form connects as a login of its own whose database rights follow
from the same role.
"""

from __future__ import annotations

from sqlmodel import select

from klachtdesk.errors import PermissionDenied
from klachtdesk.models import EventType, Staff, StaffRole
from klachtdesk.services.core import events
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.identity import staff

ACCOUNT = staff.WEB_FORM_ACCOUNT
ACCOUNT_NAME = "Webformulier"
ROLES = frozenset({StaffRole.WEB_FORM})


def is_web_account(context: Context) -> bool:
    return context.user.username == ACCOUNT and context.user.roles == ROLES


def web_context(context: Context) -> Context:
    """A context on the same database, clock and settings, signed in as the web form's
    account. When that account does not exist yet, a beheerder's context creates it;
    anyone else is told to ask for it."""
    if is_web_account(context):
        return context
    with context.db.write() as session:
        row = session.exec(select(Staff).where(Staff.username == ACCOUNT)).first()
        if row is None:
            if not context.user.may(Permission.MANAGE_STAFF):
                raise PermissionDenied(
                    f"Het webformulier heeft een eigen account '{ACCOUNT}' nodig en dat bestaat nog niet. Laat de "
                    f"beheerder het eenmalig aanmaken: klachtdesk medewerker toevoegen {ACCOUNT} --naam "
                    f"{ACCOUNT_NAME} --rol webformulier"
                )
            row = staff.create_staff(session, context, ACCOUNT, ACCOUNT_NAME, ROLES)
            events.record(session, context, None, EventType.FIELD_CHANGED, f"Medewerker {ACCOUNT} toegevoegd",
                          data={"medewerker": ACCOUNT, "rollen": [StaffRole.WEB_FORM.value]})
    web = Context(db=context.db, clock=context.clock, settings=context.settings,
                  settings_version=context.settings_version)
    web.user = staff.sign_in(web, ACCOUNT)
    if web.user.roles != ROLES:
        raise PermissionDenied(f"Het account '{ACCOUNT}' moet precies de rol webformulier hebben, niet "
                               f"{web.user.role_names}; pas het aan met klachtdesk medewerker rollen {ACCOUNT} "
                               "--rol webformulier")
    return web
