"""Incoming mail on the command line: ``klachtdesk post ophalen|volgen|inlezen|bewaard|opnieuw``.

- ``post ophalen``: read the IMAP mailbox of ``data/post.toml`` once (archive after storing).
- ``post volgen``: keep reading it (IDLE or a poll), for a service manager; stops on
  SIGTERM/SIGINT after the mail in hand.
- ``post inlezen PAD...``: ``.eml`` files, Maildirs, or ``-`` for one mail on standard
  input (a mail server's pipe). Exit 0 when every mail was stored or deliberately set
  aside; 75 (try again later) when one could not be stored now.
- ``post bewaard``: what became no case (quarantine, automatic mail, floods), for the
  beheerder; ``post opnieuw ID`` takes one through the intake again.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from klachtdesk.cli import DutchArgumentParser, bounded, path_argument
from klachtdesk.cli.output import console, say, write_bytes
from klachtdesk.cli.session import open_context
from klachtdesk.services.time.dutch import format_datetime
from klachtdesk.services.mail import intake, sources
from klachtdesk.services.organisation import settings as organisation_settings


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    post = subparsers.add_parser(
        "post", parents=[common], help="inkomende mail: ophalen, volgen, inlezen",
        description="Inkomende mail van de postvakken in de instellingen (post.toml): nieuwe meldingen worden meteen "
        "geregistreerd (te beoordelen), reacties komen bij hun zaak.",
    )
    commands = post.add_subparsers(dest="post_command", metavar="OPDRACHT", parser_class=DutchArgumentParser,
                                   required=True)
    parser = commands.add_parser("ophalen", parents=[common], help="lees het IMAP-postvak één keer")
    parser.set_defaults(func=run_fetch)
    parser = commands.add_parser("volgen", parents=[common],
                                 help="blijf het IMAP-postvak lezen (voor een servicebeheerder zoals systemd)")
    parser.set_defaults(func=run_follow)
    parser = commands.add_parser(
        "inlezen", parents=[common], help="lees .eml-bestanden, Maildirs of (met -) één mail van standaardinvoer",
        description="Exitcode 0: elke mail is opgeslagen of bewust apart gezet. 75: een mail kon nu niet worden "
        "opgeslagen; de mailserver houdt hem vast en probeert het later opnieuw.",
    )
    parser.add_argument("paden", nargs="+", metavar="PAD", type=_mail_path,
                        help="een .eml-bestand, een Maildir, een map, of -")
    parser.set_defaults(func=run_read)
    parser = commands.add_parser("bewaard", parents=[common],
                                 help="mail die geen zaak werd: quarantaine, automatische mail, daglimiet")
    parser.add_argument("--alles", action="store_true", help="ook wat al is afgehandeld")
    parser.add_argument("--uit", metavar="ID", type=bounded("id"), help="schrijf de bewaarde mail met dit nummer naar stdout")
    parser.set_defaults(func=run_kept)
    parser = commands.add_parser("opnieuw", parents=[common], help="verwerk een bewaarde mail opnieuw")
    parser.add_argument("id", type=bounded("id"), metavar="ID", help="het nummer uit 'post bewaard'")
    parser.set_defaults(func=run_again)


def _mail_path(value: str) -> str:
    """A path checked like every other (``-`` is stdin)."""
    return value if value == "-" else str(path_argument(value))


def _print(summary: sources.Summary) -> None:
    for line in sources.summary_lines(summary):
        console.print(line, markup=False)


def run_fetch(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker)
    summary = sources.fetch_imap(context, context.settings.mail)
    _print(summary)
    return sources.EX_TEMPFAIL if summary.failed else 0


def run_follow(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker)
    settings = context.settings.mail
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    console.print(f"Volgt {settings.imap.folder} op {settings.imap.host}; archief: {settings.imap.archive}. "
                  "Stoppen: Ctrl+C of SIGTERM.", markup=False)

    def report(summary: sources.Summary) -> None:
        if summary.results or summary.failed or summary.notes:
            _print(summary)
            sys.stdout.flush()

    def problem(message: str) -> None:
        say(f"klachtdesk: {message} Nieuwe poging straks.", err=True, flush=True)

    follower = organisation_settings.Follower(
        context, say=lambda line: say(f"klachtdesk: {line}", flush=True),
        warn=lambda line: say(f"klachtdesk: {line}", err=True, flush=True))
    sources.follow(context, stop=stop, on_summary=report, on_problem=problem, follower=follower)
    return 0


def run_read(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker)
    settings = context.settings.mail
    paths = [p for p in args.paden if p != "-"]
    if "-" in args.paden:
        data = sys.stdin.buffer.read()
        try:
            result = sources.read_stdin(context, data, settings)
        except intake.TemporaryFailure as error:
            say(f"klachtdesk: {error.message}", err=True)
            return sources.EX_TEMPFAIL
        summary = sources.Summary(results=[result])
        if not paths:
            _print(summary)
            return 0
    summary = sources.read_files(context, [Path(p) for p in paths], settings)
    _print(summary)
    return sources.EX_TEMPFAIL if summary.failed else 0


def run_kept(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker)
    if args.uit is not None:
        write_bytes(intake.kept_raw(context, args.uit))
        return 0
    kept = intake.kept_mails(context, include_handled=args.alles)
    if not kept:
        console.print("Geen bewaarde mail.", markup=False)
        return 0
    for mail in kept:
        console.print(f"{mail.id:>6}  {format_datetime(mail.received_at)}  {mail.outcome.value:<12}  "
                      f"{mail.sender or '—'}  {mail.subject[:60] or '(geen onderwerp)'}", markup=False)
        console.print(f"        {mail.reason}", markup=False)
    return 0


def run_again(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker)
    try:
        result = intake.reprocess(context, args.id)
    except intake.TemporaryFailure as error:
        say(f"klachtdesk: {error.message}", err=True)
        return sources.EX_TEMPFAIL
    _print(sources.Summary(results=[result]))
    return 0
