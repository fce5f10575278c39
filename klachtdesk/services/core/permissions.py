"""Who may do what: the one permission table, enforced in the service layer.

Screens may hide what a role cannot do, but the services refuse it regardless
(``Context.require``). Each cell of ``TABLE`` has a test (``tests/unit/test_permissions.py``,
which spells the table out once more by hand).

In words:

- klantenservice registers, logs contacts with the klager, writes internal notes and
  tells a caller where their case stands; it cannot change, close or assign a case, and
  cannot read confidential notes. Registering for a known caller who says "ik heb een nieuw
  nummer", it updates that person's details (``UPDATE_KNOWN_CALLER``; each change is a
  history line on every case of the person, ``people.known_caller``), as every staff role
  that registers may;
- behandelaar handles the cases assigned to them up to closure, sends messages and may
  extend the decision deadline — on those cases only (``ASSIGNED_ONLY``); on other cases
  a behandelaar does what klantenservice does;
- klachtenmanager also assigns, plans sessions, and sees the analysis and the measures;
- klachtenfunctionaris handles and plans sessions, and is the only role that reads and
  writes confidential notes (not even the beheerder can);
- directie sees status, analysis and reports and manages improvement measures, but no
  personal data: lists show no names, a case shows no people, text or history details;
- beheerder manages staff and settings, runs the AVG requests and retention, and makes
  and restores backups;
- webformulier is no person's role but the web form's own account (``klachtdesk
  formulier``): it registers what a klager submits (always as a new person: it never
  changes a known person's details, not even on PostgreSQL), sends that klager the
  ontvangstbevestiging, and shows a klager who proved to be one (klachtnummer and e-mail
  address, then a one-time link) the stand of their own case. It reads nothing else.
"""

from __future__ import annotations

from enum import StrEnum

from klachtdesk.models import StaffRole


class Permission(StrEnum):
    REGISTER = "melding registreren"
    UPDATE_KNOWN_CALLER = "gegevens van een bekende beller bijwerken"
    READ_STATUS = "status van een zaak inzien"
    READ_PERSONAL_DATA = "persoonsgegevens en zaakinhoud inzien"
    LOG_CONTACT = "contact met de klager vastleggen"
    WRITE_NOTE = "interne notitie schrijven"
    CONFIDENTIAL_NOTES = "vertrouwelijke notities lezen en schrijven"
    ASSIGN = "behandelaar toewijzen"
    HANDLE = "zaak behandelen (status, velden)"
    SEND_MESSAGE = "bericht aan de klager versturen"
    CLOSE = "zaak afsluiten of heropenen"
    EXTEND_DEADLINE = "beslistermijn verlengen"
    PLAN_SESSION = "bemiddelingsgesprek plannen en vastleggen"
    VIEW_ANALYSIS = "analyse en rapportage inzien"
    MANAGE_MEASURES = "verbetermaatregelen beheren"
    MANAGE_STAFF = "medewerkers en rollen beheren"
    PRIVACY = "AVG-verzoeken en bewaartermijn uitvoeren"
    BACKUP = "back-up maken en terugzetten"
    MANAGE_SETTINGS = "de instellingen van de organisatie wijzigen"
    ACKNOWLEDGE = "ontvangstbevestiging versturen"
    FOLLOW_UP = "klager de stand van de eigen zaak tonen (statuslink)"
    MANAGE_MAIL = "quarantaine en bewaarde mail beheren"


R = StaffRole
P = Permission

#: role -> the permissions it grants. A user has the union over their roles.
TABLE: dict[StaffRole, frozenset[Permission]] = {
    R.CUSTOMER_SERVICE: frozenset({P.REGISTER, P.UPDATE_KNOWN_CALLER, P.READ_STATUS, P.READ_PERSONAL_DATA,
                                   P.LOG_CONTACT, P.WRITE_NOTE}),
    R.HANDLER: frozenset(
        {P.REGISTER, P.UPDATE_KNOWN_CALLER, P.READ_STATUS, P.READ_PERSONAL_DATA, P.LOG_CONTACT, P.WRITE_NOTE,
         P.HANDLE, P.SEND_MESSAGE, P.ACKNOWLEDGE, P.CLOSE, P.EXTEND_DEADLINE}
    ),
    R.MANAGER: frozenset(
        {P.REGISTER, P.UPDATE_KNOWN_CALLER, P.READ_STATUS, P.READ_PERSONAL_DATA, P.LOG_CONTACT, P.WRITE_NOTE,
         P.ASSIGN, P.HANDLE, P.SEND_MESSAGE, P.ACKNOWLEDGE, P.CLOSE, P.EXTEND_DEADLINE, P.PLAN_SESSION,
         P.VIEW_ANALYSIS, P.MANAGE_MEASURES}
    ),
    R.OFFICER: frozenset(
        {P.REGISTER, P.UPDATE_KNOWN_CALLER, P.READ_STATUS, P.READ_PERSONAL_DATA, P.LOG_CONTACT, P.WRITE_NOTE,
         P.CONFIDENTIAL_NOTES, P.HANDLE, P.SEND_MESSAGE, P.ACKNOWLEDGE, P.CLOSE, P.EXTEND_DEADLINE, P.PLAN_SESSION}
    ),
    R.MANAGEMENT: frozenset({P.READ_STATUS, P.VIEW_ANALYSIS, P.MANAGE_MEASURES}),
    R.ADMIN: frozenset(
        {P.REGISTER, P.UPDATE_KNOWN_CALLER, P.READ_STATUS, P.READ_PERSONAL_DATA, P.LOG_CONTACT, P.WRITE_NOTE,
         P.ASSIGN, P.HANDLE, P.SEND_MESSAGE, P.ACKNOWLEDGE, P.CLOSE, P.EXTEND_DEADLINE, P.PLAN_SESSION,
         P.VIEW_ANALYSIS, P.MANAGE_MEASURES, P.MANAGE_STAFF, P.PRIVACY, P.BACKUP, P.MANAGE_SETTINGS, P.MANAGE_MAIL}
    ),
    # the web form: registers (new people only: no UPDATE_KNOWN_CALLER), acknowledges, and shows a
    # proven klager their own case — nothing else
    R.WEB_FORM: frozenset({P.REGISTER, P.ACKNOWLEDGE, P.FOLLOW_UP}),
}


def permissions_for(roles: frozenset[StaffRole] | set[StaffRole]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= TABLE[role]
    return frozenset(granted)


class Scope(StrEnum):
    """On which cases a user holds a permission."""

    ALL = "alle zaken"
    ASSIGNED = "de zaken die aan hem of haar zijn toegewezen"


#: role -> the permissions of ``TABLE[role]`` it holds only for the cases assigned to the
#: user (``Complaint.handler_id``); a user with another role that grants one for every
#: case (klachtenmanager, klachtenfunctionaris, beheerder) holds it for every case
ASSIGNED_ONLY: dict[StaffRole, frozenset[Permission]] = {
    R.HANDLER: frozenset({P.HANDLE, P.SEND_MESSAGE, P.CLOSE, P.EXTEND_DEADLINE}),
}


def scope_for(roles: frozenset[StaffRole] | set[StaffRole], permission: Permission) -> Scope | None:
    """Where the roles grant ``permission``: every case, only the assigned ones, or nowhere."""
    holders = [role for role in roles if permission in TABLE[role]]
    if not holders:
        return None
    if all(permission in ASSIGNED_ONLY.get(role, frozenset()) for role in holders):
        return Scope.ASSIGNED
    return Scope.ALL
