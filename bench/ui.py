"""What the user sees: launch to the first inbox page, and a key press to its repaint.

Headless Pilot (``App.run_test(size=(140, 45))``), the app made by ``create_app``
exactly as the tests do. "On screen" is measured at the screen update itself: the
app's ``_display`` (called by the compositor with the rendered update, also when
headless) is wrapped to note the time of every paint, and ``CaseList.render_line``
is wrapped (in this process only) to note when the list has rendered loaded rows.
So the first page is on screen at the first paint in which the case list drew rows
that came from the database, and a key press is repainted at the first paint after
it was sent.

References: a bare Textual app — an empty ``DataTable`` for the launch, and a
``DataTable`` of 1,000 rows (the key must have something to move over) for the keys.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from textual.app import App, ComposeResult

from bench import BENCH_USER
from textual.widgets import DataTable, Footer, Header


SIZE = (140, 45)
#: columns of the bare reference table (the inbox's)
COLUMNS = ("Klachtnummer", "Ontvangen", "Klager", "Soort", "Status", "Behandelaar", "Eerstvolgende termijn")
#: how long a paint may take before a run counts as failed
TIMEOUT = 60.0
#: ``perf_counter()`` at the paint of the last launch's first page
LAST_SHOWN = 0.0


class BareApp(App[None]):
    """The reference: Header, a DataTable (empty, or ``rows`` rows), Footer."""

    def __init__(self, rows: int = 0) -> None:
        super().__init__()
        self.row_count = rows
        self.animation_level = "none"
        self.mounted = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", id="bare-table")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        if self.row_count:
            table.add_rows(
                (f"KL-2026-{i:06d}", "23 nov 2026 10:00", f"Klager {i}", "klacht", "nieuw", "Jan Jansen", "nog 3 werkdagen")
                for i in range(self.row_count, 0, -1)
            )
        table.focus()
        self.mounted = True


@dataclass
class PaintWatch:
    """The moments the app painted, and whether the case list had drawn loaded rows by then."""

    times: list[float] = field(default_factory=list)
    first_rows: float | None = None
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def attach(self, app: App[Any], ready: Callable[[], bool]) -> None:
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            now = time.perf_counter()
            self.times.append(now)
            if self.first_rows is None and ready():
                self.first_rows = now
            self.event.set()

        app._display = display  # type: ignore[method-assign]

    async def until(self, condition: Callable[[], float | None], timeout: float = TIMEOUT) -> float:
        """Wait for the paint that makes ``condition`` give a moment."""
        limit = time.perf_counter() + timeout
        while True:
            found = condition()
            if found is not None:
                return found
            self.event.clear()
            remaining = limit - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("geen scherm-update binnen de tijd")
            try:
                await asyncio.wait_for(self.event.wait(), remaining)
            except TimeoutError:
                pass

    def first_after(self, moment: float) -> float | None:
        return next((t for t in self.times if t > moment), None)


class _RowsDrawn:
    """Wraps ``CaseList.render_line`` once: notes that a list drew a row from the database."""

    drawn = False
    _installed = False

    @classmethod
    def install(cls) -> None:
        if cls._installed:
            return
        from klachtdesk.widgets.case_list import CaseList

        original = CaseList.render_line

        def render_line(self: Any, y: int) -> Any:
            strip = original(self, y)
            if y >= 1 and self.loaded and self.rows and y - 1 < len(self.rows) - self.top:
                cls.drawn = True
            return strip

        CaseList.render_line = render_line  # type: ignore[method-assign]
        cls._installed = True


# ---------------------------------------------------------------------------------------
# launch
# ---------------------------------------------------------------------------------------


async def launch_klachtdesk(url: str, after: Callable[[Any, Any, PaintWatch], Awaitable[Any]] | None = None,
                            first_page: Callable[[], Any] | None = None, clock: Any = None) -> tuple[float, Any]:
    """Seconds from opening the database to the first inbox page on screen, the way
    ``klachtdesk`` starts (``cli.app``): the first page read with the driver
    (``services.startup``) and the full context opened after it, in a worker; or, when the
    start is not the plain case, ``open_context`` first. ``after(app, pilot, watch)`` then
    runs inside the same session. ``first_page``: the page already on its way
    (``startup.read_beside``, started with ``clock`` before Textual was imported, as
    ``cli.app`` does)."""
    from klachtdesk.app import create_app, create_starting_app
    from klachtdesk.clock import FixedClock
    from klachtdesk.services import startup
    from klachtdesk.services.core.starting import StartingContext

    def open_full() -> Any:
        from bench.cache import open_bench_context  # as the app does: after the first page

        return open_bench_context(url)

    _RowsDrawn.install()
    _RowsDrawn.drawn = False
    gc.collect()
    started = time.perf_counter()
    clock = clock or FixedClock()  # the bench's moment (bench.cache.bench_clock)
    page = first_page() if first_page is not None else startup.read(url, user=BENCH_USER, clock=clock)
    context = None if page is not None else open_full()
    try:
        if page is not None:
            app = create_starting_app(page, clock, open_full, offer_demo=False, animations=False)
        else:
            app = create_app(context, offer_demo=False, animations=False)
        watch = PaintWatch()
        watch.attach(app, lambda: _RowsDrawn.drawn)
        result = None
        async with app.run_test(size=SIZE) as pilot:
            shown = await watch.until(lambda: watch.first_rows)
            _note_shown(shown)
            if after is not None:
                result = await after(app, pilot, watch)
            if page is not None:  # the full context, opened meanwhile (or still opening)
                await app.workers.wait_for_complete()
                context = app.context
        return shown - started, result
    finally:
        if context is not None and not isinstance(context, StartingContext):
            context.db.dispose()


async def launch_bare(rows: int = 0, after: Callable[[Any, Any, PaintWatch], Awaitable[Any]] | None = None
                      ) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    app = BareApp(rows)
    watch = PaintWatch()
    watch.attach(app, lambda: app.mounted)
    result = None
    async with app.run_test(size=SIZE) as pilot:
        shown = await watch.until(lambda: watch.first_rows)
        _note_shown(shown)
        if after is not None:
            result = await after(app, pilot, watch)
    return shown - started, result


def _note_shown(moment: float) -> None:
    global LAST_SHOWN
    LAST_SHOWN = moment


# ---------------------------------------------------------------------------------------
# key presses
# ---------------------------------------------------------------------------------------


def press_and_time(key: str, presses: int) -> Callable[[Any, Any, PaintWatch], Awaitable[list[float]]]:
    """``presses`` times: wait until idle, press ``key``, time to the first paint after it."""

    async def run(app: Any, pilot: Any, watch: PaintWatch) -> list[float]:
        await pilot.pause()
        if hasattr(app.screen, "case_list"):  # let the first page's follow-up work settle (count, prefetch)
            await app.workers.wait_for_complete()
            await pilot.pause()
        values = []
        for _ in range(presses):
            await pilot.pause()
            pressed = time.perf_counter()
            await pilot.press(key)
            painted = await watch.until(lambda: watch.first_after(pressed), timeout=10)
            values.append(painted - pressed)
        return values

    return run


def run(coroutine: Awaitable[Any]) -> Any:
    return asyncio.run(coroutine)  # type: ignore[arg-type]
