"""``klachtdesk zoek TERM``: a klachtnummer prints that case; other text lists matches.

A klachtnummer is first looked up with the driver alone (``services.startup.find_case``:
the case as ``complaints.get_case`` gives it, its access line written as it writes it),
before the ORM and the services are loaded; when that is not the plain case it returns
None and the command takes the usual way (``open_context`` and ``get_case``), with
today's answers and Dutch messages.
"""

from __future__ import annotations

import argparse

from klachtdesk.cli.output import print_case_summary, say
from klachtdesk.services.cases.numbering import looks_like_number


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "zoek", parents=[common], help="zoek een zaak op klachtnummer (KL-2026-000123, 2026-123, 123) of tekst"
    )
    parser.add_argument("term", metavar="KLACHTNUMMER_OF_TEKST", help="klachtnummer, naam, telefoon, e-mail of tekst")
    parser.set_defaults(func=run, asks_passwords=False)  # only on the usual way (``_usual_context``)


def run(args: argparse.Namespace) -> int:
    if looks_like_number(args.term):
        from klachtdesk.services.startup import find_case  # deferred: text search never needs it

        found = find_case(args.db, args.term, user=args.gebruiker)
        if found is not None:
            from klachtdesk.cli.session import tell_demo

            tell_demo(found.demo)
            case = found.case
        else:
            # deferred for start-up time: the ORM and the services, only when the plain look-up stepped aside
            from klachtdesk.services.cases import complaints

            context = _usual_context(args)
            case = complaints.get_case(context, complaints.id_for_number(context, args.term))
        print_case_summary(case)
        if case.view_notice:
            say(f"klachtdesk: {case.view_notice}", err=True)
        return 0
    # deferred: a klachtnummer, the common case, needs no search pages (start-up time)
    from klachtdesk.cli.search_output import print_search_results

    return print_search_results(_usual_context(args), args.term)


def _usual_context(args: argparse.Namespace):  # noqa: ANN202 - a Context (its module loads the ORM)
    """``open_context`` as every command opens it, a password asked first when the server wants one."""
    from klachtdesk.cli import ask_passwords_at_the_terminal
    from klachtdesk.cli.session import open_context

    ask_passwords_at_the_terminal()
    return open_context(args.db, user=args.gebruiker, create=False)
