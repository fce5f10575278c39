"""Letters by post as each role's own PostgreSQL login: the address registered, the letter
printed, listed and marked posted by whoever the permission table allows (and the grants
generated from it carry), refused to the others; the erasure takes address and letter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import TABLE, Permission
from klachtdesk.services.correspondence import messages, posting
from klachtdesk.services.procedure import workflow
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, as_login, role_database, seed_staff

pytestmark = pytest.mark.postgres
__all__ = ["role_database"]

R = StaffRole
PEOPLE = [role for role in StaffRole if role is not R.WEB_FORM]


@pytest.fixture
def desk(role_database: RoleDatabase) -> Iterator[dict[StaffRole, Context]]:
    clock = FixedClock(FIXED_NOW)
    owner = role_database.owner()
    seed_staff(owner, clock)
    owner.dispose()
    contexts = {role: as_login(role_database, role, clock) for role in PEOPLE}
    yield contexts
    for context in contexts.values():
        context.db.dispose()


def _printed(desk: dict[StaffRole, Context]) -> tuple[int, messages.SentMessage]:
    """Klantenservice registers a klager with an address and no e-mail; the manager assigns
    the behandelaar, who prints a letter: every step as its own login."""
    case_id = complaints.register(desk[R.CUSTOMER_SERVICE], RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="06-12345678", street="Dorpsstraat 12a",
                                postcode="1234 AB", city="Ons Dorp"),
        service_type="Teleconsultatie", description="Drie weken gewacht op een terugbelafspraak.",
    )).id
    manager, handler = desk[R.MANAGER], desk[R.HANDLER]
    workflow.assign(manager, case_id, complaints.get_case(manager, case_id, record_view=False).version,
                    handler.user.id)
    return case_id, messages.send(handler, case_id, "voortgang", "Voortgang", "Wij zijn ermee bezig.")


@pytest.mark.parametrize("role", PEOPLE, ids=lambda r: r.value)
def test_each_role_lists_and_posts_letters_as_the_table_says(desk: dict[StaffRole, Context], role: StaffRole) -> None:
    case_id, sent = _printed(desk)
    assert sent.transport == "post" and sent.sent_at is None
    user = desk[role]
    if Permission.READ_PERSONAL_DATA in TABLE[role]:
        assert [letter.id for letter in posting.waiting(user)] == [sent.id]
    else:
        with pytest.raises(PermissionDenied):
            posting.waiting(user)
    if Permission.SEND_MESSAGE in TABLE[role]:  # the behandelaar: the case is theirs
        posted = posting.mark_posted(user, sent.id)
        assert posted.letter.posted_at is not None and posting.waiting(desk[R.MANAGER]) == []
    else:
        with pytest.raises(PermissionDenied):
            posting.mark_posted(user, sent.id)


def test_a_behandelaar_posts_no_letter_of_a_case_not_theirs(desk: dict[StaffRole, Context]) -> None:
    case_id, sent = _printed(desk)
    manager = desk[R.MANAGER]
    workflow.assign(manager, case_id, complaints.get_case(manager, case_id, record_view=False).version,
                    manager.user.id)
    with pytest.raises(PermissionDenied):
        posting.mark_posted(desk[R.HANDLER], sent.id)


def test_the_beheerder_erases_the_address_and_the_letter_as_their_login(desk: dict[StaffRole, Context]) -> None:
    from klachtdesk.services.privacy import avg as privacy

    case_id, sent = _printed(desk)
    path = Path(sent.outbox_path or "")
    assert path.exists()
    privacy.erase_person(desk[R.ADMIN], "Jan de Vries")
    assert not path.exists()
    assert posting.waiting(desk[R.MANAGER]) == []
    assert complaints.get_case(desk[R.MANAGER], case_id, record_view=False).complainant is not None
    assert complaints.get_case(desk[R.MANAGER], case_id, record_view=False).complainant.address == ""


def test_klantenservice_adds_the_address_of_a_known_caller_as_their_login(desk: dict[StaffRole, Context]) -> None:
    """A caller known from an earlier case gives their address now: the registration stores
    it on the person taken over (``people.known_caller``: an empty detail filled in, with a
    history line), as klantenservice."""
    service = desk[R.CUSTOMER_SERVICE]
    first = complaints.register(service, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="06-12345678"),
        service_type="Teleconsultatie", description="Eerste klacht.")).id
    known = complaints.get_case(service, first, record_view=False).complainant
    assert known is not None and known.address == ""
    second = complaints.register(service, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="06-12345678", person_id=known.person_id,
                                street="Dorpsstraat 12a", postcode="1234 AB", city="Ons Dorp"),
        service_type="Teleconsultatie", description="Tweede klacht.")).id
    again = complaints.get_case(service, second, record_view=False).complainant
    assert again is not None and again.person_id == known.person_id
    assert again.address == "Dorpsstraat 12a, 1234 AB Ons Dorp"
