"""``klachtdesk`` / ``klachtdesk app``: start the terminal application.

The first inbox page is read with the driver alone (``services.startup.read``; on PostgreSQL
in a child process while this one loads Textual, ``read_beside``) and drawn
before the ORM and the services are loaded; the app opens the full context in a worker
after that first paint (``app.create_starting_app``). When the start is not the plain case
(a new or missing database, a migration, a password to ask, an unknown user, ...), it
starts the usual way: ``open_context`` first, with today's answers and messages.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("app", parents=[common], help="start de terminalapp (standaard)")
    parser.add_argument("--geen-demo", action="store_true", help="bied op een lege database geen demodata aan")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred for start-up time: the other commands never load Textual, and the app's first
    # page loads neither the ORM nor the services (services.startup)
    import sys

    from klachtdesk.clock import SystemClock
    from klachtdesk.services import startup

    clock = SystemClock()
    first_page = startup.read_beside(args.db, user=args.gebruiker, clock=clock)  # PostgreSQL: meanwhile
    from klachtdesk.app import create_app, create_starting_app

    page = first_page()
    if page is not None:
        from klachtdesk.services.bootstrap import open_context

        app = create_starting_app(page, clock, lambda: open_context(args.db, user=args.gebruiker, clock=clock),
                                  offer_demo=not args.geen_demo)
    else:
        from klachtdesk.cli import ask_passwords_at_the_terminal
        from klachtdesk.screens.login import ask_password
        from klachtdesk.services.bootstrap import open_context
        from klachtdesk.services.identity.logins import ask_passwords_with

        if sys.stdin.isatty() and sys.stdout.isatty():
            ask_passwords_with(ask_password)  # a password the server asks: the login dialog
        else:
            ask_passwords_at_the_terminal()
        context = open_context(args.db, user=args.gebruiker, clock=clock)
        app = create_app(context, offer_demo=not args.geen_demo)
    app.run()
    if app.crash is not None:
        raise app.crash  # to the command line's one guard: the crash log and one Dutch line
    return 0
