"""Small dialogs of the case screen about its relations: linking a related case (``z``),
choosing whose profile to open when a case has more people than its klager (``i``), and
correcting the role and note of an aangeklaagde or betrokkene in this case (``a``; their
details are corrected in their profile)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Select, Static

from klachtdesk.errors import ValidationError
from klachtdesk.screens.case_actions import CaseDialog
from klachtdesk.screens.dialog import DialogField, FormDialog, ServiceRule
from klachtdesk.services.cases import links
from klachtdesk.services.cases.complaints import PartyView
from klachtdesk.services.cases.parties import OTHER_ROLES, PartyChange
from klachtdesk.services.cases.links import LinkChange, LinkedCase
from klachtdesk.services.cases.numbering import parse_number
from klachtdesk.widgets.type_select import TypeSelect

LINK, UNLINK = "koppelen", "ontkoppelen"


@dataclass(frozen=True)
class LinkValues:
    """A klachtnummer as typed, and whether to link or unlink it."""

    number: str
    unlink: bool


class LinkDialog(CaseDialog[LinkChange]):
    """Link this case to another one by klachtnummer (``KL-2026-000123``, ``2026-123``, ``123``),
    or undo a link."""

    SUBMIT_LABEL = "Opslaan"
    FIELDS = {links.FIELD: "link-number"}

    def __init__(self, submit: Callable[[LinkValues], LinkChange], *, number: str, linked: list[LinkedCase],
                 year: int, **kwargs: Any) -> None:
        super().__init__(submit, title=f"Gerelateerde zaak — {number}", **kwargs)
        self.linked = linked
        self.year = year

    def compose_fields(self) -> ComposeResult:
        now = ", ".join(c.number for c in self.linked) or "nog geen"
        yield Static(f"Gekoppeld: {now}.", classes="hint", markup=False)
        yield DialogField("Klachtnummer", Input(
            placeholder=f"KL-{self.year}-000123, {self.year}-123 of 123", id="link-number",
            validators=[ServiceRule(lambda text: parse_number(text, self.year))], valid_empty=True), inline=True)
        yield DialogField("Wat", TypeSelect([("koppelen aan deze zaak", LINK), ("ontkoppelen: de koppeling verwijderen", UNLINK)],
                                            id="link-action", value=LINK, allow_blank=False), inline=True)

    def collect(self) -> LinkValues:
        text = self.query_one("#link-number", Input).value
        if not text.strip():
            raise ValidationError(f"Typ het klachtnummer van de andere zaak, bijvoorbeeld KL-{self.year}-000123, "
                                  f"{self.year}-123 of 123.", field=links.FIELD)
        return LinkValues(text, self.query_one("#link-action", Select).value == UNLINK)


class PersonChoice(FormDialog[int]):
    """Whose profile to open: the klager or another person of the case. Dismisses with a person id."""

    TITLE_TEXT = "Wiens gegevens?"
    SUBMIT_LABEL = "Openen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Openen", id="person_choice.open", priority=True, show=False),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter opens the person chosen, unless the list is open (then it chooses in it)."""
        if action == "submit" and self.query_one("#person", Select).expanded:
            return False
        return True

    def __init__(self, parties: list[PartyView]) -> None:
        super().__init__()
        self.parties = parties

    def compose_fields(self) -> ComposeResult:
        options = [(f"{p.name} ({p.role.value}{', ' + p.note if p.note else ''})", p.person_id) for p in self.parties]
        yield DialogField("Persoon", TypeSelect(options, id="person", value=options[0][1], allow_blank=False))

    def collect(self) -> int:
        return int(self.query_one("#person", Select).value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PartyValues:
    person_id: int
    role: str
    note: str


class PartyDialog(CaseDialog[PartyChange]):
    """The role and note of one aangeklaagde or betrokkene in this case."""

    TITLE_TEXT = "Rol en notitie van een betrokkene"

    def __init__(self, submit: Callable[[PartyValues], PartyChange], *, parties: list[PartyView],
                 **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self.parties = {p.person_id: p for p in parties}

    def compose_fields(self) -> ComposeResult:
        first = next(iter(self.parties.values()))
        yield Static("Naam, telefoon en e-mail corrigeert u in het profiel van de persoon (i).", classes="hint",
                     markup=False)
        yield DialogField("Persoon", TypeSelect([(p.name, p.person_id) for p in self.parties.values()],
                                                id="party", value=first.person_id, allow_blank=False), inline=True)
        yield DialogField("Rol", TypeSelect([(r.value, r.value) for r in OTHER_ROLES], id="role",
                                            value=first.role.value, allow_blank=False), inline=True)
        yield DialogField("Notitie", Input(first.note or "", id="note", placeholder="bv. huisarts, teamleider"),
                          inline=True)

    @on(Select.Changed, "#party")
    def _chosen(self, event: Select.Changed) -> None:
        party = self.parties.get(event.value)  # type: ignore[arg-type]
        if party is not None:
            self.query_one("#role", Select).value = party.role.value
            self.query_one("#note", Input).value = party.note or ""

    def collect(self) -> PartyValues:
        return PartyValues(int(self.query_one("#party", Select).value),  # type: ignore[arg-type]
                           str(self.query_one("#role", Select).value), self.query_one("#note", Input).value)


__all__ = ["LINK", "UNLINK", "LinkDialog", "LinkValues", "PartyDialog", "PartyValues", "PersonChoice"]
