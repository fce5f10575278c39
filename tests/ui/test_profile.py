"""The klager profile and related cases by keyboard: opened from the case (``i``), the
inbox (``i``) and the jump (``Ctrl+K``); details corrected with ``e`` (a bad e-mail address
refused at its field with nothing lost); a betrokkene's details corrected through their
profile; ``Enter`` opens a case; ``z`` links and unlinks a related case."""

from __future__ import annotations

from typing import Any

from textual.command import CommandList
from textual.widgets import DataTable, Input, Static

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.models import ComplaintKind, StaffRole
from klachtdesk.screens.case_detail import CaseDetailScreen, render_links
from klachtdesk.screens.case_links import LinkDialog, PartyDialog, PersonChoice
from klachtdesk.screens.inbox import InboxScreen
from klachtdesk.screens.jump import JumpScreen
from klachtdesk.screens.person_dialog import PersonDialog
from klachtdesk.screens.profile import ProfileScreen, render_details, render_lines
from klachtdesk.services.cases import complaints, links
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.people import profile

from tests.ui.test_case_detail import open_case, other_user, plain, settle, write
from tests.ui.waiting import wait_until

SIZE = (100, 30)


def register(context: Context, kind: ComplaintKind = ComplaintKind.COMPLAINT, person_id: int | None = None,
             involved: list[PersonInput] | None = None) -> complaints.Registered:
    return complaints.register(context, RegistrationInput(
        kind=kind,
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", email="jan@example.nl",
                                person_id=person_id),
        service_type="Teleconsultatie",
        description="" if kind is ComplaintKind.INVOICE_QUESTION else "De arts was onvriendelijk.",
        invoice_number="F-2026-77" if kind is ComplaintKind.INVOICE_QUESTION else "",
        involved=involved or [],
    ))


async def to_profile(pilot: Any, app: KlachtdeskApp) -> ProfileScreen:
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, ProfileScreen) and screen.found is not None, screen
    return screen


async def clear_and_write(pilot: Any, app: KlachtdeskApp, widget_id: str, text: str) -> None:
    field = app.screen.query_one(f"#{widget_id}", Input)
    field.focus()
    field.value = ""
    await pilot.pause()
    await write(pilot, text)


async def test_the_klager_is_corrected_from_the_case_and_a_bad_address_loses_nothing(
        sqlite_context: Context) -> None:
    context = sqlite_context
    case = register(context)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case.id)
        await pilot.press("i")
        screen = await to_profile(pilot, app)
        assert "Klager · Jan de Vries" in str(screen.query_one("#profile-title", Static).render())
        assert "06 12345678" in plain(render_details(screen.found))
        assert screen.table.row_count == 1
        viewed = [e.summary for e in complaints.get_case(context, case.id, record_view=False).timeline]
        assert viewed[0] == "Gegevens van deze persoon ingezien in hun profiel door Tess Tester"  # the read, logged
        await pilot.press("e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, PersonDialog)
        await clear_and_write(pilot, app, "name", "Jan de Vries-Bakker")
        await clear_and_write(pilot, app, "email", "jan@gmial.con")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog  # refused: still open, the message at the field, nothing lost
        error = str(dialog.query_one("#email-error", Static).render())
        assert "bedoelt u .com" in error
        assert dialog.query_one("#name", Input).value == "Jan de Vries-Bakker"
        assert dialog.query_one("#email", Input).value == "jan@gmial.con"
        assert app.screen.focused is dialog.query_one("#email", Input)
        await clear_and_write(pilot, app, "email", "jan@gmail.com")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ProfileScreen)
        details = plain(render_details(app.screen.found))
        assert "Jan de Vries-Bakker" in details and "jan@gmail.com" in details
        assert "Gegevens gecorrigeerd: naam, e-mail" in plain(render_lines(app.screen.found))
        await pilot.press("enter")  # the case from the list
        await settle(pilot, app)
        assert isinstance(app.screen, CaseDetailScreen)
        assert app.screen.loaded is not None
        assert "Gegevens van de klager gecorrigeerd: naam, e-mail" in [
            e.summary for e in app.screen.loaded.detail.timeline]


async def test_a_betrokkene_is_corrected_through_their_profile(sqlite_context: Context) -> None:
    context = sqlite_context
    case = register(context, involved=[PersonInput(name="Dr. Bakker", role=complaints.PartyRole.RESPONDENT,
                                                   note="huisarts")])
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case.id)
        await pilot.press("i")
        await settle(pilot, app)
        assert isinstance(app.screen, PersonChoice)
        await write(pilot, "dr")  # type-to-select, as in every select
        await pilot.press("enter")  # a chooser: Enter opens
        screen = await to_profile(pilot, app)
        assert screen.found is not None and screen.found.name == "Dr. Bakker"
        assert "Persoon · Dr. Bakker" in str(screen.query_one("#profile-title", Static).render())
        await pilot.press("e")
        await settle(pilot, app)
        await clear_and_write(pilot, app, "name", "Dr. A. Bakker")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ProfileScreen)
    detail = complaints.get_case(context, case.id, record_view=False)
    assert [p.name for p in detail.parties] == ["Jan de Vries", "Dr. A. Bakker"]
    assert detail.timeline[0].summary == "Gegevens van de aangeklaagde gecorrigeerd: naam"


