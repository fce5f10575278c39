"""The scope of a role: a behandelaar changes only the cases assigned to them (the
permission table's ``ASSIGNED_ONLY``), the case screen's actions say why not; and
``herstel`` never skips the role check. Both engines where a database is involved."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from klachtdesk.cli import main
from klachtdesk.db import open_database
from klachtdesk.errors import PermissionDenied, KlachtdeskError
from klachtdesk.models import Acceptance, StaffRole, Status
from klachtdesk.services import backup
from klachtdesk.services.bootstrap import open_context
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import ASSIGNED_ONLY, TABLE, Permission, Scope, scope_for
from klachtdesk.services.correspondence import messages
from klachtdesk.services.identity import login, staff
from klachtdesk.services.procedure import workflow

BH, KM, KF, KS = StaffRole.HANDLER, StaffRole.MANAGER, StaffRole.OFFICER, StaffRole.CUSTOMER_SERVICE
P = Permission


# -- the table --------------------------------------------------------------------------------


def test_the_behandelaar_holds_handling_for_their_own_cases_only() -> None:
    assert ASSIGNED_ONLY == {BH: frozenset({P.HANDLE, P.SEND_MESSAGE, P.CLOSE, P.EXTEND_DEADLINE})}
    for role, scoped in ASSIGNED_ONLY.items():
        assert scoped <= TABLE[role]  # a scope narrows a permission the role has
    assert scope_for({BH}, P.CLOSE) is Scope.ASSIGNED
    assert scope_for({BH}, P.WRITE_NOTE) is Scope.ALL  # what klantenservice may on any case
    assert scope_for({BH, KM}, P.CLOSE) is Scope.ALL  # another role grants it everywhere
    assert scope_for({KS}, P.CLOSE) is None


# -- the services ----------------------------------------------------------------------------


def register(context: Context) -> int:
    return complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", email="jan@example.nl"),
        service_type=context.settings.lists.service_types[0], description="De thuiszorg kwam niet.")).id


def version(context: Context, case_id: int) -> int:
    return complaints.get_case(context, case_id, record_view=False).version


@pytest.fixture
def desk(context: Context, as_user: Callable[..., Context]) -> tuple[Context, Context, int]:
    """(e.visser, b.mulder, a case of e.visser's in behandeling). Both are behandelaar."""
    visser = as_user("e.visser", BH, name="Eva Visser")
    mulder = as_user("b.mulder", BH, name="Bram Mulder")
    case_id = register(context)
    workflow.assign(context, case_id, version(context, case_id), visser.user.id)
    workflow.transition(visser, case_id, version(context, case_id), Status.IN_PROGRESS)
    return visser, mulder, case_id


def not_assigned(error: pytest.ExceptionInfo[PermissionDenied]) -> bool:
    return "alleen bij zaken die aan u zijn toegewezen" in error.value.message


ATTEMPTS: dict[str, Callable[[Context, int, int], object]] = {
    "velden wijzigen": lambda c, i, v: complaints.update_fields(c, i, v, {"category": ""}),
    "status": lambda c, i, v: workflow.transition(c, i, v, Status.SOLUTION_PROPOSED),
    "afsluiten": lambda c, i, v: workflow.close(c, i, v, "Opgelost.", Acceptance.YES),
    "verlengen": lambda c, i, v: workflow.check_extension(c, i),
    "bericht opstellen": lambda c, i, v: messages.prepare(c, i, "voortgang"),
    "bericht versturen": lambda c, i, v: messages.send(c, i, "voortgang", "Onderwerp", "Tekst"),
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS))
def test_a_behandelaar_cannot_change_another_behandelaars_case(desk: tuple[Context, Context, int], context: Context,
                                                               attempt: str) -> None:
    _, mulder, case_id = desk
    before = complaints.get_case(context, case_id, record_view=False)
    with pytest.raises(PermissionDenied) as error:
        ATTEMPTS[attempt](mulder, case_id, before.version)
    assert not_assigned(error), error.value.message
    after = complaints.get_case(context, case_id, record_view=False)
    assert (after.version, after.status) == (before.version, before.status)


def test_closing_and_reopening_the_own_case_works_and_not_anothers(desk: tuple[Context, Context, int],
                                                                   context: Context) -> None:
    visser, mulder, case_id = desk
    workflow.transition(visser, case_id, version(context, case_id), Status.SOLUTION_PROPOSED)
    workflow.close(visser, case_id, version(context, case_id), "Opgelost.", Acceptance.NO)
    with pytest.raises(PermissionDenied) as error:
        workflow.reopen(mulder, case_id, version(context, case_id), "Nog niet goed.")
    assert not_assigned(error)
    with pytest.raises(PermissionDenied):
        workflow.refer(mulder, case_id, version(context, case_id))
    workflow.refer(visser, case_id, version(context, case_id))
    with pytest.raises(PermissionDenied):
        workflow.record_dispute_outcome(mulder, case_id, version(context, case_id), "Ongegrond.")
    workflow.record_dispute_outcome(visser, case_id, version(context, case_id), "Ongegrond.")


def test_the_own_case_can_be_handled(desk: tuple[Context, Context, int], context: Context) -> None:
    visser, _, case_id = desk
    category = context.settings.lists.categories[0]
    complaints.update_fields(visser, case_id, version(context, case_id), {"category": category})
    messages.prepare(visser, case_id, "voortgang")
    assert complaints.get_case(context, case_id, record_view=False).category == category


def test_an_unassigned_case_is_nobodys_own(context: Context, as_user: Callable[..., Context]) -> None:
    mulder = as_user("b.mulder", BH)
    case_id = register(context)
    with pytest.raises(PermissionDenied) as error:
        complaints.update_fields(mulder, case_id, version(context, case_id), {"category": ""})
    assert not_assigned(error)


