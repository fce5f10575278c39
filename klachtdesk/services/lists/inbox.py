"""The inbox list: keyset pages in either order, forwards and backwards, with or without
a full-text search, and counts for the position indicator.

The list never needs OFFSET: a page is asked for *after* or *before* a row the
caller already has (or as the first or the last page), and every order is a
sequence of *segments* that each have an index to walk:

- newest first: ``(received_at, id)`` descending;
- next deadline first: the cases with an open deadline by ``(next_due, id)``
  ascending, then the cases without one, newest first;
- a full-text search: newest registered first (``id`` descending), served by the
  FTS5 table or the GIN index (see ``matching``).

Rows are the ``complaints.CaseRow`` dataclass the rest of the UI knows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, func, literal, literal_column, select, text, tuple_
from sqlalchemy.sql import Select

from klachtdesk.models import Channel, Complaint, ComplaintKind, ComplaintSearch, Party, PartyRole, Person, Staff, Status
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import CaseFilter, CaseRow
from klachtdesk.services.cases.rows import case_rows
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.core.personal import personal_data
from klachtdesk.services.lists import matching
from klachtdesk.services.lists.matching import MatchCount
from klachtdesk.services.lists.query import InboxQuery, SortOrder


# ---------------------------------------------------------------------------------------
# segments
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    """One stretch of the list walked along one index: ``keys`` all ascending or all
    descending, ``condition`` says which rows belong to it."""

    keys: tuple[Any, ...]
    descending: bool
    key_of: Callable[[CaseRow], tuple[Any, ...]]
    condition: ColumnElement[bool] | None = None
    contains: Callable[[CaseRow], bool] = lambda row: True


def _unindexed(context: Context, column: Any) -> Any:
    """``column`` such that SQLite will not pick its index for an ``IS NULL`` test.

    SQLite would read the ~all rows with a NULL through the column's own index and
    sort them; written as ``+column`` it walks the index of the list order instead
    and stops after one page. (PostgreSQL's planner needs no such hint.)
    """
    if context.db.dialect == "sqlite":
        return literal_column(f"+{column.table.name}.{column.name}")
    return column


def _segments(context: Context, query: InboxQuery, plan: matching.MatchPlan | None,
              inside: matching.MatchPlan | None = None) -> list[_Segment]:
    if plan is not None:
        words = _Segment((plan.key,), True, lambda row: (row.id,), contains=lambda row: not row.inside_word)
        if inside is None:
            return [words]
        return [words, _Segment((inside.key,), True, lambda row: (row.id,), condition=None,
                                contains=lambda row: row.inside_word)]
    newest = _Segment((Complaint.received_at, Complaint.id), True, lambda row: (row.received_at, row.id))
    if query.sort is SortOrder.RECEIVED:
        return [newest]
    with_deadline = _Segment(
        (Complaint.next_due, Complaint.id), False, lambda row: (row.next_due, row.id),
        condition=Complaint.next_due.is_not(None),  # type: ignore[union-attr]
        contains=lambda row: row.next_due is not None,
    )
    without = _Segment(
        newest.keys, True, newest.key_of,
        condition=_unindexed(context, Complaint.next_due).is_(None),
        contains=lambda row: row.next_due is None,
    )
    return [with_deadline, without]


def _compare(keys: Sequence[Any], values: Sequence[Any], greater: bool) -> ColumnElement[bool]:
    """``(k1, k2) > (v1, v2)`` as a row value, so the index gives the range."""
    bound = [literal(value, type_=key.type) for key, value in zip(keys, values, strict=True)]
    if len(keys) == 1:
        return keys[0] > bound[0] if greater else keys[0] < bound[0]
    left, right = tuple_(*keys), tuple_(*bound)
    return left > right if greater else left < right


# ---------------------------------------------------------------------------------------
# the base query
# ---------------------------------------------------------------------------------------


#: the complainant's and the handler's name come from these (Core aliases: cheap to reuse)
_COMPLAINANT = Person.__table__.alias("complainant")  # type: ignore[attr-defined]
_HANDLER = Staff.__table__.alias("handler")  # type: ignore[attr-defined]


def _base(context: Context, query: InboxQuery, plan: matching.MatchPlan | None,
          condition: ColumnElement[bool] | None = None, *, counting: bool = False) -> Select[Any]:
    """The list's SELECT with its joins and filters; ``condition`` replaces the plan's.
    ``counting``: without the name look-ups (outer joins on keys change no count)."""
    columns = (
        Complaint.id, Complaint.number, Complaint.received_at, _COMPLAINANT.c.name, Complaint.kind,
        Complaint.channel, Complaint.status, _HANDLER.c.name, Complaint.next_due, Complaint.next_deadline_kind,
        Complaint.queue, Complaint.review_pending,
    )
    statement = select(*columns)
    if plan is not None and plan.from_fts:
        fts = plan.fts_table if plan.fts_table is not None else matching.complaint_fts
        statement = statement.select_from(fts).join(Complaint, Complaint.id == fts.c.rowid)  # type: ignore[arg-type]
    if counting:
        statement = statement.with_only_columns(literal(1))
        if plan is None or not plan.from_fts:
            statement = statement.select_from(Complaint)
    else:
        statement = (
            statement.outerjoin(_COMPLAINANT, _COMPLAINANT.c.id == Complaint.complainant_id)
            .outerjoin(_HANDLER, _HANDLER.c.id == Complaint.handler_id)
        )
    if plan is not None:
        if plan.reads_text or condition is not None:  # the fast condition reads the text too
            statement = statement.join(ComplaintSearch, ComplaintSearch.complaint_id == Complaint.id)  # type: ignore[arg-type]
        statement = statement.where(condition if condition is not None else plan.condition)
    filters = query.filters
    if filters.open_only:
        statement = statement.where(_unindexed(context, Complaint.closed_at).is_(None))
        filters = replace(filters, open_only=False)
    return complaints._filtered(statement, context, filters)  # type: ignore[no-any-return]


def _to_rows(context: Context, rows: Sequence[Any]) -> list[CaseRow]:
    return case_rows(personal_data(context), rows)


def _plan(context: Context, query: InboxQuery) -> matching.MatchPlan | None:
    return _plans(context, query)[0]


def _plans(context: Context, query: InboxQuery) -> tuple[matching.MatchPlan | None, matching.MatchPlan | None]:
    """The search's two tiers: whole words, and inside words (see ``matching``)."""
    context.require(Permission.READ_STATUS)
    query.filters.check()
    if not query.searching:
        return None, None
    matching.require_search(context)
    parsed = matching.parse_query(query.text, context.today().year)
    return matching.match_plan(context, parsed), matching.inside_plan(context, parsed)


# ---------------------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------------------


def fetch_page(
    context: Context,
    query: InboxQuery = InboxQuery(),
    *,
    after: CaseRow | None = None,
    before: CaseRow | None = None,
    last: bool = False,
    limit: int = 50,
) -> list[CaseRow]:
    """One page in list order.

    - neither ``after``, ``before`` nor ``last``: the first page;
    - ``after=row``: the rows that follow ``row``;
    - ``before=row``: the rows that precede ``row`` (the ``limit`` nearest to it);
    - ``last``: the final page.
    """
    if limit < 1:
        return []
    plan, inside = _plans(context, query)
    segments = _segments(context, query, plan, inside)
    exact: list[Select[Any]] = []

    def base() -> Select[Any]:
        if not exact:
            exact.append(_base(context, query, plan))
        return exact[0]

    with context.db.read() as session:

        def run(index: int, *, anchor: CaseRow | None, forward: bool, want: int) -> list[CaseRow]:
            segment = segments[index]
            if index == 1 and inside is not None:  # the second tier of a search: inside words
                rows = _segment_rows(session, context, _base(context, query, inside), segment,
                                     anchor=anchor, forward=forward, want=want)
                return [replace(row, inside_word=True) for row in rows]
            if plan is not None and plan.fast_condition is not None:
                rows = _fast_search(session, context, query, plan, anchor=anchor, forward=forward, want=want)
                if rows is not None:
                    return rows
            if plan is not None and context.db.dialect == "postgresql":
                return _postgres_search(session, context, query, plan, anchor=anchor, forward=forward, want=want)
            return _segment_rows(session, context, base(), segment, anchor=anchor, forward=forward, want=want)

        def segment_of(row: CaseRow) -> int:
            return next((i for i, s in enumerate(segments) if s.contains(row)), len(segments) - 1)

        if plan is not None:
            return _with_found_in(session, context, query, _pages(run, segments, segment_of, before=before,
                                                                  last=last, after=after, limit=limit))
        return _pages(run, segments, segment_of, before=before, last=last, after=after, limit=limit)


def _pages(run: Callable[..., list[CaseRow]], segments: list[_Segment], segment_of: Callable[[CaseRow], int], *,
           before: CaseRow | None, last: bool, after: CaseRow | None, limit: int) -> list[CaseRow]:
    """A page walked over the segments in list order (see ``fetch_page``)."""
    if before is not None or last:
        start = segment_of(before) if before is not None else len(segments) - 1
        result = run(start, anchor=before, forward=False, want=limit)
        for index in range(start - 1, -1, -1):
            if len(result) >= limit:
                break
            result = run(index, anchor=None, forward=False, want=limit - len(result)) + result
        return result
    start = segment_of(after) if after is not None else 0
    result = run(start, anchor=after, forward=True, want=limit)
    for index in range(start + 1, len(segments)):
        if len(result) >= limit:
            break
        result += run(index, anchor=None, forward=True, want=limit - len(result))
    return result


def _with_found_in(session: Any, context: Context, query: InboxQuery, rows: list[CaseRow]) -> list[CaseRow]:
    """The rows of a search page with the field each was found by (``matching.found_in``)."""
    if not rows:
        return rows
    parsed = matching.parse_query(query.text, context.today().year)
    ids = [row.id for row in rows]
    fields: dict[int, dict[str, list[str]]] = {i: {} for i in ids}

    def add(complaint_id: int, name: str, text: str | None) -> None:
        if text:
            fields[complaint_id].setdefault(name, []).append(text)

    for cid, number, description, invoice, remedy in session.execute(
            select(Complaint.id, Complaint.number, Complaint.description, Complaint.invoice_number,
                   Complaint.remedy_sought).where(Complaint.id.in_(ids))):  # type: ignore[union-attr]
        add(cid, "klachtnummer", number)
        add(cid, "omschrijving", description)
        add(cid, "factuurnummer", invoice)
        add(cid, "gewenste oplossing", remedy)
    for cid, role, name, email, phone in session.execute(
            select(Party.complaint_id, Party.role, Person.name, Person.email, Person.phone)
            .join(Person, Person.id == Party.person_id)  # type: ignore[arg-type]
            .where(Party.complaint_id.in_(ids))):  # type: ignore[attr-defined]
        complainant = role == PartyRole.COMPLAINANT
        add(cid, "klager" if complainant else "betrokkene", name)
        if complainant:
            add(cid, "e-mail", email)
            add(cid, "telefoon", phone)
    return [replace(row, found_in=matching.found_in(parsed, fields[row.id])) for row in rows]


def _segment_rows(session: Any, context: Context, base: Select[Any], segment: _Segment, *,
                  anchor: CaseRow | None, forward: bool, want: int, bound: Any = None) -> list[CaseRow]:
    """Up to ``want`` rows of one segment from ``anchor`` on (exclusive), in list order.
    ``bound``: a key value (of a one-key segment) not to go past."""
    statement = base
    if segment.condition is not None:
        statement = statement.where(segment.condition)
    smaller = forward == segment.descending  # which way the keys go in this direction
    if anchor is not None:
        statement = statement.where(_compare(segment.keys, segment.key_of(anchor), greater=not smaller))
    if bound is not None:
        key = segment.keys[0]
        statement = statement.where(key >= bound if smaller else key <= bound)
    statement = statement.order_by(*[key.desc() if smaller else key.asc() for key in segment.keys])
    rows = _to_rows(context, session.execute(statement.limit(want)).all())
    if not forward:
        rows.reverse()
    return rows


def _probe(session: Any, plan: matching.MatchPlan, anchor_id: int | None, forward: bool, window: int) -> Any:
    """The key of the ``window``-th candidate of the fast condition after the anchor,
    or None when there are fewer (then the fast query sees them all)."""
    fts = matching.complaint_fts
    statement = select(fts.c.rowid).where(fts.c.complaint_fts.op("MATCH")(plan.probe_expression))
    if anchor_id is not None:
        statement = statement.where(fts.c.rowid < anchor_id if forward else fts.c.rowid > anchor_id)
    order = fts.c.rowid.desc() if forward else fts.c.rowid.asc()
    return session.execute(statement.order_by(order).offset(window - 1).limit(1)).scalar()


def _window(want: int, factor: int = 20) -> int:
    """How many candidates a fast search looks at for ``want`` rows."""
    return min(max(2000, factor * want), 50_000)


def _fast_search(session: Any, context: Context, query: InboxQuery, plan: matching.MatchPlan, *,
                 anchor: CaseRow | None, forward: bool, want: int) -> list[CaseRow] | None:
    """A search page through FTS5's prefix index (see ``SearchQuery.fts5_indexed``),
    looking at a bounded number of candidates; None when those held too few rows."""
    bound = _probe(session, plan, anchor.id if anchor is not None else None, forward, _window(want))
    base = _base(context, query, plan, condition=plan.fast_condition)
    segment = _Segment((plan.key,), True, lambda row: (row.id,))
    rows = _segment_rows(session, context, base, segment, anchor=anchor, forward=forward, want=want, bound=bound)
    if len(rows) >= want or bound is None:
        return rows
    return None


# PostgreSQL cannot walk the GIN index in id order, and its planner guesses the share
# of matching rows (a prefix is "2 %"): it either recomputes ``to_tsvector`` for every
# row going down the primary key (36 s for a word no case has) or fetches every match
# to sort them (1 s for a word in one case in ten). So the search decides itself: it
# first scans a small window of the newest rows, and from the share of matches found
# there chooses a larger window or the index (cost per matching row).
PG_WINDOW = 400
PG_MAX_WINDOW = 20_000
_SCAN_COST = 5  # recomputing to_tsvector for a row (36 µs at 1M), relative to ...
_BITMAP_COST = 1  # ... fetching a matching row through the GIN index (7 µs)


def _postgres_search(session: Any, context: Context, query: InboxQuery, plan: matching.MatchPlan, *,
                     anchor: CaseRow | None, forward: bool, want: int) -> list[CaseRow]:
    newest_first = forward  # a search lists ids descending
    matches = _base(context, query, plan, counting=True).with_only_columns(Complaint.id)
    order = Complaint.id.desc() if newest_first else Complaint.id.asc()  # type: ignore[union-attr]

    def beyond(statement: Any, edge: int | None) -> Any:
        if edge is None:
            return statement
        return statement.where(Complaint.id < edge if newest_first else Complaint.id > edge)  # type: ignore[operator]

    # the window: the next rows past the edge that pass the filters, with their text;
    # the text is matched on the subquery's column, so the GIN index cannot be used
    # for it (that would fetch every match in the table)
    listed = _base(context, replace(query, text=""), None, counting=True)
    assert plan.condition_on is not None

    def scan(edge: int | None, size: int, need: int) -> tuple[list[int], int | None]:
        """Matches among the next ``size`` rows past ``edge``; and the last row looked at
        (None: no rows are left past the window)."""
        window = beyond(listed.with_only_columns(Complaint.id, ComplaintSearch.search_text)
                        .join(ComplaintSearch, ComplaintSearch.complaint_id == Complaint.id), edge)  # type: ignore[arg-type]
        window = window.order_by(order).limit(size).subquery()
        window_order = window.c.id.desc() if newest_first else window.c.id.asc()
        found = session.execute(
            select(window.c.id).where(plan.condition_on(window.c.search_text)).order_by(window_order).limit(need)
        ).scalars().all()
        last = session.execute(
            beyond(listed.with_only_columns(Complaint.id), edge).order_by(order).offset(size - 1).limit(1)
        ).scalar()
        return list(found), last

    def through_index(edge: int | None, need: int) -> list[int]:
        session.execute(text("SET LOCAL enable_indexscan = off"))
        session.execute(text("SET LOCAL enable_seqscan = off"))
        try:
            return list(session.execute(beyond(matches, edge).order_by(order).limit(need)).scalars().all())
        finally:
            session.execute(text("SET LOCAL enable_indexscan = on"))
            session.execute(text("SET LOCAL enable_seqscan = on"))

    edge = anchor.id if anchor is not None else None
    if plan.selective:  # a klachtnummer or a whole phone number: a handful of rows at most
        ids = through_index(edge, want)
    else:
        ids, edge = scan(edge, PG_WINDOW, want)
        scanned = PG_WINDOW
        while len(ids) < want and edge is not None:
            share = len(ids) / scanned
            need = want - len(ids)
            window = int(need / share * 1.5) + 1 if share else 0
            rest = _rows_beyond(session, edge, newest_first)
            if not share or window > PG_MAX_WINDOW or _SCAN_COST * window > _BITMAP_COST * share * rest:
                ids += through_index(edge, need)
                break
            more, edge = scan(edge, window, need)
            ids += more
            scanned += window
    if not ids:
        return []
    rows = session.execute(
        _base(context, replace(query, text=""), None).where(Complaint.id.in_(ids))  # type: ignore[union-attr]
        .order_by(Complaint.id.desc())  # type: ignore[union-attr]
    ).all()
    return _to_rows(context, rows)


def _rows_beyond(session: Any, edge: int, newest_first: bool) -> int:
    """About how many cases lie past ``edge`` (ids are nearly dense: no count needed)."""
    if newest_first:
        return edge
    highest = session.execute(select(func.max(Complaint.id))).scalar() or edge
    return max(0, int(highest) - edge)


def count(context: Context, query: InboxQuery = InboxQuery(), *, cap: int | None = None) -> MatchCount:
    """How many rows the list has. A search stops counting after ``cap`` matches
    (``MatchCount.more``); the plain list is counted exactly (run it in a worker)."""
    plan, inside = _plans(context, query)
    if plan is None:
        return MatchCount(complaints.count(context, query.filters))
    words = _count_words(context, query, plan, cap)
    if inside is None or words.more:
        return words
    with context.db.read() as session:
        statement = _base(context, query, inside, counting=True)
        rest = None if cap is None else cap - words.value
        value = _count_rows(session, statement.limit(rest + 1) if rest is not None else statement)
    if rest is not None and value > rest:
        return MatchCount(cap or 0, more=True)
    return MatchCount(words.value + value)


def _count_words(context: Context, query: InboxQuery, plan: matching.MatchPlan, cap: int | None) -> MatchCount:
    """The count of a search's first tier (whole words)."""
    with context.db.read() as session:
        if plan.fast_condition is not None and cap is not None:
            bound = _probe(session, plan, None, True, _window(cap + 1, factor=4))
            statement = _base(context, query, plan, condition=plan.fast_condition, counting=True)
            if bound is not None:
                statement = statement.where(plan.key >= bound)
            value = _count_rows(session, statement.limit(cap + 1))
            if value > cap:
                return MatchCount(cap, more=True)
            if bound is None:
                return MatchCount(value)
        statement = _base(context, query, plan, counting=True)
        if cap is not None:
            statement = statement.limit(cap + 1)
        if context.db.dialect == "postgresql":  # through the GIN index, whatever the planner guesses
            session.execute(text("SET LOCAL enable_indexscan = off"))
            session.execute(text("SET LOCAL enable_seqscan = off"))
        value = _count_rows(session, statement)
    if cap is not None and value > cap:
        return MatchCount(cap, more=True)
    return MatchCount(value)


def _count_rows(session: Any, statement: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(statement.subquery())).scalar_one())


__all__ = ["InboxQuery", "SortOrder", "count", "fetch_page"]
