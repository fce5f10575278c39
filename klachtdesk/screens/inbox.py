"""The inbox: every case, newest first (or by next deadline), filtered and searched.

The list is a ``CaseList`` (a virtual list) over a window of rows that this screen
loads page by page in thread workers (``services.inbox``); it never loads all
cases. The total per filter is counted once in a worker and cached until the data
changes; a change marker is polled every few seconds so a colleague's new case
shows up too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Header, Input, Static
from textual.message import Message

from klachtdesk.errors import KlachtdeskError, PermissionDenied
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.lists.saved_views import SavedViewRecord
from klachtdesk.services.procedure.bulk import BulkResult
from klachtdesk.services.lists import changes
from klachtdesk.services.lists import inbox
from klachtdesk.services.lists import search
from klachtdesk.services.lists.matching import require_search
from klachtdesk.services.cases.complaints import CaseFilter, CaseRow
from klachtdesk.services.time.calendar import OrganisationCalendar
from klachtdesk.services.time.dutch import describe_due, remaining_words
from klachtdesk.services.lists.inbox import InboxQuery, SortOrder
from klachtdesk.services.lists.search import MatchCount
from klachtdesk.screens.base import service_work
from klachtdesk.screens.inbox_bulk import BulkDialog
from klachtdesk.screens.inbox_filters import FilterScreen, describe_filters
from klachtdesk.screens.inbox_views import SaveViewDialog, ViewPicker
from klachtdesk.screens.jump import open_jump
from klachtdesk.screens.list_screen import RowsAdded, WindowedListScreen, WindowLoaded
from klachtdesk.widgets.case_list import CaseList
from klachtdesk.widgets.messages import DataChanged
from klachtdesk.widgets.footer import DeskFooter

#: rows per page asked from the database
PAGE = 100


@dataclass
class Counted(Message):
    """How many cases match ``query`` (a count of its own: it may take longer than a page)."""

    query: InboxQuery
    total: MatchCount


class InboxScreen(WindowedListScreen):
    HELP_TITLE = "Inbox"
    #: the page worker reports a problem the count runs into too
    QUIET_WORK = WindowedListScreen.QUIET_WORK | {"inbox-count"}
    #: seconds between two looks at the change marker
    POLL_SECONDS: ClassVar[float] = 3.0
    #: pause after the last key stroke before a search runs
    SEARCH_DELAY: ClassVar[float] = 0.2

    DEFAULT_CSS = """
    InboxScreen #inbox-bar { height: 1; padding: 0 1; background: $boost; }
    InboxScreen #inbox-title { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    InboxScreen #inbox-position { width: 34; text-align: right; text-style: bold; }
    InboxScreen #inbox-search { display: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Openen", id="inbox.open"),
        Binding("n", "new", "Nieuwe melding", id="inbox.new"),
        Binding("g", "jump", "Ga naar klacht", id="inbox.jump"),
        Binding("i", "profile", "Klager", id="inbox.profile", show=False),
        Binding("slash", "search", "Zoeken", id="inbox.search"),
        Binding("f", "filters", "Filters", id="inbox.filters"),
        Binding("m", "mine", "Mijn zaken", id="inbox.mine"),
        Binding("s", "sort", "Sortering", id="inbox.sort"),
        Binding("d", "deadlines", "Termijnen", id="inbox.deadlines"),
        Binding("p", "planner", "Planner", id="inbox.planner"),
        Binding("a", "analysis", "Analyse", id="inbox.analysis"),
        Binding("l", "letters", "Brieven op de post", id="inbox.letters", show=False),
        Binding("space", "mark", "Markeren", id="inbox.mark"),
        Binding("b", "bulk", "Gemarkeerde bewerken", id="inbox.bulk"),
        Binding("v", "views", "Weergaven", id="inbox.views"),
        Binding("w", "save_view", "Weergave bewaren", id="inbox.save_view", show=False),
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
        #: the saved view last chosen, and its query (the header names it while that is shown)
        self._view_name = ""
        self._view_query: InboxQuery | None = None

    @property
    def case_list(self) -> CaseList:
        return self.query_one("#inbox-list", CaseList)

    windowed_list = case_list

    @property
    def list_query(self) -> InboxQuery:
        return self.inbox_query

    def reload_window(self) -> None:
        self.refresh_list()

    def on_data_changed(self, message: DataChanged) -> None:
        """Reload around the cursor; a case just registered gets the cursor if it is on the page."""
        message.prevent_default()  # instead of the base class's reload (which would keep the old cursor)
        self.refresh_list(select=message.new_case)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="inbox-bar"):
            yield Static(id="inbox-title")
            yield Static(id="inbox-position")
        yield Input(placeholder="Zoek op naam, telefoonnummer, e-mailadres, klachtnummer of tekst",
                    id="inbox-search")
        yield CaseList(self._describe_due, id="inbox-list")
        yield DeskFooter()

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

    def refresh_list(self, select: int | None = None) -> None:
        """Reload the rows around the cursor (the data changed); the cursor stays on its case,
        or goes to case ``select`` if that is among the rows loaded."""
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
        self._fetch_around(self.inbox_query, anchor, case_list.position, case_list.cursor - case_list.top, token,
                           select)
        self._ensure_count()

    def _ensure_count(self) -> None:
        known = self._counts.get(self.inbox_query)
        if known is not None:
            self.case_list.set_total(known.value, known.more)
        else:
            self._count(self.inbox_query)

    @service_work("inbox-window")
    def _fetch_window(self, query: InboxQuery, direction: str, token: int, known: MatchCount | None) -> None:
        context = self.context
        marker = changes.change_marker(context)
        if direction == "first":
            rows = inbox.fetch_page(context, query, limit=PAGE)
            self.post_message(WindowLoaded(query, token, rows, start=0, at_top=True, at_bottom=len(rows) < PAGE,
                                           marker=marker))
            return
        rows = inbox.fetch_page(context, query, last=True, limit=PAGE)
        if known is None or known.more:
            known = inbox.count(context, query)
            self.post_message(Counted(query, known))
        self.post_message(WindowLoaded(query, token, rows, start=known.value - len(rows), at_top=len(rows) < PAGE,
                                       at_bottom=True, cursor=len(rows) - 1, marker=marker))

    @service_work("inbox-window")
    def _fetch_around(self, query: InboxQuery, anchor: CaseRow | None, position: int, offset: int,
                      token: int, select: int | None = None) -> None:
        context = self.context
        marker = changes.change_marker(context)
        before = inbox.fetch_page(context, query, before=anchor, limit=PAGE) if anchor else []
        if before:
            after = inbox.fetch_page(context, query, after=before[-1], limit=PAGE)
        else:
            after = inbox.fetch_page(context, query, limit=PAGE)
        rows = before + after
        at_top = len(before) < PAGE
        cursor = len(before)
        if anchor is not None:
            cursor = next((i for i, row in enumerate(rows) if row.id == anchor.id), cursor)
        chosen = next((i for i, row in enumerate(rows) if row.id == select), None) if select else None
        keep_offset: int | None = offset
        if chosen is not None:  # the new case is on this page: the cursor goes there, in view
            cursor, keep_offset = chosen, None
        cursor = min(cursor, max(0, len(rows) - 1))
        start = 0 if at_top else position - len(before)
        self.post_message(WindowLoaded(query, token, rows, start=start, at_top=at_top, at_bottom=len(after) < PAGE,
                                       cursor=cursor, keep_offset=keep_offset, marker=marker))

    def window_shown(self, query: object) -> None:
        assert isinstance(query, InboxQuery)
        self._shown_query = query
        self.case_list.show_search(query.searching)  # a search says where each case was found
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

    @service_work("inbox-more", exclusive=False)
    def _fetch_more(self, query: InboxQuery, direction: Literal["after", "before"], anchor: CaseRow | None,
                    token: int) -> None:
        if direction == "after":
            rows = inbox.fetch_page(self.context, query, after=anchor, limit=PAGE)
        else:
            rows = inbox.fetch_page(self.context, query, before=anchor, limit=PAGE)
        self.post_message(RowsAdded(query, direction, rows, token, complete=len(rows) < PAGE))

    @service_work("inbox-count")
    def _count(self, query: InboxQuery) -> None:
        total = inbox.count(self.context, query, cap=search.COUNT_CAP if query.searching else None)
        self.post_message(Counted(query, total))

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        self._counts[message.query] = message.total
        if message.query == self.inbox_query:
            self.case_list.set_total(message.total.value, message.total.more)

    # -- the header line ----------------------------------------------------------------

    def _filtered(self) -> bool:
        return self.inbox_query.searching or self.inbox_query.filters != CaseFilter()

    def describe_query(self) -> str:
        query = self.inbox_query
        parts = []
        if query.searching:
            parts.append(f'zoeken: "{query.text}"')
        parts += describe_filters(query.filters, self.context.user.id)
        if self._view_name and self._view_query == query:
            parts.insert(0, f"weergave: {self._view_name}")
        if query.searching:
            order = "nieuwst geregistreerd eerst"
        elif query.sort is SortOrder.DEADLINE:
            order = "eerstvolgende termijn eerst"
        else:
            order = "nieuwste eerst"
        marked = self.case_list.marked if self.is_mounted else set()
        mark = [f"{len(marked)} gemarkeerd"] if marked else []  # first: it must not be cut off
        return " · ".join(["Inbox", *mark, *(parts or ["alle zaken"]), order])

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
            left = calendar.werkdagen_until(today, due)  # one date at a time: no numpy at start
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
        mine = None if filters.handler_id == self.context.user.id else self.context.user.id
        self.set_query(replace(self.inbox_query, filters=replace(filters, handler_id=mine, handler_name="",
                                                                 unassigned=False)))

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

        self.app.push_screen(FilterScreen(self.inbox_query.filters, self.context.user.id,
                                          self.context.settings.lists.categories), chosen)

    def action_reload(self) -> None:
        self.refresh_list()

    def action_clear(self) -> None:
        search_input = self.query_one("#inbox-search", Input)
        if self.case_list.marked and not search_input.has_focus:
            self.case_list.clear_marks()
            self._show_title()
            self.notify("Markeringen gewist.", timeout=2)
        elif self.inbox_query.searching or search_input.display:
            self._stop_search_timer()
            search_input.value = ""
            search_input.display = False
            self.case_list.focus()
            self.set_query(replace(self.inbox_query, text=""))
        elif self.inbox_query.filters != CaseFilter():
            self.set_query(replace(self.inbox_query, filters=CaseFilter()))
            self.notify("Filters gewist.", timeout=2)

    # -- saved views ------------------------------------------------------------------------

    def action_views(self) -> None:
        def chosen(view: SavedViewRecord | None) -> None:
            if view is not None:
                self._view_name, self._view_query = view.name, view.query
                search_input = self.query_one("#inbox-search", Input)
                search_input.value = view.query.text
                search_input.display = view.query.searching
                if self.inbox_query == view.query:
                    self._show_title()
                self.set_query(view.query)

        self.app.push_screen(ViewPicker(self.describe_query()), chosen)

    def action_save_view(self) -> None:
        def saved(view: SavedViewRecord | None) -> None:
            if view is not None:
                self._view_name, self._view_query = view.name, self.inbox_query
                self._show_title()
                self.notify(f"Weergave '{view.name}' bewaard; kies haar met v.", timeout=4)

        self.app.push_screen(SaveViewDialog(self.inbox_query, self.describe_query(), self._view_name), saved)

    # -- several cases at once ----------------------------------------------------------------

    def action_mark(self) -> None:
        row = self.case_list.current
        if row is not None:
            self.case_list.toggle_mark(row.id)
            self._show_title()
            self.case_list.action_cursor_down()

    def action_bulk(self) -> None:
        marked = self.case_list.marked
        if not marked:
            self.notify("Markeer eerst zaken met de spatiebalk; b bewerkt dan alle gemarkeerde zaken.",
                        severity="warning", timeout=4)
            return

        def done(result: BulkResult | None) -> None:
            if result is None:
                return
            refused = {r.complaint_id for r in result.refused}
            self.case_list.set_marks(refused)  # what was refused stays marked, to look at
            self._show_title()
            self.notify(result.summary(), title="Gemarkeerde zaken", timeout=20 if refused else 6,
                        severity="warning" if refused else "information")
            self.desk.post_data_changed()

        self.app.push_screen(BulkDialog(sorted(marked)), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "bulk":  # a role that may neither assign nor handle: not in the footer
            user = self.context.user
            return user.may(Permission.ASSIGN) or user.may(Permission.HANDLE)
        if action == "search":  # a role without personal data: not in the footer, `/` says why
            return self._search_refused() is None
        return True

    def why_not_now(self, action: str) -> str | None:
        user = self.context.user
        if action == "bulk" and not (user.may(Permission.ASSIGN) or user.may(Permission.HANDLE)):
            return f"U ({user.name}, {user.role_names}) mag geen zaken toewijzen of hun status wijzigen."
        if action == "search":
            return self._search_refused()
        return None

    # -- search -----------------------------------------------------------------------------

    def _search_refused(self) -> str | None:
        """Why this user may not search (it looks into names and descriptions); None: they may.
        A refused search is never applied: the list and its header stay as they were."""
        try:
            require_search(self.context)
        except PermissionDenied as refused:
            return f"Zoeken kijkt in namen en omschrijvingen. {refused.message}"
        return None

    def action_search(self) -> None:
        refused = self._search_refused()
        if refused is not None:  # reached other than by the key (the palette): say why, open nothing
            self.notify(refused, severity="warning", timeout=4, markup=False)
            return
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
        refused = self._search_refused() if text else None
        if refused is not None:  # the query is not applied: the list and the header stay as they were
            if report:
                self.notify(refused, severity="warning", timeout=4, markup=False)
            return False
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
            self.desk.action_open_case(row.id)

    @on(CaseList.Opened)
    def _opened(self, message: CaseList.Opened) -> None:
        self.desk.action_open_case(message.row.id)

    def action_jump(self) -> None:
        open_jump(self.app)

    def action_profile(self) -> None:
        """The klager of the highlighted case: their details, cases and contacts."""
        row = self.case_list.current
        if row is not None:
            self.desk.action_open_profile(complaint_id=row.id)

    def action_new(self) -> None:
        self.desk.action_open_registration()

    def action_letters(self) -> None:
        self.desk.action_open_letters()

    def action_deadlines(self) -> None:
        self.desk.action_open_deadlines()

    def action_analysis(self) -> None:
        self.desk.action_open_analysis()

    def action_planner(self) -> None:
        row = self.case_list.current
        self.desk.action_open_planner(row.id if row is not None else None)


__all__ = ["FilterScreen", "InboxScreen"]
