"""The web form's fields: how each is put to the klager, and the posted form turned
into the intake's input.

Which fields a kind has, and their order, is the intake's table (``intake_fields``), and the
values go through the same parsing and validation as the phone intake
(``registration_input``, then ``webform.intake.check``): the form only words its
questions for a klager instead of a desk employee. Field names are the service's
(``name``, ``involved.2.name``), so a ``ValidationError`` lands at its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from klachtdesk.errors import ValidationError
from klachtdesk.services import limits
from klachtdesk.services.cases.complaints import RegistrationInput
from klachtdesk.services.people import postal
from klachtdesk.services.cases.intake_fields import FIELD_ORDER, KIND_FIELDS
from klachtdesk.services.procedure.vocabulary import Acceptance, Channel, ComplaintKind, PartyRole
from klachtdesk.services.config.webform import AttachmentRules
from klachtdesk.services.cases.intake_form import registration_input, sort_errors

#: how many rows the form offers for the people involved in a klacht
INVOLVED_ROWS = 3
#: the longest value read from a one-line field (the services bound them further)
LINE_MAX = 300

ATTACHMENTS = "bijlagen"


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    hint: str = ""
    control: str = "text"  # text | email | tel | textarea | select | radio | involved | address
    optional: bool = False
    autocomplete: str = ""
    width: str = ""  # a CSS class for the input's width


@dataclass(frozen=True)
class AddressPart:
    """One part of the postal address: its form field is the service's (``address.street``,
    ``postal.field_name``), its length the row of ``limits.FIELD_LIMITS``."""

    part: str  # one of ``postal.PARTS``
    label: str
    autocomplete: str
    hint: str = ""
    optional: bool = False
    width: str = ""
    capitals: bool = False  # a postcode: the phone's keyboard starts in capitals, no spelling check

    @property
    def name(self) -> str:
        return postal.field_name(self.part)

    @property
    def max_chars(self) -> int:
        limit = limits.FIELD_LIMITS[self.part]
        assert isinstance(limit, limits.TextLimit)
        return limit.max_chars


@dataclass(frozen=True)
class KindPage:
    kind: ComplaintKind
    choice: str  # the kind as the klager chooses it
    title: str  # the page's heading
    done: str  # the confirmation's heading
    sections: tuple[tuple[str, tuple[FormField, ...]], ...] = field(default_factory=tuple)


#: the parts of the postal address, in the order of an address block (the rules: ``postal.check_address``)
ADDRESS_PARTS = (
    AddressPart("street", "Straat en huisnummer", "address-line1", "Bijvoorbeeld Dorpsstraat 12 of Kerkweg 3a."),
    AddressPart("postcode", "Postcode", "postal-code", "Bijvoorbeeld 1234 AB.", width="narrow", capitals=True),
    AddressPart("city", "Plaats", "address-level2"),
    AddressPart("country", "Land", "country-name", "Alleen invullen als u buiten Nederland woont.", optional=True),
)
CONTACT = (
    FormField("name", "Uw naam", autocomplete="name"),
    FormField("email", "Uw e-mailadres", "Hierheen sturen wij de ontvangstbevestiging en later, als u dat vraagt, "
              "een link om uw melding te volgen. Hebt u geen e-mailadres? Vul dan uw telefoonnummer of uw "
              "postadres in.",
              control="email", optional=True, autocomplete="email"),
    FormField("phone", "Uw telefoonnummer", "Bijvoorbeeld 06 12345678 of 020 1234567.", control="tel",
              optional=True, autocomplete="tel", width="narrow"),
    FormField(postal.GROUP, "Uw postadres", "Hebt u geen e-mailadres? Dan sturen wij de ontvangstbevestiging en onze "
              "antwoorden per brief naar dit adres. Vul het hele adres in, of laat het helemaal leeg.",
              control="address", optional=True),
)
SERVICE = FormField("service_type", "Over welke dienst gaat het?", control="select")

#: every field a kind may ask for, worded for the klager (asked in the order of ``intake_fields``)
KIND_QUESTIONS: dict[str, FormField] = {
    "incident_date": FormField("incident_date", "Wanneer gebeurde het?",
                               "Bijvoorbeeld 20-11-2026 of 20 november. Weet u het niet precies, laat dit dan leeg.",
                               optional=True, width="narrow"),
    "category": FormField("category", "Waar gaat uw klacht vooral over?", control="select", optional=True),
    "description": FormField("description", "Wat is er gebeurd?",
                             "Beschrijf wat er gebeurde en waarom u ontevreden bent.", control="textarea"),
    "involved": FormField("involved", "Wie waren erbij betrokken?",
                          "De persoon of afdeling over wie uw klacht gaat, en wie er verder bij was.",
                          control="involved", optional=True),
    "discussed_first": FormField("discussed_first", "Hebt u uw klacht al besproken met wie erbij betrokken was?",
                                 control="radio", optional=True),
    "remedy_sought": FormField("remedy_sought", "Wat zou voor u een goede oplossing zijn?", control="textarea",
                               optional=True),
    "invoice_number": FormField("invoice_number", "Het nummer van de factuur",
                                "Het staat bovenaan de factuur, bijvoorbeeld F2026-01234.", width="narrow"),
}
DESCRIPTION_BY_KIND = {
    ComplaintKind.INVOICE_QUESTION: FormField("description", "Wat is uw vraag over de factuur?",
                                              "Bijvoorbeeld een bedrag dat u niet begrijpt of een dubbele afschrijving.",
                                              control="textarea", optional=True),
    ComplaintKind.ACCOUNT_QUESTION: FormField("description", "Wat is uw vraag?",
                                              "Beschrijf wat u wilt weten of wat er niet werkt.", control="textarea"),
}


def _questions(kind: ComplaintKind) -> tuple[FormField, ...]:
    """The kind's own questions, in the order of the one table (``intake_fields``)."""
    asked = KIND_FIELDS[kind]
    return tuple(DESCRIPTION_BY_KIND.get(kind, KIND_QUESTIONS[name]) if name == "description" else KIND_QUESTIONS[name]
                 for name in FIELD_ORDER if name in asked)


