"""The klager profile: a person's details (correctable with ``e``, each correction in the
history of their cases), all their cases (``Enter`` opens one), the cases linked to
them, and the contacts with them. Opening it is a read of each of those cases' personal
data: a ``VIEWED`` line on each (``cases.read_log.record_profile_view``). Opened from a case (``i``), from the inbox and its
search results (``i`` on a row) and from the jump dialog (``Ctrl+K``).

The details are the rows of ``person_fields.PERSON_FIELDS``: a field added there is
shown here without a change to this screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from klachtdesk.clock import local
from klachtdesk.screens.base import DeskScreen, WorkFailed, service_work
from klachtdesk.screens.person_dialog import PersonDialog
from klachtdesk.services.cases import links, read_log
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.people import profile
from klachtdesk.services.people.person_fields import PERSON_FIELDS
from klachtdesk.services.people.profile import Corrected, Profile, ProfileLine
from klachtdesk.services.time.dutch import format_date_short, format_datetime
from klachtdesk.widgets.messages import DataChanged
from klachtdesk.widgets.plain import PlainTable
from klachtdesk.widgets.footer import DeskFooter

MUTED = "dim"


@dataclass
class ProfileLoaded(Message):
    """The person's profile, and the cases linked to each of their cases."""

    profile: Profile
    links: dict[int, list[links.LinkedCase]]
    #: the reading could not be put in the history yet (it will be; ``read_log``)
    notice: str | None = None


