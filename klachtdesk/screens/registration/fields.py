"""The registration form's fields as a table: their order (a phone conversation), labels
and jump keys, which belong to which kind, what the agent asks per kind, and the
form values of a case registered from a mail (to review in the form)."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding, BindingType

from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import KIND_FIELDS
from klachtdesk.services.procedure.vocabulary import Acceptance, Channel, ComplaintKind
from klachtdesk.widgets.intake_parsing import FORM_VERSION, format_moment

#: (field, label, key): the order of the form, and the keys that jump to each field
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("kind", "Soort", "alt+s"),
    ("channel", "Kanaal", "alt+k"),
    ("name", "Naam", "alt+n"),
    ("phone", "Telefoon", "alt+t"),
    ("email", "E-mail", "alt+e"),
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


def review_values(form: complaints.ReviewForm) -> dict[str, Any]:
    """The form values of a case registered from a mail, to check and complete."""
    data = form.data
    discussed = {True: Acceptance.YES.value, False: Acceptance.NO.value}.get(data.discussed_first,  # type: ignore[arg-type]
                                                                             Acceptance.UNKNOWN.value)
    return {
        "version": FORM_VERSION, "kind": data.kind.value, "channel": data.channel.value,
        "name": data.complainant.name, "phone": data.complainant.phone, "email": data.complainant.email,
        "person_id": None,
        "incident_date": f"{data.incident_date:%d-%m-%Y}" if data.incident_date else "",
        "service_type": data.service_type, "category": data.category, "description": data.description,
        "involved": [{"name": p.name, "role": p.role.value, "phone": p.phone, "email": p.email, "note": p.note}
                     for p in data.involved],
        "discussed_first": discussed, "remedy_sought": data.remedy_sought,
        "invoice_number": data.invoice_number,
        "received_at": format_moment(data.received_at) if data.received_at else "",
    }

__all__ = ["ASK", "CHANNEL_OPTIONS", "DESCRIPTION_LABELS", "DISCUSSED_OPTIONS", "FIELDS", "KEYS", "KIND_FIELDS",
           "KIND_OPTIONS", "LABELS", "OPTIONAL_FIELDS", "jump_bindings", "review_values"]
