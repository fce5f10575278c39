"""Inzage (AVG access request) for every kind of person, on both engines.

The people of one case: Jan (klager), Dr. Bakker (aangeklaagde, no staff), Els
(betrokkene), colleague P. Bakker (a staff member the complaint is also about) and
Fenna, the klachtenfunctionaris who led a session in which Jan, Els and Dr. Bakker
took part. Until this was fixed, every session participant crashed the export
(``TypeError: unhashable type: 'MediationSession'``).
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.models import MediationSession, Party, PartyRole, SessionParticipant, SessionStatus, SessionType, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.privacy import avg as privacy

HELD = datetime(2026, 11, 16, 14, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def case(context, as_user):  # type: ignore[no-untyped-def]
    colleague = as_user("pbakker", StaffRole.HANDLER, name="P. Bakker")
    officer = as_user("fenna", StaffRole.OFFICER, name="Fenna Functionaris")
    registered = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="06-12345678", email="jan@example.nl"),
        service_type="Teleconsultatie", category="Bejegening",
        description="Jan de Vries vindt dat Dr. Bakker en P. Bakker onbeleefd waren.",
        involved=[
            PersonInput(name="Dr. Bakker", email="dr.bakker@example.nl", role=PartyRole.RESPONDENT),
            PersonInput(person_id=colleague.user.person_id, role=PartyRole.RESPONDENT),
            PersonInput(name="Els Getuige", email="els@example.nl", role=PartyRole.INVOLVED),
        ],
    ))
    with context.db.write() as session:
        people = {PartyRole(p.role): p.person_id for p in session.exec(
            select(Party).where(Party.complaint_id == registered.id)).all() if p.person_id != colleague.user.person_id}
        meeting = MediationSession(complaint_id=registered.id, type=SessionType.ALL_INVOLVED, officer_id=officer.user.id,
                                   starts_at=HELD, ends_at=HELD, location="Kamer 2", status=SessionStatus.HELD,
                                   outcome="Excuses aanvaard", created_at=HELD)
        session.add(meeting)
        session.flush()
        for role, person_id in people.items():
            session.add(SessionParticipant(session_id=meeting.id, person_id=person_id, role=role.value))
        session.add(SessionParticipant(session_id=meeting.id, person_id=officer.user.person_id,
                                       role="klachtenfunctionaris"))
    return registered


def _only_case(data: dict) -> dict:  # type: ignore[type-arg]
    [entry] = data["zaken"]
    return entry


def test_the_complainant_who_took_part_in_a_session(context, case) -> None:  # type: ignore[no-untyped-def]
    entry = _only_case(privacy.export_person(context, "jan@example.nl").data)
    assert entry["rol"] == "klager" and entry["omschrijving"].startswith("Jan de Vries")
    [meeting] = entry["gesprekken"]
    assert meeting["uitkomst"] == "Excuses aanvaard" and meeting["plaats"] == "Kamer 2"


def test_someone_involved_who_took_part_in_a_session(context, case) -> None:  # type: ignore[no-untyped-def]
    data = privacy.export_person(context, "els@example.nl").data
    entry = _only_case(data)
    assert entry["rol"] == "betrokkene" and "omschrijving" not in entry
    [meeting] = entry["gesprekken"]
    assert "uitkomst" not in meeting  # the outcome tells about the klager
    assert "Jan" not in json.dumps(data, ensure_ascii=False)


def test_the_respondent_who_is_no_staff(context, case) -> None:  # type: ignore[no-untyped-def]
    data = privacy.export_person(context, "dr.bakker@example.nl").data
    entry = _only_case(data)
    assert entry["rol"] == "aangeklaagde" and len(entry["gesprekken"]) == 1
    assert data["medewerker"] == []
    assert "jan@example.nl" not in json.dumps(data, ensure_ascii=False)


def test_a_staff_member_the_complaint_is_about(context, case, as_user) -> None:  # type: ignore[no-untyped-def]
    colleague = as_user("pbakker")
    data = privacy.export_person(context, "P. Bakker", person_ids=[colleague.user.person_id]).data
    entry = _only_case(data)
    assert entry["rol"] == "aangeklaagde" and entry["gesprekken"] == []
    [account] = data["medewerker"]
    assert account["gebruikersnaam"] == "pbakker" and account["rollen"] == ["behandelaar"]


def test_the_officer_who_led_the_session(context, case, as_user) -> None:  # type: ignore[no-untyped-def]
    officer = as_user("fenna")
    data = privacy.export_person(context, "Fenna Functionaris", person_ids=[officer.user.person_id]).data
    entry = _only_case(data)
    assert entry["rol"] == "deelnemer aan een gesprek (klachtenfunctionaris)"
    assert len(entry["gesprekken"]) == 1 and "omschrijving" not in entry
    assert data["medewerker"][0]["rollen"] == ["klachtenfunctionaris"]


def test_every_participant_of_a_session_gets_an_export(context, case) -> None:  # type: ignore[no-untyped-def]
    """The crash of issue 16: every person in a session, one after the other."""
    with context.db.read() as session:
        ids = session.exec(select(SessionParticipant.person_id)).all()
    assert len(ids) == 4
    for person_id in ids:
        export = privacy.export_person(context, "", person_ids=[person_id])
        assert export.cases == 1
