"""The fixed vocabularies of the procedure.

Values are the Dutch words stored in the database and shown in the UI; member names
are the English code names of the glossary in the design brief.
"""

from __future__ import annotations

from enum import StrEnum


class ComplaintKind(StrEnum):
    COMPLAINT = "klacht"
    INVOICE_QUESTION = "factuurvraag"
    ACCOUNT_QUESTION = "accountvraag"

    @property
    def is_question(self) -> bool:
        return self is not ComplaintKind.COMPLAINT


class Channel(StrEnum):
    PHONE = "telefoon"
    EMAIL = "e-mail"
    WEB_FORM = "webformulier"
    LETTER = "brief"
    DESK = "balie"


class Status(StrEnum):
    """Statuses of a case. Complaints walk the long path, questions the short one."""

    NEW = "nieuw"
    ASSIGNED = "toegewezen"
    IN_PROGRESS = "in behandeling"
    IN_MEDIATION = "in bemiddeling"
    SOLUTION_PROPOSED = "oplossing voorgesteld"
    RESOLVED = "opgelost"
    CLOSED = "gesloten"
    REFERRED = "doorverwezen naar de geschillencommissie"
    REOPENED = "heropend"
    # questions (factuurvraag, accountvraag)
    FORWARDED = "doorgestuurd"
    HANDLED = "afgehandeld"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset({Status.CLOSED, Status.REFERRED, Status.HANDLED})


class PartyRole(StrEnum):
    COMPLAINANT = "klager"
    RESPONDENT = "aangeklaagde"
    INVOLVED = "betrokkene"


class StaffRole(StrEnum):
    CUSTOMER_SERVICE = "klantenservice"
    HANDLER = "behandelaar"
    MANAGER = "klachtenmanager"
    OFFICER = "klachtenfunctionaris"
    MANAGEMENT = "directie"
    ADMIN = "beheerder"
    #: the web form's own account (``klachtdesk formulier``), never a person's role
    WEB_FORM = "webformulier"


#: the roles a person can hold (webformulier belongs to the web form's account alone)
PERSON_ROLES = frozenset(role for role in StaffRole if role is not StaffRole.WEB_FORM)


class DeadlineKind(StrEnum):
    """Deadline kinds. The procedure's own kinds and their lengths are configuration
    (``data/termijnen.toml``); these are the kinds the code knows how to meet."""

    REPLY = "reactie"
    FIRST_CONTACT = "eerste contact"
    DECISION = "beslissing"
    AGREEMENT = "afspraak"


class DeadlineUnit(StrEnum):
    WORKING_DAYS = "werkdagen"
    WEEKS = "weken"


class DeadlineState(StrEnum):
    OPEN = "open"
    MET = "op tijd"
    MET_LATE = "te laat gehaald"
    OVERDUE = "te laat"


class EventType(StrEnum):
    REGISTERED = "registratie"
    FIELD_CHANGED = "wijziging"
    STATUS_CHANGED = "status"
    ASSIGNED = "toewijzing"
    CONTACT = "contact"
    NOTE = "notitie"
    CONFIDENTIAL_NOTE = "vertrouwelijke notitie"
    MESSAGE = "bericht"
    DEADLINE = "termijn"
    SESSION = "gesprek"
    MEASURE = "maatregel"
    VIEWED = "ingezien"
    PRIVACY = "privacy"
    INCOMING = "inkomend bericht"
    STATUS_LINK = "statuslink"  # the klager asked for a link to follow their case on the web
    SETTING = "instelling"  # the beheerder changed a setting of the organisation (no case)


class ContactMedium(StrEnum):
    PHONE = "telefoon"
    EMAIL = "e-mail"
    LETTER = "brief"
    MEETING = "gesprek"


class Direction(StrEnum):
    IN = "in"
    OUT = "uit"


class Acceptance(StrEnum):
    YES = "ja"
    NO = "nee"
    UNKNOWN = "onbekend"


class SessionType(StrEnum):
    ONE_ON_ONE = "one_on_one"
    ALL_INVOLVED = "all_involved"

    @property
    def label(self) -> str:
        return "een-op-eengesprek" if self is SessionType.ONE_ON_ONE else "gesprek met alle betrokkenen"


class SessionStatus(StrEnum):
    PLANNED = "gepland"
    HELD = "gehouden"
    CANCELLED = "geannuleerd"


class MeasureKind(StrEnum):
    CORRECTIVE = "corrigerend"
    PREVENTIVE = "preventief"


class MeasureStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in uitvoering"
    DONE = "uitgevoerd"
    EVALUATED = "geëvalueerd"


class PrivacyRequestKind(StrEnum):
    ACCESS = "inzage"
    ERASURE = "vergetelheid"


class MailOutcome(StrEnum):
    """What the intake did with one incoming mail."""

    NEW_CASE = "nieuwe zaak"
    REPLY = "reactie"
    OUT_OF_OFFICE = "afwezigheidsbericht"
    BOUNCE = "onbestelbaar"
    AUTOMATIC = "automatisch"  # machine-made, belongs to no case: kept for the beheerder
    CAPPED = "begrensd"  # over the per-sender daily cap: kept, not registered
    QUARANTINE = "quarantaine"  # could not be read or stored: kept whole with the reason
