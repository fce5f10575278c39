"""The case as the case screen shows it: what the worker loads (``LoadedCase``) and the
plain functions that render it (fields, people, deadlines, the status path, the timeline).
No Textual here beyond Rich renderables, so tests render them without an app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from klachtdesk.services.procedure.vocabulary import ComplaintKind, DeadlineState, EventType, Status
from klachtdesk.services.cases import complaints, links
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import CaseDetail
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import describe_due, describe_receipt, format_date, format_datetime
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.mail import intake as mail_intake
from klachtdesk.services.correspondence import posting

E = EventType

#: the timeline filters (keys 1–5): id -> (label, event types; None = all)
TIMELINE_FILTERS: dict[str, tuple[str, frozenset[EventType] | None]] = {
    "alles": ("alles", None),
    "contact": ("contact", frozenset({E.CONTACT, E.SESSION})),
    "berichten": ("berichten", frozenset({E.MESSAGE, E.INCOMING})),
    "notities": ("notities", frozenset({E.NOTE, E.CONFIDENTIAL_NOTE})),
    "wijzigingen": ("wijzigingen", frozenset({E.REGISTERED, E.FIELD_CHANGED, E.STATUS_CHANGED, E.ASSIGNED,
                                              E.DEADLINE, E.MEASURE, E.PRIVACY})),
}
#: who looked at the case is kept for privacy, not shown in the story of the case
NOT_IN_TIMELINE = frozenset({E.VIEWED})

EVENT_STYLE: dict[EventType, str] = {
    E.CONTACT: "cyan", E.SESSION: "cyan", E.MESSAGE: "green", E.NOTE: "yellow", E.CONFIDENTIAL_NOTE: "magenta",
    E.STATUS_CHANGED: "bold blue", E.ASSIGNED: "blue", E.FIELD_CHANGED: "blue", E.DEADLINE: "blue",
    E.REGISTERED: "bold", E.MEASURE: "blue", E.PRIVACY: "red", E.INCOMING: "bold green",
}

#: screen action -> the entry of ``workflow.case_actions``
ACTION_STATES = {
    "assign": "assign", "status": "status", "contact": "contact", "message": "message", "note": "note",
    "confidential_note": "confidential_note", "edit": "edit", "close_case": "close", "reopen": "reopen",
    "extend": "extend", "plan": "plan", "measure": "measure", "dispute": "dispute",
}

#: what the command palette offers on this screen: action, name
PALETTE_ACTIONS: tuple[tuple[str, str], ...] = (
    ("assign", "Behandelaar toewijzen"), ("status", "Status wijzigen"), ("contact", "Contact vastleggen"),
    ("message", "Bericht aan de klager"), ("note", "Notitie schrijven"),
    ("confidential_note", "Vertrouwelijke notitie"), ("edit", "Velden wijzigen"), ("close_case", "Afsluiten"),
    ("reopen", "Heropenen"), ("extend", "Beslistermijn verlengen"), ("plan", "Bemiddelingsgesprek plannen"),
    ("measure", "Verbetermaatregel"), ("dispute", "Uitkomst geschillencommissie vastleggen"),
    ("mark_posted", "Brief als verstuurd markeren (op de post)"),
    ("profile", "Klager: gegevens, zaken en contact"), ("link", "Gerelateerde zaak koppelen"),
    ("party", "Rol of notitie van een betrokkene"), ("add_party", "Aangeklaagde of betrokkene toevoegen"),
    ("refresh", "Vernieuwen"),
)

MUTED = "dim"


@dataclass(frozen=True)
class LoadedCase:
    """What the worker hands the screen: the case and everything worded for it."""

    detail: CaseDetail
    actions: dict[str, workflow.ActionState]
    receipt_note: str | None
    due_words: dict[int, str]  # deadline id -> "nog 2 werkdagen"
    today: date
    personal: bool
    attachments: tuple[mail_intake.AttachmentView, ...] = ()
    undelivered: tuple[mail_intake.Undelivered, ...] = ()
    #: printed letters waiting to be posted (key o marks one posted)
    letters: tuple[posting.LetterView, ...] = ()
    #: the related cases (``cases.links``)
    linked: tuple[links.LinkedCase, ...] = ()


def load_case(context: Context, complaint_id: int, *, record_view: bool) -> LoadedCase:
    """Everything the screen shows (runs in a worker thread)."""
    detail = complaints.get_case(context, complaint_id, record_view=record_view)
    calendar = context.calendars.organisation
    today = context.today()
    personal = context.user.may(Permission.READ_PERSONAL_DATA)
    return LoadedCase(
        detail=detail,
        actions=workflow.case_actions(context, detail),
        receipt_note=describe_receipt(calendar.receipt(detail.received_at), calendar),
        due_words={d.id: describe_due(today, d.due, calendar) for d in detail.deadlines if d.met_at is None},
        today=today,
        personal=context.user.may(Permission.READ_PERSONAL_DATA),
        attachments=tuple(mail_intake.attachments_for(context, complaint_id)) if personal else (),
        undelivered=tuple(mail_intake.undelivered_messages(context, complaint_id)),
        letters=tuple(posting.waiting(context, complaint_id)) if personal else (),
        linked=tuple(links.linked_cases(context, complaint_id)),
    )


# ---------------------------------------------------------------------------------------
# rendering (plain functions of the loaded case)
# ---------------------------------------------------------------------------------------


def render_path(detail: CaseDetail) -> Text:
    """The procedure's path with the current step highlighted."""
    path = workflow.path_for(detail.kind)
    text = Text()
    current = detail.status
    index = path.index(current) if current in path else None
    for position, status in enumerate(path):
        if position:
            text.append(" › ", style=MUTED)
        if status is current:
            text.append(f" {status.value} ", style="bold reverse")
        elif index is not None and position > index:
            text.append(status.value, style=MUTED)
        else:
            text.append(status.value)
    if index is None:
        text.append("   nu: ", style=MUTED)
        text.append(f" {current.value} ", style="bold reverse")
    return text