def _page(kind: ComplaintKind, choice: str, title: str, done: str, about: str) -> KindPage:
    return KindPage(kind, choice, title, done, (
        ("Over u", CONTACT),
        (about, (SERVICE, *_questions(kind))),
    ))


PAGES: dict[ComplaintKind, KindPage] = {
    ComplaintKind.COMPLAINT: _page(ComplaintKind.COMPLAINT, "Ik heb een klacht", "Een klacht indienen",
                                   "Wij hebben uw klacht ontvangen", "Over uw klacht"),
    ComplaintKind.INVOICE_QUESTION: _page(ComplaintKind.INVOICE_QUESTION, "Ik heb een vraag over een factuur",
                                          "Een vraag over een factuur", "Wij hebben uw vraag ontvangen",
                                          "Over de factuur"),
    ComplaintKind.ACCOUNT_QUESTION: _page(ComplaintKind.ACCOUNT_QUESTION,
                                          "Ik heb een (technische) vraag over mijn account",
                                          "Een vraag over uw account", "Wij hebben uw vraag ontvangen",
                                          "Over uw vraag"),
}

DISCUSSED_CHOICES = ((Acceptance.YES.value, "Ja"), (Acceptance.NO.value, "Nee"),
                     (Acceptance.UNKNOWN.value, "Weet ik niet"))
ROLE_CHOICES = ((PartyRole.RESPONDENT.value, "Over deze persoon gaat mijn klacht"),
                (PartyRole.INVOLVED.value, "Was er ook bij betrokken"))


