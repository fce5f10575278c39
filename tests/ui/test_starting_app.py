"""The app started as ``klachtdesk`` starts it: the first inbox page from
``services.startup`` at once, the full context opened in a worker after that paint.

Until the context is open the page is the one the services would show (no flash, no
other order when they take over), keys wait and are replayed in order (type-ahead is
kept), the mouse does nothing; and when the context cannot be opened the app ends with
the error the usual start gives (the command line's one Dutch line)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from klachtdesk.app import KlachtdeskApp, create_app, create_starting_app
from klachtdesk.errors import PermissionDenied
from klachtdesk.models import StaffRole
from klachtdesk.screens.inbox import InboxScreen
from klachtdesk.services import startup
from klachtdesk.services.config.store import load_settings
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.personal import HIDDEN
from klachtdesk.services.identity import staff
from tests.ui.test_inbox import register
from tests.ui.waiting import workers_done

SIZE = (100, 30)


@pytest.fixture
def desk(sqlite_context: Context) -> Context:
    load_settings(sqlite_context.db, sqlite_context.now())
    for i in range(12):
        register(sqlite_context, i + 1, hours_ago=3 * (12 - i))
    return sqlite_context


def _lines(app: KlachtdeskApp) -> list[str]:
    case_list = app.screen.case_list  # type: ignore[attr-defined]
    return [str(line.text) for line in case_list.render_lines(case_list.region.reset_offset)]


def _starting(desk: Context) -> tuple[KlachtdeskApp, threading.Event, startup.FirstPage]:
    """The app as ``klachtdesk`` starts it: the first page read plainly, the full context held
    until the test releases it; and the page."""
    page = startup.read(desk.db.url, user="tester", clock=desk.clock)
    assert page is not None
    opener, release = _held_open(desk)
    return create_starting_app(page, desk.clock, opener, offer_demo=False, animations=False), release, page


def _held_open(context: Context, username: str = "tester") -> tuple[Callable[[], Context], threading.Event]:
    """An opener that waits until the test lets it go, then opens as the CLI does."""
    release = threading.Event()

    def opener() -> Context:
        from klachtdesk.services.bootstrap import open_context

        release.wait(20)
        return open_context(context.db.url, user=username, clock=context.clock)

    return opener, release


async def _shown(app: KlachtdeskApp, pilot: Any) -> None:
    for _ in range(50):
        await pilot.pause(0.02)
        if isinstance(app.screen, InboxScreen) and app.screen.case_list.loaded:
            return
    raise AssertionError("geen eerste pagina")


async def _ready(app: KlachtdeskApp, pilot: Any) -> None:
    for _ in range(3):
        await workers_done(app)
        await pilot.pause()
    assert app.ready


async def test_the_first_page_is_the_services_page_and_stays_when_they_take_over(desk: Context) -> None:
    reference = create_app(desk, offer_demo=False, animations=False)
    async with reference.run_test(size=SIZE) as pilot:
        await _ready(reference, pilot)
        expected = _lines(reference)
    app, release, page = _starting(desk)
    async with app.run_test(size=SIZE) as pilot:
        await _shown(app, pilot)
        assert not app.ready
        before = _lines(app)
        release.set()
        await _ready(app, pilot)
        assert isinstance(app.context, Context)
        after = _lines(app)
    assert "KL-2026-000012" in before[1]
    # the count arrives with the full context ("1 van …" → "1 van 12"); the rows do not move
    assert before[1:] == after[1:] == expected[1:]


async def test_keys_typed_before_the_context_is_open_act_in_order_once_it_is(desk: Context,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[int] = []
    monkeypatch.setattr(KlachtdeskApp, "action_open_case", lambda self, complaint_id: opened.append(complaint_id))
    app, release, page = _starting(desk)
    async with app.run_test(size=SIZE) as pilot:
        await _shown(app, pilot)
        await pilot.press("down", "down", "enter")
        await pilot.pause(0.6)
        assert opened == [] and app.screen.case_list.cursor == 0  # waiting, not lost
        assert [n.message for n in app._notifications] == [
            "Even geduld: klachtdesk wordt nog geopend; uw toetsen worden zo uitgevoerd."]
        release.set()
        await _ready(app, pilot)
        await pilot.pause(0.1)
    assert opened == [page.rows[2].id]


async def test_directie_sees_no_names_on_the_first_page(desk: Context) -> None:
    with desk.db.write() as session:
        staff.create_staff(session, desk, "directeur", "Dirk Directeur", {StaffRole.MANAGEMENT})
    page = startup.read(desk.db.url, user="directeur", clock=desk.clock)
    assert page is not None and {row.complainant for row in page.rows} == {HIDDEN}
    opener, release = _held_open(desk, "directeur")
    app = create_starting_app(page, desk.clock, opener, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _shown(app, pilot)
        lines = _lines(app)
        release.set()
        await _ready(app, pilot)
    assert HIDDEN in lines[1] and "Klager 12" not in "\n".join(lines)


async def test_a_context_that_cannot_be_opened_ends_the_app_with_its_message(desk: Context) -> None:
    page = startup.read(desk.db.url, user="tester", clock=desk.clock)
    assert page is not None
    refusal = PermissionDenied("Gebruiker 'tester' is niet meer actief.")

    def opener() -> Context:
        raise refusal

    app = create_starting_app(page, desk.clock, opener, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await _shown(app, pilot)
        for _ in range(50):
            await pilot.pause(0.05)
            if app.crash is not None:
                break
    assert app.crash is refusal  # cli.app raises it to cli.main: "klachtdesk: Gebruiker ... niet meer actief."


# -- as `klachtdesk` starts it (cli.app) ---------------------------------------------------------


def _headless(monkeypatch: pytest.MonkeyPatch) -> list[KlachtdeskApp]:
    """``App.run`` headless (no terminal here), ending as soon as the full context is open."""
    from textual.app import App

    started: list[KlachtdeskApp] = []
    original_run = App.run
    original_background = KlachtdeskApp._start_background_work

    def opened(self: KlachtdeskApp) -> None:  # the last step of taking the full context over
        original_background(self)
        self.exit()

    def run(self: App[Any], **options: Any) -> Any:
        started.append(self)  # type: ignore[arg-type]
        return original_run(self, headless=True, **options)

    monkeypatch.setattr(KlachtdeskApp, "_start_background_work", opened)
    monkeypatch.setattr(App, "run", run)
    return started


def test_klachtdesk_starts_on_the_plain_first_page(desk: Context, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import klachtdesk.cli as cli

    started = _headless(monkeypatch)
    assert cli.main(["app", "--db", str(desk.db.path), "--geen-demo"]) == 0, capsys.readouterr().err
    app = started[0]
    assert app.ready and isinstance(app.context, Context) and app.context.user.username == "tester"
    assert app._opening and app.first_page is None  # the page came from services.startup, then the context


def test_an_unknown_user_gets_the_usual_line(desk: Context, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import klachtdesk.cli as cli

    started = _headless(monkeypatch)
    code = cli.main(["--db", str(desk.db.path), "--gebruiker", "niemand"])
    err = capsys.readouterr().err
    assert code != 0 and started == []  # refused before any app, as before
    assert err.startswith("klachtdesk: Gebruiker 'niemand' is geen medewerker") and err.count("\n") == 1, err
