"""The registration form's fields as a table: their order (a phone conversation), labels
and jump keys, which belong to which kind, what the agent asks per kind, and the
form values of a case registered from a mail (to review in the form)."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding, BindingType

from klachtdesk.clock import local
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import KIND_FIELDS, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.people.contact_details import display_phone
from klachtdesk.services.time.dutch import describe_receipt, format_date
from klachtdesk.services.procedure.vocabulary import Acceptance, Channel, ComplaintKind
from klachtdesk.widgets.intake_parsing import FORM_VERSION, format_moment

#: (field, label, key): the order of the form, and the keys that jump to each field
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("kind", "Soort", "alt+s"),
    ("channel", "Kanaal", "alt+k"),
    ("name", "Naam", "alt+n"),
    ("phone", "Telefoon", "alt+t"),
    ("email", "E-mail", "alt+e"),
    ("address", "Postadres (voor brieven)", "alt+w"),
    ("incident_date", "Datum voorval", "alt+d"),
    ("service_type", "Type dienstverlening", "alt+y"),
    ("category", "Aard van de klacht", "alt+a"),
    ("invoice_number", "Factuurnummer", "alt+c"),
    ("description", "Omschrijving", "alt+o"),
    ("involved", "Betrokkenen", "alt+r"),
    ("discussed_first", "Eerst besproken met betrokkene(n)?", "alt+p"),
    ("remedy_sought", "Gewenste oplossing", "alt+g"),
    ("received_at", "Ontvangen", "alt+m"),
)
LABELS = {field: label for field, label, _ in FIELDS}
#: the label of a field whose box is too narrow for it (80 columns): still saying what it is
SHORT_LABELS = {
    "address": "Postadres", "incident_date": "Datum", "service_type": "Dienst", "category": "Aard",
    "description": "Omschrijving", "discussed_first": "Besproken?", "remedy_sought": "Oplossing",
}
KEYS = {field: key for field, _, key in FIELDS}

OPTIONAL_FIELDS = frozenset(KIND_FIELDS[ComplaintKind.COMPLAINT] | KIND_FIELDS[ComplaintKind.INVOICE_QUESTION]
                            | KIND_FIELDS[ComplaintKind.ACCOUNT_QUESTION])
DESCRIPTION_LABELS = {
    ComplaintKind.COMPLAINT: "Omschrijving van het voorval of de klacht",
    ComplaintKind.INVOICE_QUESTION: "Wat is de vraag over de factuur",
    ComplaintKind.ACCOUNT_QUESTION: "Omschrijving van de vraag",
}
#: what the agent asks, per kind (the seed procedure's lists)
ASK = {
    ComplaintKind.COMPLAINT: "Vraag naar: contactgegevens, datum van het voorval, type dienstverlening, wat er "
                             "gebeurde, wie erbij betrokken waren, of het al met hen besproken is en wat de klant "
                             "als oplossing wil.",
    ComplaintKind.INVOICE_QUESTION: "Vraag naar: contactgegevens, type dienstverlening, het factuurnummer en wat de "
                                    "vraag over de factuur is.",
    ComplaintKind.ACCOUNT_QUESTION: "Vraag naar: contactgegevens, type dienstverlening en een omschrijving van "
                                    "de vraag.",
}
KIND_OPTIONS = [(kind.value, kind.value) for kind in ComplaintKind]
CHANNEL_OPTIONS = [(channel.value, channel.value) for channel in Channel]
DISCUSSED_OPTIONS = (Acceptance.YES.value, Acceptance.NO.value, Acceptance.UNKNOWN.value)


def jump_bindings() -> list[BindingType]:
    return [
        Binding(key, f"jump('{field}')", f"Naar {label.lower().rstrip('?')}", id=f"registration.jump_{field}",
                show=False, priority=True)
        for field, label, key in FIELDS
    ]


def review_values(form: review.ReviewForm) -> dict[str, Any]:
    """The form values of a case registered from a mail, to check and complete."""
    data = form.data
    discussed = {True: Acceptance.YES.value, False: Acceptance.NO.value}.get(data.discussed_first,  # type: ignore[arg-type]
                                                                             Acceptance.UNKNOWN.value)
    return {
        "version": FORM_VERSION, "kind": data.kind.value, "channel": data.channel.value,
        "name": data.complainant.name, "phone": data.complainant.phone, "email": data.complainant.email,
        "street": data.complainant.street, "postcode": data.complainant.postcode, "city": data.complainant.city,
        "country": data.complainant.country, "person_id": None,
        "incident_date": f"{data.incident_date:%d-%m-%Y}" if data.incident_date else "",
        "service_type": data.service_type, "category": data.category, "description": data.description,
        "involved": [{"name": p.name, "role": p.role.value, "phone": p.phone, "email": p.email, "note": p.note}
                     for p in data.involved],
        "discussed_first": discussed, "remedy_sought": data.remedy_sought,
        "invoice_number": data.invoice_number,
        "received_at": format_moment(data.received_at) if data.received_at else "",
    }

def field_hint(context: Context, field: str, cleaned: RegistrationInput) -> str:
    """What the form shows under a field that is in order: the value as it will be stored,
    the moment of receipt and what it counts as, where a letter goes."""
    person = cleaned.complainant
    if field == "phone" and person.phone:
        return f"✓ {display_phone(person.phone)}"
    if field == "email" and person.email:
        return f"✓ {person.email}"
    if field == "address":
        address = person.address()
        if address is not None:
            return f"✓ {address.one_line()}" + ("" if person.email else " · berichten gaan per brief")
        return "" if person.email else "geen e-mail: met een postadres gaan berichten per brief (alt+w)"
    if field == "incident_date" and cleaned.incident_date is not None:
        return format_date(cleaned.incident_date)
    if field == "received_at":
        moment = cleaned.received_at or context.now()
        here = local(moment)
        text = f"{format_date(here.date())} {here:%H:%M}" + ("" if cleaned.received_at else " (nu)")
        calendar = context.calendars.organisation
        note = describe_receipt(calendar.receipt(moment), calendar)
        return f"{text}; {note}" if note else text
    return ""


__all__ = ["ASK", "CHANNEL_OPTIONS", "DESCRIPTION_LABELS", "DISCUSSED_OPTIONS", "FIELDS", "KEYS", "KIND_FIELDS",
           "KIND_OPTIONS", "LABELS", "OPTIONAL_FIELDS", "SHORT_LABELS", "field_hint", "jump_bindings", "review_values"]
