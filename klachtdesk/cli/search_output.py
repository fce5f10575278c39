"""``klachtdesk zoek TEKST``: the matching cases, one line each, newest registered first."""

from __future__ import annotations


from klachtdesk.cli.output import console, say
from klachtdesk.services.lists import search
from klachtdesk.services.cases.complaints import CaseRow
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import describe_due, format_count, format_datetime

#: lines printed at most; the rest is counted
LIMIT = 50


def _fit(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def result_line(context: Context, row: CaseRow) -> str:
    """``KL-2026-000123  23 nov 2026 10:00  Jan Jansen  klacht  nieuw  Anna  nog 3 werkdagen``."""
    if row.next_due is not None:
        due = describe_due(context.today(), row.next_due, context.calendars.organisation)
    else:
        due = "geen open termijn"
    return "  ".join([
        row.number,
        f"{format_datetime(row.received_at):<17}",
        f"{_fit(row.complainant or '—', 24):<24}",
        f"{row.kind.value:<12}",
        f"{_fit(row.status.value, 22):<22}",
        f"{_fit(row.handler or '—', 18):<18}",
        due,
    ]).rstrip()


def print_search_results(context: Context, term: str, limit: int | None = None) -> int:
    """Print the cases matching ``term``; exit code 0, or 1 when nothing matches."""
    limit = limit or LIMIT
    rows = search.search_page(context, term, limit=limit)
    if not rows:
        say(f"klachtdesk: geen zaken gevonden voor '{term.strip()}'.", err=True)
        return 1
    for row in rows:
        console.print(result_line(context, row), markup=False, highlight=False, soft_wrap=True)
    if len(rows) == limit:
        total = search.count_matches(context, term, cap=search.COUNT_CAP)
        if total.more:
            rest = f"meer dan {format_count(total.value - limit)}"
        else:
            rest = format_count(total.value - limit)
        if total.more or total.value > limit:
            console.print(f"… en nog {rest} zaken; maak de zoekterm specifieker.", markup=False, highlight=False)
    return 0


__all__ = ["print_search_results", "result_line"]