def _value(value: Any, personal_field: bool, personal: bool) -> Text:
    if personal_field and not personal:
        return Text("(geen inzage in persoonsgegevens)", style="dim italic")
    if value is None or value == "":
        return Text("—", style=MUTED)
    if isinstance(value, bool):
        return Text("ja" if value else "nee")
    return value if isinstance(value, Text) else Text(str(value))


def render_fields(loaded: LoadedCase) -> Table:
    d, personal = loaded.detail, loaded.personal
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)

    def row(label: str, value: Any, personal_field: bool = False) -> None:
        grid.add_row(label, _value(value, personal_field, personal))

    row("Klachtnummer", d.number)
    if d.review_pending:
        row("Beoordeling", Text("te beoordelen (uit e-mail) — k: nakijken in het registratieformulier",
                                style="bold yellow"))
    row("Soort", d.kind.value)
    row("Kanaal", d.channel.value)
    row("Status", d.status.value)
    row("Behandelaar", d.handler or Text("nog niet toegewezen", style="italic"))
    received = Text(format_datetime(d.received_at))
    if loaded.receipt_note:
        received.append(f"\n{loaded.receipt_note}", style="yellow")
    row("Ontvangen", received)
    if d.queue:
        row("Wachtrij", d.queue)
    row("Type dienstverlening", d.service_type)
    row("Aard van de klacht", d.category)
    if d.kind is ComplaintKind.COMPLAINT:
        row("Datum voorval", format_date(d.incident_date) if d.incident_date else None)
        row("Eerst besproken", "onbekend" if d.discussed_first is None else d.discussed_first)
    row("Vraag" if d.kind.is_question else "Omschrijving", d.description, personal_field=True)
    if d.kind is ComplaintKind.COMPLAINT:
        row("Gewenste oplossing", d.remedy_sought, personal_field=True)
    if d.invoice_number or d.kind is ComplaintKind.INVOICE_QUESTION:
        row("Factuurnummer", d.invoice_number)
    if d.resolution or d.closed_at or d.accepted:
        row("Oplossing", d.resolution, personal_field=True)
        row("Klager akkoord", d.accepted)
    if d.closed_at:
        row("Gesloten", format_datetime(d.closed_at))
    if d.dispute_outcome or d.status is Status.REFERRED:
        row("Uitkomst geschillencomm.", d.dispute_outcome or Text("nog niet bekend", style="italic"),
            personal_field=True)
    for letter in loaded.letters:
        row("Brief", Text(f"{letter.label}, afgedrukt {format_datetime(letter.printed_at)}: {letter.state} "
                          "(o: verstuurd)", style="bold yellow"))
    for item in loaded.undelivered:
        row("Niet afgeleverd", Text(f"{item.subject} ({format_datetime(item.sent_at)}): {item.problem}",
                                    style="bold red"))
    if d.anonymised:
        row("AVG", Text("geanonimiseerd", style="bold"))
    row("Laatst gewijzigd", Text(f"{format_datetime(d.updated_at)} (versie {d.version})", style=MUTED))
    return grid


