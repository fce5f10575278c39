"""A web form submission registered through the desk's intake.

The registration itself is the phone intake's (``complaints.register_in``: the same
validation, numbering and deadline start); the web form only fixes the channel
(webformulier) and the receipt moment (the server's clock, never the browser's), bounds
what a stranger may send (text length, attachments), keeps the attachments with the
case, and sends the ontvangstbevestiging: by e-mail when an e-mail address was given,
else as a letter by post when a postal address was (``acknowledgement_by``, the one rule;
the letter goes the desk's way for a klager without e-mail: recorded "klaar om te
versturen", it is printed at the desk from the database, ``klachtdesk brieven`` — the form's
process, on the web server, writes no file). A klager who gave only a telephone
number gets no written acknowledgement: the desk calls.

Which contact details a submission needs at all is the intake's rule
(``complaints.validate_registration``: a telephone number, an e-mail address or a postal
address), the same as at the phone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from klachtdesk.errors import KlachtdeskError, ValidationError
from klachtdesk.models import Channel, ComplaintKind
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
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

#: how the ontvangstbevestiging reaches the klager (``Submitted.acknowledgement``)
BY_EMAIL = "e-mail"
BY_POST = "post"


def acknowledgement_by(complainant: PersonInput) -> str | None:
    """How the ontvangstbevestiging (and every later message) reaches a klager with these
    (validated) details: ``BY_EMAIL`` when they gave an e-mail address, else ``BY_POST``
    when they gave a postal address, else None (a telephone number only: no written
    acknowledgement, and no status link, which needs the e-mail address)."""
    if complainant.email:
        return BY_EMAIL
    if complainant.address() is not None:
        return BY_POST
    return None


@dataclass(frozen=True)
class Submitted:
    """What the confirmation page shows, and what the acknowledgement needs."""

    complaint_id: int
    number: str
    kind: ComplaintKind
    received_at: datetime
    effective_receipt_day: date
    reply_due: date | None
    #: how the ontvangstbevestiging follows (``BY_EMAIL``, ``BY_POST``), None: it does not
    acknowledgement: str | None
    attachments: int
    promises: tuple[Promise, ...] = ()  # every deadline as promised to the klager
    #: the postal address a letter goes to, on one line ("" when it goes by e-mail or not at all)
    post_to: str = ""

    @property
    def acknowledge(self) -> bool:
        """Whether an ontvangstbevestiging follows (by e-mail or by post)."""
        return self.acknowledgement is not None

    @property
    def can_follow(self) -> bool:
        """Whether the klager can follow the case online ("Waar staat mijn klacht?" mails a
        link to the e-mail address of the case)."""
        return self.acknowledgement == BY_EMAIL


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
    by, address = acknowledgement_by(cleaned.complainant), cleaned.complainant.address()
    return Submitted(
        complaint_id=registered.id, number=registered.number, kind=registered.kind,
        received_at=registered.received_at, effective_receipt_day=registered.effective_receipt_day,
        reply_due=registered.reply_due, acknowledgement=by, attachments=stored, promises=registered.promises,
        post_to=address.one_line() if by == BY_POST and address is not None else "",
    )


def acknowledge(context: Context, submitted: Submitted, settings: WebFormSettings) -> bool:
    """Send the ontvangstbevestiging of a submission: an e-mail, or a letter for the desk to
    print and post (``messages.send`` chooses by the klager's details, as ``acknowledgement_by``
    says). Returns whether it went out (a letter: recorded, waiting to be printed and posted); a
    failure is logged and stays visible on the case (the message is stored unsent), it
    never reaches the klager's browser."""
    if not submitted.acknowledge:
        return False
    try:
        send_automatic_acknowledgement(context, submitted.complaint_id,
                                       counts_as_reply=settings.acknowledgement_meets_reply)
    except KlachtdeskError as error:
        log.warning("geen ontvangstbevestiging voor %s: %s", submitted.number, error.message)
        return False
    return True

