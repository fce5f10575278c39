"""The draft of a form, kept while it is typed (``services.drafts``): the autosave engine.

``DraftKeeper`` writes the form's values as its draft in a thread, half a second after
the last change (the form schedules ``keep``). Its rules:

- no write before the stored draft has been looked at (``checked``): a new form must not
  overwrite an unfinished registration that is about to be offered back;
- a write never overtakes a newer one: every write has a sequence number, and under one
  lock a write older than the last one written is dropped;
- once the form is closed (saved, thrown away, refused) nothing is written any more;
- what is not yet kept when the screen goes away (a quit mid-sentence) is written at
  once, on the event loop (``flush``).

A failed write is posted to the form as ``WorkFailed`` (group ``DRAFT_WORK``); the form
says so once and keeps the input on screen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from klachtdesk.errors import KlachtdeskError
from klachtdesk.screens.base import DISCARD_WORK, DeskScreen, start_service_work
from klachtdesk.services.cases import drafts
from klachtdesk.services.core.context import Context
from klachtdesk.widgets.intake_parsing import has_input

log = logging.getLogger(__name__)

#: the worker group of draft writes (on the form) and of the discard after closing (on the app)
DRAFT_WORK = "registration-draft"

Values = dict[str, Any]


class DraftKeeper:
    """Keeps the values of ``form`` (a screen with ``values()``) as the draft ``name``."""

    def __init__(self, form: DeskScreen[Any], name: str, values: Callable[[], Values], *,
                 stored: Values, checked: bool) -> None:
        self.form = form
        self.name = name
        self.values = values
        self.checked = checked  # the stored draft has been looked at
        self.closed = False
        self._lock = threading.Lock()
        self._seq = 0  # the newest write asked for
        self._written = 0  # the newest write done
        self._pending: Values | None = None  # the values at the last change
        self._stored: Values | None = stored  # the values kept already

    def changed(self, values: Values) -> None:
        """The form changed (what a quit before the next ``keep`` must still keep)."""
        self._pending = values

    def loaded(self) -> None:
        """The stored draft has been looked at: keeping may start (and catch up)."""
        self.checked = True
        if self._pending is not None:
            self.keep()

    def stored(self, values: Values) -> None:
        """``values`` are what the draft holds now (the form was filled from it)."""
        self._stored = values

    # -- writing --------------------------------------------------------------------------

    def keep(self) -> None:
        """Keep the current values as the draft (in a thread; the newest write wins)."""
        if self.closed or not self.form.is_mounted:
            return
        try:
            values = self.values()
        except Exception:  # noqa: BLE001 - widgets going away
            return
        self._pending = values
        if not self.checked or values == self._stored:
            return
        self._stored = values
        self._seq += 1
        start_service_work(self.form, partial(self._write, self.form.context, values, self._seq), group=DRAFT_WORK)

    def _write(self, context: Context, values: Values, seq: int) -> None:
        with self._lock:
            if self.closed or seq <= self._written:
                return
            self._written = seq
            if has_input(values):
                drafts.save(context, self.name, values)
            else:
                drafts.discard(context, self.name)

    def flush(self) -> None:
        """Whatever is not kept yet, written right now (the screen is going away)."""
        values = self._unsaved()
        if values is None:
            return
        with self._lock:
            self._written = self._seq = self._seq + 1
            try:
                if has_input(values):
                    drafts.save(self.form.context, self.name, values)
                self._stored = values
            except KlachtdeskError as error:  # nothing to show it on any more
                log.warning("draft not kept at exit: %s", error)

    def _unsaved(self) -> Values | None:
        if self.closed or not self.checked:
            return None
        try:
            values = self.values()
        except Exception:  # noqa: BLE001 - widgets already gone: what the last change left
            values = self._pending
        return values if values is not None and values != self._stored else None

    # -- closing --------------------------------------------------------------------------

    def close(self, *, discard: bool) -> None:
        """No more writes; ``discard`` also removes the draft (in a thread of the app,
        which outlives the form)."""
        self.closed = True
        if discard:
            start_service_work(self.form.app, partial(self._discard, self.form.context), group=DISCARD_WORK)

    def _discard(self, context: Context) -> None:
        with self._lock:
            drafts.discard(context, self.name)

    def saved(self, context: Context, number: str) -> None:
        """The form's registration is committed (call in its save worker): the draft goes,
        in the same flow, and nothing is written after it."""
        with self._lock:
            self.closed = True
            try:
                drafts.discard(context, self.name)
            except KlachtdeskError as error:  # the case is registered: a stale draft is no reason to stop
                log.warning("draft not discarded after saving %s: %s", number, error)


__all__ = ["DISCARD_WORK", "DRAFT_WORK", "DraftKeeper"]
