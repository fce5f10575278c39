"""Printing for the command line (Rich), shared by the subcommands."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

from klachtdesk.services.procedure.vocabulary import PartyRole
from klachtdesk.services.cases.complaints import CaseDetail
from klachtdesk.services.time.dutch import format_date, format_datetime, remaining_words

#: width of tables when the output goes to a file or a pipe rather than a terminal
PIPE_WIDTH = 200


class _LiveConsole:
    """A Rich console made for each use, so its width follows the terminal of the
    moment rather than of the moment of import. Plain messages never wrap (a path must
    stay copyable); tables fit the terminal, or are ``PIPE_WIDTH`` wide when the output
    goes to a file or another program."""

    def _console(self) -> Console:
        width = None if Console().is_terminal else PIPE_WIDTH
        return Console(highlight=False, soft_wrap=True, width=width)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console(), name)


console: Console = _LiveConsole()  # type: ignore[assignment]


def case_summary_lines(case: CaseDetail) -> list[tuple[str, str]]:
    """Label/value pairs of a case's summary, as ``zoek`` prints them."""
    received = format_datetime(case.received_at)
    if case.receipt_shifted:
        received += f" (telt als {format_date(case.effective_receipt_day)})"
    klager = case.complainant.name if case.complainant else "—"
    open_deadlines = [d for d in case.deadlines if d.met_at is None]
    if open_deadlines:
        first = open_deadlines[0]
        left = remaining_words(first.werkdagen_left) if first.werkdagen_left is not None else ""
        deadline = f"{first.label}: {format_date(first.due)} ({left})"
    else:
        deadline = "geen open termijnen"
    rows = [
        ("Klachtnummer", case.number),
        ("Ontvangen", received),
        ("Soort", case.kind.value + (f" → {case.queue}" if case.queue else "")),
        ("Kanaal", case.channel.value),
        ("Status", case.status.value),
        ("Klager", klager),
        ("Behandelaar", case.handler or "nog niet toegewezen"),
        ("Eerstvolgende termijn", deadline),
    ]
    if case.service_type:
        rows.insert(4, ("Type dienstverlening", case.service_type))
    return rows


def case_detail_lines(case: CaseDetail) -> list[tuple[str, str]]:
    """The registered content of a case (what the user may see), after the summary."""
    rows: list[tuple[str, str]] = []
    for party in case.parties:
        contact = " · ".join(part for part in (party.phone, party.email) if part)
        if party.role is PartyRole.COMPLAINANT:  # named in the summary already
            rows.append(("Contact klager", contact or "—"))
            continue
        note = f" ({party.note})" if party.note else ""
        rows.append((party.role.value.capitalize(), f"{party.name}{note}" + (f" — {contact}" if contact else "")))
    if case.category:
        rows.append(("Aard van de klacht", case.category))
    if case.incident_date:
        rows.append(("Datum voorval", format_date(case.incident_date)))
    if case.description:
        rows.append(("Omschrijving", case.description))
    if case.discussed_first is not None:
        rows.append(("Eerst besproken", "ja" if case.discussed_first else "nee"))
    if case.remedy_sought:
        rows.append(("Gewenste oplossing", case.remedy_sought))
    if case.invoice_number:
        rows.append(("Factuurnummer", case.invoice_number))
    return rows


def print_case_summary(case: CaseDetail) -> None:
    """The summary of a case, then what was registered (parties, dates, texts)."""
    rows = case_summary_lines(case) + case_detail_lines(case)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        console.print(f"[bold]{label:<{width}}[/]  {escape(value)}")
