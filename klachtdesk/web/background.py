"""Work the web form does after it answered: sending mail.

A klager's page never waits for a mail server, and "Waar staat mijn klacht?" answers
before it even looks the case up — so neither the answer nor its timing tells whether
a klachtnummer and an e-mail address belong together. One worker thread does the jobs
in order; a job that fails is logged (what it stored, such as an unsent message, stays
visible at the desk).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)


class Background:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="formulier-achtergrond")
        self._pending: list[Future[Any]] = []

    def submit(self, job: Callable[..., Any], *args: Any) -> None:
        def run() -> None:
            try:
                job(*args)
            except Exception:  # noqa: BLE001 - a background job must never take the worker down
                log.exception("achtergrondtaak %s mislukt", getattr(job, "__name__", job))

        self._pending = [f for f in self._pending if not f.done()]
        self._pending.append(self._executor.submit(run))

    def join(self) -> None:
        """Wait until every job submitted so far is done (tests, shutdown)."""
        for future in list(self._pending):
            future.result()
        self._pending = []

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)
