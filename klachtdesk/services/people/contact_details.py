"""Phone numbers and e-mail addresses: validated, stored normalised, shown Dutch-style.

Phone numbers go through ``phonenumbers`` (region NL by default) and are stored in
E.164; e-mail addresses through ``email-validator`` without any network look-up.
"""

from __future__ import annotations

from functools import cache

import re
import unicodedata

import phonenumbers
from publicsuffixlist import PublicSuffixList

from klachtdesk.errors import ValidationError

DEFAULT_REGION = "NL"


def normalise_phone(raw: str, field: str = "telefoon") -> str | None:
    """E.164 for a Dutch or international number; None for an empty value."""
    value = (raw or "").strip()
    if not value:
        return None
    if value.startswith("00"):
        value = "+" + value[2:]
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"'{raw.strip()}' is geen telefoonnummer.", field=field) from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(
            f"'{raw.strip()}' heeft niet het juiste aantal cijfers voor een telefoonnummer.", field=field
        )
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"'{raw.strip()}' is geen bestaand telefoonnummer.", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """National format for Dutch numbers (``06 12345678``), international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 31:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_search_forms(e164: str | None) -> list[str]:
    """Digit strings a caller may say for this number (``31612345678``, ``0612345678``)."""
    if not e164:
        return []
    digits = e164.lstrip("+")
    forms = [digits]
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
        national = str(number.national_number)
        forms += [national, "0" + national] if number.country_code == 31 else [national]
    except phonenumbers.NumberParseException:
        pass
    return list(dict.fromkeys(forms))


def normalise_email(raw: str, field: str = "email") -> str | None:
    """The normalised address (lower-case domain); None for an empty value."""
    value = (raw or "").strip()
    if not value:
        return None
    # deferred for start-up time: only an address being entered is checked (every command imports this module)
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(f"'{value}' is geen geldig e-mailadres ({_dutch_email_reason(str(error))}).",
                              field=field) from None
    domain = result.ascii_domain
    ending = domain.rsplit(".", 1)[-1]
    if ending not in EXAMPLE_TLDS and _suffixes().publicsuffix(domain) is None:  # the public suffix list, no network
        guess = TLD_TYPOS.get(ending)
        hint = f"; bedoelt u .{guess}?" if guess else ""
        raise ValidationError(f"'{value}' is geen geldig e-mailadres (.{ending} is geen bestaande extensie{hint}).",
                              field=field)
    return result.normalized


#: the endings RFC 2606 keeps for examples and tests (the demo data's addresses)
EXAMPLE_TLDS = frozenset({"example", "test"})
#: domain endings mistyped often, and what was meant
TLD_TYPOS = {"con": "com", "cmo": "com", "ocm": "com", "comm": "com", "cm": "com", "nll": "nl", "nk": "nl",
             "ln": "nl", "ne": "nl", "bee": "be", "orgg": "org", "ogr": "org", "nett": "net"}


@cache
def _suffixes() -> PublicSuffixList:
    """The public suffix list (bundled with the package), built once per process."""
    return PublicSuffixList(accept_unknown=False)


def _dutch_email_reason(reason: str) -> str:
    lowered = reason.lower()
    if "should have a period" in lowered:
        return "na de @ hoort een domein met een extensie, zoals gmail.com of bedrijf.nl"
    if "something after the @" in lowered:
        return "het deel na de @ ontbreekt"
    if "special-use" in lowered or "reserved" in lowered:
        return "het domein na de @ is gereserveerd, geen bestaand adres"
    if "@-sign" in lowered:
        return "er moet precies één @ in staan"
    if "domain" in lowered or "period" in lowered or "dot" in lowered:
        return "het deel na de @ klopt niet"
    if "empty" in lowered or "before the @" in lowered:
        return "het deel vóór de @ ontbreekt"
    return "ongeldige tekens of opbouw"


_NON_WORD = re.compile(r"[^0-9a-z]+")


def search_tokens(*parts: str | None) -> str:
    """Lower-case ASCII words separated by spaces: the one normalisation used for the
    full-text index and for queries, so SQLite FTS5 and PostgreSQL see the same words."""
    text = " ".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(_NON_WORD.split(text)).strip()
