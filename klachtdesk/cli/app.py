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
    from klachtdesk.app import create_app

    context = open_context(args.db, user=args.gebruiker)
    create_app(context, offer_demo=not args.geen_demo).run()
    return 0
