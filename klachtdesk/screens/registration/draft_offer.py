"""At start: an unfinished registration (a crash, a closed terminal) is offered back.

The app looks for it in a worker (``saved_draft``) and asks (``offer_draft``): yes opens
the form filled in; "later" keeps the draft, and the next new registration starts from it.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from klachtdesk.screens.dialog import ConfirmModal
from klachtdesk.screens.registration.form import FORM, RegistrationScreen
from klachtdesk.services.cases import drafts
from klachtdesk.services.core.context import Context
from klachtdesk.widgets.intake_parsing import describe_moment, has_input, sanitise_values


def saved_draft(context: Context) -> drafts.DraftRecord | None:
    """The user's unfinished registration, if it holds anything typed (in a worker thread)."""
    record = drafts.load(context, FORM)
    if record is None or not has_input(sanitise_values(record.data, context.now())):
        return None
    return record


def offer_draft(app: App[Any], context: Context, record: drafts.DraftRecord) -> None:
    """Ask whether to continue the unfinished registration ``record``."""
    when = describe_moment(record.updated_at, context.today())

    def answered(yes: bool | None) -> None:
        if yes:
            app.push_screen(RegistrationScreen(values=record.data))
        else:
            app.notify("De registratie blijft bewaard; n (nieuwe melding) opent haar weer.", timeout=5)

    app.push_screen(ConfirmModal(f"Er staat een onafgemaakte registratie klaar van {when}. Verder gaan?",
                                 yes="Verder gaan", no="Later"), answered)


__all__ = ["offer_draft", "saved_draft"]
