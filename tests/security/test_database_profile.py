"""The klager profile and related cases as each person's own PostgreSQL login: the
behandelaar corrects the klager of their own case and links a related case (the grants
on ``person``, ``complaint_search.search_text``, ``event`` and ``case_link`` suffice); klantenservice
reads the profile but may not correct or link; directie sees the links (klachtnummers)
but no profile."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import ComplaintKind, PartyRole, StaffRole
from klachtdesk.services.cases import complaints, links, parties, read_log
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.people import profile
from klachtdesk.services.procedure import workflow
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, as_login, role_database, seed_staff

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

R = StaffRole


@pytest.fixture
def desk(role_database: RoleDatabase) -> Iterator[dict[StaffRole, Context]]:
    clock = FixedClock(FIXED_NOW)
    owner = role_database.owner()
    seed_staff(owner, clock)
    owner.dispose()
    contexts = {role: as_login(role_database, role, clock) for role in (R.CUSTOMER_SERVICE, R.HANDLER, R.MANAGER,
                                                                       R.MANAGEMENT)}
    yield contexts
    for context in contexts.values():
        context.db.dispose()


def _register(context: Context, kind: ComplaintKind = ComplaintKind.COMPLAINT, person_id: int | None = None) -> int:
    return complaints.register(context, RegistrationInput(
        kind=kind, complainant=PersonInput(name="Jan de Vries", phone="06-12345678", email="jan@example.nl",
                                           person_id=person_id),
        service_type="Teleconsultatie",
        description="" if kind is ComplaintKind.INVOICE_QUESTION else "Drie weken gewacht.",
        invoice_number="F-1" if kind is ComplaintKind.INVOICE_QUESTION else "",
    )).id


def test_the_profile_and_links_as_each_login(desk: dict[StaffRole, Context]) -> None:
    service, handler, manager, directie = (desk[R.CUSTOMER_SERVICE], desk[R.HANDLER], desk[R.MANAGER],
                                           desk[R.MANAGEMENT])
    case_id = _register(service)
    person_id = profile.klager_of(service, case_id)
    other_id = _register(service, ComplaintKind.INVOICE_QUESTION, person_id)
    workflow.assign(manager, case_id, complaints.get_case(manager, case_id, record_view=False).version,
                    handler.user.id)

    seen = profile.get_profile(service, person_id)
    assert read_log.record_profile_view(service, [c.id for c in seen.cases]) is None  # the read, logged
    assert not seen.editable
    with pytest.raises(PermissionDenied):
        profile.correct_person(service, person_id, seen.stored, {"phone": "0611122233"})
    with pytest.raises(PermissionDenied):
        links.link(service, case_id, "2026-2")

    seen = profile.get_profile(handler, person_id)
    assert seen.editable
    done = profile.correct_person(handler, person_id, seen.stored, {"phone": "0611122233"})
    assert done.profile.stored["phone"] == "+31611122233"
    change = links.link(handler, case_id, complaints.get_case(handler, other_id, record_view=False).number)
    assert change.linked

    assert [c.id for c in links.linked_cases(directie, other_id)] == [case_id]
    with pytest.raises(PermissionDenied):
        profile.get_profile(directie, person_id)
    links.unlink(manager, other_id, change.number)
    assert links.linked_cases(handler, case_id) == []


def test_a_betrokkene_role_and_note_as_the_behandelaar_login(desk: dict[StaffRole, Context]) -> None:
    service, handler, manager = desk[R.CUSTOMER_SERVICE], desk[R.HANDLER], desk[R.MANAGER]
    case_id = complaints.register(service, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="06-12345678"), service_type="Teleconsultatie",
        description="Drie weken gewacht.",
        involved=[PersonInput(name="Dr. Bakker", role=PartyRole.RESPONDENT, note="huisarts")])).id
    version = workflow.assign(manager, case_id, complaints.get_case(manager, case_id, record_view=False).version,
                              handler.user.id)
    person_id = complaints.get_case(handler, case_id, record_view=False).parties[1].person_id
    with pytest.raises(PermissionDenied):
        parties.update_party(service, case_id, version, person_id, "betrokkene", "")
    parties.update_party(handler, case_id, version, person_id, "betrokkene", "praktijkhouder")
    seen = profile.get_profile(handler, person_id)
    profile.correct_person(handler, person_id, seen.stored, {"name": "Dr. A. Bakker"})
    assert [p.name for p in complaints.get_case(handler, case_id, record_view=False).parties][1] == "Dr. A. Bakker"
