"""The inbox as a user drives it: moving through the whole list, jump, search, filters,
sort, refresh on changes. Pilot, a fixed clock, a SQLite database per test."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from textual.screen import Screen
from textual.widgets import Checkbox, Input, OptionList, Select, Static

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.models import Channel, Complaint, ComplaintKind, Status
from klachtdesk.screens import inbox as inbox_screen
from klachtdesk.screens.inbox import InboxScreen
from klachtdesk.screens.inbox_filters import FilterScreen
from klachtdesk.screens.jump import JumpScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, Registered, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.widgets import case_list as case_list_module
from klachtdesk.widgets.case_list import CaseList
from tests.ui.waiting import workers_done

SIZE = (140, 45)


def register(context: Context, i: int, *, hours_ago: float, name: str | None = None, phone: str = "",
             kind: ComplaintKind = ComplaintKind.COMPLAINT, channel: Channel = Channel.PHONE) -> Registered:
    return complaints.register(context, RegistrationInput(
        kind=kind, channel=channel, received_at=context.now() - timedelta(hours=hours_ago),
        complainant=PersonInput(name=name or f"Klager {i:02d}", phone=phone, email=f"klager{i}@example.nl"),
        service_type=context.settings.lists.service_types[0], description=f"Omschrijving {i}",
        invoice_number=f"F-{i}" if kind is ComplaintKind.INVOICE_QUESTION else "",
    ))


@pytest.fixture
def cases(sqlite_context: Context) -> list[Registered]:
    """30 cases, one every 5 hours going back; #4 is Karel Appel, reachable by phone."""
    made = []
    for i in range(30):
        kind = ComplaintKind.INVOICE_QUESTION if i % 4 == 1 else ComplaintKind.COMPLAINT
        channel = Channel.EMAIL if i % 3 == 2 else Channel.PHONE
        name = "Karel Appel" if i == 4 else None
        phone = "+31 6 1234 5678" if i == 4 else ""
        made.append(register(sqlite_context, i + 1, hours_ago=5 * (30 - i), name=name, phone=phone, kind=kind,
                             channel=channel))
    return made  # made[0] is the oldest, made[-1] the newest


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids passed to ``app.action_open_case`` (the case screen is another module's)."""
    calls: list[int] = []
    monkeypatch.setattr(KlachtdeskApp, "action_open_case", lambda self, complaint_id: calls.append(complaint_id))
    return calls


async def settle(pilot: Any, app: KlachtdeskApp, delay: float = 0.0) -> None:
    await pilot.pause(delay)
    for _ in range(3):
        await workers_done(app)
        await pilot.pause()


def inbox_of(app: KlachtdeskApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def position(app: KlachtdeskApp) -> str:
    return str(app.screen.query_one("#inbox-position", Static).render())


def title(app: KlachtdeskApp) -> str:
    return str(app.screen.query_one("#inbox-title", Static).render())


def current_number(app: KlachtdeskApp) -> str:
    row = inbox_of(app).case_list.current
    assert row is not None
    return row.number


def newest_first(cases: list[Registered]) -> list[str]:
    return [c.number for c in reversed(cases)]


# -- the list -------------------------------------------------------------------------------


async def test_the_inbox_opens_newest_first_with_a_position(sqlite_context: Context, cases: list[Registered]) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        case_list = inbox_of(app).case_list
        assert [r.number for r in case_list.rows] == newest_first(cases)
        assert current_number(app) == cases[-1].number
        assert position(app) == "1 van 30"
        assert title(app) == "Inbox · alle zaken · nieuwste eerst"
        assert app.focused is case_list


async def test_keys_move_through_the_whole_list_with_a_small_window(
    sqlite_context: Context, cases: list[Registered], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a short terminal, pages of 4 and a window of at most 12 rows: moves need the database
    monkeypatch.setattr(inbox_screen, "PAGE", 4)
    monkeypatch.setattr(case_list_module, "MAX_ROWS", 12)
    monkeypatch.setattr(case_list_module, "PREFETCH", 2)
    order = newest_first(cases)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(140, 14)) as pilot:
        await settle(pilot, app)
        case_list = inbox_of(app).case_list
        for step in range(1, 21):
            await pilot.press("j" if step % 2 else "down")
            await settle(pilot, app)
            assert current_number(app) == order[step], step
        assert position(app) == "21 van 30"
        assert case_list.visible_rows < 12
        assert len(case_list.rows) <= 18  # the window stays small ...
        assert case_list.start > 0  # ... the first rows were dropped
        await pilot.press("k", "up")
        await settle(pilot, app)
        assert current_number(app) == order[18]
        await pilot.press("end")
        await settle(pilot, app)
        assert current_number(app) == cases[0].number  # the oldest
        assert position(app) == "30 van 30"
        for _ in range(9):
            await pilot.press("up")
            await settle(pilot, app)
        assert current_number(app) == order[20]
        assert position(app) == "21 van 30"
        await pilot.press("home")
        await settle(pilot, app)
        assert current_number(app) == order[0]
        assert position(app) == "1 van 30"
        await pilot.press("pagedown")
        await settle(pilot, app)
        await settle(pilot, app)
        page = case_list.visible_rows
        assert current_number(app) == order[min(page, 29)]
        await pilot.press("pageup")
        await settle(pilot, app)
        assert current_number(app) == order[0]


async def test_enter_opens_the_case_under_the_cursor(
    sqlite_context: Context, cases: list[Registered], opened: list[int]
) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "down", "enter")
        assert opened == [cases[-3].id]


async def test_the_cursor_stays_on_its_case_after_another_screen(
    sqlite_context: Context, cases: list[Registered]
) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press(*["down"] * 7)
        before = current_number(app)
        await app.push_screen(Screen())
        await settle(pilot, app)
        app.pop_screen()
        await settle(pilot, app)
        assert current_number(app) == before
        assert position(app) == "8 van 30"


# -- jump ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["7", "KL-2026-000007"])
async def test_g_jumps_to_a_klachtnummer(
    sqlite_context: Context, cases: list[Registered], opened: list[int], typed: str
) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("g")
        await settle(pilot, app)
        assert isinstance(app.screen, JumpScreen)
        await pilot.press(*typed, "enter")
        await settle(pilot, app)
        assert opened == [cases[6].id]
        assert isinstance(app.screen, InboxScreen)


async def test_an_unknown_number_is_said_and_the_dialog_stays(
    sqlite_context: Context, cases: list[Registered], opened: list[int]
) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("g", "9", "9", "9", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, JumpScreen)
        assert "KL-2026-000999 bestaat niet" in str(app.screen.query_one("#jump-message", Static).render())
        assert app.screen.query_one(Input).value == "999"
        await pilot.press("backspace", "backspace", "backspace", *"abc", "enter")
        await settle(pilot, app)
        assert "geen klachtnummer" in str(app.screen.query_one("#jump-message", Static).render())
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, InboxScreen)
        assert opened == []


