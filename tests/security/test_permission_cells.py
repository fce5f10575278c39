"""Every cell of the permission table, through the services: a role without a permission
is refused by the service that needs it (a ``PermissionDenied`` naming that permission),
and a role with it is not refused (the call may still fail for another reason: a
validation, a step the case does not allow). Both engines.

The grid of who has what is tests/unit/test_permissions.py's, written out by hand; this
file proves that the services enforce it, one service call per permission."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from klachtdesk.errors import KlachtdeskError, PermissionDenied
from klachtdesk.models import StaffRole
from klachtdesk.services import backup
from klachtdesk.services.analysis import figures
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.correspondence import messages
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.identity import staff
from klachtdesk.services.improvement import measures
from klachtdesk.services.mail import intake
from klachtdesk.services.people import callers, known_caller
from klachtdesk.services.planner import sessions
from klachtdesk.services.privacy import avg
from klachtdesk.services.procedure import workflow
from klachtdesk.services.time.periods import parse_period
from klachtdesk.services.webform import follow
from klachtdesk.services.deadlines import bulk
from tests.unit.test_permissions import EXPECTED

P = Permission


class Case:
    """A registered complaint, assigned to the acting user when their role may handle."""

    def __init__(self, context: Context, path: Path) -> None:
        registered = complaints.register(context, RegistrationInput(
            complainant=PersonInput(name="Jan de Vries", phone="0612345678", email="jan@example.nl"),
            service_type=context.settings.lists.service_types[0], description="De thuiszorg kwam niet."))
        self.id = registered.id
        self.path = path
        self.owner = context
        detail = complaints.get_case(context, self.id, record_view=False)
        assert detail.complainant is not None
        self.person_id = detail.complainant.person_id

    def version(self, context: Context | None = None) -> int:
        """Its version, read as the tester (the acting role may not read it)."""
        return complaints.get_case(self.owner, self.id, record_view=False).version


def _update_known_caller(context: Context, case: Case) -> Any:
    """A registration's take-over of the case's klager with a new number, in its transaction."""
    with context.db.write() as session:
        return known_caller.person_for(session, context, PersonInput(person_id=case.person_id, phone="0611122233"))


#: permission -> one service call that needs it (and checks it before anything else)
ACTIONS: dict[Permission, Callable[[Context, Case], Any]] = {
    P.REGISTER: lambda c, case: complaints.register(c, RegistrationInput(
        complainant=PersonInput(name="Els Bakker", phone="0687654321"),
        service_type=c.settings.lists.service_types[0], description="Nog een klacht.")),
    P.UPDATE_KNOWN_CALLER: _update_known_caller,
    P.READ_STATUS: lambda c, case: complaints.get_case(c, case.id, record_view=False),
    P.READ_PERSONAL_DATA: lambda c, case: callers.earlier_cases(c, case.person_id),
    P.LOG_CONTACT: lambda c, case: workflow.log_contact(c, case.id, "telefoon", "uit", "Gebeld."),
    P.WRITE_NOTE: lambda c, case: workflow.add_note(c, case.id, "Notitie."),
    P.CONFIDENTIAL_NOTES: lambda c, case: workflow.add_note(c, case.id, "Vertrouwelijk.", confidential=True),
    P.ASSIGN: lambda c, case: workflow.assign(c, case.id, case.version(c), c.user.id),
    P.HANDLE: lambda c, case: complaints.update_fields(c, case.id, case.version(c), {"category": ""}),
    P.SEND_MESSAGE: lambda c, case: messages.templates_for(c, case.id),
    P.CLOSE: lambda c, case: workflow.reopen(c, case.id, case.version(c), "Opnieuw bekijken."),
    P.EXTEND_DEADLINE: lambda c, case: workflow.check_extension(c, case.id),
    P.PLAN_SESSION: lambda c, case: sessions.planning_info(c, case.id),
    P.VIEW_ANALYSIS: lambda c, case: figures.volume(c, parse_period("2026-Q3")),
    P.MANAGE_MEASURES: lambda c, case: measures.create(c, measures.MeasureInput(title="Betere planning")),
    P.MANAGE_STAFF: lambda c, case: staff.add_staff(c, "nieuw", "Nieuw", {StaffRole.CUSTOMER_SERVICE}),
    P.PRIVACY: lambda c, case: avg.apply_retention(c, dry_run=True),
    P.BACKUP: lambda c, case: backup.make_backup(c, case.path / "kopie.db"),
    P.MANAGE_SETTINGS: lambda c, case: bulk.recompute_open(c),
    P.ACKNOWLEDGE: lambda c, case: messages.prepare_acknowledgement(c, case.id),
    P.FOLLOW_UP: lambda c, case: follow.link_usable(c, "x" * 43),
    P.MANAGE_MAIL: lambda c, case: intake.kept_mails(c),
}


def test_every_permission_has_an_action() -> None:
    assert set(ACTIONS) == set(Permission)


def acting(context: Context, as_user: Callable[..., Context], role: StaffRole) -> Context:
    if role is StaffRole.WEB_FORM:
        return as_user(staff.WEB_FORM_ACCOUNT, role)
    return as_user(f"rol-{role.name.lower()}", role)


@pytest.mark.parametrize("role", list(StaffRole), ids=[r.name.lower() for r in StaffRole])
def test_every_cell_is_enforced_by_the_service(context: Context, as_user: Callable[..., Context], tmp_path: Path,
                                              role: StaffRole) -> None:
    user = acting(context, as_user, role)
    results: dict[Permission, str] = {}
    for permission, action in ACTIONS.items():
        case = Case(context, tmp_path)  # registered by the tester (every role), a fresh one per call
        if StaffRole.HANDLER in user.user.roles:  # the behandelaar's own case: the cell, not the scope
            workflow.assign(context, case.id, case.version(context), user.user.id)
        try:
            action(user, case)
        except PermissionDenied as error:
            results[permission] = "refused: " + error.message
        except KlachtdeskError as error:
            results[permission] = "allowed (then: " + error.message + ")"
        else:
            results[permission] = "allowed"
    for permission, outcome in results.items():
        if role in EXPECTED[permission]:
            assert not outcome.startswith("refused"), (permission, outcome)
        else:
            assert outcome.startswith("refused") and permission.value in outcome, (permission, outcome)
