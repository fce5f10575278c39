"""What the procedure asks a mail to contain, taken from the mail where it can be found.

The seed asks a complaint mail for contact details (name, phone, e-mail), the date of
the incident, the type of service, a description and the persons involved; an invoice
question for the invoice number. ``derive`` finds each in a parsed mail and says which
it found; the registration form shows them as derived until a person checked them.
Pure functions, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import phonenumbers

from klachtdesk.services.people.contact_details import DEFAULT_REGION
from klachtdesk.services.time.date_grammar import (
    MONTH_PATTERN,
    PAST,
    RELATIVE_DAYS,
    WEEKDAY_PATTERN,
    WEEKDAYS,
    month_number,
    resolve_day,
    weekday_day,
)

#: ``Label: value`` lines as people copy them from the procedure page
_LABELS = {
    "name": r"naam|name",
    "phone": r"telefoon(nummer)?|tel\.?|mobiel|phone",
    "email": r"e-?mail(adres)?",
    "incident_date": r"datum( van( het)?)? voorval|datum incident|datum|date of (the )?incident|wanneer",
    "service_type": r"type dienstverlening|dienstverlening|dienst|type of service|service",
    "invoice_number": r"factuurnummer|factuur ?nr\.?|factuur|invoice( number| no\.?)?",
    "involved": r"betrokken personen|betrokkene\(?n\)?|betrokkenen|persons involved|involved",
}
_INVOICE = re.compile(
    r"(?i)\b(?:factuurnummer|factuur\s*(?:nr|nummer)\.?|factuur|invoice(?:\s*(?:number|no\.?|nr\.?))?)\s*[:#]?\s*"
    r"([A-Z]{0,5}[-/]?\d[\dA-Z\-/.]{2,30}\d)"
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD_DATE = re.compile(rf"(?i)\b(\d{{1,2}})\s+({MONTH_PATTERN})\.?(?:\s+(\d{{4}}))?\b")
_WEEKDAY_DATE = re.compile(rf"(?i)\b(afgelopen|vorige|jongstleden|j\.l\.)\s+({WEEKDAY_PATTERN})\b"
                           rf"|\b({WEEKDAY_PATTERN})\s+(jl\.?|j\.l\.|jongstleden|afgelopen)")
_RELATIVE_DATE = re.compile(r"(?i)\b(eergisteren|gisteren|vandaag)\b")


@dataclass
class Derived:
    """Values found in a mail; ``found`` names the fields that were found."""

    name: str = ""
    email: str = ""
    phone: str = ""
    service_type: str = ""
    invoice_number: str = ""
    incident_date: date | None = None
    involved: list[str] = field(default_factory=list)
    found: set[str] = field(default_factory=set)


def _labelled(text: str, key: str) -> str | None:
    pattern = re.compile(rf"(?im)^[ \t*•\-–]*(?:{_LABELS[key]})[ \t]*[:=][ \t]*(?P<value>\S.*)$")
    match = pattern.search(text)
    return match.group("value").strip() if match else None


def find_phone(text: str) -> str:
    """The first valid phone number in the text (``phonenumbers``' matcher), E.164."""
    for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION, leniency=phonenumbers.Leniency.VALID):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return ""


def find_service_type(text: str, service_types: tuple[str, ...] | list[str]) -> str:
    """The organisation's service type the mail names: a labelled line first, else the
    first one mentioned. Names are matched whole, also by their part before brackets
    and the words inside them ("Diagnostiek (ECG, spirometrie)" by "ECG")."""
    labelled = _labelled(text, "service_type")
    for source in ([labelled] if labelled else []) + [text]:
        lowered = source.lower()
        best: tuple[int, str] | None = None
        for service in service_types:
            keys = {service.lower()}
            head, _, inner = service.partition("(")
            keys.add(head.strip().lower())
            keys.update(word.strip().lower() for word in inner.rstrip(")").split(",") if len(word.strip()) >= 3)
            for key in keys:
                if not key:
                    continue
                match = re.search(rf"(?<!\w){re.escape(key)}(?!\w)", lowered)
                if match and (best is None or match.start() < best[0]):
                    best = (match.start(), service)
        if best is not None:
            return best[1]
    return ""