async def test_the_jump_dialog_suggests_numbers_as_you_type(
    sqlite_context: Context, cases: list[Registered], opened: list[int]
) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("g", "1")
        await settle(pilot, app)
        options = app.screen.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt)[:14] for i in range(options.option_count)]
        assert shown == ["KL-2026-000001", "KL-2026-000010", "KL-2026-000011", "KL-2026-000012",
                         "KL-2026-000013", "KL-2026-000014", "KL-2026-000015", "KL-2026-000016"]
        await pilot.press("down", "down", "enter")
        await settle(pilot, app)
        assert opened == [cases[9].id]  # KL-2026-000010


async def test_the_command_palette_goes_to_a_klachtnummer(
    sqlite_context: Context, cases: list[Registered], opened: list[int]
) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        await pilot.press(*"2026-5")
        await settle(pilot, app, delay=0.5)
        await pilot.press("enter")
        await settle(pilot, app)
        assert opened == [cases[4].id]


async def test_the_command_palette_opens_the_jump_dialog(sqlite_context: Context, cases: list[Registered]) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        await pilot.press(*"ga naar klacht")
        await settle(pilot, app, delay=0.5)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, JumpScreen)


# -- search ---------------------------------------------------------------------------------


async def test_slash_finds_a_caller_by_phone_number_in_another_format(
    sqlite_context: Context, cases: list[Registered]
) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#inbox-search", Input)
        await pilot.press(*"06-12345678", "enter")
        await settle(pilot, app)
        case_list = inbox_of(app).case_list
        assert [r.number for r in case_list.rows] == [cases[4].number]
        assert title(app) == 'Inbox · zoeken: "06-12345678" · nieuwst geregistreerd eerst'
        assert position(app) == "1 van 1"
        assert app.focused is case_list
        await pilot.press("escape")
        await settle(pilot, app)
        assert len(case_list.rows) == 30
        assert title(app) == "Inbox · alle zaken · nieuwste eerst"
        assert not app.screen.query_one("#inbox-search", Input).display


