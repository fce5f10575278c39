"""The postal address in the phone intake (optional: Tab passes an empty one by, alt+w
goes in) and a printed letter marked posted from the case screen (key o)."""

from __future__ import annotations

from typing import Any

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.screens.case_actions import PostedDialog
from klachtdesk.screens.case_detail import CaseDetailScreen, render_fields, render_parties
from klachtdesk.screens.registration import RegistrationDoneScreen, RegistrationScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import messages, posting
from klachtdesk.widgets.intake_field import IntakeField
from tests.ui.typing import type_text
from tests.ui.waiting import workers_done

SIZE = (140, 45)


async def settle(pilot: Any, app: KlachtdeskApp) -> None:
    for _ in range(3):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


async def write(pilot: Any, text: str) -> None:
    await type_text(pilot, text)


def focused_id(app: KlachtdeskApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def open_form(pilot: Any, app: KlachtdeskApp) -> RegistrationScreen:
    await settle(pilot, app)
    await pilot.press("n")
    await settle(pilot, app)
    assert isinstance(app.screen, RegistrationScreen)
    return app.screen


async def test_tab_passes_an_empty_address_by_and_alt_w_enters_it(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        await write(pilot, "Jan Jansen")
        await pilot.press("tab")
        await write(pilot, "0612345678")
        await pilot.press("tab", "tab")  # no e-mail
        assert focused_id(app) == "incident_date"  # the empty address costs no key
        await pilot.press("shift+tab")
        assert focused_id(app) == "email"  # and none going back
        await pilot.press("alt+w")
        assert focused_id(app) == "address-street"
        await write(pilot, "Dorpsstraat 12a")
        await pilot.press("tab")
        await write(pilot, "1234ab")
        await pilot.press("tab")
        await write(pilot, "Ons Dorp")
        await pilot.press("tab", "tab")
        assert focused_id(app) == "incident_date"
        await pilot.press("shift+tab")
        assert focused_id(app) == "address-country"  # an address typed is part of the way back
        await pilot.press("tab", "tab")  # incident date left empty
        await write(pilot, "tele")
        await pilot.press("enter")
        await write(pilot, "bej")
        await pilot.press("enter")
        assert focused_id(app) == "description"
        await write(pilot, "Brief kwam niet aan.")
        await settle(pilot, app)
        hint = screen.query_one("#field-address", IntakeField).message
        assert hint == "✓ Dorpsstraat 12a, 1234 AB Ons Dorp · berichten gaan per brief"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        done = app.screen
        assert isinstance(done, RegistrationDoneScreen)
        draft = done.acknowledgement.draft
        assert draft is not None and draft.transport == "post"  # the acknowledgement goes by letter
        assert done._ack_line().endswith("per post (geen e-mailadres): b drukt de brief af.")
        await pilot.press("b")
        await settle(pilot, app)
        assert [letter.template for letter in posting.waiting(sqlite_context)] == ["ontvangstbevestiging"]
        assert "afgedrukt: klaar om te versturen per post" in str(done.query_one("#acknowledgement").render())
        klager = complaints.get_case(sqlite_context, done.registered.id, record_view=False).complainant
        assert klager is not None and klager.address == "Dorpsstraat 12a, 1234 AB Ons Dorp"


async def test_a_wrong_postcode_is_said_at_the_address(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        await write(pilot, "Jan Jansen")
        await pilot.press("alt+w")
        await write(pilot, "Dorpsstraat 1")
        await pilot.press("tab")
        await write(pilot, "12345")
        await pilot.press("tab")
        await write(pilot, "Ons Dorp")
        await pilot.press("tab")
        await settle(pilot, app)
        box = screen.query_one("#field-address", IntakeField)
        assert box.invalid and "geen Nederlandse postcode" in box.message
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and focused_id(app) in ("address-postcode", "phone")


async def test_a_printed_letter_is_marked_posted_with_o(sqlite_context: Context) -> None:
    case_id = complaints.register(sqlite_context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", street="Dorpsstraat 12a",
                                postcode="1234 AB", city="Ons Dorp"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.",
    )).id
    draft = messages.prepare_acknowledgement(sqlite_context, case_id)
    sent = messages.send(sqlite_context, case_id, draft.template, draft.subject, draft.body)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_case(case_id)
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen) and screen.loaded is not None
        assert [letter.id for letter in screen.loaded.letters] == [sent.id]
        from rich.console import Console

        console = Console(width=120, record=True)
        console.print(render_fields(screen.loaded))
        console.print(render_parties(screen.loaded))
        shown = console.export_text()
        assert "klaar om te versturen (o: verstuurd)" in shown and "Dorpsstraat 12a, 1234 AB Ons Dorp" in shown
        await pilot.press("o")
        await settle(pilot, app)
        assert isinstance(app.screen, PostedDialog)
        assert focused_id(app) == "posted_on"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        assert posting.waiting(sqlite_context) == []
        assert screen.loaded is not None and screen.loaded.letters == ()
        assert screen.loaded.detail.timeline[0].summary == "Brief verstuurd: Ontvangstbevestiging (per post)"
        notes: list[str] = []
        original = app.notify
        app.notify = lambda message, **kwargs: notes.append(str(message)) or original(message, **kwargs)  # type: ignore[method-assign]
        await pilot.press("o")  # nothing waits any more: the key says so
        await settle(pilot, app)
        assert app.screen is screen
        assert any("geen brief op de post" in note for note in notes), notes


async def test_the_letters_screen_lists_opens_and_marks_posted(sqlite_context: Context) -> None:
    """l in the inbox: every letter waiting for the post; o marks it posted (the case's dialog)."""
    from klachtdesk.screens.letters import LettersScreen
    from klachtdesk.services.correspondence import posting

    case_id = complaints.register(sqlite_context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", street="Dorpsstraat 12a",
                                postcode="1234 AB", city="Ons Dorp"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.",
    )).id
    draft = messages.prepare_acknowledgement(sqlite_context, case_id)
    sent = messages.send(sqlite_context, case_id, draft.template, draft.subject, draft.body)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("l")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, LettersScreen), (screen, app.focused, [str(n.message) for n in app._notifications])
        assert [letter.id for letter in screen.letters] == [sent.id]
        await pilot.press("o")
        await settle(pilot, app)
        assert isinstance(app.screen, PostedDialog)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and screen.letters == []
    assert posting.waiting(sqlite_context) == []


