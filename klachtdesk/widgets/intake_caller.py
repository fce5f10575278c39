"""The known-caller panel of the intake form: the people whose phone number or e-mail
address matches what the agent typed, with their earlier cases; once one is taken over,
which of their details the form now gives otherwise, and that saving will update them and
record it in the history (``people.known_caller``: the rule and the wording's service)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static

from klachtdesk.clock import local
from klachtdesk.services.people.contact_details import display_phone
from klachtdesk.services.time.dutch import format_count, format_date_short
from klachtdesk.services.people.callers import EarlierCase, KnownCaller
from klachtdesk.services.people.known_caller import DETAILS, Change, GivenDetails, changes


@dataclass(frozen=True)
class CallerOffer:
    caller: KnownCaller
    earlier: list[EarlierCase]


def _cases_text(earlier: list[EarlierCase], total: int) -> list[Content]:
    lines = []
    for case in earlier:
        here = local(case.received_at)
        when = f"{format_date_short(here.date())} {here:%Y}"
        role = "" if case.role.value == "klager" else f" (als {case.role.value})"
        lines.append(Content.from_markup("   [b]$number[/]  $when  $kind$role  [i]$status[/]$summary",
                                         number=case.number, when=when, kind=case.kind.value, role=role,
                                         status=case.status.value,
                                         summary=f"  {case.summary}" if case.summary else ""))
    if total > len(earlier):
        lines.append(Content.from_markup(f"   [dim]… en nog {format_count(total - len(earlier))} eerdere zaken[/]"))
    if not earlier:
        lines.append(Content.from_markup("   [dim]geen eerdere zaken[/]"))
    return lines


def changes_text(found: list[Change]) -> list[Content]:
    """What saving will do to the taken-over caller's details, in Dutch (nothing: no lines)."""
    if not found:
        return []
    verb = "aangevuld" if all(change.fills_in for change in found) else "bijgewerkt"
    return ([Content.from_markup("[$warning]≠[/] $change", change=change.text()) for change in found]
            + [Content.from_markup(f"   [i]wordt bij opslaan {verb} en in de geschiedenis vastgelegd[/]")])


def describe_caller(caller: KnownCaller) -> str:
    """Name, phone and e-mail as written (plain text: shown as a template variable, never markup)."""
    parts = [caller.name]
    if caller.phone:
        parts.append(display_phone(caller.phone))
    if caller.email:
        parts.append(caller.email)
    return " · ".join(parts)


class KnownCallerPanel(Static):
    """Shows the offers (Enter takes over the highlighted one) or the person taken over."""

    DEFAULT_CSS = """
    KnownCallerPanel {
        height: auto;
        border: round $success;
        border-title-color: $success;
        padding: 0 1;
        margin: 0 1 0 0;
        display: none;
    }
    KnownCallerPanel.-shown { display: block; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.offers: list[CallerOffer] = []
        self.highlighted = 0
        self.linked: CallerOffer | None = None
        self.linked_name = ""
        #: the taken-over caller's details the form gives otherwise (``show_given``)
        self.changes: list[Change] = []
        self._given: GivenDetails | None = None

    @property
    def current(self) -> CallerOffer | None:
        if not self.offers:
            return None
        return self.offers[min(self.highlighted, len(self.offers) - 1)]

    def show_offers(self, offers: list[CallerOffer]) -> None:
        keep = self.current.caller.person_id if self.current else None
        self.offers = offers
        self.highlighted = next((i for i, o in enumerate(offers) if o.caller.person_id == keep), 0)
        self.linked = None
        self._render_panel()

    def move(self, step: int) -> None:
        if self.offers:
            self.highlighted = (self.highlighted + step) % len(self.offers)
            self._render_panel()

    def show_linked(self, offer: CallerOffer | None, name: str) -> None:
        self.offers = []
        self.linked = offer
        self.linked_name = name
        self.changes = self._changes()
        self._render_panel()

    def clear(self) -> None:
        self.offers = []
        self.linked = None
        self.linked_name = ""
        self.changes = []
        self._given = None
        self._render_panel()

    def show_given(self, given: GivenDetails) -> None:
        """The klager's details as the form now gives them (validated): which differ from the
        taken-over caller's stored ones, said under the caller."""
        self._given = given
        found = self._changes()
        if found != self.changes:
            self.changes = found
            self._render_panel()

    def _changes(self) -> list[Change]:
        caller, given = (self.linked.caller if self.linked is not None else None), self._given
        if caller is None or given is None or given.person_id != caller.person_id:
            return []
        return changes({name: getattr(caller, name) for name in DETAILS}, given)

    @property
    def is_linked(self) -> bool:
        return self.linked is not None or bool(self.linked_name)

    def _render_panel(self) -> None:
        # text of the caller (names, summaries) only as template variables: never markup
        lines: list[Content] = []
        if self.linked is not None or self.linked_name:
            self.border_title = "Bekende klager gekoppeld · ctrl+o ontkoppelen"
            if self.linked is not None:
                lines.append(Content.from_markup("[b]$who[/]", who=describe_caller(self.linked.caller)))
                lines += changes_text(self.changes)
                lines += _cases_text(self.linked.earlier, self.linked.caller.case_count)
            else:
                lines.append(Content.from_markup("[b]$who[/] (bekende persoon)", who=self.linked_name))
        elif self.offers:
            several = len(self.offers) > 1
            self.border_title = (
                "Bekende beller? · Enter: gegevens overnemen" + (" · ↑↓ kiezen" if several else "")
            )
            for index, offer in enumerate(self.offers):
                marker = "▶" if index == self.highlighted and several else " "
                matched = " en ".join(offer.caller.matched_on)
                count = offer.caller.case_count
                cases = f"{format_count(count)} eerdere {'zaak' if count == 1 else 'zaken'}"
                lines.append(Content.from_markup(f"{marker} [b]$who[/]  [dim]($matched komt overeen; {cases})[/]",
                                                 who=describe_caller(offer.caller), matched=matched))
                if index == self.highlighted:
                    lines += _cases_text(offer.earlier, count)
        self.set_class(bool(lines), "-shown")
        self.update(Content("\n").join(lines))
