"""The erasure register (vergeetregister): every person and case anonymised, when and by
which request, without the personal data itself.

A person is recognised by keyed hashes (HMAC-SHA256) of their name, e-mail address and
phone number, with a key kept in the database's settings: the register tells whether a
person in a restored backup is one who was erased, but names nobody to whoever reads
it. ``klachtdesk herstel`` carries the register of the database it replaces into the
restored one (see ``services.backup``) and marks it to be applied again; the next
opening of the database does that (``reapply``), before anyone works with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session, select

from klachtdesk.models import ErasureRecord, Person, Setting
from klachtdesk.services.core.context import Context
from klachtdesk.services.privacy.pending import PENDING_SETTING

#: the settings rows a restore carries over with the register (see services.backup)
KEY_SETTING = "vergeetregister.sleutel"
REQUEST = "verzoek"
ERASED_PREFIX = "gewist-"
RETENTION = "bewaartermijn"


def _key(session: Session, context: Context) -> bytes:
    row = session.get(Setting, KEY_SETTING)
    if row is None:
        row = Setting(key=KEY_SETTING, value=secrets.token_hex(32), updated_at=context.now())
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


def _identity(person: Person) -> list[str]:
    forms = [" ".join(person.name.split()).casefold() if person.name else "",
             (person.email or "").strip().lower(), (person.phone or "").strip()]
    return [f"{kind}:{form}" for kind, form in zip(("naam", "email", "telefoon"), forms, strict=True) if form]


def fingerprints(key: bytes, person: Person) -> set[str]:
    """The keyed hashes of a person's name, e-mail address and phone number."""
    return {hmac.new(key, form.encode("utf-8"), hashlib.sha256).hexdigest() for form in _identity(person)}


def record_person(session: Session, context: Context, person: Person, reason: str, request_id: int | None) -> None:
    """Note a person about to be anonymised (call it before their details are gone)."""
    key = _key(session, context)
    session.add(ErasureRecord(erased_at=context.now(), reason=reason, request_id=request_id, person_id=person.id,
                              fingerprints=" ".join(sorted(fingerprints(key, person)))))


def record_case(session: Session, context: Context, number: str, reason: str, request_id: int | None) -> None:
    """Note a case anonymised as a whole."""
    session.add(ErasureRecord(erased_at=context.now(), reason=reason, request_id=request_id,
                              complaint_number=number))


def erased_message_id(session: Session, context: Context, message_id: str) -> str:
    """What an erased mail keeps of its Message-ID (which may hold the sender's address):
    a keyed hash, enough to recognise the same mail fetched again."""
    digest = hmac.new(_key(session, context), message_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{ERASED_PREFIX}{digest}"


def known_ids(session: Session, message_id: str) -> list[str]:
    """The forms a mail's Message-ID is stored under: itself, and its erased form."""
    key = session.exec(select(Setting.value).where(Setting.key == KEY_SETTING)).first()
    if key is None:
        return [message_id]
    digest = hmac.new(bytes.fromhex(key), message_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return [message_id, f"{ERASED_PREFIX}{digest}"]


def is_pending(session: Session) -> bool:
    """Has a restore left the register to be applied again?"""
    return session.get(Setting, PENDING_SETTING) is not None


def register_rows(session: Session) -> list[ErasureRecord]:
    return list(session.exec(select(ErasureRecord).order_by(ErasureRecord.id)).all())  # type: ignore[arg-type]


__all__ = [
    "KEY_SETTING", "PENDING_SETTING", "REQUEST", "RETENTION", "erased_message_id", "fingerprints", "is_pending",
    "known_ids", "record_case", "record_person", "register_rows",
]