def find_invoice_number(text: str) -> str:
    labelled = _labelled(text, "invoice_number")
    if labelled:
        match = re.search(r"[A-Z]{0,5}[-/]?\d[\dA-Z\-/.]{2,30}\d", labelled, re.IGNORECASE)
        if match:
            return match.group(0)[:64]
    match = _INVOICE.search(text)
    return match.group(1)[:64] if match else ""


def _day(year: int | None, month: int, day: int, received: date) -> date | None:
    try:
        result = resolve_day(year, month, day, received, PAST)
    except (ValueError, OverflowError):
        return None
    return result if result <= received else None


def find_incident_date(text: str, received: date) -> date | None:
    """The date of the incident: a labelled line first, else the first date the text
    names that is not after the receipt (Dutch words: "12 oktober", "afgelopen dinsdag",
    "gisteren"; numeric 12-10-2026 and 2026-10-12), read with the tables and the day
    rules of the one date grammar (``services.time.date_grammar``), looking back."""
    labelled = _labelled(text, "incident_date")
    for source in ([labelled] if labelled else []) + [text]:
        candidates: list[tuple[int, date]] = []
        for match in _ISO_DATE.finditer(source):
            found = _day(int(match.group(1)), int(match.group(2)), int(match.group(3)), received)
            if found:
                candidates.append((match.start(), found))
        for match in _NUMERIC_DATE.finditer(source):
            found = _day(int(match.group(3)), int(match.group(2)), int(match.group(1)), received)
            if found:
                candidates.append((match.start(), found))
        for match in _WORD_DATE.finditer(source):
            year = int(match.group(3)) if match.group(3) else None
            month = month_number(match.group(2))
            found = _day(year, month, int(match.group(1)), received) if month else None
            if found:
                candidates.append((match.start(), found))
        for match in _WEEKDAY_DATE.finditer(source):
            weekday = WEEKDAYS[(match.group(2) or match.group(3)).lower()]  # "afgelopen dinsdag": not today
            candidates.append((match.start(), weekday_day(weekday, received, PAST, today_counts=False)))
        for match in _RELATIVE_DATE.finditer(source):
            candidates.append((match.start(), received + timedelta(days=RELATIVE_DAYS[match.group(1).lower()])))
        if candidates:
            return min(candidates)[1]
    return None


def find_involved(text: str) -> list[str]:
    """The persons a ``Betrokken personen: …`` line names."""
    labelled = _labelled(text, "involved")
    if not labelled:
        return []
    parts = re.split(r"\s*(?:,|;|\ben\b|\band\b|/)\s*", labelled)
    names = [p.strip(" .") for p in parts if p.strip(" .")]
    return [n[:200] for n in names if not re.fullmatch(r"(?i)geen|n\.?v\.?t\.?|-|onbekend", n)][:10]


def derive(mail_text: str, from_name: str, answer_address: str, received: date,
           service_types: tuple[str, ...] | list[str], desk_addresses: frozenset[str] = frozenset(),
           *, complaint: bool = True) -> Derived:
    """Every field the seed asks for, from the text and the headers. The date of the
    incident and the persons involved only for a complaint (the seed asks them there)."""
    result = Derived()
    labelled_name = _labelled(mail_text, "name")
    name = (labelled_name or from_name or "").strip()
    if name and "@" not in name:
        result.name = name[:200]
        result.found.add("name")
    if answer_address and answer_address not in desk_addresses:
        result.email = answer_address
        result.found.add("email")
    labelled_phone = _labelled(mail_text, "phone")
    phone = find_phone(labelled_phone) if labelled_phone else ""
    phone = phone or find_phone(mail_text)
    if phone:
        result.phone = phone
        result.found.add("phone")
    if service := find_service_type(mail_text, service_types):
        result.service_type = service
        result.found.add("service_type")
    if invoice := find_invoice_number(mail_text):
        result.invoice_number = invoice
        result.found.add("invoice_number")
    if not complaint:
        return result
    if (incident := find_incident_date(mail_text, received)) is not None:
        result.incident_date = incident
        result.found.add("incident_date")
    if involved := find_involved(mail_text):
        result.involved = involved
        result.found.add("involved")
    return result