async def test_the_profile_opens_from_the_inbox_and_the_jump(sqlite_context: Context) -> None:
    context = sqlite_context
    first = register(context)
    person_id = profile.klager_of(context, first.id)
    second = register(context, ComplaintKind.INVOICE_QUESTION, person_id=person_id)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("i")
        screen = await to_profile(pilot, app)
        assert [c.number for c in screen.found.cases] == [second.number, first.number]  # type: ignore[union-attr]
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("g")
        await settle(pilot, app)
        assert isinstance(app.screen, JumpScreen)
        await write(pilot, first.number[-1])
        await pilot.press("ctrl+k")
        screen = await to_profile(pilot, app)
        assert screen.found is not None and screen.found.person_id == person_id


async def test_directie_gets_no_profile(sqlite_context: Context) -> None:
    context = sqlite_context
    case = register(context)
    directie = other_user(context, "dir", StaffRole.MANAGEMENT, name="Dirk Directie")
    app = create_app(directie, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, app, case.id)
        await pilot.press("i")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseDetailScreen)


async def test_a_related_case_is_linked_and_unlinked_from_the_case(sqlite_context: Context) -> None:
    context = sqlite_context
    klacht = register(context)
    vraag = register(context, ComplaintKind.INVOICE_QUESTION, person_id=profile.klager_of(context, klacht.id))
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, klacht.id)
        await pilot.press("z")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, LinkDialog)
        await write(pilot, "abc")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "geen klachtnummer" in str(dialog.query_one("#link-number-error", Static).render())
        await clear_and_write(pilot, app, "link-number", vraag.number.split("-", 1)[1])  # 2026-000002
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        assert vraag.number in plain(render_links(screen.loaded))
        assert [c.number for c in links.linked_cases(context, vraag.id)] == [klacht.number]
        await pilot.press("z")
        await settle(pilot, app)
        await write(pilot, vraag.number)
        await pilot.press("tab")
        await write(pilot, "o")  # "ontkoppelen"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        assert links.linked_cases(context, klacht.id) == []
        assert screen.loaded is not None
        assert links.unlink_line(vraag.number) in [e.summary for e in screen.loaded.detail.timeline]


def test_profile_snapshot(sqlite_context: Context, snap_compare: Any) -> None:
    context = sqlite_context
    first = register(context)
    person_id = profile.klager_of(context, first.id)
    second = register(context, ComplaintKind.INVOICE_QUESTION, person_id=person_id)
    links.link(context, first.id, second.number)
    seen = profile.get_profile(context, person_id)
    profile.correct_person(context, person_id, seen.stored, {"phone": "06 11122233"})
    app = create_app(context, offer_demo=False, animations=False)

    async def open_profile(pilot: Any) -> None:
        await settle(pilot, app)
        app.action_open_profile(person_id)
        await settle(pilot, app)
        assert isinstance(app.screen, ProfileScreen)
        assert isinstance(app.screen.query_one(DataTable), DataTable)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_profile)


async def test_the_role_and_note_of_a_betrokkene_are_corrected_on_the_case(sqlite_context: Context) -> None:
    context = sqlite_context
    case = register(context, involved=[PersonInput(name="Dr. Bakker", role=complaints.PartyRole.RESPONDENT,
                                                   note="huisarts")])
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(pilot, app, case.id)
        await pilot.press("a")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, PartyDialog)
        assert dialog.query_one("#note", Input).value == "huisarts"
        await pilot.press("tab")
        await write(pilot, "b")  # betrokkene
        await clear_and_write(pilot, app, "note", "praktijkhouder")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and screen.loaded is not None
        assert [(p.role.value, p.note) for p in screen.loaded.detail.parties] == [
            ("klager", None), ("betrokkene", "praktijkhouder")]


async def test_a_colleagues_correction_meanwhile_keeps_the_input_and_is_shown(sqlite_context: Context) -> None:
    context = sqlite_context
    case = register(context)
    person_id = profile.klager_of(context, case.id)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_profile(person_id)
        await to_profile(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, PersonDialog)
        await clear_and_write(pilot, app, "name", "Jan de Vries-Bakker")
        seen = profile.get_profile(context, person_id)  # a colleague corrects the phone meanwhile
        profile.correct_person(context, person_id, seen.stored, {"phone": "0611122233"})
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog
        assert "Nu opgeslagen — telefoon: 06 11122233" in str(dialog.query_one("#error").render())
        assert dialog.query_one("#name", Input).value == "Jan de Vries-Bakker"
        assert dialog.query_one("#phone", Input).value == "06 11122233"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ProfileScreen)
    stored = profile.get_profile(context, person_id).stored
    assert (stored["name"], stored["phone"]) == ("Jan de Vries-Bakker", "+31611122233")


async def test_the_command_palette_offers_the_klager_of_a_number(sqlite_context: Context) -> None:
    context = sqlite_context
    case = register(context)
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        await write(pilot, "2026-1")
        await settle(pilot, app)
        await wait_until(pilot, lambda: any("Klager van" in str(option.prompt)
                                            for option in app.screen.query_one(CommandList).options))
        await pilot.press("down", "enter")
        screen = await to_profile(pilot, app)
        assert screen.found is not None and screen.found.person_id == profile.klager_of(context, case.id)
