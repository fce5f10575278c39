"""Incoming mail, parsed and classified — pure functions, no database.

``parse(raw)`` turns the bytes of one RFC 5322 message into a ``ParsedMail``: decoded
headers (RFC 2047, and raw 8-bit headers in whatever charset they really are), the
text (plain, or HTML made readable by ``inscriptis``; no remote content is ever
fetched), the attachments, the threading keys and what kind of mail it is.

The classification follows RFC 3834 and what Request Tracker, osTicket, Zammad and
Znuny check before they answer or open a ticket:

- *automatic* (never becomes a case, never answered): ``Auto-Submitted`` other than
  ``no``; ``Precedence: bulk/junk/list/auto_reply``; ``List-Id`` / ``List-Unsubscribe``;
  ``X-Autoreply`` / ``X-Autorespond``; a sender ``mailer-daemon`` or ``postmaster``;
  an empty ``Return-Path`` (``<>``); a delivery report.
- *no automatic answer* (a person may still have written it): all of the above and
  ``X-Auto-Response-Suppress``.
- an *out-of-office reply* is an automatic mail that says so (``Auto-Submitted:
  auto-replied``, ``X-Autoreply``, or an Outlook/Gmail/Apple subject in Dutch or English).
- a *bounce* is a delivery status notification (RFC 3464) that says delivery failed,
  or a non-standard bounce from a mailer-daemon; ``bounced_message_id`` names the
  message that did not arrive.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.headerregistry import BaseHeader, HeaderRegistry
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from charset_normalizer import from_bytes

from klachtdesk.errors import KlachtdeskError

#: the form the desk puts in every subject it sends (and accepts without brackets too)
NUMBER_IN_SUBJECT = re.compile(r"\bKL-(\d{4})-(\d{1,6})\b", re.IGNORECASE)
#: one Message-ID between angle brackets
MESSAGE_ID = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
#: subject prefixes of a reply and of a forward, as mail programs write them (nl, en, de)
REPLY_PREFIX = re.compile(r"^\s*(re|antw|aw|sv|réf|ref)\s*(\[\d+\])?\s*:", re.IGNORECASE)
FORWARD_PREFIX = re.compile(r"^\s*(fwd?|doorst|wg|tr|fw)\s*(\[\d+\])?\s*:", re.IGNORECASE)
#: out-of-office subjects of Outlook, Gmail, Apple Mail and common mail servers
OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\s*(automatisch antwoord|automatische (re)?actie|afwezig(heidsbericht)?|out of (the )?office|"
    r"automatic reply|auto(matic)?[- ]?(reply|response)|abwesenheitsnotiz|autoreply|vakantie(bericht)?)\b",
    re.IGNORECASE,
)
AUTOMATIC_SENDERS = ("mailer-daemon", "postmaster")
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
#: the longest text kept of one mail (the rest is cut, with a note)
MAX_TEXT = 200_000


class _ParsedOnce(HeaderRegistry):
    """``email.policy.default``'s headers, each header line of one mail parsed once.

    The standard library parses a header again at every look-up (and makes a new class for
    it each time): ``get_content_type``, ``get_content_charset`` and ``get_filename`` of one
    part read the same Content-Type line again and again. Header objects are immutable, so
    the same line gives the same object; the results are those of ``email.policy.default``.
    One registry per mail (``_policy``): nothing is kept from one mail to the next."""

    def __init__(self) -> None:
        super().__init__()
        self._parsed: dict[tuple[str, str], BaseHeader] = {}

    def __call__(self, name: str, value: str) -> BaseHeader:
        key = (name, value)
        found = self._parsed.get(key)
        if found is None:
            found = self._parsed[key] = super().__call__(name, value)
        return found


def _policy() -> email.policy.EmailPolicy:
    """How one mail is read: ``email.policy.default`` (RFC 2047 headers, 8-bit headers,
    parameters), with its headers parsed once (``_ParsedOnce``)."""
    return email.policy.default.clone(header_factory=_ParsedOnce())


class MailParseError(KlachtdeskError):
    """The bytes are not a mail that can be read (it goes to the quarantine)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Bounce:
    """A delivery failure (or delay) reported about one of the desk's messages."""

    bounced_message_id: str | None
    recipient: str | None
    status: str | None  # RFC 3463 code, e.g. 5.1.1
    diagnostic: str | None
    failed: bool  # False: only delayed / relayed (informative)


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # without brackets; synthetic (``…@klachtdesk.invalid``) when the mail had none
    has_message_id: bool
    from_name: str
    from_address: str
    reply_to: str
    recipients: tuple[str, ...]  # To, Cc, Delivered-To, X-Original-To: lower-case addresses
    subject: str
    date: datetime | None  # the sender's Date: header (informative only)
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    text: str
    from_html: bool
    attachments: tuple[Attachment, ...]
    automatic: str | None  # why this mail is machine-made (None: a person wrote it)
    no_auto_answer: str | None  # why no automatic message may go to it
    out_of_office: bool
    bounce: Bounce | None
    subject_numbers: tuple[str, ...]  # klachtnummers named in the subject, KL-YYYY-NNNNNN
    forwarded: bool
    repaired_charset: bool  # a part's declared charset was wrong and was detected instead

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Every Message-ID this mail answers, nearest first."""
        ids = list(self.in_reply_to) + [m for m in reversed(self.references) if m not in self.in_reply_to]
        return tuple(ids)

    @property
    def answer_address(self) -> str:
        return self.reply_to or self.from_address


# ---------------------------------------------------------------------------------------
# decoding
# ---------------------------------------------------------------------------------------

#: charsets mail programs declare for text that is really their superset
_SUPERSETS = {"iso-8859-1": "windows-1252", "latin-1": "windows-1252", "latin1": "windows-1252",
              "us-ascii": "utf-8", "ascii": "utf-8", "iso-8859-15": "windows-1252"}


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, bool]:
    """Text of ``data`` in its declared charset; when that is wrong or unknown, the
    charset ``charset-normalizer`` finds. Returns (text, repaired)."""
    charset = (declared or "").strip().strip('"').lower()
    charset = _SUPERSETS.get(charset, charset)
    if charset:
        try:
            return data.decode(charset), False
        except (LookupError, UnicodeDecodeError):
            pass
    else:
        try:
            return data.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is not None:
        return str(best), True
    return data.decode("windows-1252", errors="replace"), True


def _header(message: Message, name: str) -> str:
    """A header as text: RFC 2047 decoded; raw 8-bit bytes decoded as what they are."""
    value = message.get(name)
    if value is None:
        return ""
    text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        raw = text.encode("utf-8", errors="surrogateescape")
        text, _ = decode_bytes(raw, None)
    return " ".join(_strip_controls(text).split())


def _c1(ch: str) -> str:
    """A C1 control character that is really windows-1252 (an en dash declared as
    iso-8859-1, as Outlook does): the character meant; other controls: nothing."""
    try:
        meant = bytes([ord(ch)]).decode("windows-1252")
    except UnicodeDecodeError:
        return ""
    return meant if meant.isprintable() else ""


#: what ``_strip_controls`` changes: control characters other than tab and newline, and C1
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _strip_controls(text: str) -> str:
    if _CONTROLS.search(text) is None:  # most text has none: nothing to go through
        return text
    return "".join(ch if ch in "\t\n" or (ch >= " " and not "\x7f" <= ch <= "\x9f") else
                   (_c1(ch) if "\x80" <= ch <= "\x9f" else "") for ch in text)


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    values = [_header(message, name) for name in names]
    return [(n, a.strip().lower()) for n, a in getaddresses([v for v in values if v]) if "@" in a]


def _ids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1) for m in MESSAGE_ID.finditer(value or "")))


def html_to_text(html: str) -> str:
    """Readable text of an HTML body (layout kept by ``inscriptis``). Nothing remote is
    fetched: inscriptis only reads the markup it is given."""
    # deferred for start-up time: only a mail with an HTML body needs inscriptis
    from inscriptis import get_text
    from inscriptis.model.config import ParserConfig

    html = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", html)
    try:
        text = get_text(html, ParserConfig(display_links=False, display_images=False))
    except Exception:  # noqa: BLE001 - a malformed document still has its words
        text = re.sub(r"<[^>]+>", " ", html)
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out).strip()


# ---------------------------------------------------------------------------------------
# the parts
# ---------------------------------------------------------------------------------------

def _filename(part: Message) -> str | None:
    name = part.get_filename()
    if name is None:
        return None
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        name, _ = decode_bytes(name.encode("utf-8", errors="surrogateescape"), None)
    name = _strip_controls(name).replace("/", "_").replace("\\", "_").strip().strip(".") or "bijlage"
    return name[:200]


def _walk(message: Message) -> tuple[str, str, list[Attachment], bool, list[Message]]:
    """(plain text, html, attachments, repaired, report parts) of a message, not
    descending into attached messages (a forwarded mail is an attachment, except its text)."""
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    reports: list[Message] = []
    repaired = False

    def visit(part: Message, in_alternative: bool) -> None:
        nonlocal repaired
        ctype = part.get_content_type()
        if part.is_multipart():
            if ctype == "multipart/report":
                reports.append(part)
            alternative = ctype == "multipart/alternative"
            for sub in part.get_payload():  # type: ignore[union-attr]
                visit(sub, alternative)
            return
        disposition = (part.get_content_disposition() or "").lower()
        name = _filename(part)
        if ctype in ("message/delivery-status", "message/rfc822", "text/rfc822-headers",
                     "message/global-delivery-status", "message/global-headers"):
            if ctype == "message/rfc822" and name is None:
                name = "doorgestuurd-bericht.eml"
            if ctype != "message/rfc822":
                return
        if disposition == "attachment" or (name is not None and not ctype.startswith("text/plain")
                                           and not (ctype == "text/html" and disposition != "attachment")):
            payload = part.get_payload(decode=True)
            if payload is None and ctype == "message/rfc822":
                inner = part.get_payload()
                payload = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
            attachments.append(Attachment(name or "bijlage", ctype, payload or b""))
            return
        if ctype not in ("text/plain", "text/html"):
            if name is not None or disposition == "inline":
                payload = part.get_payload(decode=True) or b""
                attachments.append(Attachment(name or "bijlage", ctype, payload))
            return
        payload = part.get_payload(decode=True)
        if payload is None:
            return
        text, fixed = decode_bytes(payload, part.get_content_charset())
        repaired = repaired or fixed
        (plain if ctype == "text/plain" else html).append(text)

    visit(message, False)
    return "\n\n".join(plain), "\n\n".join(html), attachments, repaired, reports


# ---------------------------------------------------------------------------------------
# delivery reports
# ---------------------------------------------------------------------------------------

def _dsn_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        if ":" in line and not line.startswith((" ", "\t")):
            key, _, value = line.partition(":")
            fields.setdefault(key.strip().lower(), value.strip())
    return fields


def _parse_bounce(message: Message, reports: list[Message], text: str, automatic_sender: bool) -> Bounce | None:
    for report in reports:
        if (report.get_param("report-type") or "").lower() not in ("delivery-status", "global-delivery-status"):
            continue
        status_text = ""
        original_id: str | None = None
        for part in report.walk():
            ctype = part.get_content_type()
            if ctype in ("message/delivery-status", "message/global-delivery-status"):
                payload = part.get_payload()
                if isinstance(payload, list):
                    status_text = "\n".join(str(p) for p in payload)
                else:
                    raw = part.get_payload(decode=True) or b""
                    status_text = raw.decode("utf-8", errors="replace")
            elif ctype in ("message/rfc822", "message/global"):
                inner = part.get_payload()
                if isinstance(inner, list) and inner:
                    original_id = next(iter(_ids(str(inner[0].get("Message-ID", "")))), None)
            elif ctype in ("text/rfc822-headers", "message/global-headers"):
                raw = part.get_payload(decode=True) or b""
                headers = email.message_from_bytes(raw, policy=email.policy.compat32)
                original_id = next(iter(_ids(str(headers.get("Message-ID", "")))), None)
        fields = _dsn_fields(status_text)
        action = fields.get("action", "failed").lower()
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if recipient and ";" in recipient:
            recipient = recipient.split(";", 1)[1].strip()
        return Bounce(
            bounced_message_id=original_id or _bounced_id_in_text(text),
            recipient=(recipient or None),
            status=fields.get("status"),
            diagnostic=fields.get("diagnostic-code"),
            failed=action in ("failed", ""),
        )
    if automatic_sender:  # a bounce in plain text (qmail, old Exchange)
        bounced = _bounced_id_in_text(text)
        if bounced is not None or re.search(r"(?i)(undeliverable|unzustellbar|niet (be)?zorgd|could not be delivered|"
                                            r"delivery (has )?failed|mailbox unavailable|user unknown)", text):
            status = re.search(r"\b([245]\.\d{1,3}\.\d{1,3})\b", text)
            return Bounce(bounced, None, status.group(1) if status else None, None, True)
    return None


def _bounced_id_in_text(text: str) -> str | None:
    match = re.search(r"(?im)^\s*Message-ID:\s*<([^<>\s]+@[^<>\s]+)>", text)
    return match.group(1) if match else None


# ---------------------------------------------------------------------------------------
# the whole mail
# ---------------------------------------------------------------------------------------

def synthetic_message_id(raw: bytes) -> str:
    """A stable stand-in for a mail without Message-ID: the same mail, the same id — also
    when a mail server stored it with other line ends (IMAP hands out CRLF) or replaced
    NUL bytes, which no mail may contain (Dovecot writes 0x80)."""
    normal = raw.translate(None, b"\r\x00\x80").rstrip()
    return hashlib.sha256(normal).hexdigest()[:40] + "@klachtdesk.invalid"


def subject_numbers(subject: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"KL-{m.group(1)}-{int(m.group(2)):06d}" for m in NUMBER_IN_SUBJECT.finditer(subject)))


def parse(raw: bytes) -> ParsedMail:
    """Parse one mail. ``MailParseError`` when the bytes are no mail at all."""
    if not raw or not raw.strip():
        raise MailParseError("Het bericht is leeg.")
    head = raw[:4096].replace(b"\r\n", b"\n")
    first_line = head.split(b"\n", 1)[0]
    if b":" not in first_line and not first_line.startswith(b"From "):
        raise MailParseError("Het bestand begint niet met kopregels; het is geen e-mailbericht.")
    try:
        message: EmailMessage = email.message_from_bytes(raw, policy=_policy())  # type: ignore[assignment]
        return _parse_message(message, raw)
    except MailParseError:
        raise
    except Exception as error:  # noqa: BLE001 - a mail that breaks the parser goes to the quarantine
        raise MailParseError(f"Het bericht is onleesbaar ({type(error).__name__}: {error}).") from None


def _parse_message(message: EmailMessage, raw: bytes) -> ParsedMail:
    ids = _ids(_header(message, "Message-ID"))
    has_id = bool(ids)
    message_id = ids[0] if ids else synthetic_message_id(raw)
    senders = _addresses(message, "From")
    if not senders:
        sender_header = _header(message, "From") or _header(message, "Sender")
        name, address = parseaddr(sender_header)
        senders = [(name, address.lower())] if "@" in address else []
    from_name, from_address = senders[0] if senders else ("", "")
    reply_to = next((a for _, a in _addresses(message, "Reply-To")), "")
    recipients = tuple(dict.fromkeys(
        a for _, a in _addresses(message, "To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    ))
    subject = _header(message, "Subject")[:1000]
    try:
        sent = parsedate_to_datetime(_header(message, "Date")) if _header(message, "Date") else None
    except (TypeError, ValueError, IndexError):
        sent = None
    plain, html, attachments, repaired, reports = _walk(message)
    from_html = not plain.strip() and bool(html.strip())
    text = html_to_text(html) if from_html else plain
    text = _strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "\n[… ingekort door klachtdesk]"

    # -- automatic? ----------------------------------------------------------------------
    local_part = from_address.partition("@")[0]
    auto_submitted = _header(message, "Auto-Submitted").lower()
    precedence = _header(message, "Precedence").lower()
    return_path = message.get("Return-Path")
    reasons: list[str] = []
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        reasons.append(f"Auto-Submitted: {auto_submitted}")
    if precedence in BULK_PRECEDENCE:
        reasons.append(f"Precedence: {precedence}")
    if message.get("List-Id") is not None or message.get("List-Unsubscribe") is not None:
        reasons.append("mailinglijst (List-Id/List-Unsubscribe)")
    if message.get("X-Autoreply") is not None or message.get("X-Autorespond") is not None:
        reasons.append("X-Autoreply")
    automatic_sender = local_part in AUTOMATIC_SENDERS
    if automatic_sender:
        reasons.append(f"afzender {local_part}")
    if return_path is not None and str(return_path).strip() in ("<>", ""):
        reasons.append("lege Return-Path")
    bounce = _parse_bounce(message, reports, text, automatic_sender or bool(reports))
    if bounce is not None and not reasons:
        reasons.append("afleveringsrapport")
    out_of_office = bounce is None and (
        auto_submitted.startswith("auto-replied") or message.get("X-Autoreply") is not None
        or bool(OUT_OF_OFFICE_SUBJECT.match(REPLY_PREFIX.sub("", subject)))
        or bool(OUT_OF_OFFICE_SUBJECT.match(subject))
    )
    if out_of_office and not reasons:
        reasons.append("afwezigheidsbericht (onderwerp)")
    automatic = "; ".join(reasons) or None
    suppress = automatic
    if suppress is None and message.get("X-Auto-Response-Suppress") is not None:
        suppress = f"X-Auto-Response-Suppress: {_header(message, 'X-Auto-Response-Suppress')}"

    return ParsedMail(
        message_id=message_id[:250],
        has_message_id=has_id,
        from_name=from_name.strip().strip('"')[:200],
        from_address=from_address[:254],
        reply_to=reply_to[:254],
        recipients=recipients,
        subject=subject,
        date=sent,
        in_reply_to=_ids(_header(message, "In-Reply-To")),
        references=_ids(_header(message, "References")),
        text=text.strip(),
        from_html=from_html,
        attachments=tuple(attachments),
        automatic=automatic,
        no_auto_answer=suppress,
        out_of_office=out_of_office,
        bounce=bounce,
        subject_numbers=subject_numbers(subject),
        forwarded=bool(FORWARD_PREFIX.match(subject)),
        repaired_charset=repaired,
    )


# ---------------------------------------------------------------------------------------
# quoted text
# ---------------------------------------------------------------------------------------

#: the line the desk puts above its messages; a reply's text ends there
REPLY_ABOVE_MARKER = "## Schrijf uw antwoord boven deze regel ##"
#: reply headers of Dutch and English mail programs, in case the library misses one
_QUOTE_HEADER = re.compile(
    r"(?im)^(\s*(op|on)\b.{0,120}\b(schreef|wrote|heeft .{0,40}geschreven)\b.{0,80}:?\s*$|"
    r"\s*-{2,}\s*(oorspronkelijk bericht|original message|doorgestuurd bericht|forwarded message)\s*-{2,}|"
    r"\s*(van|from)\s*:\s*.+\n\s*(verzonden|sent|datum|date)\s*:)"
)


def fold_quoted(text: str) -> str:
    """The new text of a reply, without the quoted mail below it (the original is kept
    elsewhere). Cuts at the desk's reply-above marker, then lets ``mail-parser-reply``
    (which knows Dutch and English reply headers) find the quote."""
    from mailparser_reply import EmailReplyParser  # deferred for start-up time: only replies need it

    marker = text.find(REPLY_ABOVE_MARKER)
    if marker >= 0:
        text = text[:marker]
        # the mail program's "Op … schreef" line just above the marker
        text = _QUOTE_HEADER.split(text)[0] if _QUOTE_HEADER.search(text) else text
    try:
        replies = EmailReplyParser(languages=["nl", "en", "de"]).read(text).replies
    except Exception:  # noqa: BLE001 - the library failing must not lose the text
        replies = []
    folded = replies[0].body if replies else text
    if replies and replies[0].signatures:
        signature = replies[0].signatures
        match = _QUOTE_HEADER.search(signature)
        quoted = re.search(r"(?m)^>", signature)
        cut = min(m.start() for m in (match, quoted) if m is not None) if (match or quoted) else len(signature)
        folded = (folded + "\n\n" + signature[:cut]).strip()
    match = _QUOTE_HEADER.search(folded)
    if match is not None and match.start() > 0:
        folded = folded[: match.start()]
    folded = "\n".join(line for line in folded.split("\n") if not line.startswith(">")).strip()
    return folded or text.strip()