def render_parties(loaded: LoadedCase) -> RenderableType:
    if not loaded.personal:
        return Text("(geen inzage in persoonsgegevens)", style="dim italic")
    if not loaded.detail.parties:
        return Text("—", style=MUTED)
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(ratio=1)
    for party in loaded.detail.parties:
        who = Text(party.name)
        if party.note:
            who.append(f" ({party.note})", style=MUTED)
        contact = " · ".join(part for part in (party.phone, party.email) if part)
        if contact:
            who.append(f"\n{contact}", style="cyan")
        if party.address:
            who.append(f"\n{party.address}", style="cyan")
        grid.add_row(party.role.value, who)
    return grid


def render_links(loaded: LoadedCase) -> RenderableType:
    """The related cases: klachtnummer, kind and status."""
    if not loaded.linked:
        return Text("—  (z: een gerelateerde zaak koppelen)", style=MUTED)
    text = Text()
    for index, case in enumerate(loaded.linked):
        if index:
            text.append("\n")
        text.append(case.number, style="cyan")
        text.append(f"  {case.kind.value} · {case.status.value}", style=MUTED)
    return text


def render_attachments(loaded: LoadedCase) -> RenderableType:
    if not loaded.attachments:
        return Text("—", style=MUTED)
    text = Text()
    for index, item in enumerate(loaded.attachments, start=1):
        if index > 1:
            text.append("\n")
        text.append(f"{index}. ", style=MUTED)
        text.append(item.filename)
        text.append(f"  {format_size(item.size)} · {format_datetime(item.received_at)}", style=MUTED)
    text.append("\nl: bijlagen opslaan in een eigen map", style="dim italic")
    return text


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size // 1024} kB"
    return f"{size} bytes"


def render_deadlines(loaded: LoadedCase) -> RenderableType:
    if not loaded.detail.deadlines:
        return Text("Geen termijnen.", style=MUTED)
    lines: list[RenderableType] = []
    running = [d for d in loaded.detail.deadlines if d.met_at is None]
    done = [d for d in loaded.detail.deadlines if d.met_at is not None]
    # running first, then those met: a reopened case has a running deadline beside the met
    # one of the same name (issue 15: two alike rows, nothing said which was which)
    for index, deadline in enumerate([*running, *done]):
        if done and index in (0, len(running)):
            lines.append(Text("Lopend" if index < len(running) else "Afgerond", style=f"{MUTED} italic"))
        text = Text(deadline.label, style="bold")
        text.append(f"\n  uiterlijk {format_date(deadline.due)} · ")
        if deadline.met_at is not None:
            style = "green" if deadline.state is DeadlineState.MET else "red"
            text.append(f"{deadline.state.value} ({format_datetime(deadline.met_at)})", style=style)
        else:
            words = loaded.due_words.get(deadline.id, "")
            style = "bold red" if deadline.state is DeadlineState.OVERDUE else (
                "bold yellow" if words == "vandaag" else "")
            text.append(words, style=style)
        if deadline.extended:
            text.append(f"\n  verlengd; eerste termijn was {format_date(deadline.original_due)}", style="italic")
        lines.append(text)
    return Group(*lines)


def render_timeline(loaded: LoadedCase, filter_key: str) -> RenderableType:
    """Newest first: when, who, what kind; the summary; the text (indented)."""
    types = TIMELINE_FILTERS[filter_key][1]
    parts: list[RenderableType] = []
    for entry in loaded.detail.timeline:
        if entry.type in NOT_IN_TIMELINE or (types is not None and entry.type not in types):
            continue
        head = Text()
        head.append(format_datetime(entry.at), style=MUTED)
        head.append(f"  {entry.actor}", style="bold")
        head.append(f"  · {entry.type.value}", style=EVENT_STYLE.get(entry.type, ""))
        if entry.confidential:
            head.append("  (vertrouwelijk)", style="magenta italic")
        head.append(f"\n{entry.summary}")
        parts.append(head)
        if entry.body:
            style = "" if entry.type is E.MESSAGE else "italic"
            parts.append(Padding(Text(entry.body.rstrip(), style=style), (0, 0, 0, 3)))
        parts.append(Text(""))
    if not parts:
        return Text("Nog niets in deze categorie.", style=MUTED)
    return Group(*parts)


# ---------------------------------------------------------------------------------------
# the command palette on this screen
# ---------------------------------------------------------------------------------------
