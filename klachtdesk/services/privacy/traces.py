"""The traces of a person outside their cases, removed with them: drafts of the form,
the subjects of AVG requests, mail that came from them, and the files klachtdesk wrote
(the outbox's ``.eml`` and ``.ics`` files, the printed letters, saved attachments).

Called by an erasure request and by the retention run; both also have the database
zero and compact what they overwrote (``Database.wipe_freed``).
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import delete, func, or_
from sqlmodel import Session, select

from klachtdesk.models import Attachment, Draft, MailMessage, Person, PrivacyRequest
from klachtdesk.paths import home_dir, outbox_dir
from klachtdesk.services.core.context import Context
from klachtdesk.services.privacy.anonymise import ANONYMOUS, _scrubber, forget_mail

log = logging.getLogger(__name__)

#: the tables an erasure or retention run changes (PostgreSQL vacuums them afterwards)
ERASURE_TABLES = (
    "person", "complaint", "complaint_search", "party", "event", "message", "mediation_session", "session_participant", "agreement",
    "deadline", "mail_message", "attachment", "draft", "privacy_request",
)

Scrub = Callable[[str | None], str | None]


def scrub_drafts(session: Session, scrub: Scrub) -> int:
    """Take the person out of every draft of the form (whoever's it is). Returns how many changed."""
    changed = 0
    for draft in session.exec(select(Draft)).all():
        before = json.dumps(draft.data, ensure_ascii=False)
        after = scrub(before) or before
        if after != before:
            draft.data = json.loads(after)
            changed += 1
    return changed


def scrub_requests(session: Session, person_ids: Iterable[int], scrub: Scrub) -> None:
    """The subject of every AVG request about the person (it is their name, e-mail or phone)."""
    ids = list(person_ids)
    rows = session.exec(select(PrivacyRequest).where(
        or_(PrivacyRequest.person_id.in_(ids), PrivacyRequest.person_id.is_(None))  # type: ignore[union-attr]
    )).all()
    for row in rows:
        if row.person_id in ids:
            row.subject = ANONYMOUS
        else:
            row.subject = scrub(row.subject) or ANONYMOUS


def forget_mail_from(session: Session, context: Context, people: Iterable[Person], scrub: Scrub,
                     complaint_ids: Iterable[int]) -> None:
    """Mail sent by the person (whatever case it is in, or none) keeps only its
    Message-ID and outcome, their attachments go; mail in ``complaint_ids`` (the cases
    they were involved in) loses the kept original wherever it names them."""
    addresses = sorted({p.email.lower() for p in people if p.email})
    if addresses:
        own = select(MailMessage.id).where(func.lower(MailMessage.sender).in_(addresses))  # type: ignore[attr-defined]
        session.execute(delete(Attachment).where(Attachment.mail_message_id.in_(own)))  # type: ignore[union-attr,attr-defined]
        for mail in session.exec(select(MailMessage).where(func.lower(MailMessage.sender).in_(addresses))).all():  # type: ignore[attr-defined]
            forget_mail(session, context, mail)
    ids = list(complaint_ids)
    if not ids:
        return
    for mail in session.exec(select(MailMessage).where(MailMessage.complaint_id.in_(ids))).all():  # type: ignore[union-attr]
        fields = {"subject": mail.subject, "text": mail.text, "sender_name": mail.sender_name,
                  "recipients": mail.recipients}
        scrubbed = {name: scrub(value) for name, value in fields.items()}
        raw_text = bytes(mail.raw).decode("utf-8", "replace") if mail.raw else ""
        if scrubbed != fields or (raw_text and scrub(raw_text) != raw_text):
            mail.subject = scrubbed["subject"] or ""
            mail.text = scrubbed["text"]
            mail.sender_name = scrubbed["sender_name"] or ""
            mail.recipients = scrubbed["recipients"] or ""
            mail.raw = None  # the original names them: it cannot be kept (nor processed again)


# ---------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------


#: a text line of a PDF klachtdesk wrote (``correspondence.letters``: uncompressed, core fonts)
_PDF_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_PDF_ESCAPE = re.compile(rb"\\([nrtbf()\\]|[0-7]{1,3})")
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")",
                b"\\": b"\\"}


def pdf_text(data: bytes) -> str:
    """The text of a printed letter's PDF: its lines joined by spaces (a name broken over
    two lines is still found)."""
    def unescape(match: re.Match[bytes]) -> bytes:
        escaped = match.group(1)
        return _PDF_ESCAPES.get(escaped) or bytes([int(escaped, 8) & 0xFF])

    return " ".join(_PDF_ESCAPE.sub(unescape, found.group(1)).decode("cp1252", "replace")
                    for found in _PDF_STRING.finditer(data))


def _readable_text(path: Path) -> str:
    """A file's text as a person would read it: a mail decoded, a calendar unfolded, a
    letter's PDF its lines."""
    data = path.read_bytes()
    if path.suffix.lower() == ".pdf":
        return pdf_text(data)
    if path.suffix.lower() == ".eml":
        message = email.message_from_bytes(data, policy=email.policy.default)
        parts = [str(value) for value in message.values()]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                try:
                    parts.append(part.get_content())
                except (LookupError, UnicodeError):
                    parts.append(part.get_payload(decode=True).decode("utf-8", "replace"))
        return "\n".join(parts)
    text = data.decode("utf-8", "replace")
    if path.suffix.lower() == ".ics":
        text = re.sub(r"\r?\n[ \t]", "", text)  # lines folded at 75 octets
        text = re.sub(r"\\([,;\\nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)
    return text


def forget_files(forms: Iterable[str], numbers: Iterable[str]) -> list[Path]:
    """Remove the files klachtdesk wrote that hold the person: in the outbox (``.eml``,
    ``.ics`` in ``agenda/``) every file that names them or belongs to one of the cases
    ``numbers`` (anonymised as a whole), and the saved attachments of those cases."""
    scrub = _scrubber((), forms)
    prefixes = tuple(sorted(set(numbers)))
    removed: list[Path] = []
    try:
        outbox = outbox_dir()
        candidates = [p for p in outbox.rglob("*") if p.is_file()]
    except OSError as error:
        log.warning("de outbox kon niet worden doorzocht: %s", error)
        candidates = []
    for path in candidates:
        try:
            named = bool(prefixes) and path.name.startswith(prefixes)
            if named or scrub(text := _readable_text(path)) != text:
                path.unlink()
                removed.append(path)
        except OSError as error:
            log.warning("%s kon niet worden verwijderd: %s", path, error)
    attachments = home_dir() / "bijlagen"
    for number in prefixes:
        folder = attachments / number
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


__all__ = ["ERASURE_TABLES", "forget_files", "forget_mail_from", "pdf_text", "scrub_drafts", "scrub_requests"]
