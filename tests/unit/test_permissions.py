"""Who may do what: every cell of the permission table, and the services refusing.

The grid below is written out by hand from the design (who the users are and what
each is at the keyboard for); it is deliberately not derived from
``permissions.TABLE``, so a change to the table that nobody meant fails here.
"""

from __future__ import annotations

from datetime import date

import pytest

from klachtdesk.errors import PermissionDenied
from klachtdesk.models import Acceptance, ComplaintKind, EventType, PartyRole, StaffRole, Status
from klachtdesk.services.cases import complaints
from klachtdesk.services.lists import inbox
from klachtdesk.services.privacy import avg as privacy
from klachtdesk.services.identity import staff
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import CaseFilter, PersonInput, RegistrationInput
from klachtdesk.services.core.permissions import TABLE, Permission, permissions_for

KS, BH, KM, KF, DI, BE, WEB = (StaffRole.CUSTOMER_SERVICE, StaffRole.HANDLER, StaffRole.MANAGER, StaffRole.OFFICER,
                               StaffRole.MANAGEMENT, StaffRole.ADMIN, StaffRole.WEB_FORM)
P = Permission

#: permission -> the roles that have it (klantenservice, behandelaar, klachtenmanager,
#: klachtenfunctionaris, directie, beheerder, and the web form's own account)
EXPECTED: dict[Permission, set[StaffRole]] = {
    # klantenservice registers, logs contacts and tells a caller where their case stands;
    # the web form registers what a klager submits
    P.REGISTER: {KS, BH, KM, KF, BE, WEB},
    # a known caller's new number at registration: the staff who register (with history);
    # never the web form, which is on the internet and never takes over a known person
    P.UPDATE_KNOWN_CALLER: {KS, BH, KM, KF, BE},
    P.READ_STATUS: {KS, BH, KM, KF, DI, BE},
    # directie sees analysis and reports, never personal data
    P.READ_PERSONAL_DATA: {KS, BH, KM, KF, BE},
    P.LOG_CONTACT: {KS, BH, KM, KF, BE},
    P.WRITE_NOTE: {KS, BH, KM, KF, BE},
    # only the klachtenfunctionaris reads (and writes) their confidential notes; not even the beheerder
    P.CONFIDENTIAL_NOTES: {KF},
    P.ASSIGN: {KM, BE},
    P.HANDLE: {BH, KM, KF, BE},
    P.SEND_MESSAGE: {BH, KM, KF, BE},
    # klantenservice cannot close a case
    P.CLOSE: {BH, KM, KF, BE},
    P.EXTEND_DEADLINE: {BH, KM, KF, BE},
    P.PLAN_SESSION: {KM, KF, BE},
    P.VIEW_ANALYSIS: {KM, DI, BE},
    P.MANAGE_MEASURES: {KM, DI, BE},
    P.MANAGE_STAFF: {BE},
    P.PRIVACY: {BE},
    P.BACKUP: {BE},
    P.MANAGE_SETTINGS: {BE},
    # whoever sends messages, and the web form for what it registered
    P.ACKNOWLEDGE: {BH, KM, KF, BE, WEB},
    # only the web form shows a klager (who proved to be one) their own case
    P.FOLLOW_UP: {WEB},
    P.MANAGE_MAIL: {BE},
}

CELLS = [(role, permission) for role in StaffRole for permission in Permission]


def test_the_grid_covers_every_role_and_permission() -> None:
    assert set(EXPECTED) == set(Permission)
    assert set(TABLE) == set(StaffRole)


@pytest.mark.parametrize(("role", "permission"), CELLS, ids=[f"{r.value}-{p.name}" for r, p in CELLS])
def test_cell(role: StaffRole, permission: Permission) -> None:
    assert (permission in permissions_for({role})) == (role in EXPECTED[permission])


def test_roles_add_up() -> None:
    assert permissions_for({KS, DI}) == permissions_for({KS}) | permissions_for({DI})
    assert permissions_for(set()) == frozenset()


# -- the services refuse, whatever a screen shows --------------------------------------------


def klacht(**overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = dict(
        complainant=PersonInput(name="Jan de Vries", phone="06-12345678", email="jan@example.nl"),
        service_type="Teleconsultatie",
        description="Drie weken gewacht op een terugbelafspraak.",
        remedy_sought="Excuses",
        incident_date=date(2026, 11, 2),
        involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT)],
    )
    values.update(overrides)
    return RegistrationInput(**values)


def test_directie_cannot_register_and_nothing_is_written(context, as_user) -> None:  # type: ignore[no-untyped-def]
    directie = as_user("dirk", DI)
    with pytest.raises(PermissionDenied, match="melding registreren"):
        complaints.register(directie, klacht())
    assert complaints.count(context) == 0


def test_directie_sees_a_case_without_personal_data_and_leaves_no_read_trace(context, as_user) -> None:  # type: ignore[no-untyped-def]
    registered = complaints.register(context, klacht(kind=ComplaintKind.INVOICE_QUESTION, invoice_number="F-1"))
    workflow.log_contact(context, registered.id, "telefoon", "uit", "Jan de Vries gebeld over zijn factuur")
    directie = as_user("dirk", DI)
    case = complaints.get_case(directie, registered.id)
    assert case.number == registered.number and case.status is Status.FORWARDED
    assert case.parties == [] and case.complainant is None
    assert case.description is None and case.remedy_sought is None and case.invoice_number is None
    assert all(entry.body is None and entry.data is None for entry in case.timeline)
    full = complaints.get_case(context, registered.id)
    assert full.invoice_number == "F-1"
    viewed = [e for e in full.timeline if e.type is EventType.VIEWED]
    assert [e.actor for e in viewed] == ["Tess Tester"]  # directie's look was not personal data


