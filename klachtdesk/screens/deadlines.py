"""Termijnen: every open deadline across all cases, grouped te laat / vandaag / morgen /
deze week / later, with werkdagen left, and a month view of the calendar.

The list is a ``DeadlineList`` over a window of entries that this screen loads page
by page in thread workers (``services.deadline_board``), never the whole board; the
group counts come from one GROUP BY, the month from one GROUP BY due. Enter opens
the case; ``m`` shows only my cases; ``k`` shows or hides the month; ``[`` and ``]``
page through the months; ``1``–``5`` jump to a group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header, Static
from textual.message import Message

from klachtdesk.errors import KlachtdeskError
from klachtdesk.screens.base import service_work
from klachtdesk.screens.list_screen import RowsAdded, WindowedListScreen, WindowLoaded
from klachtdesk.services.lists import deadline_board
from klachtdesk.services.lists.deadline_board import (
    BoardItem,
    BoardKey,
    BoardQuery,
    Group,
    GroupCounts,
    MonthView,
    Source,
)
from klachtdesk.services.time.recompute import RecomputeSummary
from klachtdesk.services.time.dutch import describe_due, format_count, format_date
from klachtdesk.widgets.deadline_list import DeadlineList
from klachtdesk.widgets.month_calendar import MonthCalendar
from klachtdesk.widgets.footer import DeskFooter

#: entries per page asked from the database
PAGE = 100
#: terminal columns from which the month view shows beside the list (narrower: on ``k``)
CALENDAR_FROM = 120
#: a key after every entry of the board (to load the last page)
END = BoardKey(date(9999, 12, 31), 99, 0)

GROUP_CLASSES = {
    Group.OVERDUE: "group-te-laat",
    Group.TODAY: "group-vandaag",
    Group.TOMORROW: "group-binnenkort",
    Group.THIS_WEEK: "group-binnenkort",
    Group.LATER: "group-later",
}


@dataclass
class BoardCounted(Message):
    """The number of open deadlines per group for ``query``."""

    query: BoardQuery
    counts: GroupCounts


@dataclass
class MonthLoaded(Message):
    """The month view for ``query``."""

    query: BoardQuery
    view: MonthView


class DeadlinesScreen(WindowedListScreen):
    HELP_TITLE = "Termijnen"
    #: the page worker reports a problem the count runs into too
    QUIET_WORK = WindowedListScreen.QUIET_WORK | {"deadlines-count"}
    #: seconds between two looks at the change marker (a colleague's work shows up too)
    POLL_SECONDS: ClassVar[float] = 5.0

    DEFAULT_CSS = """
    DeadlinesScreen #deadlines-bar { height: 1; padding: 0 1; background: $boost; }
    DeadlinesScreen #deadlines-title { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    DeadlinesScreen #deadlines-position { width: auto; text-style: bold; }
    DeadlinesScreen #deadlines-groups { height: 1; padding: 0 1; }
    DeadlinesScreen #deadlines-groups Static { width: auto; margin-right: 3; }
    DeadlinesScreen .group-te-laat { color: $error; text-style: bold; }
    DeadlinesScreen .group-vandaag { color: $warning; text-style: bold; }
    DeadlinesScreen .group-binnenkort { color: yellow; }
    DeadlinesScreen .group-later { color: $text-muted; }
    DeadlinesScreen #deadlines-body { height: 1fr; }
    DeadlinesScreen DeadlineList { width: 1fr; }
    DeadlinesScreen MonthCalendar { width: 38; }
    DeadlinesScreen.-no-calendar MonthCalendar { display: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Zaak openen", id="deadlines.open"),
        Binding("m", "mine", "Mijn zaken", id="deadlines.mine"),
        Binding("k", "calendar", "Kalender", id="deadlines.calendar"),
        Binding("left_square_bracket", "month(-1)", "Vorige maand", id="deadlines.previous_month"),
        Binding("right_square_bracket", "month(1)", "Volgende maand", id="deadlines.next_month"),
        Binding("1", "group(0)", "Naar te laat", id="deadlines.group_overdue", show=False),
        Binding("2", "group(1)", "Naar vandaag", id="deadlines.group_today", show=False),
        Binding("3", "group(2)", "Naar morgen", id="deadlines.group_tomorrow", show=False),
        Binding("4", "group(3)", "Naar deze week", id="deadlines.group_this_week", show=False),
        Binding("5", "group(4)", "Naar later", id="deadlines.group_later", show=False),
        Binding("r", "reload", "Vernieuwen", id="deadlines.refresh", show=False),
        Binding("escape", "back", "Terug", id="deadlines.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.board_query = BoardQuery()
        self.counts: GroupCounts | None = None
        self.month_shown: tuple[int, int] | None = None  # (year, month) of the month view
        self._calendar_chosen = False  # k or [ ] decided whether the month view shows

    @property
    def deadline_list(self) -> DeadlineList:
        return self.query_one("#deadlines-list", DeadlineList)

    windowed_list = deadline_list

    @property
    def list_query(self) -> BoardQuery:
        return self.board_query

    def reload_window(self) -> None:
        self.refresh_board()

    @property
    def month_calendar(self) -> MonthCalendar:
        return self.query_one("#deadlines-month", MonthCalendar)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="deadlines-bar"):
            yield Static(id="deadlines-title")
            yield Static(id="deadlines-position")
        with Horizontal(id="deadlines-groups"):
            for group in Group:
                yield Static(group.label, id=f"deadlines-group-{int(group)}", classes=GROUP_CLASSES[group])
        with Horizontal(id="deadlines-body"):
            yield DeadlineList(self._describe, id="deadlines-list")
            yield MonthCalendar(id="deadlines-month")
        yield DeskFooter()

    def on_mount(self) -> None:
        context = self.context
        today = context.today()
        self.month_shown = (today.year, today.month)
        self._show_title()
        self.deadline_list.focus()
        self.set_interval(self.POLL_SECONDS, self._poll)
        recomputed = context.calendar_recompute
        if isinstance(recomputed, RecomputeSummary) and recomputed.moved:
            context.calendar_recompute = None  # said once
            self.notify(f"De kalender is gewijzigd: {recomputed.text}", title="Termijnen herberekend", timeout=8)

    def on_screen_resume(self) -> None:
        if not self._started:
            self._started = True
            self._reset()
        else:
            self.refresh_board()

    # -- loading ------------------------------------------------------------------------

    def _reset(self, group: Group | None = None) -> None:
        """The first page (or the page where ``group`` starts), the counts and the month."""
        deadline_list = self.deadline_list
        token = deadline_list.new_token()
        deadline_list.empty_text = "Geen open termijnen in uw zaken." if self.board_query.mine else "Geen open termijnen."
        self._fetch_start(self.board_query, group, token)
        self._count(self.board_query)
        self._load_month()

    def refresh_board(self) -> None:
        """Reload around the cursor (the data changed); the cursor stays on its entry if it can."""
        deadline_list = self.deadline_list
        if not deadline_list.loaded:
            return
        token = deadline_list.new_token()
        self._fetch_around(self.board_query, deadline_list.current, deadline_list.position, token)
        self._count(self.board_query)
        self._load_month()

    @service_work("deadlines-window")
    def _fetch_start(self, query: BoardQuery, group: Group | None, token: int) -> None:
        context = self.context
        counts = deadline_board.count_groups(context, query) if group is not None else None
        first_day = counts.boundaries.first_day(group) if counts is not None and group is not None else None
        if first_day is None:
            items = deadline_board.fetch_page(context, query, limit=PAGE)
            start, at_top = 0, True
        else:
            assert counts is not None and group is not None
            items = deadline_board.fetch_page(context, query, after=BoardKey.start_of(first_day), limit=PAGE)
            start = counts.start_index(group)
            at_top = start == 0
            if not items:  # an empty group at the end: show the last page instead
                items = deadline_board.fetch_page(context, query, before=END, limit=PAGE)
                start, at_top = max(0, counts.total - len(items)), len(items) < PAGE
                self.post_message(WindowLoaded(query, token, items, start=start, at_top=at_top, at_bottom=True,
                                               cursor=len(items) - 1))
                return
        self.post_message(WindowLoaded(query, token, items, start=start, at_top=at_top,
                                       at_bottom=len(items) < PAGE))

    @service_work("deadlines-window")
    def _fetch_last(self, query: BoardQuery, token: int, known: GroupCounts | None) -> None:
        context = self.context
        counts = known or deadline_board.count_groups(context, query)
        items = deadline_board.fetch_page(context, query, before=END, limit=PAGE)
        self.post_message(WindowLoaded(query, token, items, start=max(0, counts.total - len(items)),
                                       at_top=len(items) < PAGE, at_bottom=True, cursor=max(0, len(items) - 1)))

    @service_work("deadlines-window")
    def _fetch_around(self, query: BoardQuery, anchor: BoardItem | None, position: int, token: int) -> None:
        context = self.context
        before = deadline_board.fetch_page(context, query, before=anchor.key, limit=PAGE) if anchor else []
        after_key = before[-1].key if before else None
        after = deadline_board.fetch_page(context, query, after=after_key, limit=PAGE)
        items = before + after
        cursor = len(before)
        if anchor is not None:
            cursor = next((i for i, item in enumerate(items) if item.key == anchor.key), cursor)
        cursor = min(cursor, max(0, len(items) - 1))
        at_top = len(before) < PAGE
        start = 0 if at_top else max(0, position - len(before))
        self.post_message(WindowLoaded(query, token, items, start=start, at_top=at_top, at_bottom=len(after) < PAGE,
                                       cursor=cursor))

    @on(DeadlineList.NeedRows)
    def _need_rows(self, message: DeadlineList.NeedRows) -> None:
        if message.direction == "first":
            self._fetch_start(self.board_query, None, message.token)
        elif message.direction == "last":
            self._fetch_last(self.board_query, message.token, self.counts)
        else:
            self._fetch_more(self.board_query, message.direction, message.anchor, message.token)

    @service_work("deadlines-more", exclusive=False)
    def _fetch_more(self, query: BoardQuery, direction: Literal["after", "before"], anchor: BoardItem,
                    token: int) -> None:
        if direction == "after":
            items = deadline_board.fetch_page(self.context, query, after=anchor.key, limit=PAGE)
        else:
            items = deadline_board.fetch_page(self.context, query, before=anchor.key, limit=PAGE)
        self.post_message(RowsAdded(query, direction, items, token, complete=len(items) < PAGE))

    @service_work("deadlines-count")
    def _count(self, query: BoardQuery) -> None:
        self.post_message(BoardCounted(query, deadline_board.count_groups(self.context, query)))

    @on(BoardCounted)
    def _counted(self, message: BoardCounted) -> None:
        if message.query != self.board_query:
            return
        counts = message.counts
        self.counts = counts
        self.deadline_list.set_counts(counts)
        for group in Group:
            label = self.query_one(f"#deadlines-group-{int(group)}", Static)
            label.update(Text(f"{group.label} {format_count(counts.counts[group])}"))

    def _load_month(self) -> None:
        if self.month_shown is not None and not self.has_class("-no-calendar"):
            self._fetch_month(self.board_query, *self.month_shown)

    @service_work("deadlines-month")
    def _fetch_month(self, query: BoardQuery, year: int, month: int) -> None:
        self.post_message(MonthLoaded(query, deadline_board.month(self.context, year, month, query)))

    @on(MonthLoaded)
    def _month_loaded(self, message: MonthLoaded) -> None:
        view = message.view
        if message.query == self.board_query and (view.year, view.month) == self.month_shown:
            self.month_calendar.show(view)

    # -- header lines -------------------------------------------------------------------

    def _show_title(self) -> None:
        parts = ["Termijnen", "mijn zaken" if self.board_query.mine else "alle zaken",
                 f"vandaag {format_date(self.context.today())}"]
        self.query_one("#deadlines-title", Static).update(Text(" · ".join(parts)))

    @on(DeadlineList.Moved)
    def _moved(self, message: DeadlineList.Moved) -> None:
        self.query_one("#deadlines-position", Static).update(Text(message.deadline_list.position_text()))

    def _describe(self, item: BoardItem) -> str:
        context = self.context
        try:
            return describe_due(context.today(), item.due, context.calendars.organisation)
        except KlachtdeskError:
            return item.due.isoformat()

    # -- actions --------------------------------------------------------------------------

    def action_open(self) -> None:
        item = self.deadline_list.current
        if item is not None:
            self._open(item)

    @on(DeadlineList.Opened)
    def _opened(self, message: DeadlineList.Opened) -> None:
        self._open(message.item)

    def _open(self, item: BoardItem) -> None:
        if item.complaint_id is not None:
            self.desk.action_open_case(item.complaint_id)
        elif item.source is Source.MEASURE:
            self.desk.action_open_measures()
        else:
            self.notify(f"{item.reference} ({item.party}) hoort niet bij een zaak: uiterlijk "
                        f"{format_date(item.due)} afhandelen.", timeout=5)

    def action_mine(self) -> None:
        self.board_query = BoardQuery(mine=not self.board_query.mine)
        self.counts = None
        self._show_title()
        self._reset()

    def on_resize(self) -> None:
        """On a narrow terminal the list keeps its columns and the calendar waits for ``k``."""
        if not self._calendar_chosen:
            self.set_class(self.size.width < CALENDAR_FROM, "-no-calendar")
            self._load_month()

    def action_calendar(self) -> None:
        self._calendar_chosen = True
        self.toggle_class("-no-calendar")
        self._load_month()

    def action_month(self, step: int) -> None:
        if self.month_shown is None:
            return
        if self.has_class("-no-calendar"):
            self._calendar_chosen = True
            self.remove_class("-no-calendar")
        self.month_shown = deadline_board.next_month(*self.month_shown, step)
        self._load_month()

    def action_group(self, group: int) -> None:
        self._reset(Group(group))

    def action_reload(self) -> None:
        self.refresh_board()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


__all__ = ["DeadlinesScreen"]
