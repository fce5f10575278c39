"""Every key of the case screen that cannot act says why (the tester's walk, December 2026):
``k`` and ``l`` named no reason, ``i`` for a role without personal data named the wrong one."""

from __future__ import annotations

import pytest

from klachtdesk.models import StaffRole
from klachtdesk.screens.case_detail import CaseDetailScreen
from klachtdesk.screens.refused_keys import explain
from klachtdesk.app import create_app
from klachtdesk.services.core.context import Context
from tests.ui.test_case_detail import open_case, other_user, register
from tests.ui.test_refused_keys import SIZE, said, settle


async def test_k_and_l_on_a_case_not_from_mail_say_why(sqlite_context: Context) -> None:
    case_id = register(sqlite_context)
    handler = other_user(sqlite_context, "bea", StaffRole.HANDLER, name="Bea Behandelaar")
    app = create_app(handler, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("k")
        await settle(pilot, app)
        await pilot.press("l")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseDetailScreen)
        assert said(app) == [
            "k (Beoordelen): Deze zaak wacht niet op beoordeling: ze kwam niet uit de mail, of is al beoordeeld.",
            "l (Bijlagen opslaan): Deze zaak heeft geen bijlagen (alleen een melding uit de mail kan ze hebben).",
        ]


async def test_i_for_a_role_without_personal_data_names_that(sqlite_context: Context) -> None:
    case_id = register(sqlite_context)
    reader = other_user(sqlite_context, "dirk", StaffRole.MANAGEMENT, name="Dirk Directie")
    app = create_app(reader, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case_id)
        await pilot.press("i")
        await settle(pilot, app)
        assert said(app) == ["i (Klager): Persoonsgegevens mag u (directie) niet inzien."]


@pytest.mark.parametrize("role", [StaffRole.HANDLER, StaffRole.MANAGEMENT, StaffRole.CUSTOMER_SERVICE])
async def test_no_key_of_the_case_screen_is_refused_without_a_reason(sqlite_context: Context,
                                                                    role: StaffRole) -> None:
    case_id = register(sqlite_context)
    user = other_user(sqlite_context, "iemand", role, name="Iemand")
    app = create_app(user, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case_id)
        bare = []
        for binding in CaseDetailScreen.BINDINGS:
            key, action = binding.key, binding.action  # type: ignore[union-attr]
            if screen.check_action(action.split("(", 1)[0], ()) is True:
                continue
            reason = explain(screen, key)
            if reason is None or reason.endswith("kan hier nu niet."):
                bare.append(reason or key)
        assert bare == []
