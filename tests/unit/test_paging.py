"""Keyset paging of the inbox: every order, both directions, filters, and rows arriving
while someone pages. No row may be skipped or shown twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from klachtdesk.models import Channel, Complaint, ComplaintKind, StaffRole, Status
from klachtdesk.services.lists import changes
from klachtdesk.services.cases import complaints
from klachtdesk.services.lists import inbox
from klachtdesk.services.cases.complaints import CaseFilter, CaseRow, PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.lists.inbox import InboxQuery, SortOrder, fetch_page
from klachtdesk.services.lists.search import MatchCount


def _register(context: Context, received_at: datetime, i: int, *, kind: ComplaintKind = ComplaintKind.COMPLAINT,
              channel: Channel = Channel.PHONE) -> int:
    return complaints.register(context, RegistrationInput(
        kind=kind, channel=channel, received_at=received_at,
        complainant=PersonInput(name=f"Klager {i:02d}", email=f"klager{i}@example.nl"),
        service_type=context.settings.lists.service_types[0], description=f"Klacht nummer {i}",
        invoice_number=f"F-{i}" if kind is ComplaintKind.INVOICE_QUESTION else "",
    )).id


@pytest.fixture
def ids(context: Context) -> list[int]:
    """17 cases; some share a receipt moment (ties are broken by id), one was entered late."""
    now = context.now()
    made = []
    kinds = [ComplaintKind.COMPLAINT, ComplaintKind.INVOICE_QUESTION, ComplaintKind.ACCOUNT_QUESTION]
    channels = list(Channel)
    for i in range(16):
        moment = now - timedelta(hours=6 * (i // 3) + 1)  # three cases per moment
        made.append(_register(context, moment, i, kind=kinds[i % 3], channel=channels[i % 5]))
    made.append(_register(context, now - timedelta(days=3, minutes=7), 16))  # backdated, entered last
    return made


def expected(context: Context, query: InboxQuery = InboxQuery()) -> list[int]:
    """The list order computed in Python over every row (the reference)."""
    rows = every_row(context)
    f = query.filters
    today = context.today()
    rows = [r for r in rows if (f.status is None or r.status is f.status) and (f.kind is None or r.kind is f.kind)
            and (f.channel is None or r.channel is f.channel)
            and (not f.overdue_only or (r.next_due is not None and r.next_due < today))]
    if f.handler_id is not None:
        handled = handler_of(context)
        rows = [r for r in rows if handled.get(r.id) == f.handler_id]
    newest = sorted(rows, key=lambda r: (r.received_at, r.id), reverse=True)
    if query.sort is SortOrder.RECEIVED:
        return [r.id for r in newest]
    with_due = sorted((r for r in rows if r.next_due is not None), key=lambda r: (r.next_due, r.id))
    return [r.id for r in with_due] + [r.id for r in newest if r.next_due is None]


def every_row(context: Context) -> list[CaseRow]:
    return fetch_page(context, limit=10_000)  # the reference model sorts and filters these itself


def handler_of(context: Context) -> dict[int, int | None]:
    with context.db.read() as session:
        return {r[0]: r[1] for r in session.execute(Complaint.__table__.select().with_only_columns(
            Complaint.id, Complaint.handler_id)).all()}  # type: ignore[attr-defined]


def walk_forward(context: Context, query: InboxQuery, size: int) -> list[int]:
    seen: list[int] = []
    page = inbox.fetch_page(context, query, limit=size)
    while page:
        seen += [row.id for row in page]
        page = inbox.fetch_page(context, query, after=page[-1], limit=size)
    return seen


def walk_backward(context: Context, query: InboxQuery, size: int) -> list[int]:
    seen: list[int] = []
    page = inbox.fetch_page(context, query, last=True, limit=size)
    while page:
        seen = [row.id for row in page] + seen
        page = inbox.fetch_page(context, query, before=page[0], limit=size)
    return seen


def set_next_due(context: Context, values: dict[int, date | None]) -> None:
    with context.db.write() as session:
        for complaint_id, due in values.items():
            session.execute(update(Complaint).where(Complaint.id == complaint_id).values(next_due=due))  # type: ignore[arg-type]


# -- order and completeness -----------------------------------------------------------------


def test_the_first_page_is_newest_first(context: Context, ids: list[int]) -> None:
    page = inbox.fetch_page(context, limit=4)
    assert [r.id for r in page] == expected(context)[:4]
    assert page[0].received_at >= page[-1].received_at


@pytest.mark.parametrize("size", [1, 2, 3, 5, 50])
def test_paging_forward_and_backward_shows_every_row_once(context: Context, ids: list[int], size: int) -> None:
    assert walk_forward(context, InboxQuery(), size) == expected(context)
    assert walk_backward(context, InboxQuery(), size) == expected(context)
    assert sorted(expected(context)) == sorted(ids)


def test_the_last_page_holds_the_oldest_case(context: Context, ids: list[int]) -> None:
    last = inbox.fetch_page(context, last=True, limit=3)
    assert [r.id for r in last] == expected(context)[-3:]


def test_before_gives_the_rows_nearest_to_the_anchor(context: Context, ids: list[int]) -> None:
    order = expected(context)
    rows = {r.id: r for r in every_row(context)}
    assert [r.id for r in inbox.fetch_page(context, before=rows[order[9]], limit=4)] == order[5:9]
    assert [r.id for r in inbox.fetch_page(context, before=rows[order[1]], limit=4)] == order[:1]
    assert inbox.fetch_page(context, before=rows[order[0]], limit=4) == []


def test_sort_by_next_deadline_walks_both_segments(context: Context, ids: list[int]) -> None:
    today = context.today()
    # some cases without an open deadline, some sharing a due date
    set_next_due(context, {ids[0]: None, ids[4]: None, ids[7]: None, ids[2]: today, ids[3]: today,
                           ids[5]: today - timedelta(days=3)})
    query = InboxQuery(sort=SortOrder.DEADLINE)
    order = expected(context, query)
    first = inbox.fetch_page(context, query, limit=3)
    assert first[0].id == ids[5]  # the most overdue first
    assert order[-3:] == [i for i in expected(context) if i in (ids[0], ids[4], ids[7])]
    for size in (1, 2, 4, 7, 40):
        assert walk_forward(context, query, size) == order, size
        assert walk_backward(context, query, size) == order, size


# -- filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [CaseFilter(kind=ComplaintKind.INVOICE_QUESTION), CaseFilter(channel=Channel.EMAIL),
     CaseFilter(status=Status.NEW), CaseFilter(status=Status.FORWARDED, channel=Channel.PHONE),
     CaseFilter(overdue_only=True)],
    ids=["soort", "kanaal", "status", "status+kanaal", "te-laat"],
)
@pytest.mark.parametrize("sort", list(SortOrder))
def test_filters_page_like_the_reference(context: Context, ids: list[int], filters: CaseFilter,
                                         sort: SortOrder) -> None:
    set_next_due(context, {ids[1]: context.today() - timedelta(days=1), ids[6]: context.today() - timedelta(days=9)})
    query = InboxQuery(filters=filters, sort=sort)
    want = expected(context, query)
    assert want, "the filter must select something"
    assert len(want) < len(ids), "the filter must leave something out"
    assert walk_forward(context, query, 2) == want
    assert walk_backward(context, query, 3) == want
    assert inbox.count(context, query) == MatchCount(len(want))


def test_mine_shows_the_cases_assigned_to_me(context: Context, ids: list[int],
                                             as_user: Callable[..., Context]) -> None:
    other = as_user("ans", StaffRole.HANDLER)
    with context.db.write() as session:
        session.execute(update(Complaint).where(Complaint.id.in_(ids[:3])).values(handler_id=context.user.id))  # type: ignore[union-attr]
        session.execute(update(Complaint).where(Complaint.id == ids[3]).values(handler_id=other.user.id))  # type: ignore[arg-type]
    query = InboxQuery(filters=CaseFilter(handler_id=context.user.id))
    assert sorted(walk_forward(context, query, 2)) == sorted(ids[:3])
    rows = inbox.fetch_page(context, query)
    assert {r.handler for r in rows} == {context.user.name}


def test_count_of_the_whole_list(context: Context, ids: list[int]) -> None:
    assert inbox.count(context) == MatchCount(len(ids))
    assert inbox.count(context, InboxQuery(sort=SortOrder.DEADLINE)) == MatchCount(len(ids))


def test_a_search_pages_like_a_list(context: Context, ids: list[int]) -> None:
    query = InboxQuery(text="klager", sort=SortOrder.DEADLINE)  # the order does not apply to a search
    want = sorted(ids, reverse=True)  # newest registered first
    assert walk_forward(context, query, 4) == want
    assert walk_backward(context, query, 5) == want
    assert inbox.count(context, query, cap=10) == MatchCount(10, more=True)


# -- rows arriving while someone pages ------------------------------------------------------


def test_no_row_is_skipped_or_repeated_while_cases_arrive(context: Context, ids: list[int]) -> None:
    before = expected(context)
    first = inbox.fetch_page(context, limit=5)
    cursor = first[-1]
    now = context.now()
    newer = _register(context, now - timedelta(minutes=1), 90)  # above the cursor: not in the rest
    older = _register(context, now - timedelta(days=30), 91)  # below the cursor: in the rest, once
    tied = _register(context, cursor.received_at, 92)  # same moment as the cursor row, higher id
    rest = walk_after(context, cursor, 3)
    shown = [r.id for r in first] + rest
    assert len(shown) == len(set(shown)), "a row was shown twice"
    assert set(before) <= set(shown), "a row was skipped"
    assert older in rest
    assert newer not in rest
    assert tied not in rest  # a higher id at the same moment sorts above the cursor row
    assert walk_forward(context, InboxQuery(), 4) == expected(context)


def walk_after(context: Context, row: CaseRow, size: int) -> list[int]:
    seen: list[int] = []
    page = inbox.fetch_page(context, after=row, limit=size)
    while page:
        seen += [r.id for r in page]
        page = inbox.fetch_page(context, after=page[-1], limit=size)
    return seen


# -- the change marker --------------------------------------------------------------------


def test_the_change_marker_moves_on_changes_and_not_on_viewing(context: Context, ids: list[int]) -> None:
    start = changes.change_marker(context)
    complaints.get_case(context, ids[0])  # records that the case was viewed
    assert changes.change_marker(context) == start
    case = complaints.get_case(context, ids[0], record_view=False)
    complaints.update_fields(context, ids[0], case.version, {"description": "Anders verwoord"})
    assert changes.change_marker(context) > start


def test_the_change_marker_of_an_empty_database(context: Context) -> None:
    assert changes.change_marker(context) == 0
