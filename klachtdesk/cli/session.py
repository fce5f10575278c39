"""The commands' way into the desk: ``services.bootstrap.open_context``, and then what the
person at the command line must be told about the database they are working in, on
stderr (so it never mixes with output a script reads): that it is a demo database (the
app's header says DEMO; a command says it too, to a person: only when stderr is a
terminal, so a script's error output stays one line), and what opening it did
(``Context.notices``: an erasure register applied again after a restore)."""

from __future__ import annotations

import os
import sys
from typing import Any

from typing import TYPE_CHECKING

from klachtdesk.cli.output import say

if TYPE_CHECKING:  # ``tell_demo`` is used before the database layer is loaded (``zoek KL-…``)
    from klachtdesk.services.core.context import Context

DEMO_NOTICE = "klachtdesk: DEMO — dit is een demodatabase met fictieve zaken, geen echte klachtenbalie."


def open_context(db: str | os.PathLike[str] | None = None, **options: Any) -> Context:
    """``bootstrap.open_context``, saying DEMO and the notices on stderr."""
    from klachtdesk.services import bootstrap  # deferred for start-up time (``tell_demo`` comes without it)

    context = bootstrap.open_context(db, **options)
    tell_demo(context.demo)
    for notice in context.notices:
        say(notice, err=True)
    return context


def tell_demo(demo: bool) -> None:
    """A person at a terminal is told that the database is a demo database."""
    if demo and sys.stderr.isatty():
        say(DEMO_NOTICE, err=True)


__all__ = ["DEMO_NOTICE", "open_context", "tell_demo"]
