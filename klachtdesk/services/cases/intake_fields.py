"""Which fields each kind of case asks for at intake, and their order: one table.

The registration screen, the form's values (``intake_form``), the validation
(``complaints.validate_registration``), the web form and the mail intake all take the
fields of a kind and their order from here; a kind that should ask for one more field
changes one row. The order is that of a phone conversation, which every form follows;
the first faulty field of a form is the first in this order.
"""

from __future__ import annotations

from klachtdesk.models.enums import ComplaintKind

_EVERY = frozenset(ComplaintKind)
_COMPLAINT = frozenset({ComplaintKind.COMPLAINT})
_INVOICE = frozenset({ComplaintKind.INVOICE_QUESTION})
_ACCOUNT = frozenset({ComplaintKind.ACCOUNT_QUESTION})

#: (field, the kinds that ask for it), in the order of the form (the seed procedure's lists)
INTAKE_FIELDS: tuple[tuple[str, frozenset[ComplaintKind]], ...] = (
    ("kind", _EVERY),
    ("channel", _EVERY),
    ("name", _EVERY),
    ("phone", _EVERY),
    ("email", _EVERY),
    # the klager's postal address (``address.street`` …, ``people.postal``): optional, for letters by post
    ("address", _EVERY),
    ("incident_date", _COMPLAINT),
    ("service_type", _EVERY),
    ("category", _COMPLAINT),
    ("invoice_number", _INVOICE),
    # asked of every kind (a factuurvraag: what the question is, optional), but not common: its label and
    # whether it is required differ per kind — hence "is _EVERY" below, never "=="
    ("description", _COMPLAINT | _INVOICE | _ACCOUNT),
    ("involved", _COMPLAINT),
    ("discussed_first", _COMPLAINT),
    ("remedy_sought", _COMPLAINT),
    ("received_at", _EVERY),
)

#: every field of the intake, in the order of the form
FIELD_ORDER: tuple[str, ...] = tuple(name for name, _kinds in INTAKE_FIELDS)
#: the fields common to every kind (contact details, service type, channel, receipt)
COMMON_FIELDS: frozenset[str] = frozenset(name for name, kinds in INTAKE_FIELDS if kinds is _EVERY)
#: the fields each kind asks for beyond the common ones (every intake form shows these and no others)
KIND_FIELDS: dict[ComplaintKind, frozenset[str]] = {
    kind: frozenset(name for name, kinds in INTAKE_FIELDS if kind in kinds and kinds is not _EVERY)
    for kind in ComplaintKind
}


def fields_of(kind: ComplaintKind) -> tuple[str, ...]:
    """Every field the kind asks for, common ones included, in the order of the form."""
    return tuple(name for name, kinds in INTAKE_FIELDS if kind in kinds)


def asks_for(kind: ComplaintKind, field: str) -> bool:
    """Whether the kind asks for the field (``involved.2.name`` counts as ``involved``)."""
    return field.split(".", 1)[0] in fields_of(kind)


def position(field: str | None) -> int:
    """Where a field (or ``involved.2.name``) stands in the form; unknown fields last."""
    base = (field or "").split(".", 1)[0]
    return FIELD_ORDER.index(base) if base in FIELD_ORDER else len(FIELD_ORDER)
