"""Two small dialogs of the case screen: linking a related case (``z``), and choosing
whose profile to open when a case has more people than its klager (``i``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from klachtdesk.errors import ValidationError
from klachtdesk.screens.case_actions import CaseDialog
from klachtdesk.screens.dialog import DialogField, FormDialog, ServiceRule
from klachtdesk.services.cases import links
from klachtdesk.services.cases.complaints import PartyView
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

    def __init__(self, parties: list[PartyView]) -> None:
        super().__init__()
        self.parties = parties

    def compose_fields(self) -> ComposeResult:
        options = [(f"{p.name} ({p.role.value}{', ' + p.note if p.note else ''})", p.person_id) for p in self.parties]
        yield DialogField("Persoon", TypeSelect(options, id="person", value=options[0][1], allow_blank=False))

    def collect(self) -> int:
        return int(self.query_one("#person", Select).value)  # type: ignore[arg-type]


__all__ = ["LINK", "UNLINK", "LinkDialog", "LinkValues", "PersonChoice"]
