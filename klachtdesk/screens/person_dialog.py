"""Correcting a person's details: one field per row of ``person_fields.PERSON_FIELDS``
(a field added there shows up here), each checked as you type by the service's own rule.
A refused save (a bad e-mail address, a colleague's correction meanwhile) leaves
everything as typed, the message at the field. After a colleague's correction the
dialog reads the details again: a field the user left alone takes the colleague's value,
one both changed keeps the user's, and the message line says what the colleague saved;
saving again applies the user's corrections on the new details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, TextArea

from klachtdesk.errors import KlachtdeskError, StaleEdit, ValidationError
from klachtdesk.screens.base import service_work
from klachtdesk.screens.dialog import DialogField, FormDialog, ServiceRule
from klachtdesk.services.people import profile
from klachtdesk.services.people.person_fields import PERSON_FIELDS
from klachtdesk.services.people.profile import Corrected, Profile


@dataclass
class Reread(Message):
    """The person's details as they are now (after a colleague's correction)."""

    fresh: Profile


class PersonDialog(FormDialog[Corrected]):
    """Dismisses with what the correction changed (and the profile after it), or None."""

    TITLE_TEXT = "Gegevens corrigeren"
    DISCARD_QUESTION = "Uw correcties weggooien?"

    def __init__(self, seen: Profile, **kwargs: Any) -> None:
        super().__init__(title=f"Gegevens corrigeren — {seen.name}", **kwargs)
        self.seen = seen

    def compose_fields(self) -> ComposeResult:
        for row in PERSON_FIELDS:
            value = self.seen.shown.get(row.name, "")
            control = (TextArea(value, id=row.name) if row.multiline else
                       Input(value, id=row.name, placeholder=row.placeholder,
                             validators=[ServiceRule(row.clean)], valid_empty=not row.required))
            yield DialogField(row.label.capitalize(), control, inline=True)

    def _typed(self, name: str) -> str:
        widget = self.query_one(f"#{name}")
        return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]

    def collect(self) -> dict[str, str]:
        typed = {row.name: self._typed(row.name) for row in PERSON_FIELDS}
        changed = {name: text for name, text in typed.items() if text.strip() != self.seen.shown.get(name, "")}
        if not changed:
            raise ValidationError("Er is niets gewijzigd.")
        return changed

    def check(self, values: dict[str, str]) -> list[ValidationError]:
        errors = []
        for row in PERSON_FIELDS:
            if row.name in values:
                try:
                    row.clean(values[row.name])
                except ValidationError as error:
                    errors.append(error)
        return errors

    def save(self, values: dict[str, str]) -> Corrected:
        return profile.correct_person(self.context, self.seen.person_id, self.seen.stored, values)

    def refused(self, error: KlachtdeskError) -> None:
        if isinstance(error, StaleEdit):
            self._reread()

    @service_work("person-reread")
    def _reread(self) -> None:
        self.post_message(Reread(profile.get_profile(self.context, self.seen.person_id)))

    @on(Reread)
    def _rebase(self, message: Reread) -> None:
        fresh, lines = message.fresh, []
        for row in PERSON_FIELDS:
            old, new = self.seen.shown.get(row.name, ""), fresh.shown.get(row.name, "")
            if old == new:
                continue
            lines.append(f"Nu opgeslagen — {row.label}: {new or '—'}")
            widget = self.query_one(f"#{row.name}")
            if self._typed(row.name).strip() == old:  # the user left it alone: the colleague's value
                if isinstance(widget, TextArea):
                    widget.text = new
                else:
                    widget.value = new  # type: ignore[attr-defined]
        self.seen = fresh
        self.add_note("\n".join([*lines, "Ctrl+S slaat uw eigen correcties op de nieuwe gegevens op."]))


__all__ = ["PersonDialog"]
