"""Full-text search over cases, and klachtnummer suggestions for the "Ga naar klacht" dialog.

Pages and counts of the cases a text matches go through the inbox's list machinery
(``inbox``), which joins in the match condition of ``matching``: one normalisation
and one ordering for both engines (newest registered first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from klachtdesk.models import Complaint, ComplaintKind, Person, Status
from klachtdesk.services.cases.complaints import CaseFilter, CaseRow
from klachtdesk.services.cases.numbering import WIDTH, format_number
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.core.personal import personal_data
from klachtdesk.services.lists import inbox
from klachtdesk.services.lists.matching import COUNT_CAP, MatchCount, Term, parse_query

# ---------------------------------------------------------------------------------------
# pages and counts (the list machinery lives in ``inbox``)
# ---------------------------------------------------------------------------------------


def search_page(
    context: Context,
    query: str,
    filters: CaseFilter = CaseFilter(),
    *,
    after: CaseRow | None = None,
    before: CaseRow | None = None,
    last: bool = False,
    limit: int = 50,
) -> list[CaseRow]:
    """One page of the cases matching ``query`` (and ``filters``), newest registered first.

    ``after``: the matches after that row; ``before``: the matches before it;
    ``last``: the final page. Rows come back in list order.
    """
    return inbox.fetch_page(context, inbox.InboxQuery(filters=filters, text=query),
                            after=after, before=before, last=last, limit=limit)


def count_matches(context: Context, query: str, filters: CaseFilter = CaseFilter(),
                  cap: int | None = COUNT_CAP) -> MatchCount:
    """How many cases match; with ``cap``, counting stops after ``cap`` matches."""
    return inbox.count(context, inbox.InboxQuery(filters=filters, text=query), cap=cap)


# ---------------------------------------------------------------------------------------
# klachtnummer suggestions ("Ga naar klacht …")
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberSuggestion:
    id: int
    number: str
    complainant: str
    kind: ComplaintKind
    status: Status
    received_at: datetime


_PARTIAL_FULL = re.compile(r"^\s*k(?:l(?:[-\s]?(\d{0,4})(?:[-\s](\d{0,6}))?)?)?\s*$", re.IGNORECASE)
_PARTIAL_SHORT = re.compile(r"^\s*(\d{4})[-/](\d{0,6})\s*$")
_PARTIAL_BARE = re.compile(r"^\s*#?(\d{1,6})\s*$")


def _seq_ranges(digits: str, padded: bool) -> list[tuple[int, int]]:
    """The seq ranges whose number starts with ``digits``.

    ``padded``: the digits are the start of the 6-digit form (``0001`` → 100–199);
    else the start of the plain number (``12`` → 12, 120–129, 1200–1299, ...).
    """
    limit = 10**WIDTH - 1
    if not digits:
        return [(1, limit)]
    if padded or digits.startswith("0"):
        scale = 10 ** (WIDTH - len(digits))
        low, high = int(digits) * scale, (int(digits) + 1) * scale - 1
        return [(max(low, 1), min(high, limit))] if high >= 1 else []
    value = int(digits)
    ranges = []
    for extra in range(WIDTH - len(digits) + 1):
        scale = 10**extra
        ranges.append((value * scale, min((value + 1) * scale - 1, limit)))
    return ranges


def suggest_numbers(context: Context, text: str, limit: int = 8) -> list[NumberSuggestion]:
    """Cases whose klachtnummer starts like ``text`` (``KL-2026-0001``, ``2026-12``,
    ``12`` = this year). The exact number comes first. Empty for anything else."""
    context.require(Permission.READ_STATUS)
    current_year = context.today().year
    newest_first = False
    full = _PARTIAL_FULL.match(text or "")
    if full:
        year_text, digits = full.group(1) or "", full.group(2) or ""
        if len(year_text) < 4:
            if digits:
                return []
            year, newest_first = current_year, True
            ranges = _seq_ranges("", padded=True)
        else:
            year = int(year_text)
            newest_first = not digits
            ranges = _seq_ranges(digits, padded=True)
    elif match := _PARTIAL_SHORT.match(text or ""):
        year, digits = int(match.group(1)), match.group(2)
        newest_first = not digits
        ranges = _seq_ranges(digits, padded=False)
    elif match := _PARTIAL_BARE.match(text or ""):
        year, ranges = current_year, _seq_ranges(match.group(1), padded=False)
    else:
        return []
    shown = personal_data(context)
    found: list[NumberSuggestion] = []
    with context.db.read() as session:
        for low, high in ranges:
            if len(found) >= limit:
                break
            order = Complaint.seq.desc() if newest_first else Complaint.seq.asc()  # type: ignore[attr-defined]
            rows = session.exec(
                select(Complaint.id, Complaint.year, Complaint.seq, Person.name, Complaint.kind, Complaint.status,
                       Complaint.received_at)
                .outerjoin(Person, Person.id == Complaint.complainant_id)
                .where(Complaint.year == year, Complaint.seq >= low, Complaint.seq <= high)
                .order_by(order).limit(limit - len(found))
            ).all()
            found += [
                NumberSuggestion(
                    id=r[0], number=format_number(r[1], r[2]), complainant=shown.name(r[3]),
                    kind=ComplaintKind(r[4]), status=Status(r[5]), received_at=r[6],
                )
                for r in rows
            ]
    return found


__all__ = [
    "COUNT_CAP",
    "MatchCount",
    "NumberSuggestion",
    "Term",
    "count_matches",
    "parse_query",
    "search_page",
    "suggest_numbers",
]