async def test_search_runs_while_typing_and_says_when_nothing_matches(
    sqlite_context: Context, cases: list[Registered]
) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"karel")
        await settle(pilot, app, delay=InboxScreen.SEARCH_DELAY + 0.2)
        assert [r.number for r in inbox_of(app).case_list.rows] == [cases[4].number]
        await pilot.press(*"zzz")
        await settle(pilot, app, delay=InboxScreen.SEARCH_DELAY + 0.2)
        assert inbox_of(app).case_list.rows == []
        assert position(app) == "0 zaken"
        assert inbox_of(app).case_list.empty_text == "Geen zaken gevonden."


# -- filters and sort ---------------------------------------------------------------------------


async def test_m_shows_my_cases_and_escape_clears_it(sqlite_context: Context, cases: list[Registered]) -> None:
    mine = [cases[3].id, cases[17].id]
    with sqlite_context.db.write() as session:
        session.execute(update(Complaint).where(Complaint.id.in_(mine)).values(handler_id=sqlite_context.user.id))  # type: ignore[union-attr]
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("m")
        await settle(pilot, app)
        assert [r.id for r in inbox_of(app).case_list.rows] == [cases[17].id, cases[3].id]
        assert "mijn zaken" in title(app)
        assert position(app) == "1 van 2"
        await pilot.press("escape")
        await settle(pilot, app)
        assert len(inbox_of(app).case_list.rows) == 30


async def test_the_filter_dialog_combines_kind_and_channel(sqlite_context: Context, cases: list[Registered]) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "down", "down")
        await pilot.press("f")
        await settle(pilot, app)
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#filter-kind", Select).value = ComplaintKind.INVOICE_QUESTION
        app.screen.query_one("#filter-channel", Select).value = Channel.PHONE
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        rows = inbox_of(app).case_list.rows
        want = [c.number for c in reversed(cases) if c.kind is ComplaintKind.INVOICE_QUESTION
                and complaints.get_case(sqlite_context, c.id, record_view=False).channel is Channel.PHONE]
        assert [r.number for r in rows] == want
        assert position(app) == f"1 van {len(want)}"
        assert "soort: factuurvraag" in title(app) and "kanaal: telefoon" in title(app)
        await pilot.press("f")
        await settle(pilot, app)
        await pilot.press("escape")  # cancel keeps the filters
        await settle(pilot, app)
        assert [r.number for r in inbox_of(app).case_list.rows] == want


