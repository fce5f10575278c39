"""``klachtdesk demo --aantal N [--seed S]``: fill a database with fictitious cases.

Creates the database when it does not exist yet. A progress bar runs on stderr; the
closing line says how many cases were added, their klachtnummers and the time taken.
"""

from __future__ import annotations

import argparse
import re
import time

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from klachtdesk.cli.output import make_console, say
from klachtdesk.errors import ValidationError
from klachtdesk import demo
from klachtdesk.services import limits
from klachtdesk.cli.session import open_context
from klachtdesk.services.time.dutch import format_count
from klachtdesk.services.cases.numbering import format_number

DESCRIPTION = (
    "Vul de database met fictieve, realistische zaken van de afgelopen twee jaar (klachten, factuur- en "
    "accountvragen, termijnen, gesprekken en maatregelen), om klachtdesk uit te proberen. Alleen in een nieuwe "
    "database, die daarmee een demodatabase wordt (de app zegt DEMO; met --gebruiker kunt u er elke rol "
    "uitproberen), of in een bestaande demodatabase: de zaken blijven staan, de klachtnummers lopen door."
)


_COUNT = re.compile(r"^(\d+|\d{1,3}(?:\.\d{3})+)$")  # 1000000 or 1.000.000


def positive_count(value: str) -> int:
    """``--aantal``: a positive whole number (a Dutch message otherwise; argparse exits with 2)."""
    text = value.strip()
    if not _COUNT.match(text) or len(text) > 30 or int(text.replace(".", "")) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is geen positief geheel getal")
    return _within(int(text.replace(".", "")), "aantal")


def seed_value(value: str) -> int:
    if not value.strip().isdigit() or len(value.strip()) > 30:
        raise argparse.ArgumentTypeError(f"'{value}' is geen geheel getal van 0 of meer")
    return _within(int(value), "seed")


def _within(number: int, field: str) -> int:
    try:
        return limits.check_number(number, field)
    except ValidationError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "demo", parents=[common], help="vul de database met fictieve zaken", description=DESCRIPTION
    )
    parser.add_argument("--aantal", metavar="N", type=positive_count, required=True,
                        help="hoeveel zaken (bijvoorbeeld 1000 of 1000000)")
    parser.add_argument("--seed", metavar="S", type=seed_value, default=2026,
                        help="startwaarde van het toeval; dezelfde seed geeft dezelfde zaken (standaard 2026)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # also when called without the argparse type (tests, scripts)
    limits.check_number(args.aantal, "aantal")
    limits.check_number(args.seed, "seed")
    started = time.perf_counter()
    context = open_context(args.db, user=args.gebruiker, demo=True)  # only a new or a demo database
    with Progress(
        TextColumn("Demodata"), BarColumn(), TaskProgressColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=make_console(stderr=True), transient=True,
    ) as progress:
        task = progress.add_task("demo", total=args.aantal)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = demo.generate(context, args.aantal, seed=args.seed, progress=report)
    context.db.dispose()
    seconds = time.perf_counter() - started
    cases = "zaak" if summary.count == 1 else "zaken"
    spans = "; ".join(
        format_number(year, first) if first == last else f"{format_number(year, first)} t/m {format_number(year, last)}"
        for year, first, last in summary.ranges
    )
    say(f"{format_count(summary.count)} {cases} aangemaakt ({spans}) in {_duration(seconds)}.")
    return 0


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".", ",")
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"
