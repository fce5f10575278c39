"""``klachtdesk rapport``: the analysis of one period for management.

``klachtdesk rapport --periode 2026-Q3`` prints the same figures as the analysis
screen as tables; ``--csv MAP`` writes one CSV per table, ``--markdown BESTAND``
one report to hand to management. A report never contains personal data:
repeat complainants appear as klachtnummers and counts only.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from rich import box
from rich.markup import escape
from rich.table import Table as RichTable

from klachtdesk.cli import path_argument
from klachtdesk.cli.output import console
from klachtdesk.paths import write_private
from klachtdesk.errors import KlachtdeskError
from klachtdesk.services.analysis import figures as analysis
from klachtdesk.services.analysis import rendering
from klachtdesk.services.analysis.rendering import Table
from klachtdesk.cli.session import open_context
from klachtdesk.services.improvement import measures
from klachtdesk.services.time.dutch import format_date
from klachtdesk.services.time.periods import EXAMPLES, Granularity, last_complete_period, parse_period

DESCRIPTION = (
    "Analyse van één periode voor de directie: ontvangen zaken per aard, type dienstverlening, kanaal en "
    "soort (met het verschil met de vorige periode en een jaar eerder), behandeltijden in werkdagen, "
    "termijnnaleving, uitkomsten, achterstand, trends en opvallende stijgingen. Zonder persoonsgegevens."
)
EPILOG = f"PERIODE: {EXAMPLES}. Zonder --periode: het laatste volledige kwartaal."


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "rapport", parents=[common], help="analyse van een maand, kwartaal of jaar (tabellen, CSV, Markdown)",
        description=DESCRIPTION, epilog=EPILOG,
    )
    parser.add_argument("--periode", metavar="PERIODE", help="2026-07, 2026-Q3 of 2026")
    parser.add_argument("--csv", metavar="MAP", type=path_argument, help="schrijf elke tabel als CSV-bestand in deze map")
    parser.add_argument("--markdown", metavar="BESTAND", type=path_argument, help="schrijf het rapport als Markdown")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    period = parse_period(args.periode) if args.periode is not None else None
    context = open_context(args.db, user=args.gebruiker, create=False)
    if period is None:
        period = last_complete_period(context.today(), Granularity.QUARTER)
    started = time.perf_counter()
    result = analysis.analyse(context, period, personal=False)
    tables = rendering.report_tables(result, personal=False)
    tables.append(rendering.measures_table(measures.of_period(context, period.start, period.end)))
    console.print(f"[bold]Klachtenanalyse {escape(period.label)}[/] ({format_date(period.start)} t/m "
                  f"{format_date(period.last_day)}), {result.volume.comparison}", markup=True)
    for table in tables:
        console.print()
        console.print(f"[bold]{escape(table.title)}[/]", markup=True)
        if table.rows or table.footer:
            console.print(rich_table(table))
        if table.note:
            console.print(f"[dim]{escape(table.note)}[/]", markup=True)
    if args.csv is not None:
        written = _writing(lambda: rendering.write_csv(tables, args.csv), args.csv)
        console.print(f"\n{len(written)} CSV-bestanden geschreven in {args.csv}.")
    if args.markdown is not None:
        text = rendering.markdown_report(result, tables, context.now())
        _writing(lambda: write_private(args.markdown, text), args.markdown)
        console.print(f"\nRapport geschreven naar {args.markdown}.")
    seconds = time.perf_counter() - started
    console.print(f"[dim]berekend in {seconds:.1f} s[/]".replace(".", ","), highlight=False, markup=True)
    return 0


def rich_table(table: Table) -> RichTable:
    """An analysis ``Table`` as a Rich table (numbers right-aligned, the total row bold).

    The title and the note are printed around it, so they never wrap to its width.
    """
    rendered = RichTable(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, show_edge=False)
    for column in table.columns:
        rendered.add_column(column.title, justify="right" if column.numeric else "left",
                            overflow="fold" if column.key == "klachtnummers" else "ellipsis")
    formatted = table.formatted()
    for index, row in enumerate(formatted):
        is_footer = table.footer is not None and index == len(formatted) - 1
        rendered.add_row(*row, style="bold" if is_footer else None, end_section=index == len(formatted) - 2
                         and table.footer is not None)
    return rendered


def _writing(write: Any, target: Path) -> Any:
    try:
        return write()
    except OSError as error:
        raise KlachtdeskError(f"Kan niet schrijven naar {target}: {error.strerror or error}.") from None
