"""The analysis figures on a hand-built data set whose every figure is known.

The cases (Amsterdam time; FIXED_NOW is Monday 23 November 2026):

=====  ====================  ====================  =================  ===========================
case   received              category / service    closed             notes
=====  ====================  ====================  =================  ===========================
I      2025-08-01 10:00      Wachttijd / Telecons  2025-08-05         klager Q (year-ago quarter)
H      2026-06-30 23:30      Bejegening / Telecons 2026-07-01 12:00   Q2 by receipt, counts as 1 Jul
A      2026-07-01 00:30      Bejegening / Telecons 2026-07-03 15:00   klager P; 22:30 UTC on 30 June
B      2026-07-02 18:00      Bejegening / Thuisz.  2026-07-10         klager Q; after closing → 3 Jul
F      2026-07-20 10:00      (factuurvraag)        2026-07-20 16:00   handled the same day
C      2026-08-14 09:00      Wachttijd / Telecons  2026-09-30 00:30   klager Q; 29 Sep 22:30 UTC
D      2026-09-01 11:00      Bejegening / Telecons open               klager P
E      2026-09-15 10:00      Wachttijd / Huisarts  open               klager P
J      2026-11-20 10:00      Bejegening / Telecons open               Q4: open deadlines
=====  ====================  ====================  =================  ===========================
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import (
    Acceptance,
    Channel,
    Complaint,
    ComplaintKind,
    Deadline,
    DeadlineKind,
    StaffRole,
    Status,
)
from klachtdesk.services.analysis import figures as analysis
from klachtdesk.services.analysis import rendering
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.periods import Granularity, Period

Q3 = Period(2026, 3, Granularity.QUARTER)
Q4 = Period(2026, 4, Granularity.QUARTER)
BEJ, WACHT = "Bejegening", "Wachttijd en bereikbaarheid"
TELE, THUIS, HUISARTS, FACT = "Teleconsultatie", "Thuiszorg", "Huisartsenzorg", "Facturatie en abonnement"


def ams(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def _register(context: Context, received: datetime, category: str, service: str, channel: Channel,
              person: PersonInput, kind: ComplaintKind = ComplaintKind.COMPLAINT) -> int:
    data = RegistrationInput(
        kind=kind, channel=channel, received_at=received, complainant=person, service_type=service,
        category=category, description="Omschrijving van het voorval",
        invoice_number="F-1" if kind is ComplaintKind.INVOICE_QUESTION else "",
    )
    return complaints.register(context, data).id


def _person(name: str, person_id: int | None = None) -> PersonInput:
    return PersonInput(name=name, phone="0612345678", person_id=person_id)


def _complainant(context: Context, complaint_id: int) -> int:
    with context.db.read() as session:
        row = session.get(Complaint, complaint_id)
        assert row is not None and row.complainant_id is not None
        return row.complainant_id


def _close(context: Context, complaint_id: int, at: datetime, status: Status, resolution: str | None = None,
           accepted: Acceptance | None = None) -> None:
    with context.db.write() as session:
        row = session.get(Complaint, complaint_id)
        assert row is not None
        row.closed_at, row.status, row.resolution, row.accepted = at, status, resolution, accepted
        session.add(row)


def _meet(context: Context, complaint_id: int, kind: DeadlineKind, at: datetime | None = None, *,
          extend_to: date | None = None, cancel: bool = False) -> None:
    with context.db.write() as session:
        row = session.exec(select(Deadline).where(Deadline.complaint_id == complaint_id, Deadline.kind == kind)).one()
        if at is not None:
            row.met_at = at
        if extend_to is not None:
            row.extended_at, row.due = at or ams(2026, 8, 1), extend_to
        if cancel:
            row.cancelled_at = ams(2026, 9, 16)
        session.add(row)


def _due(context: Context, complaint_id: int, kind: DeadlineKind) -> date:
    with context.db.read() as session:
        return session.exec(
            select(Deadline.due).where(Deadline.complaint_id == complaint_id, Deadline.kind == kind)
        ).one()


@pytest.fixture
def cases(context: Context) -> dict[str, int]:
    R, C, D = DeadlineKind.REPLY, DeadlineKind.FIRST_CONTACT, DeadlineKind.DECISION
    ids: dict[str, int] = {}
    ids["I"] = _register(context, ams(2025, 8, 1), WACHT, TELE, Channel.LETTER, _person("Quinten Q"))
    q = _complainant(context, ids["I"])
    ids["H"] = _register(context, ams(2026, 6, 30, 23, 30), BEJ, TELE, Channel.PHONE, _person("Hanna H"))
    ids["A"] = _register(context, ams(2026, 7, 1, 0, 30), BEJ, TELE, Channel.PHONE, _person("Piet P"))
    p = _complainant(context, ids["A"])
    ids["B"] = _register(context, ams(2026, 7, 2, 18), BEJ, THUIS, Channel.EMAIL, _person("", q))
    ids["F"] = _register(context, ams(2026, 7, 20), "", FACT, Channel.EMAIL, _person("Fenna F"),
                         ComplaintKind.INVOICE_QUESTION)
    ids["C"] = _register(context, ams(2026, 8, 14, 9), WACHT, TELE, Channel.WEB_FORM, _person("", q))
    ids["D"] = _register(context, ams(2026, 9, 1, 11), BEJ, TELE, Channel.PHONE, _person("", p))
    ids["E"] = _register(context, ams(2026, 9, 15), WACHT, HUISARTS, Channel.PHONE, _person("", p))
    ids["J"] = _register(context, ams(2026, 11, 20), BEJ, TELE, Channel.PHONE, _person("Jan J"))

    _close(context, ids["I"], ams(2025, 8, 5), Status.CLOSED, "opgelost", Acceptance.YES)
    _close(context, ids["H"], ams(2026, 7, 1, 12), Status.CLOSED, "excuses", Acceptance.YES)
    _close(context, ids["A"], ams(2026, 7, 3, 15), Status.CLOSED, "gesprek", Acceptance.YES)
    _close(context, ids["B"], ams(2026, 7, 10), Status.REFERRED, "voorstel", Acceptance.NO)
    _close(context, ids["F"], ams(2026, 7, 20, 16), Status.HANDLED)
    _close(context, ids["C"], ams(2026, 9, 30, 0, 30), Status.CLOSED)

    # reply: on time H (met before the quarter began), C, F; late A, B (00:30 the next day), E (after the quarter)
    _meet(context, ids["H"], R, ams(2026, 6, 30, 23, 45))
    _meet(context, ids["A"], R, ams(2026, 7, 7, 9))
    _meet(context, ids["B"], R, ams(2026, 7, 9, 0, 30))
    _meet(context, ids["C"], R, ams(2026, 8, 19, 12))
    _meet(context, ids["E"], R, ams(2026, 10, 2))
    _meet(context, ids["F"], R, ams(2026, 7, 21))
    # first contact: on time H, A, C, D; B never (overdue); E's cancelled
    _meet(context, ids["H"], C, ams(2026, 7, 3))
    _meet(context, ids["A"], C, ams(2026, 7, 3))
    _meet(context, ids["C"], C, ams(2026, 8, 18))
    _meet(context, ids["D"], C, ams(2026, 9, 3))
    _meet(context, ids["E"], C, cancel=True)
    # decision: on time H, A, B (extended to 10 weeks); late C
    _meet(context, ids["H"], D, ams(2026, 7, 1, 12))
    _meet(context, ids["A"], D, ams(2026, 7, 3, 15))
    _meet(context, ids["B"], D, ams(2026, 7, 10), extend_to=date(2026, 9, 10))
    _meet(context, ids["C"], D, ams(2026, 9, 30, 0, 30))
    return ids


def test_the_deadlines_of_the_data_set(context: Context, cases: dict[str, int]) -> None:
    """The due dates the figures below rely on (werkdagen and Wkkgz arithmetic)."""
    R, C, D = DeadlineKind.REPLY, DeadlineKind.FIRST_CONTACT, DeadlineKind.DECISION
    assert _due(context, cases["H"], R) == date(2026, 7, 6)
    assert _due(context, cases["B"], R) == date(2026, 7, 8)
    assert _due(context, cases["B"], C) == date(2026, 7, 7)
    assert _due(context, cases["C"], D) == date(2026, 9, 25)
    assert _due(context, cases["D"], R) == date(2026, 9, 4)
    assert _due(context, cases["D"], D) == date(2026, 10, 13)
    assert _due(context, cases["E"], R) == date(2026, 9, 18)
    assert _due(context, cases["J"], R) == date(2026, 11, 25)


def test_volume_counts_and_comparisons(context: Context, cases: dict[str, int]) -> None:
    result = analysis.volume(context, Q3)
    assert result.previous == Period(2026, 2, Granularity.QUARTER)
    assert result.year_ago == Period(2025, 3, Granularity.QUARTER)
    assert result.total == analysis.CountRow("Totaal", 6, 1, 1)

    def rows(dimension: str) -> dict[str, tuple[int, int, int]]:
        return {r.value: (r.count, r.previous, r.year_ago) for r in result.breakdown(dimension).rows
                if (r.count, r.previous, r.year_ago) != (0, 0, 0)}

    assert rows("category") == {BEJ: (3, 1, 0), WACHT: (2, 0, 1), analysis.NO_VALUE: (1, 0, 0)}
    assert rows("service_type") == {TELE: (3, 1, 1), THUIS: (1, 0, 0), HUISARTS: (1, 0, 0), FACT: (1, 0, 0)}
    assert rows("channel") == {"telefoon": (3, 1, 0), "e-mail": (2, 0, 0), "webformulier": (1, 0, 0),
                               "brief": (0, 0, 1)}
    assert rows("kind") == {"klacht": (5, 1, 1), "factuurvraag": (1, 0, 0)}
    # every configured category is listed, also without cases
    assert len(result.breakdown("category").rows) == len(context.settings.lists.categories) + 1
    bej = next(r for r in result.breakdown("category").rows if r.value == BEJ)
    assert (bej.change_previous, bej.change_year_ago) == (2, 3)


def test_volume_by_month(context: Context, cases: dict[str, int]) -> None:
    result = analysis.volume(context, Period(2026, 7, Granularity.MONTH))
    assert result.total == analysis.CountRow("Totaal", 3, 1, 0)  # A, B, F; June: H; July 2025: none
    assert result.year_ago == Period(2025, 7, Granularity.MONTH)


def test_trends(context: Context, cases: dict[str, int]) -> None:
    trends = analysis.trends(context, Q3)
    assert trends.periods[0] == Period(2023, 4, Granularity.QUARTER) and trends.periods[-1] == Q3
    assert trends.received == (0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 6)
    assert trends.closed == (0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 5)
    assert trends.by_category[BEJ][-2:] == (1, 3)
    assert trends.by_service_type[TELE][-5:] == (1, 0, 0, 1, 3)


def test_handling_times(context: Context, cases: dict[str, int]) -> None:
    result = analysis.handling_times(context, Q3)
    # H 0, A 2, B 5 (counts as received Fri 3 Jul), C 33 (closed 30 Sep in Amsterdam), F 0
    assert (result.total.closed, result.total.median, result.total.p90, result.total.mean) == (5, 2.0, 33.0, 8.0)
    by = {r.group: r for r in result.by_category}
    assert (by[BEJ].closed, by[BEJ].median, by[BEJ].p90) == (3, 2.0, 5.0)
    assert by[BEJ].mean == pytest.approx(7 / 3)
    assert (by[WACHT].closed, by[WACHT].median, by[WACHT].p90) == (1, 33.0, 33.0)
    assert (by[analysis.NO_VALUE].closed, by[analysis.NO_VALUE].median) == (1, 0.0)
    assert by["Privacy en gegevens"].closed == 0 and by["Privacy en gegevens"].median is None


def test_deadline_compliance(context: Context, cases: dict[str, int]) -> None:
    result = analysis.deadline_compliance(context, Q3)
    rows = {r.kind: (r.due, r.on_time, r.late, r.overdue, r.open, r.extended) for r in result.rows}
    assert rows["reactie"] == (7, 3, 3, 1, 0, 0)
    assert rows["eerste contact"] == (5, 4, 0, 1, 0, 0)
    assert rows["beslissing"] == (4, 3, 1, 0, 0, 1)
    reply = next(r for r in result.rows if r.kind == "reactie")
    assert reply.on_time_pct == pytest.approx(3 / 7 * 100)
    assert reply.label == "Reactie (3 werkdagen)"


def test_deadline_compliance_of_the_running_quarter(context: Context, cases: dict[str, int]) -> None:
    rows = {r.kind: (r.due, r.overdue, r.open) for r in analysis.deadline_compliance(context, Q4).rows}
    assert rows["reactie"] == (1, 0, 1)  # J, due Wednesday 25 November
    assert rows["eerste contact"] == (1, 0, 1)
    assert rows["beslissing"] == (2, 2, 0)  # D and E, due in October, never met


def test_outcomes(context: Context, cases: dict[str, int]) -> None:
    result = analysis.outcomes(context, Q3)
    # H and A closed with a resolution; B's was referred; C and F have no resolution recorded
    assert (result.closed, result.resolved, result.accepted, result.not_accepted, result.referred,
            result.questions_handled) == (5, 2, 2, 1, 1, 1)


def test_backlog_at_the_end_of_a_past_period(context: Context, cases: dict[str, int]) -> None:
    result = analysis.backlog(context, Q3)
    assert result.reference_day == date(2026, 9, 30)
    assert result.total == 2  # D (21 werkdagen old) and E (11)
    assert {b.label: b.count for b in result.buckets if b.count} == {"11–20 werkdagen": 1, "21–40 werkdagen": 1}
    assert (result.oldest_werkdagen, result.median_werkdagen) == (21, 11.0)


def test_backlog_today(context: Context, cases: dict[str, int]) -> None:
    result = analysis.backlog(context, Q4)
    assert result.reference_day == date(2026, 11, 23)
    assert result.total == 3
    assert result.buckets[0].count == 1  # J: received Friday, 1 werkdag old on Monday


def test_repeat_complainants(context: Context, cases: dict[str, int]) -> None:
    result = analysis.repeat_complainants(context, Q3)
    assert (result.window_start, result.window_end) == (date(2025, 10, 1), date(2026, 10, 1))
    # P has A, D and E; Q has B and C in the window (I is older than 12 months)
    assert (result.total_people, result.total_cases) == (1, 3)
    numbers = {name: complaints.get_case(context, cid, record_view=False).number for name, cid in cases.items()}
    (only,) = result.shown
    assert only.numbers == (numbers["A"], numbers["D"], numbers["E"])
    assert only.name == "Piet P"  # the tester may read personal data


def test_repeat_complainants_without_personal_data(context: Context, cases: dict[str, int], as_user) -> None:  # type: ignore[no-untyped-def]
    directie = as_user("dir", StaffRole.MANAGEMENT)
    (only,) = analysis.repeat_complainants(directie, Q3).shown
    assert only.name is None and only.count == 3
    table = rendering.repeats_table(analysis.repeat_complainants(context, Q3), personal=False)
    assert "Piet" not in repr(table)


@pytest.mark.parametrize(
    ("count", "history", "flagged"),
    [
        (10, [2, 3, 2, 3, 2, 3, 2, 3], True),  # mean 2.5, sd 0.53: threshold 3.57
        (4, [0, 0, 0, 0, 0, 0, 0, 0], False),  # fewer than NOTABLE_MIN_CASES
        (5, [0, 0, 0, 0, 0, 0, 0, 0], True),  # sd 0: any rise of at least the minimum
        (5, [5, 5, 5, 5, 5, 5, 5, 5], False),  # not above the mean
        (8, [1, 9, 1, 9, 1, 9, 1, 9], False),  # mean 5, sd 4.28: threshold 13.55
        (14, [1, 9, 1, 9, 1, 9, 1, 9], True),
        (9, [1, 2, 1], False),  # too little history
        (9, [1, 2, 1, 2], True),
    ],
)
def test_notable_rule(count: int, history: list[int], flagged: bool) -> None:
    result = analysis.notable_rise(count, history)
    assert (result is not None) == flagged
    if result is not None:
        mean, sd, threshold = result
        assert mean == pytest.approx(np.mean(history))
        assert sd == pytest.approx(np.std(history, ddof=1))
        assert threshold == pytest.approx(mean + 2 * sd)


def test_notable_rise_in_the_data_set(context: Context, cases: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    # History: Q3 2025 … Q2 2026 (the periods before the first case, 1 August 2025, do not count)
    assert analysis.trends(context, Q3).notable == ()  # 3 cases is below the minimum of 5
    monkeypatch.setattr(analysis, "NOTABLE_MIN_CASES", 3)
    notable = analysis.trends(context, Q3).notable
    assert [(n.dimension, n.value, n.count, n.history) for n in notable] == [
        ("category", BEJ, 3, (0, 0, 0, 1)),  # mean 0.25, sd 0.5: threshold 1.25
        ("service_type", TELE, 3, (1, 0, 0, 1)),  # mean 0.5, sd 0.58: threshold 1.65
    ]
    assert notable[0].threshold == pytest.approx(1.25)


def test_bucket_is_a_binary_search(context: Context) -> None:
    from sqlalchemy import literal, select as sa_select

    bounds = [10, 20, 30, 40, 50]
    with context.db.read() as session:
        for value in (5, 10, 15, 20, 49, 50, 99):
            got = session.execute(sa_select(analysis.bucket(literal(value), bounds))).scalar()
            assert got == int(np.searchsorted(bounds, value, side="right")), value


def test_everything_needs_the_analysis_permission(context: Context, cases: dict[str, int], as_user) -> None:  # type: ignore[no-untyped-def]
    handler = as_user("beh", StaffRole.HANDLER)
    for _key, _name, function in analysis.SECTIONS:
        with pytest.raises(PermissionDenied):
            function(handler, Q3)


def test_analyse_and_report(context: Context, cases: dict[str, int], tmp_path: Path) -> None:
    seen: list[str] = []
    result = analysis.analyse(context, Q3, personal=False, progress=lambda key, _value: seen.append(key))
    assert sorted(seen) == sorted(key for key, _name, _f in analysis.SECTIONS)
    tables = rendering.report_tables(result)
    assert [t.key for t in tables][:4] == ["aard_van_de_klacht", "type_dienstverlening", "kanaal", "soort_melding"]
    handling = next(t for t in tables if t.key == "behandeltijd")
    assert handling.formatted()[-1] == ["Totaal", "5", "2", "33", "8,0"]
    text = rendering.markdown_report(result, tables, context.now())
    assert "# Klachtenanalyse 3e kwartaal 2026" in text
    assert "Piet" not in text and "Quinten" not in text
    written = rendering.write_csv(tables, tmp_path / "csv")
    assert {p.name for p in written} >= {"behandeltijd.csv", "termijnnaleving.csv", "herhaalde_klagers.csv"}
    first = (tmp_path / "csv" / "behandeltijd.csv").read_text(encoding="utf-8-sig").splitlines()
    assert first[0].startswith("Aard van de klacht;Afgesloten;")


def test_complaint_numbers_behind_a_figure(context: Context, cases: dict[str, int]) -> None:
    numbers = analysis.complaint_numbers(context, Q3, "category", BEJ)
    expected = [complaints.get_case(context, cases[k], record_view=False).number for k in ("D", "B", "A")]
    assert numbers == expected
    assert analysis.complaint_numbers(context, Q3, "category", analysis.NO_VALUE) == [
        complaints.get_case(context, cases["F"], record_view=False).number
    ]


def test_format_cell() -> None:
    col = rendering.Column
    assert rendering.format_cell(1234567, col("a", "a", "count")) == "1.234.567"
    assert rendering.format_cell(-3, col("a", "a", "change")) == "−3"
    assert rendering.format_cell(3, col("a", "a", "change")) == "+3"
    assert rendering.format_cell(2.25, col("a", "a", "decimal")) == "2,2"  # banker's rounding of babel
    assert rendering.format_cell(87.5, col("a", "a", "percent")) == "87,5 %"
    assert rendering.format_cell(None, col("a", "a", "count")) == "—"


def test_empty_database(context: Context) -> None:
    result = analysis.analyse(context, Q3)
    assert result.volume.total.count == 0
    assert result.handling.total.median is None
    assert result.backlog.total == 0 and result.backlog.oldest_werkdagen is None
    assert result.repeats.shown == ()
    assert result.trends.notable == ()


def test_values_outside_the_configured_lists_still_count(context: Context, cases: dict[str, int]) -> None:
    """A category removed from data/lijsten.toml keeps its cases in the figures."""
    with context.db.write() as session:
        row = session.get(Complaint, cases["D"])
        assert row is not None
        row.category = "Oude categorie"
        session.add(row)
    result = analysis.volume(context, Q3)
    rows = {r.value: r.count for r in result.breakdown("category").rows}
    assert rows["Oude categorie"] == 1 and rows[BEJ] == 2
    assert result.total.count == 6
    assert analysis.trends(context, Q3).by_category["Oude categorie"][-1] == 1


def test_a_screen_may_keep_the_period_counts(context: Context, cases: dict[str, int]) -> None:
    cache: dict[Period, object] = {}
    first = analysis.volume(context, Q3, cache=cache)
    assert set(cache) == {Q3, Q3.previous(), Q3.year_earlier()}
    trends = analysis.trends(context, Q3, cache=cache)
    assert len(cache) == 12 and trends.periods[-1] == Q3
    with context.db.write() as session:  # a change the cache does not see, on purpose
        row = session.get(Complaint, cases["D"])
        assert row is not None
        row.category = "Privacy en gegevens"
        session.add(row)
    assert analysis.volume(context, Q3, cache=cache).breakdowns == first.breakdowns
    moved = analysis.trends(context, Q4, cache=cache)  # one more period fetched
    assert len(cache) == 13 and moved.periods[-2] == Q3
    assert analysis.volume(context, Q3).breakdown("category") != first.breakdown("category")