def render_details(found: Profile) -> Table:
    """Every field of ``PERSON_FIELDS``: its Dutch name and what is stored ("—" when empty)."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for row in PERSON_FIELDS:
        value = found.shown.get(row.name, "")
        grid.add_row(row.label.capitalize(), Text(value) if value else Text("—", style=MUTED))
    if found.anonymised:
        grid.add_row("", Text("geanonimiseerd", style="italic"))
    return grid


def render_lines(found: Profile) -> Text:
    """The contacts with the klager, then the corrections of their details; newest first."""
    text = Text()

    def section(title: str, lines: tuple[ProfileLine, ...], empty: str) -> None:
        text.append(f"{title}\n", style="bold")
        if not lines:
            text.append(f"{empty}\n", style=MUTED)
        for line in lines:
            text.append(format_datetime(line.at), style=MUTED)
            if line.number:
                text.append(f"  {line.number}", style="cyan")
            text.append(f"  {line.actor}  · {line.type.value}\n", style=MUTED)
            text.append(f"  {line.summary}\n")
            if line.body:
                text.append("  " + line.body.rstrip().replace("\n", "\n  ") + "\n", style="italic")
        text.append("\n")

    section("Contact met de klager", found.contacts, "Nog geen contact vastgelegd.")
    section("Correcties van de gegevens", found.corrections, "Nog niets gecorrigeerd.")
    return text


class ProfileScreen(DeskScreen[None]):
    """One person: opened with their id, or as the klager of a case."""

    HELP_TITLE = "Klager"
    DEFAULT_CSS = """
    ProfileScreen #profile-title { height: 1; padding: 0 1; text-style: bold; background: $boost; }
    ProfileScreen #profile-details { height: auto; padding: 0 1; margin-bottom: 1; }
    ProfileScreen .section { text-style: bold; color: $accent; padding: 0 1; }
    ProfileScreen #profile-cases { height: 1fr; min-height: 4; }
    ProfileScreen #profile-history { height: 1fr; min-height: 3; padding: 0 1; border-top: solid $primary; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Terug", id="profile.back"),
        Binding("enter", "open_case", "Zaak openen", id="profile.open_case"),
        Binding("e", "edit", "Gegevens corrigeren", id="profile.edit"),
        Binding("r", "refresh", "Vernieuwen", id="profile.refresh", show=False),
    ]

    def __init__(self, person_id: int | None = None, *, complaint_id: int | None = None) -> None:
        super().__init__()
        self.person_id = person_id
        self.complaint_id = complaint_id
        self.found: Profile | None = None

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#profile-cases", DataTable)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Klager laden …", id="profile-title", markup=False)
        yield Static("", id="profile-details")
        yield Static("Zaken", classes="section", id="profile-cases-title")
        yield PlainTable[Any](id="profile-cases", cursor_type="row", zebra_stripes=True)  # the klager's own words
        with VerticalScroll(id="profile-history"):
            yield Static("", id="profile-lines")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.table
        for label, key in (("Klachtnummer", "number"), ("Ontvangen", "received"), ("Soort", "kind"),
                           ("Rol", "role"), ("Status", "status"), ("Gekoppeld", "links"),
                           ("Omschrijving", "summary")):
            table.add_column(label, key=key)
        table.focus()
        self.load(record_view=True)

    @service_work("profile-load")
    def load(self, record_view: bool = False) -> None:
        person_id = self.person_id
        if person_id is None:
            assert self.complaint_id is not None
            person_id = profile.klager_of(self.context, self.complaint_id)
        found = profile.get_profile(self.context, person_id)
        ids = [c.id for c in found.cases]
        notice = read_log.record_profile_view(self.context, ids) if record_view else None
        self.post_message(ProfileLoaded(found, links.links_of(self.context, ids), notice))

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        if message.group == "profile-load" and self.found is None:  # nothing to show: say why in its place
            self.query_one("#profile-title", Static).update(message.error.message)

    @on(ProfileLoaded)
    def _show(self, message: ProfileLoaded) -> None:
        found = self.found = message.profile
        self.person_id = found.person_id
        role = "Klager" if any(c.role.value == "klager" for c in found.cases) or not found.cases else "Persoon"
        self.show_title(found.name)
        title = Text(f"{role} · {found.name}")
        title.append(f" · {len(found.cases)} {'zaak' if len(found.cases) == 1 else 'zaken'}", style="not bold")
        self.query_one("#profile-title", Static).update(title)
        self.query_one("#profile-details", Static).update(render_details(found))
        self.query_one("#profile-cases-title", Static).update(f"Zaken ({len(found.cases)}) — Enter opent de zaak")
        table = self.table
        row = table.cursor_row
        table.clear()
        for case in found.cases:
            linked = ", ".join(c.number for c in message.links.get(case.id, []))
            table.add_row(case.number, format_date_short(local(case.received_at).date()), case.kind.value,
                          case.role.value, case.status.value, linked or Text("—", style=MUTED),
                          case.summary, key=str(case.id))
        if found.cases:
            table.move_cursor(row=min(row, len(found.cases) - 1))
        self.query_one("#profile-lines", Static).update(render_lines(found))
        if message.notice:
            self.say(message.notice, severity="warning", timeout=10)
        self.refresh_bindings()

    def on_data_changed(self, message: DataChanged) -> None:
        self.load()

    # -- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            if not self.context.user.may(Permission.HANDLE):
                return False
            return bool(self.found and self.found.editable) or None
        if action == "open_case":
            return bool(self.found and self.found.cases) or None
        return True

    def why_not_now(self, action: str) -> str | None:
        if action == "edit" and self.found is not None:
            return self.found.why_not_editable
        if action == "open_case" and self.found is not None and not self.found.cases:
            return "Deze persoon heeft geen zaken."
        return None

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_open_case(self) -> None:
        if self.found is None or not self.found.cases:
            return
        index = self.table.cursor_row
        if 0 <= index < len(self.found.cases):
            self.desk.action_open_case(self.found.cases[index].id)

    @on(DataTable.RowSelected, "#profile-cases")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.desk.action_open_case(int(event.row_key.value))

    def action_edit(self) -> None:
        if self.found is None:
            return

        def done(result: Corrected | None) -> None:
            if result is not None:
                self.say(f"Gegevens gecorrigeerd: {', '.join(result.labels)}. De correctie staat in de "
                         "geschiedenis van elke zaak van deze persoon.", timeout=8)
                self.desk.post_data_changed()

        self.app.push_screen(PersonDialog(self.found), done)


__all__ = ["ProfileLoaded", "ProfileScreen", "render_details", "render_lines"]
