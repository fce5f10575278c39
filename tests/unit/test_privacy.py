"""Privacy (AVG): retention, access and erasure requests, request deadlines, the read log."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import ConfigError, NotFound, ValidationError
from klachtdesk.models import (
    Acceptance,
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineState,
    Event,
    EventType,
    MediationSession,
    Message,
    Party,
    PartyRole,
    Person,
    PrivacyRequest,
    PrivacyRequestKind,
    SessionParticipant,
    SessionStatus,
    SessionType,
    StaffRole,
    Status,
)
from klachtdesk.services.cases import complaints
from klachtdesk.services.privacy import avg as privacy
from klachtdesk.services.lists import search
from klachtdesk.services.people.contact_details import search_tokens
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.config.privacy import DEFAULT_STATEMENT
from klachtdesk.services.config.settings import Settings
from klachtdesk.services.privacy.avg import ANONYMOUS, PrivacySettings, add_months
from tests.conftest import search_text_of

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
LONG_AGO = datetime(2024, 6, 3, 10, 0, tzinfo=AMSTERDAM)  # 2.5 years before NOW
RECENT = datetime(2026, 10, 5, 10, 0, tzinfo=AMSTERDAM)


def klacht(name: str = "Jan de Vries", email: str = "jan@example.nl", phone: str = "06-12345678",
           **overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = dict(
        complainant=PersonInput(name=name, phone=phone, email=email),
        service_type="Teleconsultatie",
        category="Bejegening",
        description=f"{name} wachtte drie weken; Dr. P. Bakker belde niet terug.",
        remedy_sought="Excuses en een nieuwe afspraak",
        incident_date=date(2024, 5, 20),
        involved=[PersonInput(name="Dr. P. Bakker", phone="020-5551234", role=PartyRole.RESPONDENT,
                              note="huisarts")],
    )
    values.update(overrides)
    return RegistrationInput(**values)


def close_case(context, complaint_id: int) -> None:  # type: ignore[no-untyped-def]
    """Walk a complaint to 'gesloten' through the real workflow."""
    version = complaints.get_case(context, complaint_id, record_view=False).version
    version = workflow.assign(context, complaint_id, version, context.user.id)
    version = workflow.transition(context, complaint_id, version, Status.IN_PROGRESS)
    version = workflow.transition(context, complaint_id, version, Status.SOLUTION_PROPOSED)
    workflow.close(context, complaint_id, version, "Excuses aangeboden aan Jan de Vries", Acceptance.YES)


def at(clock, moment: datetime) -> None:  # type: ignore[no-untyped-def]
    clock.moment = moment


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 11, 23), 1, date(2026, 12, 23)),
    (date(2027, 1, 31), 1, date(2027, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 11, 23), -24, date(2024, 11, 23)),
    (date(2026, 12, 31), 2, date(2027, 2, 28)),
])
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_request_due_is_a_calendar_month_moved_past_weekends_and_feestdagen(context) -> None:  # type: ignore[no-untyped-def]
    assert privacy.request_due(context, date(2026, 11, 23), 1) == date(2026, 12, 23)
    # 25 december is Eerste Kerstdag, 26 Tweede Kerstdag (Saturday), 27 a Sunday
    assert privacy.request_due(context, date(2026, 11, 25), 1) == date(2026, 12, 28)
    # 31 januari + 1 maand = zondag 28 februari 2027 -> maandag 1 maart
    assert privacy.request_due(context, date(2027, 1, 31), 1) == date(2027, 3, 1)
    # 5 mei is an Atw feestdag every year
    assert privacy.request_due(context, date(2026, 4, 5), 1) == date(2026, 5, 6)


def load_privacy_settings(text: str | None = None) -> PrivacySettings:
    """The privacy settings of the shipped defaults with ``privacy.toml`` replaced (None:
    as shipped; "": left out)."""
    shipped = Settings.defaults()
    return shipped.privacy if text is None else shipped.replaced({"privacy.toml": text}).privacy


def test_settings_file() -> None:
    assert load_privacy_settings("") == PrivacySettings(24, 1, 2)
    assert load_privacy_settings("bewaartermijn_maanden = 60\n") == PrivacySettings(60, 1, 2)
    with pytest.raises(ConfigError, match="geheel aantal maanden"):
        load_privacy_settings("bewaartermijn_maanden = 'twee jaar'\n")
    with pytest.raises(ConfigError, match="onbekende instelling"):
        load_privacy_settings("bewaar_maanden = 12\n")
    shipped = load_privacy_settings()  # the shipped data/privacy.toml
    assert (shipped.retention_months, shipped.request_months, shipped.extension_months) == (24, 1, 2)
    assert shipped.statement.startswith("Wij gebruiken uw gegevens alleen") and "\n" not in shipped.statement


def test_the_privacy_statement_for_the_web_form() -> None:
    assert load_privacy_settings("").statement == DEFAULT_STATEMENT
    settings = load_privacy_settings(
        '[privacyverklaring]\ntekst = """Wij   bewaren\nniets."""\nadres = "https://example.nl/privacy"\n')
    assert (settings.statement, settings.statement_url) == ("Wij bewaren niets.", "https://example.nl/privacy")
    for body, message in (('[privacyverklaring]\nadres = "javascript:alert(1)"\n', "https://"),
                          ('[privacyverklaring]\ntekst = ""\n', "leeg"),
                          ('[privacyverklaring]\nkleur = "rood"\n', "onbekende instelling"),
                          ('privacyverklaring = "tekst"\n', "tabel")):
        with pytest.raises(ConfigError, match=message):
            load_privacy_settings(body)


# -- retention --------------------------------------------------------------------------------


@pytest.fixture
def desk(context, clock, tmp_path):  # type: ignore[no-untyped-def]
    """Old closed case A (Jan + Dr. Bakker, a session, a sent message), recent closed case B
    (Piet), open case C (Jan again, as a known caller)."""
    at(clock, LONG_AGO)
    a = complaints.register(context, klacht())
    workflow.log_contact(context, a.id, "telefoon", "uit", "Jan de Vries gebeld, 0612345678, over Dr. P. Bakker")
    workflow.add_note(context, a.id, "Jan de Vries klinkt boos")
    outbox = tmp_path / "bericht.eml"
    outbox.write_text("Beste Jan de Vries", encoding="utf-8")
    with context.db.write() as session:
        case = session.get(Complaint, a.id)
        jan, bakker = case.complainant_id, session.exec(
            select(Party.person_id).where(Party.complaint_id == a.id, Party.role == PartyRole.RESPONDENT)).one()
        meeting = MediationSession(complaint_id=a.id, type=SessionType.ONE_ON_ONE, officer_id=context.user.id,
                                   starts_at=LONG_AGO, ends_at=LONG_AGO, location="Kamer 2", status=SessionStatus.HELD,
                                   outcome="Jan de Vries en Dr. P. Bakker spraken uit", created_at=LONG_AGO)
        session.add(meeting)
        session.flush()
        session.add(SessionParticipant(session_id=meeting.id, person_id=jan, role="klager"))
        session.add(SessionParticipant(session_id=meeting.id, person_id=bakker, role="aangeklaagde"))
        session.add(Message(complaint_id=a.id, template="ontvangst", recipient="jan@example.nl",
                            subject="Uw klacht, Jan de Vries", body="Beste Jan de Vries, ...", created_at=LONG_AGO,
                            sent_at=LONG_AGO, transport="eml", outbox_path=str(outbox)))
    close_case(context, a.id)
    at(clock, RECENT)
    b = complaints.register(context, klacht(name="Piet Post", email="piet@example.nl", phone="06-87654321",
                                            involved=[]))
    close_case(context, b.id)
    at(clock, NOW)
    c = complaints.register(context, klacht(complainant=PersonInput(person_id=jan), involved=[],
                                            description="Weer geen terugbelafspraak"))
    return {"a": a.id, "b": b.id, "c": c.id, "jan": jan, "bakker": bakker, "outbox": outbox}


def _snapshot(context) -> list[tuple]:  # type: ignore[no-untyped-def]
    with context.db.read() as session:
        return [(c.id, c.description, search_text_of(session, c.id), c.anonymised_at)
                for c in session.exec(select(Complaint)).all()]


def test_dry_run_says_what_would_happen_and_changes_nothing(context, desk) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot(context)
    result = privacy.apply_retention(context, dry_run=True)
    assert [c.id for c in result.cases] == [desk["a"]]
    assert result.dry_run and result.cutoff == date(2024, 11, 23) and result.persons_anonymised == 2
    assert "zou worden geanonimiseerd" in result.summary
    assert _snapshot(context) == before


def test_retention_anonymises_old_closed_cases_and_keeps_the_figures(context, desk) -> None:  # type: ignore[no-untyped-def]
    with context.db.read() as session:
        old = session.get(Complaint, desk["a"])
        deadlines_before = [(d.kind, d.due, d.met_at) for d in
                            session.exec(select(Deadline).where(Deadline.complaint_id == desk["a"])).all()]
    result = privacy.apply_retention(context)
    assert [c.number for c in result.cases] == [old.number]
    assert result.persons_anonymised == 1 and result.persons_unlinked == 1  # Bakker gone; Jan still has case C
    with context.db.read() as session:
        case = session.get(Complaint, desk["a"])
        # figures for the analysis stay
        assert (case.kind, case.channel, case.category, case.service_type, case.status, case.received_at,
                case.closed_at, case.incident_date) == (old.kind, old.channel, old.category, old.service_type,
                                                        old.status, old.received_at, old.closed_at, old.incident_date)
        assert [(d.kind, d.due, d.met_at) for d in
                session.exec(select(Deadline).where(Deadline.complaint_id == desk["a"])).all()] == deadlines_before
        # names, contact details and free text go
        assert (case.description, case.remedy_sought, case.resolution, case.invoice_number) == (None,) * 4
        assert case.anonymised_at is not None and case.version == old.version + 1
        assert "vries" not in search_text_of(session, case.id) and "bakker" not in search_text_of(session, case.id)
        people = session.exec(select(Person).join(Party, Party.person_id == Person.id)
                              .where(Party.complaint_id == desk["a"])).all()
        assert {p.name for p in people} == {ANONYMOUS} and all(p.phone is None and p.email is None for p in people)
        assert all(p.note is None for p in session.exec(select(Party).where(Party.complaint_id == desk["a"])).all())
        jan = session.get(Person, desk["jan"])
        assert jan.name == "Jan de Vries" and jan.anonymised_at is None  # still needed for case C
        assert desk["jan"] not in {p.id for p in people}
        bakker = session.get(Person, desk["bakker"])
        assert bakker.name == ANONYMOUS and bakker.phone is None and bakker.anonymised_at is not None
        history = session.exec(select(Event).where(Event.complaint_id == desk["a"])).all()
        assert all(e.body is None for e in history)
        assert all(e.data is None for e in history if e.type is not EventType.PRIVACY)
        text = json.dumps([e.summary for e in history]).lower()
        assert "vries" not in text and "bakker" not in text and "0612345678" not in text
        privacy_events = [e for e in history if e.type is EventType.PRIVACY]
        assert len(privacy_events) == 1 and "bewaartermijn" in privacy_events[0].summary
        message = session.exec(select(Message).where(Message.complaint_id == desk["a"])).one()
        assert message.body == "" and message.recipient is None and "Vries" not in message.subject
        meeting = session.exec(select(MediationSession).where(MediationSession.complaint_id == desk["a"])).one()
        assert meeting.outcome is None
        participants = session.exec(select(SessionParticipant).where(SessionParticipant.session_id == meeting.id)).all()
        assert desk["jan"] not in {p.person_id for p in participants} and len(participants) == 2
        # the recent and the open case are untouched
        for key in ("b", "c"):
            assert session.get(Complaint, desk[key]).anonymised_at is None
        summary = session.exec(select(Event).where(Event.complaint_id.is_(None),  # type: ignore[union-attr]
                                                   Event.type == EventType.PRIVACY)).all()
        assert len(summary) == 1 and "1 zaak" in summary[0].summary
    assert not desk["outbox"].exists()
    # a search by name no longer finds the anonymised case, but still the open one
    assert [r.id for r in search.search_page(context, "de vries")] == [desk["c"]]
    assert complaints.get_case(context, desk["a"]).anonymised


def test_retention_is_idempotent_and_logged_each_run(context, desk) -> None:  # type: ignore[no-untyped-def]
    assert len(privacy.apply_retention(context).cases) == 1
    with context.db.read() as session:
        first = [(e.id, e.summary, e.body) for e in session.exec(select(Event).where(Event.complaint_id == desk["a"]))]
    again = privacy.apply_retention(context)
    assert again.cases == [] and again.persons_anonymised == 0
    with context.db.read() as session:
        assert [(e.id, e.summary, e.body) for e in session.exec(select(Event).where(Event.complaint_id == desk["a"]))] \
            == first
        runs = session.exec(select(Event).where(Event.complaint_id.is_(None), Event.type == EventType.PRIVACY)).all()  # type: ignore[union-attr]
    assert len(runs) == 2


def test_a_person_is_anonymised_once_their_last_case_is(context, clock, desk) -> None:  # type: ignore[no-untyped-def]
    privacy.apply_retention(context)
    close_case(context, desk["c"])
    at(clock, datetime(2029, 1, 2, 10, 0, tzinfo=AMSTERDAM))
    result = privacy.apply_retention(context)
    assert {c.id for c in result.cases} == {desk["b"], desk["c"]}
    with context.db.read() as session:
        assert session.get(Person, desk["jan"]).name == ANONYMOUS


def test_reopened_cases_are_not_touched(context, clock, desk) -> None:  # type: ignore[no-untyped-def]
    version = complaints.get_case(context, desk["a"], record_view=False).version
    workflow.reopen(context, desk["a"], version, "Klager belt opnieuw")
    assert privacy.apply_retention(context, dry_run=True).cases == []


# -- access requests --------------------------------------------------------------------------


@pytest.fixture
def staffed_case(context, as_user):  # type: ignore[no-untyped-def]
    """An open complaint by Jan about a staff member, with notes of every kind."""
    colleague = as_user("pbakker", StaffRole.HANDLER, name="P. Bakker")
    registered = complaints.register(context, klacht(involved=[
        PersonInput(person_id=colleague.user.person_id, role=PartyRole.RESPONDENT),
        PersonInput(name="Els Getuige", email="els@example.nl", role=PartyRole.INVOLVED),
    ], description="Jan de Vries vindt dat P. Bakker onbeleefd was."))
    workflow.log_contact(context, registered.id, "telefoon", "uit", "Jan gebeld; excuses aangekondigd")
    workflow.add_note(context, registered.id, "P. Bakker heeft eerder een waarschuwing gehad")
    officer = as_user("fenna", StaffRole.OFFICER)
    workflow.add_note(officer, registered.id, "Jan vertelde in vertrouwen over zijn ziekte", confidential=True)
    return registered


def test_access_export_for_the_complainant(context, staffed_case) -> None:  # type: ignore[no-untyped-def]
    export = privacy.export_person(context, "JAN@example.nl")
    data = export.data
    text = json.dumps(data, ensure_ascii=False)
    assert data["persoonsgegevens"] == [{"naam": "Jan de Vries", "telefoon": "06 12345678", "email": "jan@example.nl",
                                         "postadres": None, "organisatie": None,
                                         "vastgelegd_op": "2026-11-23T10:00:00+01:00"}]
    [case] = data["zaken"]
    assert case["klachtnummer"] == staffed_case.number and case["rol"] == "klager"
    assert case["omschrijving"] == "Jan de Vries vindt dat P. Bakker onbeleefd was."
    # the staff member the complaint is about: name only; the other people: name and role
    assert case["andere_betrokkenen"] == [{"naam": "P. Bakker", "rol": "aangeklaagde"},
                                          {"naam": "Els Getuige", "rol": "betrokkene"}]
    assert "els@example.nl" not in text
    assert "waarschuwing" not in text and "vertrouwen" not in text  # internal and confidential notes stay in house
    assert case["niet_meegegeven"] == {"interne_notities": 1, "vertrouwelijke_notities": 1, "inzagelog": 0}
    assert any(entry["tekst"] == "Jan gebeld; excuses aangekondigd" for entry in case["geschiedenis"])
    assert [t["termijn"] for t in case["termijnen"]]
    assert export.request.kind is PrivacyRequestKind.ACCESS and export.request.done_at is not None
    assert export.request.due == date(2026, 12, 23) and export.request.state is DeadlineState.MET
    timeline = complaints.get_case(context, staffed_case.id).timeline
    assert any(e.type is EventType.PRIVACY and "Inzageverzoek" in e.summary for e in timeline)


def test_access_export_for_someone_only_involved(context, staffed_case) -> None:  # type: ignore[no-untyped-def]
    data = privacy.export_person(context, "els@example.nl").data
    [case] = data["zaken"]
    assert case["rol"] == "betrokkene" and "omschrijving" not in case
    text = json.dumps(data, ensure_ascii=False)
    assert "Jan" not in text and "onbeleefd" not in text


def test_access_by_phone_and_refusals(context, staffed_case) -> None:  # type: ignore[no-untyped-def]
    assert privacy.export_person(context, "+31 6 1234 5678").data["persoonsgegevens"][0]["naam"] == "Jan de Vries"
    with pytest.raises(NotFound, match="niets vastgelegd"):
        privacy.export_person(context, "Onbekend Iemand")
    complaints.register(context, klacht(email="jan.devries@elders.nl", phone="06-11112222", involved=[]))
    with pytest.raises(privacy.AmbiguousSubject) as error:
        privacy.export_person(context, "jan de vries")
    assert len(error.value.candidates) == 2 and "jan@example.nl" not in str(error.value)
    chosen = error.value.candidates[0].id
    assert len(privacy.export_person(context, "jan de vries", person_ids=[chosen]).data["persoonsgegevens"]) == 1
    with context.db.read() as session:
        assert len(session.exec(select(PrivacyRequest)).all()) == 2  # the refused ones were not recorded


# -- erasure requests -------------------------------------------------------------------------


def test_erasure_on_request(context, clock, desk) -> None:  # type: ignore[no-untyped-def]
    # Jan is also a witness in Piet's case, named in its description
    d = complaints.register(context, klacht(name="Piet Post", email="piet@example.nl", phone="06-87654321",
                                            description="Jan de Vries (jan@example.nl) zag het gebeuren.",
                                            involved=[PersonInput(person_id=desk["jan"], role=PartyRole.INVOLVED)]))
    plan = privacy.erase_person(context, "jan@example.nl", dry_run=True)
    assert [p.id for p in plan.persons] == [desk["jan"]] and plan.request is None
    with context.db.read() as session:
        numbers = {c.id: c.number for c in session.exec(select(Complaint)).all()}
    assert plan.own_cases == [numbers[desk["a"]], numbers[desk["c"]]]
    assert plan.open_own_cases == [numbers[desk["c"]]] and plan.involved_cases == [numbers[d.id]]
    with context.db.read() as session:
        assert session.get(Person, desk["jan"]).anonymised_at is None  # the dry run changed nothing
    result = privacy.erase_person(context, "jan@example.nl", received_at=datetime(2026, 11, 20, 9, tzinfo=AMSTERDAM))
    assert result.request is not None and result.request.kind is PrivacyRequestKind.ERASURE
    assert result.request.due == date(2026, 12, 21)  # 20 December is a Sunday
    with context.db.read() as session:
        jan = session.get(Person, desk["jan"])
        assert (jan.name, jan.email, jan.phone) == (ANONYMOUS, None, None)
        for key in ("a", "c"):
            assert session.get(Complaint, desk[key]).anonymised_at is not None
        witness_case = session.get(Complaint, d.id)
        assert witness_case.anonymised_at is None
        assert witness_case.description == f"{ANONYMOUS} ({ANONYMOUS}) zag het gebeuren."
        assert "vries" not in search_text_of(session, witness_case.id)
        assert session.get(Complaint, desk["b"]).anonymised_at is None
        request = session.exec(select(PrivacyRequest)).one()
        assert request.done_at is not None and request.handled_by_id == context.user.id and request.person_id == desk["jan"]
    assert search.search_page(context, "jan") == []
    timeline = complaints.get_case(context, d.id).timeline
    assert any(e.type is EventType.PRIVACY and "verzoek" in e.summary for e in timeline)


# -- no personal data left in the search table (complaint_search) ------------------------------

#: how Jan de Vries and Dr. P. Bakker (``klacht``) can be found: name, e-mail, phone (as typed
#: and as the index holds it)
JAN = ("vries", "jan@example.nl", "06-12345678", "612345678")
BAKKER = ("bakker", "020-5551234", "205551234")


def _left_behind(context, fragments, case_ids) -> list[str]:  # type: ignore[no-untyped-def]
    """The fragments still in the search table (and, on SQLite, in its two FTS5 indexes) for
    these cases, or that a search still finds them by."""
    found = []
    with context.db.read() as session:
        for fragment in fragments:
            for case_id in case_ids:
                if fragment.replace("-", "") in search_text_of(session, case_id).replace("-", ""):
                    found.append(f"{fragment} in complaint_search {case_id}")
            if context.db.dialect == "sqlite":
                for table in ("complaint_fts", "complaint_trigram"):
                    words = " ".join(f'"{w}"' for w in search_tokens(fragment).split())
                    hits = session.execute(text(f"SELECT rowid FROM {table} WHERE {table} MATCH :m"),
                                           {"m": words}).scalars().all()
                    found += [f"{fragment} in {table} {hit}" for hit in hits if hit in case_ids]
    for fragment in fragments:
        try:
            hits = [row.id for row in search.search_page(context, fragment) if row.id in case_ids]
        except ValidationError:
            continue
        found += [f"{fragment} found by search: {hit}" for hit in hits]
    return found


def test_retention_leaves_no_personal_data_in_the_search_table(context, desk) -> None:  # type: ignore[no-untyped-def]
    assert _left_behind(context, (*JAN, *BAKKER), [desk["a"]])  # before: found everywhere
    privacy.apply_retention(context)
    assert _left_behind(context, (*JAN, *BAKKER), [desk["a"]]) == []
    assert _left_behind(context, JAN, [desk["c"]])  # Jan's open case keeps him


def test_erasure_leaves_no_personal_data_in_the_search_table(context, desk) -> None:  # type: ignore[no-untyped-def]
    witness = complaints.register(context, klacht(
        name="Piet Post", email="piet@example.nl", phone="06-87654321", involved=[
            PersonInput(person_id=desk["jan"], role=PartyRole.INVOLVED)],
        description="Jan de Vries (jan@example.nl, 06-12345678) zag het gebeuren."))
    cases = [desk["a"], desk["c"], witness.id]
    assert _left_behind(context, JAN, cases)
    privacy.erase_person(context, "jan@example.nl", received_at=datetime(2026, 11, 20, 9, tzinfo=AMSTERDAM))
    assert _left_behind(context, JAN, cases) == []
    with context.db.read() as session:  # the witness's case is still found by its own klager
        assert "post" in search_text_of(session, witness.id)


def test_staff_are_not_erased_this_way(context, staffed_case) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="medewerker"):
        privacy.erase_person(context, "P. Bakker")


# -- the requests as deadlines ----------------------------------------------------------------


def test_requests_are_deadlines_and_can_be_extended_once(context, clock) -> None:  # type: ignore[no-untyped-def]
    first = privacy.register_request(context, PrivacyRequestKind.ACCESS, "Jan de Vries",
                                     datetime(2026, 10, 26, 9, tzinfo=AMSTERDAM))
    second = privacy.register_request(context, PrivacyRequestKind.ERASURE, "els@example.nl")
    assert first.due == date(2026, 11, 26) and first.state is DeadlineState.OPEN
    assert second.due == date(2026, 12, 23)
    assert [v.id for v in privacy.list_requests(context, open_only=True)] == [first.id, second.id]
    extended = privacy.extend_request(context, first.id)
    assert extended.extended and extended.due == date(2027, 1, 26) and extended.original_due == date(2026, 11, 26)
    with pytest.raises(ValidationError, match="één keer"):
        privacy.extend_request(context, first.id)
    at(clock, datetime(2026, 12, 24, 10, tzinfo=AMSTERDAM))
    with pytest.raises(ValidationError, match="verstreken"):
        privacy.extend_request(context, second.id)
    states = {v.id: v.state for v in privacy.list_requests(context)}
    assert states == {first.id: DeadlineState.OPEN, second.id: DeadlineState.OVERDUE}
    with pytest.raises(ValidationError, match="toekomst"):
        privacy.register_request(context, PrivacyRequestKind.ACCESS, "x", datetime(2027, 1, 1, tzinfo=AMSTERDAM))


def test_a_registered_request_is_completed_by_the_export(context, staffed_case) -> None:  # type: ignore[no-untyped-def]
    request = privacy.register_request(context, PrivacyRequestKind.ACCESS, "jan@example.nl")
    export = privacy.export_person(context, "jan@example.nl", request_id=request.id)
    assert export.request.id == request.id and export.request.done_at is not None
    assert privacy.list_requests(context, open_only=True) == []
    with pytest.raises(ValidationError, match="al afgehandeld"):
        privacy.export_person(context, "jan@example.nl", request_id=request.id)


# -- who looked at a case -----------------------------------------------------------------------


def test_reading_a_case_is_recorded_with_who_and_when(context, clock, as_user) -> None:  # type: ignore[no-untyped-def]
    registered = complaints.register(context, klacht(involved=[]))
    karin = as_user("karin", StaffRole.CUSTOMER_SERVICE, name="Karin Klant")
    complaints.get_case(karin, registered.id)
    complaints.get_case(context, registered.id, record_view=False)  # a refresh of a screen already open
    with context.db.read() as session:
        viewed = session.exec(select(Event).where(Event.complaint_id == registered.id,
                                                  Event.type == EventType.VIEWED)).all()
    assert [(e.actor_id, e.at) for e in viewed] == [(karin.user.id, NOW)]
    assert viewed[0].summary == "Zaak ingezien door Karin Klant"


def test_questions_are_anonymised_too(context, clock) -> None:  # type: ignore[no-untyped-def]
    at(clock, LONG_AGO)
    question = complaints.register(context, RegistrationInput(
        kind=ComplaintKind.INVOICE_QUESTION, complainant=PersonInput(name="Ria Reken", email="ria@example.nl"),
        service_type="Facturatie en abonnement", invoice_number="F-2024-0042", description="Dubbel betaald"))
    workflow.close(context, question.id, complaints.get_case(context, question.id).version, "Terugbetaald",
                   Acceptance.YES)
    at(clock, NOW)
    privacy.apply_retention(context)
    case = complaints.get_case(context, question.id)
    assert case.invoice_number is None and case.description is None and case.complainant.name == ANONYMOUS
    assert case.kind is ComplaintKind.INVOICE_QUESTION and case.status is Status.HANDLED