async def test_overdue_only_and_sort_by_deadline(sqlite_context: Context, cases: list[Registered]) -> None:
    today = sqlite_context.today()
    with sqlite_context.db.write() as session:
        session.execute(update(Complaint).where(Complaint.id == cases[10].id).values(next_due=today - timedelta(days=7)))  # type: ignore[arg-type]
        session.execute(update(Complaint).where(Complaint.id == cases[20].id).values(next_due=today - timedelta(days=1)))  # type: ignore[arg-type]
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        assert "eerstvolgende termijn eerst" in title(app)
        assert current_number(app) == cases[10].number
        await pilot.press("f")
        await settle(pilot, app)
        app.screen.query_one("#filter-overdue", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        rows = inbox_of(app).case_list.rows
        assert rows[0].number == cases[10].number
        assert cases[20].number in [r.number for r in rows]
        assert all(r.next_due is not None and r.next_due < today for r in rows)
        assert [(r.next_due, r.id) for r in rows] == sorted((r.next_due, r.id) for r in rows)  # type: ignore[misc]
        assert "alleen te laat" in title(app)


async def test_the_deadline_column_is_in_werkdagen(sqlite_context: Context, cases: list[Registered]) -> None:
    today = sqlite_context.today()  # Monday 23 November 2026
    with sqlite_context.db.write() as session:
        for case, due in [(cases[-1], today - timedelta(days=3)), (cases[-2], today), (cases[-3], today + timedelta(days=1)),
                          (cases[-4], today + timedelta(days=3))]:
            session.execute(update(Complaint).where(Complaint.id == case.id).values(next_due=due))  # type: ignore[arg-type]
        session.execute(update(Complaint).where(Complaint.id == cases[-5].id).values(next_due=None, status=Status.CLOSED))  # type: ignore[arg-type]
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        case_list = inbox_of(app).case_list
        texts = [case_list._cells(row) for row in case_list.rows[:5]]
        assert texts[0][0][-1] == "1 werkdag te laat" and texts[0][1] == "case-list--te-laat"  # due Friday
        assert texts[1][0][-1] == "vandaag" and texts[1][1] == "case-list--vandaag"
        assert texts[2][0][-1] == "morgen" and texts[2][1] == "case-list--binnenkort"
        assert texts[3][0][-1] == "nog 3 werkdagen" and texts[3][1] is None
        assert texts[4][0][-1] == "—" and texts[4][1] is None


# -- changes --------------------------------------------------------------------------------


async def test_data_changed_shows_a_new_case_and_keeps_the_cursor(
    sqlite_context: Context, cases: list[Registered]
) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "down", "down")
        here = current_number(app)
        new = register(sqlite_context, 99, hours_ago=0.5)
        app.post_data_changed()
        await settle(pilot, app)
        case_list = inbox_of(app).case_list
        assert case_list.rows[0].number == new.number
        assert current_number(app) == here
        assert position(app) == "5 van 31"


async def test_a_settings_change_is_taken_over_and_a_broken_one_said_once(sqlite_context: Context) -> None:
    from klachtdesk.services.config import store
    from klachtdesk.services.identity import staff
    from klachtdesk.services.organisation import settings as organisation

    context = sqlite_context
    context.settings, context.settings_version = store.load_settings(context.db, context.now())  # as at start
    beheer = Context(db=context.db, clock=context.clock)  # the beheerder, on another workstation
    beheer.user = staff.sign_in(beheer, "tester")
    beheer.settings, beheer.settings_version = store.load_settings(beheer.db, beheer.now())
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = inbox_of(app)

        def said() -> list[str]:
            return [n.message for n in app._notifications]

        organisation.set_value(beheer, "berichten.organisatie.naam", '"Zorg BV"')
        screen._poll()
        await settle(pilot, app)
        assert context.settings.messages.organisation == "Zorg BV"
        assert [m for m in said() if "opnieuw gelezen" in m] != []
        with context.db.write() as session:  # a change this version cannot read (a newer klachtdesk's, say)
            store.write_texts(session, {"post.toml": "[grenzen]\nper_afzender_per_dag = \"veel\"\n"},
                              context.now(), None)
        for _ in range(3):
            screen._poll()
            await settle(pilot, app)
        assert len([m for m in said() if "niet overgenomen" in m]) == 1  # once, not at every poll
        assert context.settings.messages.organisation == "Zorg BV"  # the app works on with what it had


