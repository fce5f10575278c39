"""Demo data (``klachtdesk.demo``): realistic, deterministic, consistent with the services.

Every check here compares the bulk-generated rows with what the service layer itself
would compute for one case: the calendars' single-case functions, ``build_search_text``,
the workflow's transition table, ``refresh_next_due``'s choice, the contact-detail
normalisation. Counts stay small so the tests also run quickly on PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from klachtdesk.clock import local
from klachtdesk.errors import ValidationError
from klachtdesk.models import (
    Complaint,
    ComplaintKind,
    ComplaintSearch,
    Deadline,
    DeadlineKind,
    DeadlineUnit,
    Event,
    EventType,
    PERSON_ROLES,
    MediationSession,
    Party,
    Person,
    SessionParticipant,
    SessionStatus,
    Staff,
    StaffRole,
    Status,
)
from klachtdesk.demo import generator as demo
from klachtdesk.demo.loaders import SqliteLoader
from klachtdesk.demo.staff import DEMO_STAFF
from klachtdesk.services.cases import complaints
from klachtdesk.services.deadlines import rules as deadlines
from klachtdesk.services.lists import search
from klachtdesk.services.identity import staff
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.people.contact_details import display_phone, normalise_email, normalise_phone
from klachtdesk.services.core.context import Context
from tests.conftest import search_text_of

COUNT = 200


@pytest.fixture
def loaded(context: Context) -> Context:
    demo.generate(context, COUNT, seed=7)
    return context


def rows(context: Context, sql: str) -> list[Any]:
    with context.db.read() as session:
        return list(session.execute(text(sql)).all())


def snapshot(context: Context) -> dict[str, list[Any]]:
    """Everything that should be identical for the same seed (ids included), read through the
    models so that SQLite and PostgreSQL give the same Python values."""
    from klachtdesk.models import Agreement, Measure

    tables = {
        "complaint": (Complaint, ("id", "number", "kind", "channel", "received_at", "effective_receipt_day", "status",
                                  "handler_id", "closed_at", "next_due", "next_deadline_kind",
                                  "updated_at", "version")),
        "complaint_search": (ComplaintSearch, ("complaint_id", "search_text")),
        "person": (Person, ("id", "name", "phone", "email")),
        "party": (Party, ("id", "complaint_id", "person_id", "role", "note")),
        "event": (Event, ("id", "complaint_id", "at", "actor_id", "type", "summary", "body", "data", "confidential")),
        "deadline": (Deadline, ("id", "complaint_id", "kind", "due", "original_due", "met_at", "met_by_event_id",
                                "cancelled_at")),
        "session": (MediationSession, ("id", "complaint_id", "officer_id", "starts_at", "status")),
        "agreement": (Agreement, ("id", "session_id", "owner", "due", "done_at")),
        "measure": (Measure, ("id", "title", "due", "status")),
    }
    result = {}
    with context.db.read() as session:
        for name, (model, columns) in tables.items():
            key = model.complaint_id if model is ComplaintSearch else model.id  # type: ignore[attr-defined]
            query = select(*(getattr(model, c) for c in columns)).order_by(key)
            result[name] = [tuple(row) for row in session.exec(query).all()]
    return result


# -- the API -------------------------------------------------------------------------------


def test_is_empty_until_cases_exist(context: Context) -> None:
    assert demo.is_empty(context)
    demo.generate(context, 5)
    assert not demo.is_empty(context)


@pytest.mark.parametrize("count", [0, -3, True, 2.5, "10"])
def test_count_must_be_a_positive_integer(context: Context, count: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        demo.generate(context, count)
    assert caught.value.field == "aantal"
    assert demo.is_empty(context)


def test_summary_and_progress(context: Context) -> None:
    reported: list[tuple[int, int]] = []
    summary = demo.generate(context, COUNT, progress=lambda done, total: reported.append((done, total)))
    assert summary.count == COUNT
    assert reported[-1][0] == reported[-1][1] and reported[0][0] <= reported[-1][0]
    assert summary.first_number.startswith("KL-") and summary.last_number.startswith("KL-")
    assert sum(last - first + 1 for _, first, last in summary.ranges) == COUNT
    counted = {table: rows(context, f"SELECT count(*) FROM {table}")[0][0]
               for table in ("complaint", "event", "deadline", "mediation_session", "agreement", "measure")}
    assert counted == {"complaint": COUNT, "event": summary.events, "deadline": summary.deadlines,
                       "mediation_session": summary.sessions, "agreement": summary.agreements,
                       "measure": summary.measures}


def test_counts_per_table_are_sensible(loaded: Context) -> None:
    count = {table: rows(loaded, f"SELECT count(*) FROM {table}")[0][0] for table in (
        "complaint", "person", "party", "event", "deadline", "mediation_session", "session_participant",
        "agreement", "measure", "measure_complaint", "staff")}
    assert count["complaint"] == COUNT
    assert COUNT <= count["person"] <= 3 * COUNT
    assert COUNT < count["party"] <= 5 * COUNT
    assert 5 * COUNT <= count["event"] <= 15 * COUNT
    assert 2 * COUNT <= count["deadline"] <= 4 * COUNT
    assert count["mediation_session"] >= 1 and count["session_participant"] >= 3 * count["mediation_session"]
    assert count["measure"] >= 2 and count["measure_complaint"] >= 1
    assert count["staff"] == len(DEMO_STAFF) + 1  # the demo desk and the tester


def test_staff_created_once_and_the_current_user_stays(loaded: Context) -> None:
    summary = demo.generate(loaded, 10, seed=8)
    assert summary.staff_created == 0
    members = {m.username: m for m in staff.list_staff(loaded)}
    assert members["tester"].roles == PERSON_ROLES
    roles = [role for m in members.values() if m.username != "tester" for role in m.roles]
    assert roles.count(StaffRole.OFFICER) == 2 and roles.count(StaffRole.MANAGER) == 1
    assert roles.count(StaffRole.HANDLER) >= 3 and roles.count(StaffRole.CUSTOMER_SERVICE) >= 2
    assert StaffRole.MANAGEMENT in roles


# -- determinism and numbering -----------------------------------------------------------------


def test_another_seed_gives_other_data(loaded: Context, tmp_path: Any, sqlite_template: Any) -> None:
    import shutil

    from klachtdesk.db import open_database
    from tests.conftest import make_context

    path = tmp_path / "other.db"
    shutil.copy(sqlite_template, path)
    database = open_database(path)
    try:
        other = make_context(database, loaded.clock)  # type: ignore[arg-type]
        demo.generate(other, COUNT, seed=8)
        assert snapshot(loaded)["person"] != snapshot(other)["person"]
    finally:
        database.dispose()


def test_numbers_are_gap_free_per_year_and_later_ones_continue(loaded: Context) -> None:
    demo.generate(loaded, 150, seed=9)
    per_year: dict[int, list[int]] = defaultdict(list)
    for year, seq, number, received in rows(loaded, "SELECT year, seq, number, received_at FROM complaint"):
        per_year[year].append(seq)
        assert number == f"KL-{year}-{seq:06d}"
        moment = received if not isinstance(received, str) else complaints_moment(received)
        assert local(moment).year == year
    sequences = dict(rows(loaded, "SELECT year, last FROM number_sequence"))
    assert sum(len(v) for v in per_year.values()) == COUNT + 150
    for year, seqs in per_year.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), year
        assert sequences[year] == len(seqs)
    this_year = loaded.today().year
    registered = complaints.register(loaded, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678"), service_type=loaded.settings.lists
        .service_types[0], description="Nog een klacht."))
    assert registered.number == f"KL-{this_year}-{len(per_year[this_year]) + 1:06d}"


def complaints_moment(value: str) -> Any:
    from datetime import UTC, datetime

    return datetime.fromisoformat(value).replace(tzinfo=UTC)


# -- consistency with the services ---------------------------------------------------------------


def test_deadlines_match_the_calendars(loaded: Context) -> None:
    organisation, statutory = loaded.calendars.organisation, loaded.calendars.statutory
    rule = loaded.settings.rule(DeadlineKind.DECISION)
    with loaded.db.read() as session:
        pairs = session.exec(select(Deadline, Complaint).join(Complaint, Complaint.id == Deadline.complaint_id)).all()
    assert pairs
    kinds = set()
    for deadline, complaint in pairs:
        kind = DeadlineKind(deadline.kind)
        kinds.add(kind)
        if kind is DeadlineKind.AGREEMENT:
            assert deadline.agreement_id is not None
            assert deadline.due == organisation.add_werkdagen(deadline.anchor, deadline.amount)
            continue
        anchor, due = deadlines.due_for(loaded, DeadlineUnit(deadline.unit), deadline.amount, complaint.received_at)
        assert (deadline.anchor, deadline.original_due) == (anchor, due), complaint.number
        if deadline.extended_at is None:
            assert deadline.due == due
        else:
            assert rule is not None and rule.extension_to
            assert deadline.due == statutory.due_in_weeks(complaint.received_at, rule.extension_to)
            assert local(deadline.extended_at).date() <= deadline.original_due  # before the first period ends
            assert deadline.extension_notice
    assert {DeadlineKind.REPLY, DeadlineKind.FIRST_CONTACT, DeadlineKind.DECISION} <= kinds


def test_met_deadlines_point_at_the_event_that_met_them(loaded: Context) -> None:
    now = loaded.now()
    with loaded.db.read() as session:
        met = session.exec(select(Deadline).where(Deadline.met_at.is_not(None))).all()  # type: ignore[union-attr]
        late = 0
        for deadline in met:
            assert deadline.met_at is not None and deadline.met_at <= now
            late += local(deadline.met_at).date() > deadline.due
            if deadline.met_by_event_id is None:
                assert deadline.kind == DeadlineKind.AGREEMENT
                continue
            event = session.get(Event, deadline.met_by_event_id)
            assert event is not None and event.complaint_id == deadline.complaint_id
            assert event.at == deadline.met_at
            # a message or the closure gives the reply and the decision; the handler's contact the contact
            closure = EventType(event.type) is EventType.STATUS_CHANGED and event.data["naar"] in (
                "gesloten", "afgehandeld")
            if DeadlineKind(deadline.kind) is DeadlineKind.FIRST_CONTACT:
                assert EventType(event.type) is EventType.CONTACT
            else:
                assert EventType(event.type) is EventType.MESSAGE or closure
    assert met and 0 < late < len(met) / 3  # some late, most on time


def test_next_due_is_the_first_open_deadline(loaded: Context) -> None:
    with loaded.db.read() as session:
        cases = session.exec(select(Complaint)).all()
        for complaint in cases:
            first = session.exec(
                select(Deadline.due, Deadline.kind)
                .where(Deadline.complaint_id == complaint.id, Deadline.met_at.is_(None),  # type: ignore[union-attr]
                       Deadline.cancelled_at.is_(None))  # type: ignore[union-attr]
                .order_by(Deadline.due, Deadline.id).limit(1)
            ).first()
            expected = (first[0], str(first[1])) if first else (None, None)
            assert (complaint.next_due, complaint.next_deadline_kind) == expected, complaint.number
    assert any(c.next_due is not None and c.next_due < loaded.today() for c in cases)  # some overdue


def test_search_text_is_what_registration_would_store(loaded: Context) -> None:
    with loaded.db.read() as session:
        for complaint in session.exec(select(Complaint)).all():
            people = list(session.exec(
                select(Person).join(Party, Party.person_id == Person.id)
                .where(Party.complaint_id == complaint.id).order_by(Party.id)
            ).all())
            assert search_text_of(session, complaint.id) == complaints.build_search_text(complaint.number, complaint,
                                                                                          people)


def test_contact_details_are_valid_and_normalised(loaded: Context) -> None:
    people = rows(loaded, "SELECT phone, email FROM person")
    phones = [p for p, _ in people if p]
    emails = [e for _, e in people if e]
    assert len(phones) > COUNT / 2 and len(emails) > COUNT / 3
    for phone in phones:
        assert phone.startswith("+31") and normalise_phone(display_phone(phone)) == phone
    for email in emails:
        assert normalise_email(email) == email
        assert email.rsplit("@", 1)[1].endswith(("example.com", "example.net", "example.org", ".example"))
    assert len(set(p for p in phones if p.startswith("+316"))) == len([p for p in phones if p.startswith("+316")])


def test_every_klager_has_a_postal_address_as_the_registration_would_store_it(loaded: Context) -> None:
    from klachtdesk.services.people.postal import check_address

    addresses = rows(loaded, "SELECT p.street, p.postcode, p.city, p.country FROM person p "
                             "JOIN party ON party.person_id = p.id WHERE party.role = 'klager'")
    assert addresses
    for street, postcode, city, country in addresses:
        address, errors = check_address(street, postcode, city, country)
        assert errors == [] and address is not None and (address.postcode, address.city) == (postcode, city)


def test_histories_follow_the_procedure(loaded: Context) -> None:
    now = loaded.now()
    with loaded.db.read() as session:
        history: dict[int, list[Event]] = defaultdict(list)
        for event in session.exec(select(Event).where(Event.complaint_id.is_not(None)).order_by(Event.id)).all():  # type: ignore[union-attr]
            history[int(event.complaint_id or 0)].append(event)
        cases = session.exec(select(Complaint)).all()
    statuses = set()
    for complaint in cases:
        kind = ComplaintKind(complaint.kind)
        timeline = history[int(complaint.id or 0)]
        assert timeline[0].type == EventType.REGISTERED and timeline[0].at == complaint.created_at
        assert complaint.received_at <= complaint.created_at <= now
        assert [e.at for e in timeline] == sorted(e.at for e in timeline)
        assert timeline[-1].at <= now and complaint.updated_at == max(e.at for e in timeline)
        status = Status.NEW if kind is ComplaintKind.COMPLAINT else Status.FORWARDED
        for event in timeline:
            if event.type == EventType.STATUS_CHANGED:
                assert event.data["van"] == status.value, complaint.number
                workflow.check_transition(kind, status, Status(event.data["naar"]))
                status = Status(event.data["naar"])
        assert Status(complaint.status) is status
        statuses.add(status)
        assert (complaint.closed_at is not None) == status.is_final
        if kind is ComplaintKind.COMPLAINT:
            assert (complaint.handler_id is None) == (status is Status.NEW)
            assert complaint.queue is None
        else:
            assert complaint.queue and complaint.handler_id is None
        assert (complaint.accepted is not None) == any(
            e.type == EventType.STATUS_CHANGED and e.data["naar"] in ("gesloten", "afgehandeld") for e in timeline)
    assert {Status.CLOSED, Status.HANDLED} <= statuses and len(statuses) >= 4


def test_sessions_are_planned_as_the_planner_would(loaded: Context) -> None:
    organisation = loaded.calendars.organisation
    hours = organisation.office_hours
    with loaded.db.read() as session:
        sessions = session.exec(select(MediationSession)).all()
        officers = {row.id: row.person_id for row in session.exec(select(Staff)).all()}
        participants = defaultdict(list)
        for row in session.exec(select(SessionParticipant)).all():
            participants[row.session_id].append(row)
        parties = {(p.complaint_id, p.person_id): p.role for p in session.exec(select(Party)).all()}
    assert sessions
    busy: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    for row in sessions:
        start, end = local(row.starts_at), local(row.ends_at)
        assert organisation.is_werkdag(start.date()) and start.date() == end.date()
        assert hours.start <= start.time() and end.time() <= hours.end and start < end
        status = SessionStatus(row.status)
        assert (status is SessionStatus.PLANNED) == (row.starts_at > loaded.now())
        people = participants[row.id]
        assert officers[row.officer_id] in [p.person_id for p in people]
        assert [p.role for p in people].count("klachtenfunctionaris") == 1
        for person in people:
            if person.role != "klachtenfunctionaris":
                assert parties[(row.complaint_id, person.person_id)] == person.role
            for other_start, other_end in busy[person.person_id]:
                assert end <= other_start or other_end <= start, "double-booked"
            busy[person.person_id].append((start, end))
        busy.setdefault(-int(row.officer_id), [])


def test_full_text_search_finds_a_persons_phone_number(loaded: Context) -> None:
    complaint_id, phone = rows(loaded, "SELECT p.complaint_id, n.phone FROM party p JOIN person n "
                                       "ON n.id = p.person_id WHERE p.role = 'klager' AND n.phone LIKE '+316%' "
                                       "ORDER BY p.id LIMIT 1")[0]
    national = "0" + phone[3:]
    if loaded.db.dialect == "sqlite":
        found = [r[0] for r in rows(loaded, f"SELECT rowid FROM complaint_fts WHERE complaint_fts MATCH '\"{national}\"'")]
        assert complaint_id in found
    spaced = f"{national[:2]} {national[2:]}"
    assert complaint_id in [row.id for row in search.search_page(loaded, spaced)]


@pytest.mark.parametrize("bulk_min", [0])
def test_bulk_load_restores_indexes_triggers_and_fts(context: Context, monkeypatch: pytest.MonkeyPatch,
                                                     bulk_min: int) -> None:
    demo.generate(context, 30, seed=3)  # first, through the triggers
    if context.db.dialect == "sqlite":
        schema = "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name"
        config = "SELECT k, v FROM complaint_fts_config ORDER BY k"
    else:
        schema = "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname"
        config = "SELECT 1"
    before, fts_before = rows(context, schema), rows(context, config)
    monkeypatch.setattr(demo, "BULK_MIN", bulk_min)
    monkeypatch.setattr(SqliteLoader, "ROWS_PER_STATEMENT", 7)  # many-row statements and a remainder
    demo.generate(context, 120, seed=4)
    assert rows(context, schema) == before
    if context.db.dialect == "sqlite":
        after = dict(rows(context, config))
        tuned = ("automerge", "crisismerge", "hashsize")
        assert {k: after[k] for k in tuned} == {"automerge": 4, "crisismerge": 16, "hashsize": 1024 * 1024}
        assert {k: v for k, v in after.items() if k not in tuned} == dict(fts_before)
        with context.db.write() as session:  # raises when the index and the table disagree
            session.execute(text("INSERT INTO complaint_fts(complaint_fts, rank) VALUES ('integrity-check', 1)"))
    # every case is found by its number's words, old and new alike
    for (number,) in rows(context, "SELECT number FROM complaint ORDER BY id"):
        assert [row.number for row in search.search_page(context, number)] == [number]
    # and the triggers work again for what comes after
    registered = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Zeldzame Naamgenoot", email="zeldzaam@example.com"),
        service_type=context.settings.lists.service_types[0], description="Na het laden."))
    assert [row.id for row in search.search_page(context, "Zeldzame")] == [registered.id]


def test_a_large_load_has_a_realistic_mix(sqlite_context: Context) -> None:
    context = sqlite_context
    demo.generate(context, 3000, seed=11)
    by = {column: dict(rows(context, f"SELECT {column}, count(*) FROM complaint GROUP BY {column}"))
          for column in ("kind", "channel", "status")}
    assert set(by["kind"]) == {k.value for k in ComplaintKind}
    assert by["kind"]["klacht"] > 2 * (by["kind"]["factuurvraag"] + by["kind"]["accountvraag"])
    assert len(by["channel"]) == 5
    statuses = by["status"]
    for status in (Status.CLOSED, Status.HANDLED, Status.REFERRED, Status.REOPENED, Status.IN_PROGRESS,
                   Status.SOLUTION_PROPOSED, Status.ASSIGNED):
        assert statuses.get(status.value, 0) > 0, status
    closed = statuses["gesloten"] + statuses["afgehandeld"] + statuses["doorverwezen naar de geschillencommissie"]
    assert closed > 0.7 * 3000
    # old cases are closed, recent ones open
    old_open = rows(context, "SELECT count(*) FROM complaint WHERE closed_at IS NULL AND received_at < "
                             "date('2026-11-23', '-1 year')")[0][0]
    recent_open = rows(context, "SELECT count(*) FROM complaint WHERE closed_at IS NULL AND received_at >= "
                                "date('2026-11-23', '-14 days')")[0][0]
    recent = rows(context, "SELECT count(*) FROM complaint WHERE received_at >= date('2026-11-23', '-14 days')")[0][0]
    assert old_open < 0.03 * 3000 and recent_open > 0.5 * recent
    # some after closing time or in the weekend: received and counted as the next werkdag
    shifted = rows(context, "SELECT count(*) FROM complaint WHERE date(received_at) < effective_receipt_day")[0][0]
    assert shifted > 0.05 * 3000
    repeat = rows(context, "SELECT count(*) FROM (SELECT complainant_id FROM complaint GROUP BY complainant_id "
                           "HAVING count(*) > 1)")[0][0]
    assert repeat > 0
    names = [r[0] for r in rows(context, "SELECT name FROM person")]
    assert any(" van " in n or " de " in n for n in names)
    # measures are due on werkdagen, as the measure service requires (issue 15, item 15)
    dues = [date.fromisoformat(str(r[0])[:10]) for r in rows(context, "SELECT due FROM measure")]
    assert len(dues) >= 5 and all(context.calendars.organisation.is_werkdag(day) for day in dues), dues


def test_phone_channel_cases_are_received_on_werkdagen_in_office_hours(loaded: Context) -> None:
    organisation = loaded.calendars.organisation
    with loaded.db.read() as session:
        cases = session.exec(select(Complaint).where(Complaint.channel == "telefoon")).all()
    for complaint in cases:
        moment = local(complaint.received_at)
        assert organisation.is_werkdag(moment.date())
        assert time(8, 0) <= moment.time() <= time(18, 0)


def test_staff_act_on_werkdagen_during_office_hours(loaded: Context) -> None:
    organisation = loaded.calendars.organisation
    with loaded.db.read() as session:
        moments = session.exec(select(Event.at, Event.type).where(Event.type != EventType.REGISTERED)).all()
    assert moments
    for at, kind in moments:
        moment = local(at)
        assert organisation.is_werkdag(moment.date()), (kind, moment)
        assert time(8, 0) <= moment.time() <= time(18, 0), (kind, moment)
