"""Postal addresses: checked, stored normalised, printed as the address block of a letter.

A Dutch address is ``straat en huisnummer``, a postcode ``1234 AB`` and a plaats; an
address abroad names its land, and its postcode is taken as written. The form's field
names are ``address.street``, ``address.postcode``, ``address.city`` and
``address.country`` (one group of ``intake_fields``, as ``involved.2.name``), so a field
error lands at its part. The address is optional: all parts empty is no address; some
parts without the others is an error at the first missing part.

The address block follows PostNL's advice: the postcode, two spaces, the plaats in
capitals; abroad the land on a line of its own, in capitals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from klachtdesk.errors import ValidationError
from klachtdesk.services import limits

#: the ``message.transport`` of a printed letter, to be posted (``correspondence.letters``)
POST = "post"
#: the form's name of the group, and of each part (the ``FIELD_LIMITS`` row is the part's name)
GROUP = "address"
PARTS = ("street", "postcode", "city", "country")

#: what a land typed as the Netherlands looks like (lower case, without accents or dots)
NETHERLANDS = frozenset({"", "nederland", "nl", "nld", "the netherlands", "netherlands", "holland"})
#: a Dutch postcode: four digits (not starting with 0), two letters, optionally a space between
_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")
#: letter pairs PostNL never hands out
_UNUSED_LETTERS = frozenset({"SA", "SD", "SS"})
_HOUSE_NUMBER = re.compile(r"\d")


def field_name(part: str) -> str:
    """``street`` -> ``address.street``: where the form shows an error about the part."""
    return f"{GROUP}.{part}"


def is_netherlands(country: str | None) -> bool:
    """Whether ``country`` (as typed) means the Netherlands; empty counts as the Netherlands."""
    text = unicodedata.normalize("NFKD", country or "")
    plain = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace(".", "").strip()
    return plain in NETHERLANDS


def normalise_postcode(raw: str, field: str = field_name("postcode")) -> str:
    """``1234ab``, ``1234 Ab`` -> ``1234 AB``; a Dutch ``ValidationError`` otherwise."""
    value = (raw or "").strip()
    match = _POSTCODE.match(value)
    if match is None:
        raise ValidationError(f"'{value}' is geen Nederlandse postcode; schrijf vier cijfers en twee letters, "
                              "zoals 1234 AB.", field=field)
    letters = match.group(2).upper()
    if letters in _UNUSED_LETTERS:
        raise ValidationError(f"'{value}' is geen bestaande postcode (de letters {letters} worden niet gebruikt).",
                              field=field)
    return f"{match.group(1)} {letters}"


@dataclass(frozen=True)
class PostalAddress:
    """An address as stored: ``country`` None for the Netherlands."""

    street: str
    postcode: str
    city: str
    country: str | None = None

    @property
    def abroad(self) -> bool:
        return self.country is not None

    def lines(self, name: str = "") -> list[str]:
        """The address block of a letter (the name first, when given)."""
        place = "  ".join(part for part in (self.postcode, self.city.upper()) if part)
        block = [name] if name else []
        block += [self.street, place]
        if self.country:
            block.append(self.country.upper())
        return [line for line in block if line]

    def one_line(self) -> str:
        """``Dorpsstraat 12, 1234 AB Ons Dorp`` (the case screen, a list)."""
        place = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.street, place, self.country or "") if part)


def stored_address(street: str | None, postcode: str | None, city: str | None,
                   country: str | None) -> PostalAddress | None:
    """The address of a stored person (None when they have none)."""
    if not street and not city:
        return None
    return PostalAddress(street or "", postcode or "", city or "", country or None)


def check_address(street: str | None, postcode: str | None, city: str | None, country: str | None
                  ) -> tuple[PostalAddress | None, list[ValidationError]]:
    """The cleaned address (None when every part is empty) and the errors of its parts,
    each at its field (``address.<part>``). Text is bounded and cleaned by ``limits``."""
    errors: list[ValidationError] = []
    given = {"street": street, "postcode": postcode, "city": city, "country": country}
    cleaned: dict[str, str] = {}
    for part, value in given.items():
        try:
            cleaned[part] = limits.clean_text(value, part, form_field=field_name(part))
        except ValidationError as error:
            errors.append(error)
            cleaned[part] = limits.fit_text(value if isinstance(value, str) else "", part)
    if not any(cleaned.values()):
        return None, errors
    dutch = is_netherlands(cleaned["country"])
    if not cleaned["street"]:
        errors.append(ValidationError("Vul straat en huisnummer in (of laat het hele adres leeg).",
                                      field=field_name("street")))
    elif dutch and not _HOUSE_NUMBER.search(cleaned["street"]) and not any(
            e.field == field_name("street") for e in errors):  # one message per part: "te lang" first
        errors.append(ValidationError(f"Bij '{cleaned['street']}' ontbreekt het huisnummer.",
                                      field=field_name("street")))
    if dutch:
        if not cleaned["postcode"]:
            errors.append(ValidationError("Vul de postcode in, zoals 1234 AB.", field=field_name("postcode")))
        elif not any(e.field == field_name("postcode") for e in errors):
            try:
                cleaned["postcode"] = normalise_postcode(cleaned["postcode"])
            except ValidationError as error:
                errors.append(error)
    if not cleaned["city"]:
        errors.append(ValidationError("Vul de plaats in.", field=field_name("city")))
    country = None if dutch else cleaned["country"]
    errors.sort(key=lambda error: PARTS.index((error.field or "").rpartition(".")[2]))  # in the order of the parts
    return PostalAddress(cleaned["street"], cleaned["postcode"], cleaned["city"], country), errors


__all__ = ["GROUP", "NETHERLANDS", "PARTS", "POST", "PostalAddress", "check_address", "field_name", "is_netherlands",
           "normalise_postcode", "stored_address"]
