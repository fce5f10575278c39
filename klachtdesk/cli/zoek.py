"""``klachtdesk zoek TERM``: a klachtnummer prints that case; other text lists matches."""

from __future__ import annotations

import argparse

from klachtdesk.cli.output import print_case_summary, say
from klachtdesk.services.cases import complaints
from klachtdesk.cli.session import open_context
from klachtdesk.services.cases.numbering import looks_like_number


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "zoek", parents=[common], help="zoek een zaak op klachtnummer (KL-2026-000123, 2026-123, 123) of tekst"
    )
    parser.add_argument("term", metavar="KLACHTNUMMER_OF_TEKST", help="klachtnummer, naam, telefoon, e-mail of tekst")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    if looks_like_number(args.term):
        case = complaints.get_case(context, complaints.id_for_number(context, args.term))
        print_case_summary(case)
        if case.view_notice:
            say(f"klachtdesk: {case.view_notice}", err=True)
        return 0
    # deferred: a klachtnummer, the common case, needs no search pages (start-up time)
    from klachtdesk.cli.search_output import print_search_results

    return print_search_results(context, args.term)
