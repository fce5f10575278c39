"""``klachtdesk`` / ``klachtdesk app``: start the terminal application."""

from __future__ import annotations

import argparse

from klachtdesk.services.bootstrap import open_context


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("app", parents=[common], help="start de terminalapp (standaard)")
    parser.add_argument("--geen-demo", action="store_true", help="bied op een lege database geen demodata aan")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred for start-up time: the other commands never load Textual
    import sys

    from klachtdesk.app import create_app
    from klachtdesk.screens.login import ask_password
    from klachtdesk.services.identity.logins import ask_passwords_with

    if sys.stdin.isatty() and sys.stdout.isatty():
        ask_passwords_with(ask_password)  # a password the server asks: the login dialog
    context = open_context(args.db, user=args.gebruiker)
    app = create_app(context, offer_demo=not args.geen_demo)
    app.run()
    if app.crash is not None:
        raise app.crash  # to the command line's one guard: the crash log and one Dutch line
    return 0
