"""``klachtdesk instellingen``: the organisation's settings, the same on every workstation.

``instellingen toon [SLEUTEL]``, ``instellingen exporteren PAD``, ``instellingen
importeren PAD``, ``instellingen zet SLEUTEL WAARDE`` and ``instellingen geschiedenis``.
The settings live in the database; ``data/`` only seeds a new one. Everyone may look;
only the beheerder changes them (all or nothing, each change a history line; a change
of the calendar recomputes the open deadlines once and says how many moved).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from klachtdesk.cli import DutchArgumentParser, bounded, path_argument
from klachtdesk.cli.medewerker import late_options
from klachtdesk.cli.output import console, say
from klachtdesk.cli.session import open_context
from klachtdesk.services.organisation import settings as organisation
from klachtdesk.services.time.dutch import format_datetime

DESCRIPTION = (
    "De instellingen van de organisatie (kalender, termijnen, lijsten, berichtsjablonen, privacy, "
    "inkomende post, webformulier) staan in de database en gelden op elke werkplek. Alleen de beheerder "
    "wijzigt ze. Een sleutel is de naam van het bestand zonder .toml en de weg erin, zoals "
    "kalender.sluitingstijd, privacy.bewaartermijn_maanden of termijnen.termijn.1.aantal; een "
    "berichtsjabloon heet berichten/beslissing."
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("instellingen", parents=[common], help="de instellingen van de organisatie",
                                   description=DESCRIPTION)
    actions = parser.add_subparsers(dest="actie", metavar="ACTIE", parser_class=DutchArgumentParser, required=True)
    common = late_options(common)

    toon = actions.add_parser("toon", parents=[common], help="toon de instellingen (of die onder SLEUTEL)")
    toon.add_argument("sleutel", metavar="SLEUTEL", nargs="?", help="bijvoorbeeld kalender of berichten/beslissing")
    toon.set_defaults(func=run_show)

    export = actions.add_parser("exporteren", parents=[common],
                                help="schrijf de instellingen naar een map (zoals data/) om te bewerken")
    export.add_argument("pad", metavar="PAD", type=path_argument, help="de map (wordt gemaakt als ze er niet is)")
    export.set_defaults(func=run_export)

    importeren = actions.add_parser(
        "importeren", parents=[common], help="neem instellingen over uit een map of één bestand (beheerder)",
        description="Neem de instellingenbestanden uit PAD over: een map zoals data/ (de bestanden die erin "
                    "staan vervangen die van de desk; de andere blijven) of één bestand zoals kalender.toml. "
                    "Alles wordt eerst gecontroleerd; bij één fout verandert er niets.")
    importeren.add_argument("pad", metavar="PAD", type=path_argument)
    importeren.set_defaults(func=run_import)

    zet = actions.add_parser("zet", parents=[common], help="wijzig één instelling (beheerder)",
                             description="Wijzig één instelling. WAARDE is een waarde zoals in een TOML-bestand "
                                         "(36, true, [2026-12-28], \"16:00\"); anders geldt ze als tekst. Voor een "
                                         "berichtsjabloon: de hele tekst, of - om hem van de invoer te lezen.")
    zet.add_argument("sleutel", metavar="SLEUTEL")
    zet.add_argument("waarde", metavar="WAARDE")
    zet.set_defaults(func=run_set)

    geschiedenis = actions.add_parser("geschiedenis", parents=[common], help="wie wijzigde wat, en wanneer")
    geschiedenis.add_argument("--aantal", type=bounded("page"), default=50, metavar="N", help="de laatste N wijzigingen")
    geschiedenis.set_defaults(func=run_history)


def run_show(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    lines = organisation.show(context, args.sleutel)
    if len(lines) == 1 and "\n" in lines[0].value:  # a whole template
        say(lines[0].value, end="")
        return 0
    for line in lines:
        console.print(f"{line.key} = {line.value}", markup=False)
    if not organisation.deadlines_follow_the_calendar(context):
        say("klachtdesk: let op: de open termijnen zijn berekend op een andere kalender dan die van de "
            "instellingen; 'klachtdesk termijnen herberekenen' brengt ze in lijn.", err=True)
    return 0


def run_export(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    written = organisation.export(context, args.pad)
    console.print(f"{len(written)} instellingenbestanden geschreven in {args.pad}.", markup=False)
    return 0


def run_import(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    _report(organisation.import_path(context, args.pad))
    return 0


def run_set(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    value = sys.stdin.read() if args.waarde == "-" else args.waarde
    _report(organisation.set_value(context, args.sleutel, value))
    return 0


def run_history(args: argparse.Namespace) -> int:
    context = open_context(args.db, user=args.gebruiker, create=False)
    lines = organisation.history(context, args.aantal)
    if not lines:
        console.print("De instellingen zijn nog nooit gewijzigd (ze zijn die van de eerste installatie).",
                      markup=False)
    for line in lines:
        console.print(f"{format_datetime(line.at)} · {line.who} · {line.summary}", markup=False)
        if len(line.changes) > 1:
            for change in line.changes:
                console.print(f"    {change.key}: {change.before} → {change.after}", markup=False)
    return 0


def _report(result: organisation.ChangeResult) -> None:
    if not result.changed:
        console.print(result.note or "Niets gewijzigd.", markup=False)
        return
    for change in result.changes:
        console.print(f"{change.key}: {change.before} → {change.after}", markup=False)
    console.print(f"Gewijzigd: {', '.join(result.files)}.", markup=False)
    if result.recompute is not None:
        console.print(f"Open termijnen: {result.recompute.text}", markup=False)
    if result.note:
        console.print(result.note, markup=False)