def test_what_klantenservice_may_a_behandelaar_may_on_any_case(desk: tuple[Context, Context, int]) -> None:
    _, mulder, case_id = desk
    workflow.add_note(mulder, case_id, "Klager belde, doorgegeven aan Eva.")
    workflow.log_contact(mulder, case_id, "telefoon", "in", "Klager belde.")


def test_a_manager_or_functionaris_changes_any_case(desk: tuple[Context, Context, int], context: Context,
                                                    as_user: Callable[..., Context]) -> None:
    _, _, case_id = desk
    for name, role in (("m.manager", KM), ("f.functionaris", KF)):
        other = as_user(name, role)
        complaints.update_fields(other, case_id, version(context, case_id),
                                 {"category": context.settings.lists.categories[0] if role is KM else ""})
    both = as_user("b.beide", BH, KM)  # a behandelaar who is also klachtenmanager
    complaints.update_fields(both, case_id, version(context, case_id), {"category": context.settings.lists.categories[1]})


def test_a_reassigned_case_moves_with_its_behandelaar(desk: tuple[Context, Context, int], context: Context) -> None:
    visser, mulder, case_id = desk
    workflow.assign(context, case_id, version(context, case_id), mulder.user.id)
    with pytest.raises(PermissionDenied):
        complaints.update_fields(visser, case_id, version(context, case_id), {"category": ""})
    complaints.update_fields(mulder, case_id, version(context, case_id), {"category": ""})


# -- the case screen's actions explain ------------------------------------------------------------


def test_the_case_actions_say_the_case_is_not_theirs(desk: tuple[Context, Context, int]) -> None:
    visser, mulder, case_id = desk
    theirs = workflow.case_actions(mulder, complaints.get_case(mulder, case_id, record_view=False))
    for name in ("status", "edit", "close", "message", "extend"):
        state = theirs[name]
        assert state.allowed and not state.possible and state.why_not is not None
        assert "niet aan u toegewezen" in state.why_not and "Eva Visser" in state.why_not, name
    assert theirs["note"].possible and theirs["contact"].possible
    own = workflow.case_actions(visser, complaints.get_case(visser, case_id, record_view=False))
    assert own["edit"].possible and own["status"].possible


# -- demo and herstel on a live desk -------------------------------------------------------------


@pytest.fixture
def live_desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite desk in use (no demo mark), its proven user klantenservice only (and
    karin its beheerder): the user cannot restore or add demo data."""
    monkeypatch.delenv(login.USER_VARIABLE, raising=False)
    path = tmp_path / "desk.db"
    context = open_context(path)
    register(context)
    me = context.user.username
    staff.add_staff(context, "karin", "Karin Beheer", {StaffRole.ADMIN})
    backup.make_backup(context, tmp_path / "kopie.db")
    context.user = staff.sign_in(context, "karin")
    staff.set_roles(context, me, {KS})
    context.db.dispose()
    return path


def test_klantenservice_cannot_restore_on_a_live_desk(live_desk: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["herstel", str(tmp_path / "kopie.db"), "--ja", "--db", str(live_desk)])
    assert code == 2 and "mag niet: back-up maken en terugzetten" in capsys.readouterr().err
    assert not list(tmp_path.glob("*voor-herstel*"))


def test_klantenservice_cannot_add_demo_data_to_a_live_desk(live_desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo", "--aantal", "3", "--db", str(live_desk)])
    assert code != 0 and "Demodata komt alleen in een nieuwe database" in capsys.readouterr().err
    with sqlite3.connect(live_desk) as connection:
        assert connection.execute("SELECT count(*) FROM complaint").fetchone() == (1,)


def test_herstel_on_a_busy_database_checks_the_role_or_refuses(live_desk: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Busy (locked by another process): once the restore went ahead without a role check."""
    from klachtdesk.errors import DatabaseProblem

    def busy(*args: object, **kwargs: object) -> Context:
        raise DatabaseProblem("De database is bezet.")

    monkeypatch.setattr("klachtdesk.cli.backup.open_context", busy)
    code = main(["herstel", str(tmp_path / "kopie.db"), "--ja", "--db", str(live_desk)])
    err = capsys.readouterr().err
    assert code == 2 and "zonder uw rol te kennen zet klachtdesk niets terug" in err
    assert not list(tmp_path.glob("*voor-herstel*"))


def test_the_service_never_restores_over_a_desk_without_a_user(live_desk: Path, tmp_path: Path) -> None:
    database = open_database(live_desk)
    try:
        with pytest.raises(PermissionDenied):
            backup.restore(database, tmp_path / "kopie.db")
    finally:
        database.dispose()


def test_a_missing_database_may_be_restored_as_new(live_desk: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing to protect: a backup restored into a file that does not exist yet."""
    new = tmp_path / "nieuw.db"
    code = main(["herstel", str(tmp_path / "kopie.db"), "--ja", "--db", str(new)])
    assert code == 0, capsys.readouterr().err
    with sqlite3.connect(new) as connection:
        assert connection.execute("SELECT count(*) FROM complaint").fetchone() == (1,)


def test_restore_on_postgres_checks_the_role(database, clock, capsys) -> None:  # type: ignore[no-untyped-def]
    if database.dialect != "postgresql":
        pytest.skip("PostgreSQL only")
    try:
        backup.restore(database, Path("/nonexistent.dump"))
    except PermissionDenied:
        pass
    except KlachtdeskError as error:  # pragma: no cover - the role check comes first
        pytest.fail(error.message)
