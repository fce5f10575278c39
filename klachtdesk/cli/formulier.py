"""``klachtdesk formulier [--host H] [--poort N]``: the web form for klagers.

Serves the form (file a klacht, factuurvraag or accountvraag; follow it with a
one-time link) over HTTP, meant to run behind the organisation's TLS reverse proxy
(docs/webformulier.md). Every request runs as the web form's own account.
"""

from __future__ import annotations

import argparse

from klachtdesk.cli.session import open_context
from klachtdesk.web import DEFAULT_HOST, DEFAULT_PORT


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "formulier", parents=[common],
        help="het webformulier voor klagers: klacht of vraag indienen en volgen (achter de TLS-proxy)",
        description="Start het webformulier: klagers dienen een klacht, factuurvraag of accountvraag in en volgen "
                    "die met een eenmalige link. Bedoeld achter de reverse proxy (TLS) van de organisatie; zie "
                    "docs/webformulier.md.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, metavar="H",
                        help=f"het adres om op te luisteren (standaard {DEFAULT_HOST})")
    parser.add_argument("--poort", type=int, default=DEFAULT_PORT, metavar="N",
                        help=f"de poort (standaard {DEFAULT_PORT})")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from klachtdesk.web.server import bind, serve  # Starlette and uvicorn only for this command

    bind(args.host, args.poort).close()  # a port in use or refused: say so before opening the database
    context = open_context(args.db, user=args.gebruiker)
    serve(context, host=args.host, port=args.poort)
    return 0
