"""The registration form's values (as kept in a draft, or posted by the web form) turned
into a ``RegistrationInput``, and the moments of the form as people type and read them.

No Textual: the registration screen (through ``klachtdesk.widgets.intake_parsing``), the
web form, the tests and the fuzz tests call these directly. Every helper raises only
``ValidationError`` (with the form's field name) on bad input. The dates are read by the
one Dutch grammar (``klachtdesk.services.time.date_grammar``), looking back: an
incident and a receipt lie in the past.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from klachtdesk.clock import local
from klachtdesk.errors import ValidationError
from klachtdesk.models.enums import Acceptance, Channel, ComplaintKind, PartyRole
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput, validate_registration
from klachtdesk.services.cases.intake_fields import KIND_FIELDS, position
from klachtdesk.services.core.context import Context
from klachtdesk.services.people.known_caller import DETAILS as KNOWN_DETAILS
from klachtdesk.services.time import date_grammar
from klachtdesk.services.time.date_grammar import DAY_EXAMPLE, EARLIEST_YEAR, MOMENT_EXAMPLE
from klachtdesk.services.time.dutch import format_datetime

__all__ = [
    "ADDRESS_FIELDS", "DAY_EXAMPLE", "DISCUSSED", "EARLIEST_YEAR", "FORM_VERSION", "INVOLVED_FIELDS", "MOMENT_EXAMPLE", "ROLES",
    "TEXT_FIELDS", "check_form", "describe_moment", "empty_involved", "empty_values", "format_moment",
    "has_input", "parse_day", "parse_moment", "registration_input", "sanitise_values", "sort_errors",
]

# ---------------------------------------------------------------------------------------
# dates and times
# ---------------------------------------------------------------------------------------


def parse_moment(text: str, now: datetime, field: str = "received_at") -> datetime | None:
    """A moment typed in Dutch (Amsterdam time) — None for empty input (meaning "now").

    A day without a time is the start of that day; a day without a year the most recent."""
    return date_grammar.parse_moment(text, now, direction=date_grammar.PAST, field=field)


def parse_day(text: str, today: date, field: str = "incident_date") -> date | None:
    """A calendar day typed in Dutch (the most recent one) — None for empty input. A time, if given, is ignored."""
    return date_grammar.parse_day(text, today, direction=date_grammar.PAST, field=field)


def format_moment(moment: datetime) -> str:
    """``23-11-2026 10:00`` (Amsterdam time): how the form shows a moment."""
    return f"{local(moment):%d-%m-%Y %H:%M}"


def describe_moment(moment: datetime, today: date) -> str:
    """``vandaag om 10:02``, ``gisteren om 18:40``, else ``20 nov 2026 18:40``."""
    here = local(moment)
    if here.date() == today:
        return f"vandaag om {here:%H:%M}"
    if here.date() == today - timedelta(days=1):
        return f"gisteren om {here:%H:%M}"
    return format_datetime(moment)


# ---------------------------------------------------------------------------------------
# form values (the draft's JSON) -> RegistrationInput
# ---------------------------------------------------------------------------------------

FORM_VERSION = 1
ROLES = (PartyRole.RESPONDENT, PartyRole.INVOLVED)
DISCUSSED = {Acceptance.YES.value: True, Acceptance.NO.value: False, Acceptance.UNKNOWN.value: None}
#: the parts of the klager's postal address (the form's ``address`` group)
ADDRESS_FIELDS = ("street", "postcode", "city", "country")
TEXT_FIELDS = ("name", "phone", "email", *ADDRESS_FIELDS, "incident_date", "service_type", "category", "description",
               "remedy_sought", "invoice_number", "received_at")
INVOLVED_FIELDS = ("name", "phone", "email", "note")


def empty_involved(role: PartyRole = PartyRole.INVOLVED) -> dict[str, Any]:
    return {"name": "", "role": role.value, "phone": "", "email": "", "note": ""}


def empty_values(now: datetime) -> dict[str, Any]:
    """The values of a new, untouched form (receipt: now)."""
    values: dict[str, Any] = {field: "" for field in TEXT_FIELDS}
    values.update({
        "version": FORM_VERSION,
        "kind": ComplaintKind.COMPLAINT.value,
        "channel": Channel.PHONE.value,
        "person_id": None,
        "person_seen": None,
        "involved": [],
        "discussed_first": Acceptance.UNKNOWN.value,
        "received_at": format_moment(now),
    })
    return values


def _choice(enum: Any, value: Any, default: Any) -> Any:
    try:
        return enum(value)
    except (ValueError, TypeError):
        return default


def sanitise_values(data: Any, now: datetime) -> dict[str, Any]:
    """Form values from a stored draft, whatever it holds: unknown keys dropped, wrong
    types replaced by the defaults. Never raises."""
    values = empty_values(now)
    if not isinstance(data, Mapping):
        return values
    for field in TEXT_FIELDS:
        if isinstance(data.get(field), str):
            values[field] = data[field]
    values["kind"] = _choice(ComplaintKind, data.get("kind"), ComplaintKind.COMPLAINT).value
    values["channel"] = _choice(Channel, data.get("channel"), Channel.PHONE).value
    discussed = data.get("discussed_first")
    values["discussed_first"] = discussed if discussed in DISCUSSED else Acceptance.UNKNOWN.value
    person_id = data.get("person_id")
    values["person_id"] = person_id if isinstance(person_id, int) and not isinstance(person_id, bool) else None
    seen = data.get("person_seen")
    if values["person_id"] is not None and isinstance(seen, Mapping):
        values["person_seen"] = {name: value if isinstance(value, str) and value else None
                                 for name, value in seen.items() if name in KNOWN_DETAILS}
    rows = data.get("involved")
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, Mapping):
            continue
        clean = empty_involved()
        for field in INVOLVED_FIELDS:
            if isinstance(row.get(field), str):
                clean[field] = row[field]
        role = _choice(PartyRole, row.get("role"), PartyRole.INVOLVED)
        clean["role"] = (role if role in ROLES else PartyRole.INVOLVED).value
        values["involved"].append(clean)
    return values


def has_input(values: Mapping[str, Any]) -> bool:
    """Whether the user typed or chose anything beyond the defaults (the receipt
    moment and the preselected kind and channel do not count)."""
    for field in TEXT_FIELDS:
        if field != "received_at" and str(values.get(field) or "").strip():
            return True
    if values.get("person_id") is not None:
        return True
    if values.get("discussed_first") not in (None, Acceptance.UNKNOWN.value):
        return True
    for row in values.get("involved") or []:
        if any(str(row.get(f) or "").strip() for f in INVOLVED_FIELDS):
            return True
    return bool(values.get("involved"))


def registration_input(values: Mapping[str, Any], now: datetime) -> tuple[RegistrationInput, list[ValidationError]]:
    """The ``RegistrationInput`` the form's values stand for, and the parse errors of its
    date fields. Fields the kind does not ask for are left out."""
    values = sanitise_values(values, now)
    errors: list[ValidationError] = []
    kind = ComplaintKind(values["kind"])
    received_at = None
    try:
        received_at = parse_moment(values["received_at"], now, "received_at")
    except ValidationError as error:
        errors.append(error)
    data = RegistrationInput(
        kind=kind,
        channel=Channel(values["channel"]),
        received_at=received_at,
        complainant=PersonInput(name=values["name"], phone=values["phone"], email=values["email"],
                                person_id=values["person_id"],
                                seen=tuple(sorted(values["person_seen"].items())) if values["person_seen"] is not None
                                else None,
                                **{part: values[part] for part in ADDRESS_FIELDS}),
        service_type=values["service_type"],
    )
    asked = KIND_FIELDS[kind]  # fields the kind does not ask for are left out
    if "incident_date" in asked:
        try:
            data.incident_date = parse_day(values["incident_date"], local(now).date(), "incident_date")
        except ValidationError as error:
            errors.append(error)
    for name in ("category", "description", "remedy_sought", "invoice_number"):
        if name in asked:
            setattr(data, name, values[name])
    if "discussed_first" in asked:
        data.discussed_first = DISCUSSED[values["discussed_first"]]
    if "involved" in asked:
        data.involved = [
            PersonInput(name=row["name"], phone=row["phone"], email=row["email"], note=row["note"],
                        role=PartyRole(row["role"]))
            for row in values["involved"]
        ]
    return data, errors


def sort_errors(errors: list[ValidationError]) -> list[ValidationError]:
    """Errors in the order of the form (``intake_fields.FIELD_ORDER``); rows of a group in row order."""
    def key(error: ValidationError) -> tuple[int, int]:
        parts = (error.field or "").split(".")
        row = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        return position(error.field), row
    return sorted(errors, key=key)


def check_form(context: Context, values: Mapping[str, Any]) -> tuple[RegistrationInput, list[ValidationError]]:
    """Parse and validate the form's values: the cleaned input and every field error,
    in form order (the service's rules, ``complaints.validate_registration``)."""
    data, parse_errors = registration_input(values, context.now())
    cleaned, errors = validate_registration(context, data)
    return cleaned, sort_errors(parse_errors + errors)
