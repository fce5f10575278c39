"""The analysis as tables: the one rendering of the figures the screen, the CLI, CSV and Markdown share."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeAlias

from babel.numbers import format_decimal

from klachtdesk.paths import private_dir, write_private
from klachtdesk.services.analysis.figures import (
    Analysis,
    Backlog,
    Breakdown,
    Compliance,
    CountRow,
    DEFINITIONS,
    DIMENSIONS,
    HandlingRow,
    HandlingTimes,
    NOTABLE_HISTORY,
    Outcomes,
    REPEAT_MIN_CASES,
    Repeats,
    Trends,
    Volume,
    trends,
)
from klachtdesk.services.improvement.measures import MeasureView
from klachtdesk.services.time.dutch import LOCALE, format_count, format_date, format_datetime


# ---------------------------------------------------------------------------------------
# tables: the one rendering of the figures the screen, the CLI, CSV and Markdown share
# ---------------------------------------------------------------------------------------

Cell: TypeAlias = str | int | float | None


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text | count | change | decimal | percent

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


@dataclass(frozen=True)
class Table:
    key: str  # file-name friendly, e.g. "aard_van_de_klacht"
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    footer: tuple[Cell, ...] | None = None  # a total row

    def formatted(self) -> list[list[str]]:
        """Every row (footer last) as Dutch display strings."""
        rows = list(self.rows) + ([self.footer] if self.footer else [])
        return [[format_cell(value, column) for value, column in zip(row, self.columns, strict=True)] for row in rows]


def format_cell(value: Cell, column: Column) -> str:
    """A cell in Dutch: ``1.234``, ``+3``, ``4,5``, ``87,5 %``, ``—`` for no value."""
    if value is None:
        return "—"
    if column.kind == "count":
        return format_count(int(value))
    if column.kind == "change":
        number = int(value)
        return "0" if number == 0 else (f"+{format_count(number)}" if number > 0 else f"−{format_count(-number)}")
    if column.kind == "decimal":
        return format_decimal(float(value), format="#,##0.0", locale=LOCALE)
    if column.kind == "percent":
        return format_decimal(float(value), format="#,##0.0", locale=LOCALE) + " %"
    return str(value)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def count_table(breakdown: Breakdown, volume_result: Volume) -> Table:
    columns = (
        Column("waarde", breakdown.title),
        Column("aantal", volume_result.period.short_label, "count"),
        Column("vorige", volume_result.previous.short_label, "count"),
        Column("verschil_vorige", "± vorige", "change"),
        Column("jaar_eerder", volume_result.year_ago.short_label, "count"),
        Column("verschil_jaar", "± jaar", "change"),
    )

    def cells(row: CountRow) -> tuple[Cell, ...]:
        return (row.value, row.count, row.previous, row.change_previous, row.year_ago, row.change_year_ago)

    return Table(
        key=_slug(breakdown.title), title=f"Ontvangen per {breakdown.title.lower()}", columns=columns,
        rows=tuple(cells(r) for r in breakdown.rows), footer=cells(breakdown.total),
    )


def handling_table(result: HandlingTimes) -> Table:
    columns = (
        Column("categorie", "Aard van de klacht"),
        Column("afgesloten", "Afgesloten", "count"),
        Column("mediaan", "Mediaan", "count"),  # nearest-rank quantiles of whole werkdagen
        Column("p90", "P90", "count"),
        Column("gemiddeld", "Gemiddeld", "decimal"),
    )

    def cells(row: HandlingRow) -> tuple[Cell, ...]:
        return (row.group, row.closed, row.median, row.p90, _round(row.mean))

    return Table("behandeltijd", f"Behandeltijd in werkdagen, afgesloten in {result.period.label}", columns,
                 tuple(cells(r) for r in result.by_category), footer=cells(result.total))


def compliance_table(result: Compliance) -> Table:
    columns = (
        Column("termijn", "Termijn"),
        Column("einddatum_in_periode", "Aantal", "count"),
        Column("op_tijd", "Op tijd", "count"),
        Column("te_laat_gehaald", "Laat gehaald", "count"),
        Column("nog_te_laat", "Nog te laat", "count"),
        Column("nog_open", "Open", "count"),
        Column("verlengd", "Verlengd", "count"),
        Column("op_tijd_pct", "% op tijd", "percent"),
    )
    rows = tuple(
        (r.label, r.due, r.on_time, r.late, r.overdue, r.open, r.extended, _round(r.on_time_pct)) for r in result.rows
    )
    return Table("termijnnaleving", f"Termijnnaleving, einddatum in {result.period.label}", columns, rows,
                 note=f"stand op {format_date(result.today)}; % op tijd van de termijnen met bekende uitkomst")


def outcomes_table(result: Outcomes) -> Table:
    columns = (Column("uitkomst", "Uitkomst"), Column("aantal", "Aantal", "count"))
    rows: tuple[tuple[Cell, ...], ...] = (
        ("Afgesloten in de periode", result.closed),
        ("opgelost (met oplossing gesloten)", result.resolved),
        ("oplossing geaccepteerd door klager", result.accepted),
        ("oplossing niet geaccepteerd", result.not_accepted),
        ("doorverwezen naar de geschillencommissie", result.referred),
        ("vragen afgehandeld (factuur/account)", result.questions_handled),
    )
    return Table("uitkomsten", f"Uitkomsten, afgesloten in {result.period.label}", columns, rows)


def backlog_table(result: Backlog) -> Table:
    columns = (Column("leeftijd", "Leeftijd"), Column("aantal", "Open zaken", "count"))
    rows = tuple((b.label, b.count) for b in result.buckets)
    note = f"mediaan {format_cell(result.median_werkdagen, Column('m', 'm', 'count'))} werkdagen"
    if result.oldest_werkdagen is not None:
        note += f", oudste {format_count(result.oldest_werkdagen)} werkdagen"
    return Table("achterstand", f"Openstaand op {format_date(result.reference_day)}", columns, rows,
                 note=note, footer=("Totaal", result.total))


def trend_table(trends: Trends) -> Table:
    columns = (Column("periode", "Periode"), Column("ontvangen", "Ontvangen", "count"),
               Column("afgesloten", "Afgesloten", "count"))
    rows = tuple((p.label, r, c) for p, r, c in zip(trends.periods, trends.received, trends.closed, strict=True))
    return Table("trend", f"Trend over {len(trends.periods)} {trends.period.granularity.plural}", columns, rows)


def notable_table(trends: Trends) -> Table:
    columns = (
        Column("soort", "Soort"), Column("waarde", "Waarde"), Column("aantal", "Aantal", "count"),
        Column("gemiddelde", f"Gemiddelde vorige {NOTABLE_HISTORY}", "decimal"),
        Column("drempel", "Drempel", "decimal"),
    )
    rows = tuple(
        (DIMENSIONS[n.dimension], n.value, n.count, _round(n.mean), _round(n.threshold)) for n in trends.notable
    )
    return Table("opvallend", "Opvallende stijgingen", columns, rows,
                 note="geen opvallende stijgingen" if not rows else "")


def repeats_table(result: Repeats, *, personal: bool = False) -> Table:
    """Repeat complainants; names only when ``personal`` and the result carries them."""
    columns: tuple[Column, ...] = (Column("klager", "Klager"),) if personal else ()
    columns += (Column("aantal", "Zaken", "count"), Column("klachtnummers", "Klachtnummers"))
    rows = []
    for index, item in enumerate(result.shown, start=1):
        cells: tuple[Cell, ...] = (item.name or f"klager {index}",) if personal else ()
        rows.append(cells + (item.count, ", ".join(item.numbers)))
    last_day = result.window_end - timedelta(days=1)
    note = (f"{format_count(result.total_people)} personen met {REPEAT_MIN_CASES} of meer zaken "
            f"({format_count(result.total_cases)} zaken) van {format_date(result.window_start)} "
            f"t/m {format_date(last_day)}")
    if result.total_people > len(result.shown):
        note += f"; de {len(result.shown)} met de meeste zaken staan hier"
    return Table("herhaalde_klagers", "Herhaalde klagers", columns, tuple(rows), note=note)


def report_tables(result: Analysis, *, personal: bool = False) -> list[Table]:
    """All tables of the report, in order. ``personal=False`` (reports): no names."""
    volume_result = result.volume
    tables = [count_table(b, volume_result) for b in volume_result.breakdowns]
    tables += [
        handling_table(result.handling),
        compliance_table(result.compliance),
        outcomes_table(result.outcomes),
        backlog_table(result.backlog),
        trend_table(result.trends),
        notable_table(result.trends),
        repeats_table(result.repeats, personal=personal),
    ]
    return tables


def measures_table(views: Sequence[MeasureView]) -> Table:
    """The improvement measures of the period (``measures.of_period``): what, who, by when, how far."""
    columns = (
        Column("maatregel", "Maatregel"), Column("soort", "Soort"), Column("eigenaar", "Eigenaar"),
        Column("uiterlijk", "Uiterlijk"), Column("status", "Status"), Column("klachten", "Klachten", "count"),
    )
    rows = tuple((view.title, view.kind.value, view.owner or "—", format_date(view.due), view.status.value,
                  len(view.complaints)) for view in views)
    running = sum(1 for view in views if view.active)
    note = (f"{running} lopend, {len(views) - running} uitgevoerd of geëvalueerd; besloten of uiterlijk in de periode."
            if views else "Geen verbetermaatregelen besloten of uiterlijk in deze periode.")
    return Table("verbetermaatregelen", "Verbetermaatregelen", columns, rows, note)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# ---------------------------------------------------------------------------------------
# writing: CSV and Markdown
# ---------------------------------------------------------------------------------------


def write_csv(tables: Iterable[Table], directory: Path) -> list[Path]:
    """One CSV per table (raw numbers, ``;``-separated for Dutch spreadsheets), UTF-8 with BOM."""
    private_dir(directory)
    written = []
    for table in tables:
        path = directory / f"{table.key}.csv"
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([c.title for c in table.columns])
        for row in list(table.rows) + ([table.footer] if table.footer else []):
            writer.writerow(["" if v is None else v for v in row])
        write_private(path, buffer.getvalue(), encoding="utf-8-sig")
        written.append(path)
    return written


def markdown_report(result: Analysis, tables: Sequence[Table], generated_at: datetime) -> str:
    """One Markdown document for management (no personal data in ``tables``)."""
    period = result.period
    lines = [
        f"# Klachtenanalyse {period.label}",
        "",
        f"Periode {format_date(period.start)} t/m {format_date(period.last_day)} · "
        f"{result.volume.comparison} · "
        f"opgesteld {format_datetime(generated_at)}.",
        "",
    ]
    for table in tables:
        lines += [f"## {table.title}", ""]
        if table.note:
            lines += [f"_{table.note}_", ""]
        if table.rows or table.footer:
            header = "| " + " | ".join(c.title for c in table.columns) + " |"
            align = "|" + "|".join("---:" if c.numeric else "---" for c in table.columns) + "|"
            lines += [header, align]
            formatted = table.formatted()
            for index, row in enumerate(formatted):
                if table.footer and index == len(formatted) - 1:
                    row = [f"**{cell}**" for cell in row]
                lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
            lines.append("")
    lines += ["## Definities", ""] + [f"- {text}" for text in DEFINITIONS] + [""]
    return "\n".join(lines)


__all__ = [
    "Cell",
    "Column",
    "Table",
    "backlog_table",
    "compliance_table",
    "measures_table",
    "count_table",
    "format_cell",
    "handling_table",
    "markdown_report",
    "notable_table",
    "outcomes_table",
    "repeats_table",
    "report_tables",
    "trend_table",
    "write_csv",
]
