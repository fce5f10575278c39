"""Waiting in a Pilot test for what the test looks for, not for a number of seconds.

A fixed ``pilot.pause(0.5)`` before an assertion guesses how long the app needs (a search's
quiet time, the command palette's search, a poll): on a loaded machine the guess can be too
short, and the test fails once and passes on the rerun (issue 19). ``wait_until`` looks
every few hundredths of a second and returns as soon as the condition holds, so a fast
machine waits no longer than the app needs and a slow one up to ``timeout`` seconds; the
test's own assertion follows it and says what was wrong if the time ran out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.worker import WorkerCancelled


async def wait_until(pilot: Any, condition: Callable[[], object], timeout: float = 30.0) -> bool:
    """Pause until ``condition()`` is true (True) or ``timeout`` seconds have passed (False)."""
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            return False
        await pilot.pause(0.05)
    return True


async def workers_done(app: Any) -> None:
    """Wait for the app's workers, as ``app.workers.wait_for_complete()`` does, except that a
    worker the app cancelled itself is no failure: an exclusive group (the inbox's poll) cancels
    the one running when another starts, which happens when the poll's timer and a test's own
    poll meet on a loaded machine (the failure seen in CI-like runs). A worker that failed still
    fails the test."""
    results = await asyncio.gather(*(worker.wait() for worker in list(app.workers)), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, WorkerCancelled):
            raise result
