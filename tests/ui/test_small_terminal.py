"""Every screen works at 80×24 (issue 15, item 14): the columns that matter stay, the
sentence read to the caller and the dialog's buttons are on screen; and snapshots at
80×24 of the inbox, the registration form, the registered dialog and the message dialog.

The clock is the fixed Monday 23 November 2026, 10:00; cursors do not blink; the data is
registered by the test. Update after a deliberate change with
``pytest tests/ui/test_small_terminal.py --snapshot-update``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, TextArea

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.clock import FixedClock
from klachtdesk.models import Channel, StaffRole
from klachtdesk.screens.case_actions import EditDialog, MessageDialog
from klachtdesk.screens.registration import RegistrationDoneScreen, RegistrationScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import staff
from klachtdesk.widgets import case_list, deadline_list
from klachtdesk.widgets.intake_parsing import empty_values
from tests.ui.waiting import workers_done

SMALL = (80, 24)
NAMES = ("Jan de Vries", "Fatma Yılmaz", "Pieter-Jan van den Berg-Oosterhuis")


def fill(context: Context) -> list[int]:
    return [complaints.register(context, RegistrationInput(
        complainant=PersonInput(name=name, phone=f"06123456{i:02d}", email=f"klager{i}@example.nl"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.",
        involved=[PersonInput(name="Dr. Bakker", role=complaints.PartyRole.RESPONDENT, note="huisarts")],
    )).id for i, name in enumerate(NAMES)]


async def settle(pilot: Any, app: KlachtdeskApp) -> None:
    for _ in range(3):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


def steady(app: KlachtdeskApp) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for area in app.screen.query(TextArea):
        area.cursor_blink = False


def on_screen(app: KlachtdeskApp, widget: Widget) -> bool:
    region, screen = widget.region, app.screen.region
    return bool(region.area) and screen.contains_region(region)


async def register_by_form(pilot: Any, app: KlachtdeskApp) -> RegistrationDoneScreen:
    await settle(pilot, app)
    await pilot.press("n")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, RegistrationScreen)
    values = empty_values(FixedClock().now())
    values.update({
        "name": "Jan Jansen", "phone": "06 12345678", "email": "jan@example.nl", "incident_date": "20-11-2026",
        "service_type": "Thuiszorg", "description": "De thuiszorg kwam drie keer te laat.",
        "involved": [{"name": "Dr. P. Bakker", "role": "aangeklaagde", "phone": "", "email": "", "note": ""}],
    })
    await screen.fill(values)
    await settle(pilot, app)
    await pilot.press("ctrl+s")
    await settle(pilot, app)
    done = app.screen
    assert isinstance(done, RegistrationDoneScreen)
    app.clear_notifications()
    await pilot.pause()
    return done


async def open_message(pilot: Any, app: KlachtdeskApp, case_id: int) -> MessageDialog:
    await settle(pilot, app)
    app.action_open_case(case_id)
    await settle(pilot, app)
    await pilot.press("b")
    await settle(pilot, app)
    dialog = app.screen
    assert isinstance(dialog, MessageDialog)
    steady(app)
    await pilot.pause()
    return dialog


# -- what must stay on screen ----------------------------------------------------------------


def test_the_inbox_keeps_status_behandelaar_and_termijn_at_80_columns() -> None:
    def titles(module: Any, width: int) -> list[str]:
        return [c.title for c, w in zip(module.COLUMNS, module.layout_columns(width), strict=True) if w]

    assert titles(case_list, 78) == ["Klachtnummer", "Klager", "Status", "Behandelaar", "Eerstvolgende termijn"]
    assert titles(case_list, 140) == [c.title for c in case_list.COLUMNS]  # the space is used when it is there
    assert titles(deadline_list, 78)[-2:] == ["Uiterlijk", "Werkdagen"]
    assert all(w >= 10 for w in case_list.layout_columns(78) if w)


async def test_the_sentence_read_to_the_caller_is_whole_at_80x24(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SMALL) as pilot:
        done = await register_by_form(pilot, app)
        assert on_screen(app, done.query_one("#sentence"))
        assert on_screen(app, done.query_one("#number"))


async def test_the_message_dialogs_send_button_is_on_screen_at_80x24(sqlite_context: Context) -> None:
    [case_id, *_] = fill(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SMALL) as pilot:
        dialog = await open_message(pilot, app, case_id)
        assert on_screen(app, dialog.query_one("#submit"))


async def test_after_an_edit_conflict_the_message_and_buttons_stay_on_screen_at_80x24(
        sqlite_context: Context) -> None:
    [case_id, *_] = fill(sqlite_context)
    with sqlite_context.db.write() as session:
        staff.create_staff(session, sqlite_context, "anna", "Anna de Wit", {StaffRole.MANAGER})
    colleague = Context(db=sqlite_context.db, clock=sqlite_context.clock, settings=sqlite_context.settings)
    colleague.user = staff.sign_in(colleague, "anna")
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        app.action_open_case(case_id)
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        # meanwhile a colleague changes seven fields of the same case: a long message, one line each
        version = complaints.get_case(sqlite_context, case_id, record_view=False).version
        complaints.update_fields(colleague, case_id, version, {
            "channel": Channel.LETTER, "service_type": "Thuiszorg", "category": "Bejegening",
            "incident_date": date(2026, 11, 20), "discussed_first": True,
            "remedy_sought": "Excuses van de arts en een gesprek met de praktijkmanager. " * 2,
            "description": "De arts was onvriendelijk en de assistente ook. " * 3})
        dialog.query_one("#description", TextArea).load_text("De arts was kortaf.")
        dialog.query_one("#description", TextArea).focus()
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        assert app.screen is dialog  # refused, the input kept
        assert dialog.query_one("#description", TextArea).text == "De arts was kortaf."
        assert "gewijzigd door Anna de Wit" in str(dialog.query_one("#error").render())
        for part in ("#message", "#error", "#cancel", "#submit"):
            assert on_screen(app, dialog.query_one(part)), part
        # the form still scrolls to every field, and the field typed in is in sight
        fields = dialog.query_one("#fields")
        assert fields.region.height >= 3 and on_screen(app, fields)
        assert fields.region.overlaps(dialog.query_one("#description").region)


async def test_the_deadlines_calendar_waits_for_k_on_a_narrow_terminal(sqlite_context: Context) -> None:
    fill(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        app.action_open_deadlines()
        await settle(pilot, app)
        screen = app.screen
        assert screen.has_class("-no-calendar")
        await pilot.press("k")
        await settle(pilot, app)
        assert not screen.has_class("-no-calendar")


# -- snapshots at 80×24 ------------------------------------------------------------------------


def test_inbox_80x24(snap_compare: Any, sqlite_context: Context) -> None:
    fill(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)

    async def ready(pilot: Any) -> None:
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=SMALL, run_before=ready)


def test_registration_form_80x24(snap_compare: Any, sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)

    async def ready(pilot: Any) -> None:
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        steady(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=ready)


def test_registered_dialog_80x24(snap_compare: Any, sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)

    async def ready(pilot: Any) -> None:
        await register_by_form(pilot, app)

    assert snap_compare(app, terminal_size=SMALL, run_before=ready)


def test_message_dialog_80x24(snap_compare: Any, sqlite_context: Context) -> None:
    [case_id, *_] = fill(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)

    async def ready(pilot: Any) -> None:
        await open_message(pilot, app, case_id)

    assert snap_compare(app, terminal_size=SMALL, run_before=ready)
