"""The registration form in review mode: a case registered from a mail, checked (and
completed) by a person (``review.complete_review``).

Channel and receipt moment stay as received; the kind (soort) may be corrected — the form
then shows the fields of the new kind (what was typed in the others stays in the form, and
is back when the kind is set back) and says what saving does to the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from klachtdesk.services.cases import review
from klachtdesk.services.cases.complaints import RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.deadlines.promises import in_order
from klachtdesk.services.procedure.vocabulary import ComplaintKind
from klachtdesk.services.time.dutch import format_date_short

#: the controls that show the case as it was received: not changed in review
AS_RECEIVED = ("channel", "received_at")


@dataclass
class CaseReviewed(Message):
    """A case registered from a mail was checked in the form (saved)."""

    reviewed: review.Reviewed


def ask(form: review.ReviewForm, kind: ComplaintKind) -> str:
    """What the form says above the fields: the mail, and what a corrected kind will do."""
    line = (f"E-mail: {form.subject}" if form.subject else "Uit e-mail") + (f" — {form.note}" if form.note else "")
    received = form.data.kind
    if kind is received:
        return line + "\nControleer de gegevens uit de e-mail en vul aan wat ontbreekt; Ctrl+S: beoordeeld."
    return (line + f"\nSoort gewijzigd: {received.value} → {kind.value}. Ctrl+S: beoordeeld, met de status, "
            f"wachtrij en termijnen van een {kind.value} (vanaf de ontvangst).")


def subtitle(form: review.ReviewForm, kind: ComplaintKind) -> str:
    changed = f" (als {kind.value})" if kind is not form.data.kind else ""
    return f"{form.number} uit e-mail beoordelen{changed}"


def save(context: Context, form: review.ReviewForm, data: RegistrationInput) -> CaseReviewed:
    """Complete the review (in the form's worker); the message to post."""
    return CaseReviewed(review.complete_review(context, form.complaint_id, form.version, data))


def done_notice(form: review.ReviewForm, reviewed: review.Reviewed) -> str:
    """What the reviewer reads after saving: done, and what a corrected kind changed."""
    text = f"{form.number} is beoordeeld en staat niet meer bij 'te beoordelen'."
    if not reviewed.kind_changed:
        return text
    text += f" Nu een {reviewed.kind.value} ({reviewed.status.value}" + (
        f", wachtrij {reviewed.queue})." if reviewed.queue else ").")
    if reviewed.created:
        text += " Nieuwe termijnen: " + ", ".join(
            f"{p.label or p.kind.value} {format_date_short(p.due)}" for p in in_order(reviewed.created)) + "."
    if reviewed.cancelled:
        text += " Vervallen: " + ", ".join(reviewed.cancelled) + "."
    if reviewed.note:
        text += " " + reviewed.note
    return text


__all__ = ["AS_RECEIVED", "CaseReviewed", "ask", "done_notice", "save", "subtitle"]
