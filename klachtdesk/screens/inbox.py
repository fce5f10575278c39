"""The inbox: every case, newest first (or by next deadline), filtered and searched.

The list is a ``CaseList`` (a virtual list) over a window of rows that this screen
loads page by page in thread workers (``services.inbox``); it never loads all
cases. The total per filter is counted once in a worker and cached until the data
changes; a change marker is polled every few seconds so a colleague's new case
shows up too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static

from klachtdesk.errors import KlachtdeskError
from klachtdesk.services.procedure.vocabulary import Channel, ComplaintKind, Status
from klachtdesk.services.lists import changes
from klachtdesk.services.lists import inbox
from klachtdesk.services.lists import search
from klachtdesk.services.cases.complaints import CaseFilter, CaseRow
from klachtdesk.services.time.calendar import OrganisationCalendar
from klachtdesk.services.time.dutch import describe_due, remaining_words
from klachtdesk.services.lists.inbox import InboxQuery, SortOrder
from klachtdesk.services.lists.search import MatchCount
from klachtdesk.widgets.case_list import CaseList
from klachtdesk.widgets.windowed_list import WindowedListScreen

#: rows per page asked from the database
PAGE = 100


class InboxScreen(WindowedListScreen):
    HELP_TITLE = "Inbox"
    #: seconds between two looks at the change marker
    POLL_SECONDS: ClassVar[float] = 3.0
    #: pause after the last key stroke before a search runs
    SEARCH_DELAY: ClassVar[float] = 0.2

    DEFAULT_CSS = """
    InboxScreen #inbox-bar { height: 1; padding: 0 1; background: $boost; }
    InboxScreen #inbox-title { width: 1fr; }
    InboxScreen #inbox-position { width: 34; text-align: right; text-style: bold; }
    InboxScreen #inbox-search { display: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Openen", id="inbox.open"),
        Binding("n", "new", "Nieuwe melding", id="inbox.new"),
        Binding("g", "jump", "Ga naar klacht", id="inbox.jump"),
        Binding("slash", "search", "Zoeken", id="inbox.search"),
        Binding("f", "filters", "Filters", id="inbox.filters"),
        Binding("m", "mine", "Mijn zaken", id="inbox.mine"),
        Binding("s", "sort", "Sortering", id="inbox.sort"),
        Binding("d", "deadlines", "Termijnen", id="inbox.deadlines"),
        Binding("p", "planner", "Planner", id="inbox.planner"),
        Binding("a", "analysis", "Analyse", id="inbox.analysis"),
        Binding("o", "overdue", "Alleen te laat", id="inbox.overdue", show=False),
        Binding("t", "review", "Te beoordelen", id="inbox.review", show=False),
        Binding("r", "reload", "Vernieuwen", id="inbox.refresh", show=False),
        Binding("escape", "clear", "Zoeken/filters wissen", id="inbox.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.inbox_query = InboxQuery()
        self._counts: dict[InboxQuery, MatchCount] = {}
        self._search_timer: Timer | None = None
        self._calendar: OrganisationCalendar | None = None
        self._today: date | None = None
        self._shown_query: InboxQuery | None = None  # the query whose rows are on screen

    @property
    def case_list(self) -> CaseList:
        return self.query_one("#inbox-list", CaseList)

    windowed_list = case_list

    def reload_window(self) -> None:
        self.refresh_list()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="inbox-bar"):
            yield Static(id="inbox-title")
            yield Static(id="inbox-position")
        yield Input(placeholder="Zoek op naam, telefoonnummer, e-mailadres, klachtnummer of tekst",
                    id="inbox-search")
        yield CaseList(self._describe_due, id="inbox-list")
        yield Footer()

    def on_mount(self) -> None:
        self._show_title()
        self.set_interval(self.POLL_SECONDS, self._poll)
        self.case_list.focus()

    def on_screen_resume(self) -> None:
        if not self._started:
            self._started = True
            self._reset()
        else:  # back from a case or a dialog: reload only if something changed meanwhile
            self._poll_marker()

    # -- loading ------------------------------------------------------------------------

    def _reset(self) -> None:
        """Show the first page of the current query."""
        self._check_day()
        case_list = self.case_list
        token = case_list.new_token()
        case_list.empty_text = "Geen zaken gevonden." if self._filtered() else "Nog geen zaken."
        self._fetch_window(self.inbox_query, "first", token, self._counts.get(self.inbox_query))
        self._ensure_count()

    def refresh_list(self) -> None:
        """Reload the rows around the cursor (the data changed); the cursor stays on its case."""
        case_list = self.case_list
        if not case_list.loaded:
            return
        self._counts.clear()
        if self._shown_query != self.inbox_query:  # a new query is on its way: start it over
            self._reset()
            return
        self._check_day()
        anchor = case_list.current
        token = case_list.new_token()
        self._fetch_around(self.inbox_query, anchor, case_list.position, case_list.cursor - case_list.top, token)
        self._ensure_count()

    def _ensure_count(self) -> None:
        known = self._counts.get(self.inbox_query)
        if known is not None:
            self.case_list.set_total(known.value, known.more)
        else:
            self._count(self.inbox_query)

    @work(thread=True, exclusive=True, group="inbox-window")
    def _fetch_window(self, query: InboxQuery, direction: str, token: int, known: MatchCount | None) -> None:
        context = self.context
        try:
            marker = changes.change_marker(context)
            if direction == "first":
                rows = inbox.fetch_page(context, query, limit=PAGE)
                self.app.call_from_thread(self._window_loaded, query, token, rows, 0, True, len(rows) < PAGE, 0, None)
            else:
                rows = inbox.fetch_page(context, query, last=True, limit=PAGE)
                if known is None or known.more:
                    known = inbox.count(context, query)
                    self.app.call_from_thread(self._count_done, query, known)
                self.app.call_from_thread(self._window_loaded, query, token, rows, known.value - len(rows),
                                          len(rows) < PAGE, True, len(rows) - 1, None)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._set_marker, marker)

    @work(thread=True, exclusive=True, group="inbox-window")
    def _fetch_around(self, query: InboxQuery, anchor: CaseRow | None, position: int, offset: int,
                      token: int) -> None:
        context = self.context
        try:
            marker = changes.change_marker(context)
            before = inbox.fetch_page(context, query, before=anchor, limit=PAGE) if anchor else []
            if before:
                after = inbox.fetch_page(context, query, after=before[-1], limit=PAGE)
            else:
                after = inbox.fetch_page(context, query, limit=PAGE)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._failed, error)
            return
        rows = before + after
        at_top = len(before) < PAGE
        cursor = len(before)
        if anchor is not None:
            cursor = next((i for i, row in enumerate(rows) if row.id == anchor.id), cursor)
        cursor = min(cursor, max(0, len(rows) - 1))
        start = 0 if at_top else position - len(before)
        self.app.call_from_thread(self._window_loaded, query, token, rows, start, at_top, len(after) < PAGE,
                                  cursor, offset)
        self.app.call_from_thread(self._set_marker, marker)

    def _window_loaded(self, query: InboxQuery, token: int, rows: list[CaseRow], start: int, at_top: bool,
                       at_bottom: bool, cursor: int, offset: int | None) -> None:
        if query != self.inbox_query or token != self.case_list.token:
            return
        self._shown_query = query
        self.case_list.load(rows, token, start=start, at_top=at_top, at_bottom=at_bottom, cursor=cursor,
                            keep_offset=offset)
        known = self._counts.get(query)
        if known is not None:
            self.case_list.set_total(known.value, known.more)

    @on(CaseList.NeedRows)
    def _need_rows(self, message: CaseList.NeedRows) -> None:
        if message.direction in ("first", "last"):
            self._fetch_window(self.inbox_query, message.direction, message.token,
                               self._counts.get(self.inbox_query))
        else:
            self._fetch_more(self.inbox_query, message.direction, message.anchor, message.token)

    @work(thread=True, group="inbox-more")
    def _fetch_more(self, query: InboxQuery, direction: str, anchor: CaseRow | None, token: int) -> None:
        try:
            if direction == "after":
                rows = inbox.fetch_page(self.context, query, after=anchor, limit=PAGE)
            else:
                rows = inbox.fetch_page(self.context, query, before=anchor, limit=PAGE)
        except KlachtdeskError as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._more_loaded, query, direction, rows, token)

    def _more_loaded(self, query: InboxQuery, direction: str, rows: list[CaseRow], token: int) -> None:
        if query == self.inbox_query:
            self.case_list.add_rows("after" if direction == "after" else "before", rows, token,
                                    complete=len(rows) < PAGE)

    @work(thread=True, exclusive=True, group="inbox-count")
    def _count(self, query: InboxQuery) -> None:
        try:
            total = inbox.count(self.context, query, cap=search.COUNT_CAP if query.searching else None)
        except KlachtdeskError:
            return  # the page worker reports the problem
        self.app.call_from_thread(self._count_done, query, total)

    def _count_done(self, query: InboxQuery, total: MatchCount) -> None:
        self._counts[query] = total
        if query == self.inbox_query:
            self.case_list.set_total(total.value, total.more)

    # -- changes by others --------------------------------------------------------------

    def _set_marker(self, marker: int) -> None:
        self._marker = marker

    # -- the header line ----------------------------------------------------------------

    def _filtered(self) -> bool:
        return self.inbox_query.searching or self.inbox_query.filters != CaseFilter()

    def describe_query(self) -> str:
        query, filters = self.inbox_query, self.inbox_query.filters
        parts = []
        if query.searching:
            parts.append(f'zoeken: "{query.text}"')
        if filters.handler_id is not None:
            parts.append("mijn zaken")
        if filters.status is not None:
            parts.append(f"status: {filters.status.value}")
        if filters.kind is not None:
            parts.append(f"soort: {filters.kind.value}")
        if filters.channel is not None:
            parts.append(f"kanaal: {filters.channel.value}")
        if filters.overdue_only:
            parts.append("alleen te laat")
        if filters.open_only:
            parts.append("alleen open zaken")
        if filters.review_only:
            parts.append("te beoordelen (uit e-mail)")
        if query.searching:
            order = "nieuwst geregistreerd eerst"
        elif query.sort is SortOrder.DEADLINE:
            order = "eerstvolgende termijn eerst"
        else:
            order = "nieuwste eerst"
        return " · ".join(["Inbox", *(parts or ["alle zaken"]), order])

    def _show_title(self) -> None:
        self.query_one("#inbox-title", Static).update(Text(self.describe_query()))

    @on(CaseList.Moved)
    def _moved(self, message: CaseList.Moved) -> None:
        # a fixed width: no layout pass on every key press
        self.query_one("#inbox-position", Static).update(Text(message.case_list.position_text()), layout=False)

    def _check_day(self) -> None:
        """Take the calendar and today's date once per load; a new day redoes the werkdagen."""
        context = self.context
        today = context.today()
        self._calendar = context.calendars.organisation
        if today != self._today:
            self._today = today
            self.case_list.clear_due_cache()

    def _describe_due(self, due: date) -> tuple[str, int]:
        """``nog 3 werkdagen`` / ``vandaag`` / ``2 werkdagen te laat`` and the signed werkdagen."""
        calendar, today = self._calendar, self._today
        if calendar is None or today is None:
            self._check_day()
            calendar, today = self._calendar, self._today
        try:
            left = int(calendar.werkdagen_until_bulk(today, [due])[0])
        except (KlachtdeskError, ValueError):
            return due.isoformat(), 99
        # describe_due only differs from remaining_words for 1 werkdag ("morgen" or not)
        return (describe_due(today, due, calendar) if left == 1 else remaining_words(left)), left

    # -- the query ------------------------------------------------------------------------

    def set_query(self, query: InboxQuery) -> None:
        if query == self.inbox_query:
            return
        self.inbox_query = query
        self._show_title()
        self._reset()

    def action_mine(self) -> None:
        filters = self.inbox_query.filters
        mine = None if filters.handler_id is not None else self.context.user.id
        self.set_query(replace(self.inbox_query, filters=replace(filters, handler_id=mine)))

    def action_overdue(self) -> None:
        filters = self.inbox_query.filters
        self.set_query(replace(self.inbox_query, filters=replace(filters, overdue_only=not filters.overdue_only)))

    def action_review(self) -> None:
        filters = self.inbox_query.filters
        self.set_query(replace(self.inbox_query, filters=replace(filters, review_only=not filters.review_only)))

    def action_sort(self) -> None:
        new = SortOrder.DEADLINE if self.inbox_query.sort is SortOrder.RECEIVED else SortOrder.RECEIVED
        if self.inbox_query.searching:
            self.notify("Zoekresultaten staan altijd op nieuwst geregistreerd eerst; "
                        "de sortering geldt weer na het wissen van de zoekopdracht.", timeout=4)
        self.set_query(replace(self.inbox_query, sort=new))

    def action_filters(self) -> None:
        def chosen(filters: CaseFilter | None) -> None:
            if filters is not None:
                self.set_query(replace(self.inbox_query, filters=filters))

        self.app.push_screen(FilterScreen(self.inbox_query.filters, self.context.user.id), chosen)

    def action_reload(self) -> None:
        self.refresh_list()

    def action_clear(self) -> None:
        search_input = self.query_one("#inbox-search", Input)
        if self.inbox_query.searching or search_input.display:
            self._stop_search_timer()
            search_input.value = ""
            search_input.display = False
            self.case_list.focus()
            self.set_query(replace(self.inbox_query, text=""))
        elif self.inbox_query.filters != CaseFilter():
            self.set_query(replace(self.inbox_query, filters=CaseFilter()))
            self.notify("Filters gewist.", timeout=2)

    # -- search -----------------------------------------------------------------------------

    def action_search(self) -> None:
        search_input = self.query_one("#inbox-search", Input)
        search_input.display = True
        search_input.focus()

    @on(Input.Changed, "#inbox-search")
    def _search_typed(self, event: Input.Changed) -> None:
        self._stop_search_timer()
        self._search_timer = self.set_timer(self.SEARCH_DELAY, self._apply_search)

    @on(Input.Submitted, "#inbox-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._stop_search_timer()
        if self._apply_search(report=True):
            self.case_list.focus()

    def _stop_search_timer(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None

    def _apply_search(self, report: bool = False) -> bool:
        text = self.query_one("#inbox-search", Input).value.strip()
        if text:
            try:
                search.parse_query(text)
            except KlachtdeskError as error:
                if report:
                    self.notify(error.message, severity="warning", timeout=4)
                return False
        self.set_query(replace(self.inbox_query, text=text))
        return True

    # -- routes -------------------------------------------------------------------------

    def action_open(self) -> None:
        row = self.case_list.current
        if row is not None:
            self.app.action_open_case(row.id)  # type: ignore[attr-defined]

    @on(CaseList.Opened)
    def _opened(self, message: CaseList.Opened) -> None:
        self.app.action_open_case(message.row.id)  # type: ignore[attr-defined]

    def action_jump(self) -> None:
        from klachtdesk.screens.jump import open_jump

        open_jump(self.app)

    def action_new(self) -> None:
        self.app.action_open_registration()  # type: ignore[attr-defined]

    def action_deadlines(self) -> None:
        self.app.action_open_deadlines()  # type: ignore[attr-defined]

    def action_analysis(self) -> None:
        self.app.action_open_analysis()  # type: ignore[attr-defined]

    def action_planner(self) -> None:
        row = self.case_list.current
        self.app.action_open_planner(row.id if row is not None else None)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------
# the filter dialog
# ---------------------------------------------------------------------------------------


class FilterScreen(ModalScreen[CaseFilter | None]):
    """Status, soort, kanaal, mijn zaken, te laat, open: Tab between them, Ctrl+S applies."""

    HELP_TITLE = "Filters"
    DEFAULT_CSS = """
    FilterScreen { align: center middle; }
    FilterScreen > Vertical { width: 76; height: auto; padding: 1 2; border: thick $accent; background: $surface; }
    FilterScreen #filter-title { text-style: bold; margin-bottom: 1; }
    FilterScreen .filter-row { height: auto; }
    FilterScreen .filter-label { width: 10; margin-top: 1; }
    FilterScreen .filter-row Select { width: 1fr; }
    FilterScreen Checkbox { margin-left: 10; }
    FilterScreen .filter-buttons { height: auto; margin-top: 1; }
    FilterScreen Button { margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuleren", id="filters.cancel"),
        Binding("ctrl+s", "apply", "Toepassen", id="filters.apply"),
        Binding("ctrl+r", "reset", "Alles wissen", id="filters.reset"),
    ]

    def __init__(self, filters: CaseFilter, user_id: int) -> None:
        super().__init__()
        self.filters = filters
        self.user_id = user_id

    def compose(self) -> ComposeResult:
        f = self.filters
        with Vertical():
            yield Label("Filters", id="filter-title")
            with Horizontal(classes="filter-row"):
                yield Label("Status", classes="filter-label")
                yield Select([(s.value, s) for s in Status], prompt="alle statussen", id="filter-status",
                             value=f.status if f.status is not None else Select.NULL)
            with Horizontal(classes="filter-row"):
                yield Label("Soort", classes="filter-label")
                yield Select([(k.value, k) for k in ComplaintKind], prompt="alle soorten", id="filter-kind",
                             value=f.kind if f.kind is not None else Select.NULL)
            with Horizontal(classes="filter-row"):
                yield Label("Kanaal", classes="filter-label")
                yield Select([(c.value, c) for c in Channel], prompt="alle kanalen", id="filter-channel",
                             value=f.channel if f.channel is not None else Select.NULL)
            yield Checkbox("Alleen mijn zaken", f.handler_id is not None, id="filter-mine")
            yield Checkbox("Alleen te laat", f.overdue_only, id="filter-overdue")
            yield Checkbox("Alleen open zaken", f.open_only, id="filter-open")
            with Horizontal(classes="filter-buttons"):
                yield Button("Toepassen", variant="primary", id="filter-apply")
                yield Button("Alles wissen", id="filter-reset")
                yield Button("Annuleren", id="filter-cancel")
            yield Static("Tab: volgend veld · Enter: kiezen · Ctrl+S: toepassen · Esc: annuleren", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#filter-status", Select).focus()

    def _value(self, selector: str) -> object | None:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    def chosen(self) -> CaseFilter:
        return CaseFilter(
            status=self._value("#filter-status"),  # type: ignore[arg-type]
            kind=self._value("#filter-kind"),  # type: ignore[arg-type]
            channel=self._value("#filter-channel"),  # type: ignore[arg-type]
            handler_id=self.user_id if self.query_one("#filter-mine", Checkbox).value else None,
            overdue_only=self.query_one("#filter-overdue", Checkbox).value,
            open_only=self.query_one("#filter-open", Checkbox).value,
        )

    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    def action_reset(self) -> None:
        self.dismiss(CaseFilter())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {"filter-apply": self.action_apply, "filter-reset": self.action_reset,
                   "filter-cancel": self.action_cancel}
        if event.button.id in actions:
            actions[event.button.id]()


__all__ = ["FilterScreen", "InboxScreen"]