def attachments_hint(rules: AttachmentRules) -> str:
    """``Bijvoorbeeld een foto, ... Hoogstens 3 bestanden van elk hoogstens 5 MB: PDF, JPEG, PNG of tekst (.txt).``"""
    megabytes = rules.max_bytes / (1024 * 1024)
    size = f"{megabytes:.1f}".replace(".0", "").replace(".", ",") + " MB" if megabytes >= 1 else \
        f"{rules.max_bytes // 1024} kB"
    files = "bestand" if rules.count == 1 else "bestanden"
    return (f"Bijvoorbeeld een foto, een brief of de factuur. Hoogstens {rules.count} {files} van elk hoogstens "
            f"{size}: {rules.kinds_words}.")


def kind_from(value: str | None) -> ComplaintKind | None:
    try:
        return ComplaintKind(value or "")
    except ValueError:
        return None


def dom_id(name: str) -> str:
    """The HTML id of a field (``involved.2.name`` -> ``involved-2-name``)."""
    return name.replace(".", "-")


# ---------------------------------------------------------------------------------------
# the posted form
# ---------------------------------------------------------------------------------------


def _line(form: Mapping[str, Any], name: str, limit: int = LINE_MAX) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _text(form: Mapping[str, Any], name: str, limit: int) -> str:
    value = form.get(name)
    # one character over the limit is kept, so the intake's "too long" is said rather than the text cut
    return value.replace("\r\n", "\n")[: limit + 1] if isinstance(value, str) else ""


def read_values(form: Mapping[str, Any], kind: ComplaintKind, text_max: int) -> dict[str, Any]:
    """The form's values as the intake's form values (``intake_parsing``), and for
    showing them again: people rows that are all empty are left out, the rest moved up,
    so "Betrokkene 2" is the second row on the page too."""
    values: dict[str, Any] = {
        "kind": kind.value,
        "channel": Channel.WEB_FORM.value,
        "received_at": "",
        "person_id": None,
    }
    for name in ("name", "phone", "email", "incident_date", "service_type", "category", "invoice_number"):
        values[name] = _line(form, name)
    for part in ADDRESS_PARTS:  # the intake's form values name the parts without their group
        values[part.part] = _line(form, part.name)
    for name in ("description", "remedy_sought"):
        values[name] = _text(form, name, text_max)
    discussed = _line(form, "discussed_first")
    values["discussed_first"] = discussed if discussed in {c for c, _ in DISCUSSED_CHOICES} else Acceptance.UNKNOWN.value
    rows = []
    for index in range(1, INVOLVED_ROWS + 1):
        row = {"name": _line(form, f"involved.{index}.name"), "note": _line(form, f"involved.{index}.note"),
               "role": _line(form, f"involved.{index}.role"), "phone": "", "email": ""}
        if row["role"] not in {c for c, _ in ROLE_CHOICES}:
            row["role"] = PartyRole.INVOLVED.value
        if row["name"].strip() or row["note"].strip():
            rows.append(row)
    values["involved"] = rows
    return values


def shown_rows(values: Mapping[str, Any]) -> list[dict[str, str]]:
    """The people rows to show: what was given, then empty ones up to ``INVOLVED_ROWS``."""
    rows = [dict(row) for row in values.get("involved") or []]
    while len(rows) < INVOLVED_ROWS:
        rows.append({"name": "", "note": "", "role": PartyRole.RESPONDENT.value if not rows else PartyRole.INVOLVED.value})
    return rows


def to_input(values: Mapping[str, Any], now: Any) -> tuple[RegistrationInput, list[ValidationError]]:
    """The intake's input for these values, and the parse errors of the date field."""
    return registration_input(values, now)


def errors_by_field(errors: list[ValidationError]) -> tuple[list[ValidationError], dict[str, str]]:
    """The errors in the order of the form, and the first message per field."""
    ordered = sort_errors(errors)
    first: dict[str, str] = {}
    for error in ordered:
        first.setdefault(error.field or "", error.message)
    return ordered, first
