"""A web form submission registered through the desk's intake.

The registration itself is the phone intake's (``complaints.register_in``: the same
validation, numbering and deadline start); the web form only fixes the channel
(webformulier) and the receipt moment (the server's clock, never the browser's), bounds
what a stranger may send (text length, attachments), keeps the attachments with the
case, and sends the ontvangstbevestiging when an e-mail address was given.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from klachtdesk.errors import KlachtdeskError, ValidationError
from klachtdesk.models import Channel, ComplaintKind
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.deadlines.promises import Promise
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.correspondence.acknowledgement import send_automatic_acknowledgement
from klachtdesk.services.time.dutch import format_count
from klachtdesk.services.webform import attachments
from klachtdesk.services.webform.attachments import Upload
from klachtdesk.services.config.webform import WebFormSettings

log = logging.getLogger(__name__)

#: the free-text fields a stranger fills in, bounded by ``Limits.text_max_chars``
TEXT_FIELDS = ("description", "remedy_sought")


@dataclass(frozen=True)
class Submitted:
    """What the confirmation page shows, and what the acknowledgement needs."""

    complaint_id: int
    number: str
    kind: ComplaintKind
    received_at: datetime
    effective_receipt_day: date
    reply_due: date | None
    acknowledge: bool  # an e-mail address was given: the ontvangstbevestiging follows
    attachments: int
    promises: tuple[Promise, ...] = ()  # every deadline as promised to the klager


def _bounded(data: RegistrationInput, settings: WebFormSettings) -> list[ValidationError]:
    errors = []
    limit = settings.limits.text_max_chars
    for name in TEXT_FIELDS:
        if len(getattr(data, name) or "") > limit:
            errors.append(ValidationError(f"Deze tekst is te lang: hoogstens {format_count(limit)} tekens.",
                                          field=name))
    return errors


def web_input(data: RegistrationInput) -> RegistrationInput:
    """The input as the web form may give it: channel webformulier, received now (by the
    server), a new person (a stranger never picks a known one)."""
    complainant = replace(data.complainant, person_id=None)
    involved = [replace(person, person_id=None) for person in data.involved]
    return replace(data, channel=Channel.WEB_FORM, received_at=None, complainant=complainant, involved=involved)


def check(context: Context, data: RegistrationInput, uploads: list[Upload], settings: WebFormSettings
          ) -> tuple[RegistrationInput, list[ValidationError]]:
    """Every problem with a submission, in the order of the form: the intake's own rules
    (``complaints.validate_registration``), then the web form's bounds."""
    cleaned, errors = complaints.validate_registration(context, web_input(data))
    errors += _bounded(cleaned, settings)
    errors += attachments.check(uploads, settings.attachments)
    return cleaned, errors


def submit(context: Context, data: RegistrationInput, uploads: list[Upload], settings: WebFormSettings) -> Submitted:
    """Register a submission (raises the first ``ValidationError`` if it has any)."""
    context.require(Permission.REGISTER)
    cleaned, errors = check(context, data, uploads, settings)
    if errors:
        raise errors[0]
    with context.db.write() as session:  # the case and its files: one transaction
        registered = complaints.register_in(session, context, cleaned,
                                            extra={"bijlagen": len(uploads)} if uploads else None)
        stored = attachments.store_in(session, context, registered.id, uploads)
    return Submitted(
        complaint_id=registered.id, number=registered.number, kind=registered.kind,
        received_at=registered.received_at, effective_receipt_day=registered.effective_receipt_day,
        reply_due=registered.reply_due, acknowledge=bool(cleaned.complainant.email), attachments=stored,
        promises=registered.promises,
    )


def acknowledge(context: Context, submitted: Submitted, settings: WebFormSettings) -> bool:
    """Send the ontvangstbevestiging of a submission to the klager's e-mail address.
    Returns whether it went out; a failure is logged and stays visible on the case
    (the message is stored unsent), it never reaches the klager's browser."""
    if not submitted.acknowledge:
        return False
    try:
        send_automatic_acknowledgement(context, submitted.complaint_id,
                                       counts_as_reply=settings.acknowledgement_meets_reply)
    except KlachtdeskError as error:
        log.warning("geen ontvangstbevestiging voor %s: %s", submitted.number, error.message)
        return False
    return True