async def test_p_in_the_letters_screen_prints_the_letter_from_the_database(sqlite_context: Context) -> None:
    """A letter the web form recorded is not printed yet; p prints it into this desk's outbox
    (private) and says where; p again replaces it (a spoiled print)."""
    import stat
    from pathlib import Path

    from textual.widgets import Static

    from klachtdesk.screens.letters import LettersScreen
    from klachtdesk.services.correspondence.acknowledgement import send_automatic_acknowledgement

    case_id = complaints.register(sqlite_context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", street="Dorpsstraat 12a", postcode="1234 AB", city="Ons Dorp"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.",
    )).id
    sent = send_automatic_acknowledgement(sqlite_context, case_id, counts_as_reply=False)
    assert sent.outbox_path is None
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    notes: list[str] = []
    original = app.notify
    app.notify = lambda message, **kwargs: notes.append(str(message)) or original(message, **kwargs)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("l")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, LettersScreen)
        detail = str(screen.query_one("#letter-detail", Static).render())
        assert "Telt niet als de reactie" in detail and "Nog niet afgedrukt" in detail
        await pilot.press("p")
        await settle(pilot, app)
        [letter] = posting.waiting(sqlite_context)
        assert letter.printed_here and letter.path is not None
        path = Path(letter.path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert any(f"is afgedrukt: {path}" in note for note in notes), notes
        assert f"Bestand: {path}" in str(screen.query_one("#letter-detail", Static).render())
        await pilot.press("p")
        await settle(pilot, app)
        assert any("opnieuw afgedrukt" in note for note in notes), notes
        assert [p.name for p in path.parent.iterdir()] == [path.name]
