"""``klachtdesk brieven``: letters by post to klagers without e-mail.

- ``klachtdesk brieven``: the letters that are "klaar om te versturen", oldest first, with
  their brief number, klachtnummer, address and file; a letter not printed on this
  workstation yet (one the web form recorded, say) is printed now, from the database.
- ``klachtdesk brieven afdrukken BRIEF_OF_KLACHTNUMMER``: print a letter again (a lost or
  spoiled print): the file is replaced.
- ``klachtdesk brieven verstuurd BRIEF_OF_KLACHTNUMMER [--op DATUM]``: mark a letter
  posted (today, or the day it went in the post): from then it counts for its deadlines.
"""

from __future__ import annotations

import argparse

from rich.table import Table

from klachtdesk.cli import DutchArgumentParser, late_options
from klachtdesk.cli.medewerker import print_table
from klachtdesk.cli.output import say
from klachtdesk.clock import local
from klachtdesk.errors import KlachtdeskError
from klachtdesk.services.bootstrap import open_context
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import posting
from klachtdesk.services.time.date_grammar import parse_day
from klachtdesk.services.time.dutch import format_count, format_date_short

SUMMARY = "brieven per post: wat klaarligt om te versturen, en als verstuurd markeren"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "brieven", parents=[common], help=SUMMARY,
        description="Een klager zonder e-mailadres krijgt berichten als brief, 'klaar om te versturen'. "
        "klachtdesk drukt een brief af uit de database, als PDF in de map outbox/brieven van deze werkplek. "
        "Zonder actie: de brieven die nog op de post moeten (wat hier nog niet is afgedrukt, wordt nu "
        "afgedrukt). Een brief telt voor de termijnen vanaf de dag dat hij als verstuurd is gemarkeerd.",
    )
    parser.set_defaults(func=run_list)
    actions = parser.add_subparsers(dest="actie", metavar="[ACTIE]", parser_class=DutchArgumentParser)
    again = actions.add_parser("afdrukken", parents=[late_options(common)],
                               help="druk een brief (opnieuw) af uit de database; het bestand wordt vervangen")
    again.add_argument("brief", metavar="BRIEF_OF_KLACHTNUMMER",
                       help="het briefnummer (ook van een verstuurde brief), of het klachtnummer als daar één "
                       "brief wacht")
    again.set_defaults(func=run_print)
    posted = actions.add_parser("verstuurd", parents=[late_options(common)],
                                help="markeer een brief als verstuurd (op de post gedaan)")
    posted.add_argument("brief", metavar="BRIEF_OF_KLACHTNUMMER",
                        help="het briefnummer uit 'klachtdesk brieven', of het klachtnummer als daar één brief wacht")
    posted.add_argument("--op", metavar="DATUM", help="de dag dat hij op de post ging (standaard: vandaag), "
                        "bv. gisteren of 1-12")
    posted.set_defaults(func=run_posted)


def run_list(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    letters = posting.waiting(context)
    if not letters:
        say("Er liggen geen brieven klaar om te versturen.")
        return 0
    table = Table(box=None, pad_edge=False, header_style="bold")
    for title in ("Brief", "Klachtnummer", "Bericht", "Gemaakt", "Aan", "Bestand"):
        table.add_column(title, overflow="fold")
    for letter in letters:
        table.add_row(str(letter.id), letter.number, letter.label, format_date_short(local(letter.printed_at).date()),
                      f"{letter.name}, {letter.address or '(geen adres meer)'}", _printed_here(context, letter))
    print_table(table)
    say(f"{format_count(len(letters))} {'brief' if len(letters) == 1 else 'brieven'} klaar om te versturen. "
        "Na het posten: klachtdesk brieven verstuurd BRIEF.")
    return 0


def _printed_here(context: Context, letter: posting.LetterView) -> str:
    """The letter's file on this workstation: printed from the database when it is not here
    yet; why not, when it cannot be (no address any more, not this user's to send)."""
    if letter.printed_here:
        return letter.path or ""
    try:
        return posting.print_letter(context, letter.id).letter.path or ""
    except KlachtdeskError as error:
        return f"niet afgedrukt: {error.message}"


def run_print(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    say(posting.print_letter(context, posting.letter_to_post(context, args.brief)).outcome)
    return 0


def run_posted(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    letter_id = posting.letter_to_post(context, args.brief)
    on = parse_day(args.op, context.today(), field="op") if args.op else None
    say(posting.mark_posted(context, letter_id, on).outcome)
    return 0
