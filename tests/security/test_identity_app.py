"""The app says DEMO in its header in a demo database, and offers demo data only on a new
database (never on a desk in use). Pilot, SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Header

from klachtdesk.app import create_app
from klachtdesk.screens.dialog import ConfirmModal
from klachtdesk.services.bootstrap import open_context
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.identity import login, staff
from klachtdesk.models import StaffRole
from tests.ui.waiting import workers_done

SIZE = (120, 40)


async def settle(pilot, app) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await workers_done(app)
        await pilot.pause()


@pytest.fixture(autouse=True)
def _no_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(login.USER_VARIABLE, raising=False)


async def test_a_demo_database_says_demo_in_the_header(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    context = open_context(db, demo=True)  # what ``klachtdesk demo`` does on a new database
    staff.add_staff(context, "h.brouwer", "Hanna Brouwer", {StaffRole.OFFICER})
    context.db.dispose()
    context = open_context(db, user="h.brouwer")  # every staff member may be tried in a demo
    staff_roles = context.user.roles
    app = create_app(context, offer_demo=False, animations=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            assert "DEMO" in app.title
            assert app.screen.query(Header)
            assert staff_roles == {StaffRole.OFFICER} and context.proven_login != "h.brouwer"
            # a screen with its own title (a case, a klager's profile) keeps saying DEMO
            case = complaints.register(context, RegistrationInput(
                complainant=PersonInput(name="Jan de Vries", email="jan@example.nl"),
                service_type=context.settings.lists.service_types[0], description="De thuiszorg kwam niet."))
            app.action_open_case(case.id)
            await settle(pilot, app)
            assert app.screen.title == f"{case.number} · DEMO"
            app.action_open_profile(complaint_id=case.id)
            await settle(pilot, app)
            assert app.screen.title == "Jan de Vries · DEMO"
    finally:
        context.db.dispose()


async def test_a_desk_in_use_says_no_demo_and_is_offered_no_demo_data(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    context = open_context(db)
    staff.add_staff(context, "karin", "Karin", {StaffRole.CUSTOMER_SERVICE})  # a desk being set up
    app = create_app(context, offer_demo=True, animations=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            assert "DEMO" not in app.title
            assert not isinstance(app.screen, ConfirmModal)
    finally:
        context.db.dispose()


async def test_a_new_database_offers_demo_data_and_becomes_a_demo(tmp_path: Path) -> None:
    db = tmp_path / "nieuw.db"
    context = open_context(db)
    app = create_app(context, offer_demo=True, animations=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            assert isinstance(app.screen, ConfirmModal)
            assert "DEMO" not in app.title
            app.screen.dismiss(True)
            await settle(pilot, app)
            await settle(pilot, app)
            assert "DEMO" in app.title
            assert login.is_demo(context.db)
    finally:
        context.db.dispose()
