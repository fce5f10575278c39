"""Waiting in a Pilot test for what the test looks for, not for a number of seconds.

A fixed ``pilot.pause(0.5)`` before an assertion guesses how long the app needs (a search's
quiet time, the command palette's search, a poll): on a loaded machine the guess can be too
short, and the test fails once and passes on the rerun (issue 19). ``wait_until`` looks
every few hundredths of a second and returns as soon as the condition holds, so a fast
machine waits no longer than the app needs and a slow one up to ``timeout`` seconds; the
test's own assertion follows it and says what was wrong if the time ran out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


async def wait_until(pilot: Any, condition: Callable[[], object], timeout: float = 30.0) -> bool:
    """Pause until ``condition()`` is true (True) or ``timeout`` seconds have passed (False)."""
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            return False
        await pilot.pause(0.05)
    return True
