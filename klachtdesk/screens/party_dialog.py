"""Adding an aangeklaagde or betrokkene to a case registered without one (``a`` on such a
case, Ctrl+B on any klacht — as the registration form's Ctrl+B adds a betrokkene): the
klager names the person complained about later, on the phone.

The person is checked as at the registration (``parties.add_party``); a refused save
leaves every field as typed, the message at its field. While a phone number or e-mail
address is typed, the people already known by it are offered (``callers.find_known_callers``,
as the registration's known caller): one chosen fills in the name and details, and the
case gets that person instead of a new one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Select, Static

from klachtdesk.screens.base import service_work
from klachtdesk.screens.case_actions import CaseDialog
from klachtdesk.screens.dialog import DialogField
from klachtdesk.services.cases.complaints import PersonInput
from klachtdesk.services.cases.parties import OTHER_ROLES, PartyAdded
from klachtdesk.services.people import callers
from klachtdesk.services.people.callers import KnownCaller
from klachtdesk.services.people.contact_details import display_phone
from klachtdesk.services.people.known_caller import DETAILS
from klachtdesk.services.time.dutch import format_count
from klachtdesk.widgets.type_select import TypeSelect

#: the choice of no known person: a new person is made of what is typed
NEW = 0


@dataclass(frozen=True)
class NewPartyValues:
    """What the dialog hands the case screen's service call."""

    person: PersonInput
    role: str
    note: str


@dataclass
class KnownFound(Message):
    """The people known by the phone number or e-mail address typed."""

    found: list[KnownCaller]


class AddPartyDialog(CaseDialog[PartyAdded]):
    """Name, role, phone, e-mail and note of a person to add to the case."""

    TITLE_TEXT = "Aangeklaagde of betrokkene toevoegen"
    SUBMIT_LABEL = "Toevoegen"
    DISCARD_QUESTION = "De gegevens van deze persoon weggooien?"

    def __init__(self, submit: Any, **kwargs: Any) -> None:
        super().__init__(submit, **kwargs)
        self._known: dict[int, KnownCaller] = {}

    def compose_fields(self) -> ComposeResult:
        yield Static("Bijvoorbeeld de persoon over wie de klacht gaat, die de klager later noemde.",
                     classes="hint", markup=False)
        yield DialogField("Naam", Input(id="name", placeholder="bv. Dr. Bakker"), inline=True)
        yield DialogField("Rol", TypeSelect([(r.value, r.value) for r in OTHER_ROLES], id="role",
                                            value=OTHER_ROLES[0].value, allow_blank=False), inline=True)
        yield DialogField("Telefoon", Input(id="phone", placeholder="bv. 06 12345678"), inline=True)
        yield DialogField("E-mail", Input(id="email", placeholder="bv. naam@voorbeeld.nl"), inline=True)
        yield DialogField("Bekende persoon", TypeSelect([("nee, een nieuwe persoon", NEW)], id="known", value=NEW,
                                                        allow_blank=False), hint_id="known-hint", inline=True,
                          id="known-field")
        yield DialogField("Notitie", Input(id="note", placeholder="bv. huisarts, teamleider"), inline=True)

    # -- a known person ---------------------------------------------------------------------

    @on(Input.Changed, "#phone, #email")
    def _contact_typed(self) -> None:
        self._look_up(self.query_one("#phone", Input).value, self.query_one("#email", Input).value)

    @service_work("party-known")
    def _look_up(self, phone: str, email: str) -> None:
        self.post_message(KnownFound(callers.find_known_callers(self.context, phone, email)))

    @on(KnownFound)
    def _offer(self, message: KnownFound) -> None:
        found = {caller.person_id: caller for caller in message.found}
        if found.keys() == self._known.keys():
            return
        select = self.query_one("#known", Select)
        chosen = select.value
        self._known = found
        select.set_options([("nee, een nieuwe persoon", NEW), *(
            (Text(f"{caller.name} ({' en '.join(caller.matched_on)} komt overeen; {format_count(caller.case_count)} "
                  f"eerdere {'zaak' if caller.case_count == 1 else 'zaken'})"), caller.person_id)
            for caller in found.values())])
        select.value = chosen if chosen in found else NEW
        self.query_one("#known-field", DialogField).hint(
            f"Al bekend met dit nummer of adres: {len(found)}. Kies er een om die persoon toe te voegen."
            if found else "")

    @on(Select.Changed, "#known")
    def _known_chosen(self, event: Select.Changed) -> None:
        caller = self._known.get(event.value)  # type: ignore[arg-type]
        if caller is None:
            return
        # the person is who they are: their name as stored (one typed differently would rename them);
        # a phone number or address left empty is theirs, one typed is given (as at a registration)
        self.query_one("#name", Input).value = caller.name
        for name, value in (("phone", display_phone(caller.phone) if caller.phone else ""), ("email", caller.email)):
            widget = self.query_one(f"#{name}", Input)
            if not widget.value.strip():
                widget.value = value

    # -- saving -----------------------------------------------------------------------------

    FIELDS: ClassVar[dict[str, str]] = {}

    def collect(self) -> NewPartyValues:
        def typed(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        known = self._known.get(self.query_one("#known", Select).value)  # type: ignore[arg-type]
        person = PersonInput(name=typed("name"), phone=typed("phone"), email=typed("email"))
        if known is not None:
            # the details as shown when taken over: one a colleague changed since is not overwritten
            person.person_id = known.person_id
            person.seen = tuple((name, getattr(known, name) or None) for name in DETAILS)
        return NewPartyValues(person, str(self.query_one("#role", Select).value), typed("note"))


__all__ = ["AddPartyDialog", "KnownFound", "NewPartyValues"]
