"""The details a person has, as one table: which fields, their Dutch names, how each is
checked and stored, and how it is shown.

``PERSON_FIELDS`` is the one place the klager profile (its view, its edit dialog, the
history lines of an edit) reads a person's fields from: a field added to ``Person``
(a postal address) is one row here, and shows up in the profile and its dialog
without a change to the screen. A rule over several fields (an address is all its
parts or none) is one entry of ``WHOLE_CHECKS``. On PostgreSQL the column also needs
its grant (``core/access.py``: ``HANDLE`` updates ``person``'s columns by name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from klachtdesk.errors import ValidationError
from klachtdesk.services import limits
from klachtdesk.services.people import postal
from klachtdesk.services.people.contact_details import display_phone, normalise_email, normalise_phone


def _text(value: str, field: str) -> str | None:
    """A plain text field: cleaned and bounded by its row of ``limits.FIELD_LIMITS``."""
    return limits.clean_optional(value, field)


def _shown(stored: str | None) -> str:
    return stored or ""


def _postcode(value: str, field: str) -> str | None:
    """A Dutch postcode in its stored form (``1234 AB``); one from abroad as typed (whether
    the land asks for a Dutch one is the address check's, ``WHOLE_CHECKS``)."""
    try:
        return postal.normalise_postcode(value, field)
    except ValidationError:
        return value


def _country(value: str, field: str) -> str | None:
    """None for the Netherlands (as ``postal`` stores it), the land as typed otherwise."""
    return None if postal.is_netherlands(value) else value


def _whole_address(values: Mapping[str, str | None]) -> list[ValidationError]:
    """The postal address as a whole (``postal.check_address``), its errors at the profile's fields."""
    _, errors = postal.check_address(*(values.get(part) for part in postal.PARTS))
    return [ValidationError(str(error), field=(error.field or "").removeprefix(postal.GROUP + ".") or None)
            for error in errors]


@dataclass(frozen=True)
class PersonField:
    """One detail of a person.

    ``name`` is the attribute of ``models.Person`` (and the field name of a form and of a
    ``ValidationError``); ``limit`` its row of ``limits.FIELD_LIMITS``; ``normalise`` turns
    what a person typed into what is stored (raising a Dutch ``ValidationError`` naming
    the field), ``display`` what is stored into what is shown and put back in a form;
    ``searchable``: the case search finds a case by it (``search_text``)."""

    name: str
    label: str
    limit: str
    normalise: Callable[[str, str], str | None] = _text
    display: Callable[[str | None], str] = _shown
    required: bool = False
    placeholder: str = ""
    multiline: bool = False
    searchable: bool = False

    def clean(self, raw: str | None) -> str | None:
        """What is stored for ``raw``: cleaned (control characters, length), then normalised."""
        text = limits.clean_text(raw, self.limit, form_field=self.name)
        value = self.normalise(text, self.name) if text else None
        if value is None and self.required:
            raise ValidationError(f"{self.label.capitalize()} is verplicht.", field=self.name)
        return value


PERSON_FIELDS: tuple[PersonField, ...] = (
    PersonField("name", "naam", "name", required=True, searchable=True),
    PersonField("phone", "telefoon", "phone", normalise_phone, display_phone, placeholder="06 12345678",
                searchable=True),
    PersonField("email", "e-mail", "email", normalise_email, placeholder="naam@voorbeeld.nl", searchable=True),
    PersonField("organisation", "organisatie", "organisation", placeholder="optioneel"),
    # the postal address (``people.postal``): all parts or none, checked as a whole below
    PersonField("street", "straat en huisnummer", "street", placeholder="Dorpsstraat 12"),
    PersonField("postcode", "postcode", "postcode", _postcode, placeholder="1234 AB"),
    PersonField("city", "plaats", "city"),
    PersonField("country", "land", "country", _country, placeholder="leeg: Nederland"),
)

FIELDS_BY_NAME: dict[str, PersonField] = {f.name: f for f in PERSON_FIELDS}

#: checks of a person's details as a whole, after each field is cleaned (a postal address:
#: all parts or none, the postcode by the land): each takes every stored field as it would
#: be after the change and returns the field errors
WHOLE_CHECKS: tuple[Callable[[Mapping[str, str | None]], list[ValidationError]], ...] = (_whole_address,)


def check_whole(values: Mapping[str, str | None]) -> list[ValidationError]:
    """Every error of ``WHOLE_CHECKS`` for the details as they would be stored."""
    return [error for check in WHOLE_CHECKS for error in check(values)]


def field(name: str) -> PersonField:
    """The row of ``name``; a Dutch ``ValidationError`` for a field a person does not have."""
    found = FIELDS_BY_NAME.get(name)
    if found is None:
        raise ValidationError(f"Een persoon heeft geen gegeven '{limits.fit_text(name, 'name')}'.")
    return found


def stored_values(person: Any) -> dict[str, str | None]:
    """The stored value of every field of a ``Person`` row (or any object with those attributes)."""
    return {f.name: getattr(person, f.name) for f in PERSON_FIELDS}


def shown_values(stored: Mapping[str, str | None]) -> dict[str, str]:
    """What every field shows (and what a form is filled with)."""
    return {f.name: f.display(stored.get(f.name)) for f in PERSON_FIELDS}


def clean_changes(typed: Mapping[str, str | None]) -> tuple[dict[str, str | None], list[ValidationError]]:
    """The stored form of every typed field, and every field error (in the table's order)."""
    cleaned: dict[str, str | None] = {}
    errors: list[ValidationError] = []
    for name in typed:
        field(name)  # an unknown field is refused at once
    for row in PERSON_FIELDS:
        if row.name not in typed:
            continue
        try:
            cleaned[row.name] = row.clean(typed[row.name])
        except ValidationError as error:
            errors.append(error)
    return cleaned, errors


__all__ = ["FIELDS_BY_NAME", "PERSON_FIELDS", "WHOLE_CHECKS", "PersonField", "check_whole", "clean_changes", "field",
           "shown_values", "stored_values"]