async def test_a_colleagues_change_is_picked_up_by_polling(sqlite_context: Context, cases: list[Registered]) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = inbox_of(app)
        screen._poll()
        await settle(pilot, app)
        assert len(screen.case_list.rows) == 30  # nothing changed: nothing reloaded
        new = register(sqlite_context, 98, hours_ago=0.1)  # as if from another klachtdesk
        screen._poll()
        await settle(pilot, app)
        assert screen.case_list.rows[0].number == new.number
        assert position(app) == "2 van 31"


# -- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("screen_class", "prefix"), [(InboxScreen, "inbox."), (CaseList, "inbox."),
                                                      (JumpScreen, "jump."), (FilterScreen, "filters.")])
def test_every_binding_has_an_id_and_a_description(screen_class: type, prefix: str) -> None:
    for binding in screen_class.BINDINGS:
        assert binding.id and binding.id.startswith(prefix), binding
        assert binding.description, binding


async def test_the_other_screens_are_reached_by_their_keys(
    sqlite_context: Context, cases: list[Registered], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, object]] = []
    for action in ("open_registration", "open_deadlines", "open_analysis"):
        monkeypatch.setattr(KlachtdeskApp, f"action_{action}", lambda self, a=action: calls.append((a, None)))
    monkeypatch.setattr(KlachtdeskApp, "action_open_planner",
                        lambda self, complaint_id=None: calls.append(("open_planner", complaint_id)))
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("n", "d", "a", "p")
        assert calls == [("open_registration", None), ("open_deadlines", None), ("open_analysis", None),
                         ("open_planner", cases[-1].id)]


async def test_search_finds_inside_compounds_and_says_where(sqlite_context: Context) -> None:
    """Issue 15, item 9: ``vriendelijk`` finds ``onvriendelijk`` after the whole words, and
    each row says in which field it was found."""
    def with_description(name: str, description: str, hours_ago: int) -> Registered:
        return complaints.register(sqlite_context, RegistrationInput(
            received_at=sqlite_context.now() - timedelta(hours=hours_ago),
            complainant=PersonInput(name=name, phone="0612345678"),
            service_type=sqlite_context.settings.lists.service_types[0], description=description))

    inside = with_description("Bram Bos", "De thuiszorgmedewerker was onvriendelijk", 1)
    whole = with_description("Anna Vriendt", "Niet vriendelijk geholpen", 2)
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"vriendelijk", "enter")
        await settle(pilot, app)
        case_list = inbox_of(app).case_list
        assert [r.number for r in case_list.rows] == [whole.number, inside.number]
        width = case_list.size.width
        assert "Gevonden in" in case_list._render_header(width).text
        assert "omschrijving" in case_list._render_row(0, width).text
        assert "omschrijvi" in case_list._render_row(1, width).text and case_list.rows[1].inside_word
        assert "omschrijving (in een woord)" in case_list._cells(case_list.rows[1])[0]
        assert "Eerstvolgende termijn" in case_list._render_header(width).text


async def test_after_registering_the_inbox_shows_the_new_case_under_the_cursor(
    sqlite_context: Context, cases: list[Registered]
) -> None:
    """Issue 15, item 15: back from the registration, the inbox has reloaded its page and the
    cursor is on the case just registered (newest first: at the top, in view)."""
    from klachtdesk.screens.registration import RegistrationDoneScreen, RegistrationScreen
    from tests.ui.test_registration import valid_complaint

    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "down", "down")
        case_list = inbox_of(app).case_list
        assert case_list.current is not None and case_list.current.id == cases[-4].id
        await pilot.press("n")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        await form.fill(valid_complaint(name="Nieuwe Beller"))
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        done = app.screen
        assert isinstance(done, RegistrationDoneScreen)
        await pilot.press("escape")  # Naar de inbox
        await settle(pilot, app)
        case_list = inbox_of(app).case_list
        current = case_list.current
        assert current is not None and current.id == done.registered.id
        assert case_list.rows[0].id == done.registered.id and case_list.top == 0
        assert case_list.total == len(cases) + 1
