"""Files a klager sends with the web form: checked, then kept with the case.

A file is recognised by its content, never by its name or the type the browser
claims; the name is kept only as a harmless label. The files are stored in the
database (the ``attachment`` table), so they share the case's transactions, backups,
privacy rules and access rights; nothing is written to disk.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from sqlmodel import Session

from klachtdesk.errors import ValidationError
from klachtdesk.models import Attachment
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.time.dutch import format_count
from klachtdesk.services.config.webform import FILE_KINDS, AttachmentRules

FIELD = "bijlagen"
NAME_MAX = 120


@dataclass(frozen=True)
class Upload:
    """One file as the browser sent it."""

    filename: str
    content: bytes


def sniff(content: bytes) -> str | None:
    """The kind of file (a ``FILE_KINDS`` key) its first bytes show, or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text):
        return None
    return "tekst"


def _clean(name: str) -> str:
    """A name without folders, control or formatting characters or leading dots."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    return " ".join(base.split()).lstrip(".")


def label(name: str) -> str:
    """How a message names a file: its own name, made harmless and at most 60 characters."""
    clean = _clean(name) or "bijlage"
    return clean if len(clean) <= 60 else clean[:59] + "…"


def safe_filename(name: str, kind: str) -> str:
    """The name a stranger gave a file, made harmless: no folders, no control or
    formatting characters, at most ``NAME_MAX`` characters, and an extension that
    matches what the file is."""
    base = _clean(name)
    stem, dot, extension = base.rpartition(".")
    extensions = FILE_KINDS[kind][1]
    if not dot or "." + extension.lower() not in extensions:
        stem, extension = base, extensions[0].lstrip(".")
    stem = stem[: NAME_MAX - len(extension) - 1].strip() or "bijlage"
    return f"{stem}.{extension.lower()}"


def _size(number: int) -> str:
    if number >= 1024 * 1024:
        return f"{format_count(round(number / (1024 * 1024)))} MB"
    return f"{format_count(max(1, round(number / 1024)))} kB"


def check(uploads: list[Upload], rules: AttachmentRules) -> list[ValidationError]:
    """What is wrong with the files, one error per problem (field ``bijlagen``)."""
    if not uploads:
        return []
    if rules.count == 0:
        return [ValidationError("Bijlagen kunnen via dit formulier niet worden meegestuurd.", field=FIELD)]
    errors = []
    if len(uploads) > rules.count:
        errors.append(ValidationError(f"U kunt hoogstens {rules.count} bestanden meesturen.", field=FIELD))
    for upload in uploads[: rules.count]:
        name = label(upload.filename)
        if not upload.content:
            errors.append(ValidationError(f"Het bestand '{name}' is leeg.", field=FIELD))
        elif len(upload.content) > rules.max_bytes:
            errors.append(ValidationError(f"Het bestand '{name}' is te groot ({_size(len(upload.content))}); "
                                          f"hoogstens {_size(rules.max_bytes)} per bestand.", field=FIELD))
        elif sniff(upload.content) not in rules.kinds:
            errors.append(ValidationError(f"Het bestand '{name}' is geen {rules.kinds_words}.", field=FIELD))
    return errors


def store_in(session: Session, context: Context, complaint_id: int, uploads: list[Upload]) -> int:
    """Keep checked files with a case, in the caller's transaction; returns how many."""
    context.require(Permission.REGISTER)
    now = context.now()
    for upload in uploads:
        kind = sniff(upload.content)
        if kind is None:  # checked before; never store what was not
            raise ValidationError("Een bijlage is niet herkend.", field=FIELD)
        session.add(Attachment(
            complaint_id=complaint_id, filename=safe_filename(upload.filename, kind),
            content_type=FILE_KINDS[kind][0], size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(), content=upload.content, created_at=now,
        ))
    session.flush()
    return len(uploads)
