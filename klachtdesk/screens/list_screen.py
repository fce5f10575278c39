"""The glue of a screen around one ``WindowedList`` (the inbox, the deadlines): the
messages its workers post, a failed load, and a look at the change marker every
``POLL_SECONDS`` so a colleague's work shows up too (and a case a colleague assigned
to the user is a notification, once: ``DeskApp.assignments_noticed``).

A subclass names its list (``windowed_list``) and the query whose rows it shows
(``list_query``), says how to reload around the cursor (``reload_window``), sets
``_started`` once it has loaded and calls ``set_interval(self.POLL_SECONDS, self._poll)``.
Its workers answer with ``WindowLoaded`` (a new window) and ``RowsAdded`` (a page more);
answers to an older query or token are dropped here.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import on
from textual.message import Message

from klachtdesk.screens.base import DeskScreen, WorkFailed, service_work
from klachtdesk.widgets.messages import DataChanged
from klachtdesk.widgets.windowed_list import WindowedList

if TYPE_CHECKING:
    from klachtdesk.services.lists.changes import AssignmentNotice


@dataclass
class WindowLoaded(Message):
    """A new window of rows for ``query`` (``marker``: the change marker read before it)."""

    query: object
    token: int
    rows: Sequence[Any]
    _: KW_ONLY
    start: int
    at_top: bool
    at_bottom: bool
    cursor: int = 0
    keep_offset: int | None = None
    marker: int | None = None


@dataclass
class RowsAdded(Message):
    """A page more, ``after`` or ``before`` the window (asked for with ``NeedRows``)."""

    query: object
    direction: Literal["after", "before"]
    rows: Sequence[Any]
    token: int
    _: KW_ONLY
    complete: bool


@dataclass
class MarkerSeen(Message):
    """The database's change marker, as the poll read it; and the cases assigned to the
    user by a colleague since the app's last look (``notices``, up to history line ``mark``)."""

    marker: int
    notices: Sequence[AssignmentNotice] = ()
    mark: int | None = None


class WindowedListScreen(DeskScreen[None]):
    #: seconds between two looks at the change marker
    POLL_SECONDS: ClassVar[float] = 3.0
    #: worker groups whose failure is not shown: the poll retries by itself
    QUIET_WORK: ClassVar[frozenset[str]] = frozenset({"list-poll"})

    def __init__(self) -> None:
        super().__init__()
        self._started = False
        self._marker: int | None = None

    @property
    def windowed_list(self) -> WindowedList[Any]:
        raise NotImplementedError

    @property
    def list_query(self) -> object:
        """The query whose rows the list should show now."""
        raise NotImplementedError

    def reload_window(self) -> None:
        """Reload the rows around the cursor (the data changed)."""
        raise NotImplementedError

    def window_shown(self, query: object) -> None:
        """A window of ``query`` is on screen now (a subclass may show more)."""

    def on_data_changed(self, message: DataChanged) -> None:
        self.reload_window()

    # -- answers of the workers ------------------------------------------------------------

    @on(WindowLoaded)
    def _window_loaded(self, message: WindowLoaded) -> None:
        if message.marker is not None:
            self._marker = message.marker
        if message.query != self.list_query or message.token != self.windowed_list.token:
            return
        self.windowed_list.load(message.rows, message.token, start=message.start, at_top=message.at_top,
                                at_bottom=message.at_bottom, cursor=message.cursor,
                                keep_offset=message.keep_offset)
        self.window_shown(message.query)

    @on(RowsAdded)
    def _rows_added(self, message: RowsAdded) -> None:
        if message.query == self.list_query:
            self.windowed_list.add_rows(message.direction, message.rows, message.token, complete=message.complete)

    @on(WorkFailed)
    def _load_failed(self, message: WorkFailed) -> None:
        """A page that did not come: the app says why; the list stops saying "laden …"."""
        windowed_list = self.windowed_list
        if message.group not in self.QUIET_WORK and not windowed_list.loaded:
            windowed_list.load([], windowed_list.token, start=0, at_top=True, at_bottom=True)

    # -- changes by colleagues -----------------------------------------------------------

    def _poll(self) -> None:
        if self.is_current and self._started and self.desk.ready:
            self._poll_marker()

    @service_work("list-poll")
    def _poll_marker(self) -> None:
        # deferred for start-up time: the first inbox page is drawn before the services load
        from klachtdesk.services.lists import changes

        context = self.context
        self.desk.follow_settings()  # a beheerder's change of the settings, taken over
        marker = changes.change_marker(context)
        seen, newest = self.desk.notice_mark, changes.newest_event(context)
        if seen is None:  # the first look: what was assigned while the app was closed and not yet seen
            notices = changes.unseen_assignments(context)
        else:
            notices = changes.assigned_to_me(context, seen, newest) if newest > seen else []
        self.post_message(MarkerSeen(marker, notices, newest))

    @on(MarkerSeen)
    def _marker_seen(self, message: MarkerSeen) -> None:
        if message.mark is not None:
            self.desk.assignments_noticed(message.notices, message.mark)
        if self._marker is not None and message.marker != self._marker:
            self.reload_window()
        self._marker = message.marker


__all__ = ["MarkerSeen", "RowsAdded", "WindowLoaded", "WindowedListScreen"]