def test_directie_list_hides_names(context, as_user) -> None:  # type: ignore[no-untyped-def]
    complaints.register(context, klacht())
    rows = inbox.fetch_page(as_user("dirk", DI))
    assert [r.complainant for r in rows] == ["•••"]
    assert [r.complainant for r in inbox.fetch_page(as_user("karin", KS))] == ["Jan de Vries"]


def test_klantenservice_registers_logs_contact_and_reads_status(context, as_user) -> None:  # type: ignore[no-untyped-def]
    desk = as_user("karin", KS)
    registered = complaints.register(desk, klacht())
    workflow.log_contact(desk, registered.id, "telefoon", "in", "Klager belde voor de stand van zaken")
    case = complaints.get_case(desk, registered.id)
    assert case.complainant is not None and case.complainant.name == "Jan de Vries"
    assert any(e.type is EventType.CONTACT for e in case.timeline)
    assert complaints.count(desk, CaseFilter()) == 1


def test_klantenservice_cannot_edit_close_or_read_confidential_notes(context, as_user) -> None:  # type: ignore[no-untyped-def]
    registered = complaints.register(context, klacht(kind=ComplaintKind.INVOICE_QUESTION, invoice_number="F-2"))
    officer = as_user("fenna", KF)
    workflow.add_note(officer, registered.id, "Klager vertelde in vertrouwen over een conflict", confidential=True)
    desk = as_user("karin", KS)
    version = complaints.get_case(desk, registered.id).version
    with pytest.raises(PermissionDenied):
        complaints.update_fields(desk, registered.id, version, {"category": "Bejegening"})
    with pytest.raises(PermissionDenied, match="afsluiten"):
        workflow.close(desk, registered.id, version, "Factuur gecrediteerd", Acceptance.YES)
    with pytest.raises(PermissionDenied, match="vertrouwelijke"):
        workflow.add_note(desk, registered.id, "poging", confidential=True)
    assert not any(e.confidential for e in complaints.get_case(desk, registered.id).timeline)
    assert complaints.get_case(as_user("hans", BH), registered.id).status is Status.FORWARDED


def test_only_the_officer_reads_confidential_notes(context, as_user) -> None:  # type: ignore[no-untyped-def]
    registered = complaints.register(context, klacht())
    officer = as_user("fenna", KF)
    workflow.add_note(officer, registered.id, "Vertrouwelijk: klager wil anoniem blijven", confidential=True)
    seen_by = {
        username: any(e.confidential for e in complaints.get_case(as_user(username, role), registered.id).timeline)
        for username, role in [("fenna", KF), ("bea", BE), ("kees", KM), ("hans", BH), ("karin", KS), ("dirk", DI)]
    }
    assert seen_by == {"fenna": True, "bea": False, "kees": False, "hans": False, "karin": False, "dirk": False}


def test_only_the_beheerder_manages_staff_privacy_and_backups(context, as_user, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from klachtdesk.services import backup

    manager = as_user("kees", KM)
    with pytest.raises(PermissionDenied, match="medewerkers"):
        staff.add_staff(manager, "nieuw", "Nieuwe Collega", {KS})
    with pytest.raises(PermissionDenied, match="AVG"):
        privacy.apply_retention(manager, dry_run=True)
    with pytest.raises(PermissionDenied, match="AVG"):
        privacy.export_person(manager, "Jan de Vries")
    with pytest.raises(PermissionDenied, match="back-up"):
        backup.make_backup(manager, tmp_path / "kopie.db")
    assert not (tmp_path / "kopie.db").exists()
    admin = as_user("bea", BE)
    assert staff.add_staff(admin, "nieuw", "Nieuwe Collega", {KS}).roles == {KS}


def test_assigning_is_for_the_manager(context, as_user) -> None:  # type: ignore[no-untyped-def]
    registered = complaints.register(context, klacht())
    handler = as_user("hans", BH)
    version = complaints.get_case(context, registered.id).version
    with pytest.raises(PermissionDenied, match="toewijzen"):
        workflow.assign(handler, registered.id, version, handler.user.id)
    workflow.assign(as_user("kees", KM), registered.id, version, handler.user.id)
    assert complaints.get_case(handler, registered.id).handler == "Hans"


def test_the_inbox_search_and_known_callers_keep_personal_data_from_directie(context, as_user) -> None:  # type: ignore[no-untyped-def]
    from klachtdesk.services.lists import inbox
    from klachtdesk.services.people import callers as people
    from klachtdesk.services.lists import search

    complaints.register(context, klacht())
    directie = as_user("dirk", DI)
    assert [row.complainant for row in inbox.fetch_page(directie)] == ["•••"]
    with pytest.raises(PermissionDenied, match="persoonsgegevens"):
        search.search_page(directie, "de vries")
    assert people.find_known_callers(directie, "06-12345678", "") == []
    assert [c.name for c in people.find_known_callers(as_user("karin", KS), "06-12345678", "")] == ["Jan de Vries"]


def test_analysis_is_for_management_not_for_the_phone_desk(context, as_user) -> None:  # type: ignore[no-untyped-def]
    from klachtdesk.services.analysis import figures as analysis
    from klachtdesk.services.time.periods import Granularity, Period

    complaints.register(context, klacht())
    period = Period.containing(date(2026, 11, 23), Granularity.MONTH)
    assert analysis.volume(as_user("dirk", DI), period) is not None
    with pytest.raises(PermissionDenied, match="analyse"):
        analysis.volume(as_user("karin", KS), period)
