"""``python -m bench``: build (or reuse) the demo databases, measure, print, write RESULTS.md."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console

from bench import cache
from bench.report import Budget, Row, machine, markdown, print_report
from bench.stats import Stat

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SCRATCH = cache.CACHE / "kladblok"
ENV_POSTGRES = "KLACHTDESK_BENCH_DATABASE_URL"
#: the launch budget: the first page with the largest database within this factor of 10 cases
LAUNCH_FACTOR = 1.3
#: peak memory of the app with the largest database open
RSS_BUDGET_MB = 300
KEY_BUDGET_MS = 50


@dataclass(frozen=True)
class Plan:
    """How often each measurement is repeated (slow ones less often)."""

    sizes: tuple[int, ...]
    launches: int
    presses: int
    queries: int
    analyses: int
    recomputes: int
    registrations: int  # runs of REGISTER_COUNT registrations
    generator_count: int
    generator_runs: int
    memory_runs: int
    command_runs: int


MAIL_COUNT = 500
REGISTER_COUNT = 1000
FULL = Plan((10, 100_000, 1_000_000), launches=5, presses=20, queries=20, analyses=3, recomputes=3,
            registrations=3, generator_count=20_000, generator_runs=2, memory_runs=5, command_runs=7)
QUICK = Plan((10, 100_000), launches=3, presses=10, queries=10, analyses=2, recomputes=2,
             registrations=1, generator_count=10_000, generator_runs=1, memory_runs=3, command_runs=5)

NOTES = [
    "Elke waarde is de mediaan van meerdere runs, met min–max; × ref. = hoeveel keer trager (of groter) dan de "
    "referentie, in dezelfde run gemeten. Op een gedeelde, drukke machine zeggen de verhoudingen meer dan de "
    "absolute getallen.",
    "¹ Budget dat de bench zelf stelt (design.md noemt er geen): een pagina of telling < 100 ms, een registratie "
    "< 100 ms.",
    "Starttijd: van het openen van de database, zoals klachtdesk start (de eerste pagina gelezen met de driver, "
    "services.startup; open_context daarna in een worker), tot de eerste schermupdate waarin "
    "de inbox rijen uit de database tekent; headless Pilot, 140×45. Referentie: een kale Textual-app met een lege "
    "DataTable. Toetsen: van het versturen van de toets tot de eerste schermupdate daarna; referentie: dezelfde "
    "toets in een kale DataTable van 1.000 rijen.",
    "Koude start en piekgeheugen: een nieuw proces (python -m bench.memory) dat de app opent tot de eerste pagina; "
    "piekgeheugen = VmHWM van dat proces (ru_maxrss erft op Linux de piek van de bench zelf over exec heen).",
    "CPU = procestijd van de bench zelf (time.process_time) voor dezelfde runs: wat het getal op een vrije kern "
    "zou zijn (bij analyse opgeteld over de drie threads). 'NEE (op CPU-tijd: ja)': alleen door wachten op een "
    "kern boven budget. Niet bij PostgreSQL: daar doet de server het werk.",
]


class Runner:
    def __init__(self, console: Console, plan: Plan, rebuild: bool, phases: tuple[str, ...] = ()) -> None:
        self.console = console
        self.plan = plan
        self.rebuild = rebuild
        self.phases = phases
        self.started = time.perf_counter()

    def say(self, text: str) -> None:
        elapsed = time.perf_counter() - self.started
        self.console.print(f"[dim]{elapsed:6.1f} s[/dim]  {text}", highlight=False)

    def phase(self, name: str, rows: list[Row], function: Callable[[], list[Row]]) -> None:
        if self.phases and not any(wanted in name for wanted in self.phases):
            return
        self.say(name)
        try:
            rows += function()
        except Exception as error:  # one failing phase does not lose the others
            self.console.print(f"[red]{name}: {type(error).__name__}: {error}[/red]")
            if os.environ.get("KLACHTDESK_BENCH_DEBUG"):
                traceback.print_exc()
            rows.append(Row(name, "", problem=f"fout: {type(error).__name__}: {str(error)[:120]}"))

    # -- one engine ---------------------------------------------------------------------

    def run(self, engine: str, base: str | None = None) -> list[Row]:
        plan = self.plan
        databases: dict[int, cache.DemoDatabase] = {}
        for size in plan.sizes:
            if engine == "sqlite":
                databases[size] = cache.ensure_sqlite(size, rebuild=self.rebuild, say=self.say)
            else:
                assert base is not None
                databases[size] = cache.ensure_postgres(base, size, rebuild=self.rebuild, say=self.say)
        smallest, largest = databases[min(plan.sizes)], databases[max(plan.sizes)]
        rows: list[Row] = []
        self.phase("start tot de eerste inboxpagina", rows, lambda: self.launch(smallest, largest))
        self.phase("toetsen in de inbox", rows, lambda: self.keys(largest))
        for size in plan.sizes:
            if size >= 100_000:
                self.phase(f"zoeken, pagina's en termijnen ({databases[size].label} zaken)", rows,
                           lambda database=databases[size]: self.queries(database))
        self.phase(f"analyse ({largest.label} zaken)", rows, lambda: self.analysis(largest))
        self.phase("schrijven: herberekenen en registreren", rows,
                   lambda: self.writes(engine, base, databases[100_000]))
        self.phase("demogenerator", rows, lambda: self.generator(engine, base, list(databases.values())))
        self.phase("piekgeheugen en koude start (eigen proces)", rows, lambda: self.memory(largest))
        self.phase("opdrachten (nieuw proces)", rows, lambda: self.commands(engine, base, smallest))
        if engine != "sqlite":  # the server does the work: this process's CPU time says nothing
            for row in rows:
                row.ours = replace(row.ours, cpu=()) if row.ours is not None else None
                row.reference = replace(row.reference, cpu=()) if row.reference is not None else None
        return rows

    # -- measurements ---------------------------------------------------------------------

    def launch(self, small: cache.DemoDatabase, large: cache.DemoDatabase) -> list[Row]:
        from bench import ui

        ours_small, ours_large, bare = [], [], []
        for attempt in range(self.plan.launches + 1):  # the first round warms up (imports, page cache)
            a = ui.run(ui.launch_klachtdesk(small.url))[0]
            b = ui.run(ui.launch_klachtdesk(large.url))[0]
            c = ui.run(ui.launch_bare())[0]
            if attempt:
                ours_small.append(a * 1000)
                ours_large.append(b * 1000)
                bare.append(c * 1000)
        base = Stat(tuple(ours_small), "ms")
        limit = LAUNCH_FACTOR * base.median
        first = Row("Start tot eerste inboxpagina", small.label, ours=base, reference=Stat(tuple(bare), "ms"),
                    reference_label="kale app, lege DataTable", note="basis van het 1,3×-budget")
        second = Row("Start tot eerste inboxpagina", large.label, ours=Stat(tuple(ours_large), "ms"),
                     reference=Stat(tuple(bare), "ms"), reference_label="kale app, lege DataTable",
                     budget=Budget(f"≤ 1,3 × {small.label} zaken (≤ {limit:.0f} ms)".replace(".", ","),
                                   lambda stat: stat.median <= limit))
        return [first, second]

    def keys(self, database: cache.DemoDatabase) -> list[Row]:
        from bench import ui

        rows = []
        for key, label in (("down", "Toets ↓ tot scherm bijgewerkt"), ("pagedown", "Toets PageDown tot scherm bijgewerkt")):
            ours = ui.run(ui.launch_klachtdesk(database.url, ui.press_and_time(key, self.plan.presses)))[1]
            reference = ui.run(ui.launch_bare(1000, ui.press_and_time(key, self.plan.presses)))[1]
            rows.append(Row(label, database.label, ours=Stat(tuple(v * 1000 for v in ours), "ms"),
                            reference=Stat(tuple(v * 1000 for v in reference), "ms"),
                            reference_label="kale app, DataTable van 1.000 rijen",
                            budget=Budget.below(KEY_BUDGET_MS, "ms"),
                            note=f"{len(ours)} toetsaanslagen, elk na rust"))
        return rows

    def queries(self, database: cache.DemoDatabase) -> list[Row]:
        from bench.queries import measure_queries

        context = cache.open_bench_context(database.url)
        try:
            return measure_queries(context, database, self.plan.queries)
        finally:
            context.db.dispose()

    def analysis(self, database: cache.DemoDatabase) -> list[Row]:
        from bench.queries import measure_analysis

        context = cache.open_bench_context(database.url)
        try:
            return [measure_analysis(context, database, self.plan.analyses)]
        finally:
            context.db.dispose()

    def writes(self, engine: str, base: str | None, source: cache.DemoDatabase) -> list[Row]:
        from bench.raw import Raw
        from bench.writes import measure_recompute, measure_register

        copy, cleanup = self._scratch_copy(engine, base, source)
        rows = []
        try:
            context = cache.open_bench_context(copy.url)
            raw = Raw(copy, write=True)
            try:
                self.say("  open termijnen herberekenen")
                rows.append(_guarded(lambda: measure_recompute(context, raw, SCRATCH / "kalender",
                                                               self.plan.recomputes, source.label),
                                     "Open termijnen herberekenen", source.label))
                self.say(f"  {REGISTER_COUNT} registraties × {self.plan.registrations}")
                rows.append(_guarded(lambda: measure_register(context, raw, REGISTER_COUNT, self.plan.registrations,
                                                              source.label),
                                     "Registraties via complaints.register", source.label))
                from bench.mail import measure_intake

                self.say(f"  post inlezen: {MAIL_COUNT} mails × {self.plan.registrations}")
                rows.append(_guarded(lambda: measure_intake(context, SCRATCH / "maildir", MAIL_COUNT,
                                                            self.plan.registrations, source.label),
                                     "Post inlezen uit een Maildir", source.label))
            finally:
                raw.close()
                context.db.dispose()
        finally:
            cleanup()
        return rows

    def _scratch_copy(self, engine: str, base: str | None, source: cache.DemoDatabase
                      ) -> tuple[cache.DemoDatabase, Callable[[], None]]:
        if engine == "sqlite":
            target = SCRATCH / f"kopie-{source.size}.db"
            url = cache.sqlite_copy(source, target)

            def remove() -> None:
                for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                    path.unlink(missing_ok=True)

            return cache.DemoDatabase(source.size, url, engine, target, 0, "", False), remove
        assert base is not None
        name = cache.postgres_name(base, "kopie")
        template = cache.postgres_name(base, str(source.size))
        url = cache.recreate_postgres(base, name, template=template)
        return (cache.DemoDatabase(source.size, url, engine, None, 0, "", False),
                lambda: cache.drop_postgres(base, name))

    def generator(self, engine: str, base: str | None, built: list[cache.DemoDatabase]) -> list[Row]:
        from bench.writes import measure_generator

        def make_empty(index: int) -> tuple[str, Callable[[], None]]:
            if engine == "sqlite":
                SCRATCH.mkdir(parents=True, exist_ok=True)
                path = SCRATCH / f"leeg-{index}.db"
                files = (path, Path(f"{path}-wal"), Path(f"{path}-shm"))

                def remove() -> None:
                    for file in files:
                        file.unlink(missing_ok=True)

                remove()
                return f"sqlite:///{path}", remove
            assert base is not None
            name = cache.postgres_name(base, f"leeg{index}")
            return cache.recreate_postgres(base, name), lambda: cache.drop_postgres(base, name)

        return measure_generator(make_empty, self.plan.generator_count, self.plan.generator_runs, built, engine)

    def memory(self, database: cache.DemoDatabase) -> list[Row]:
        from bench import memory

        (rss, cold), (bare_rss, bare_cold) = memory.measure(database.url, self.plan.memory_runs)
        return [
            Row("Piekgeheugen (RSS) met de inbox open", database.label, ours=rss, reference=bare_rss,
                reference_label="kale app, lege DataTable", budget=Budget.below(RSS_BUDGET_MB, "MB")),
            Row("Koude start (nieuw proces) tot eerste inboxpagina", database.label, ours=cold, reference=bare_cold,
                reference_label="kale app, lege DataTable (nieuw proces)", budget=Budget.times_reference(1.5),
                note="interpreter en imports inbegrepen"),
        ]


    def commands(self, engine: str, base: str | None, source: cache.DemoDatabase) -> list[Row]:
        from bench.commands import measure_commands

        copy, cleanup = self._scratch_copy(engine, base, source)
        try:
            return measure_commands(copy, self.plan.command_runs)
        finally:
            cleanup()


def _guarded(function: Callable[[], Row], name: str, size: str) -> Row:
    try:
        return function()
    except Exception as error:
        if os.environ.get("KLACHTDESK_BENCH_DEBUG"):
            traceback.print_exc()
        return Row(name, size, problem=f"fout: {type(error).__name__}: {str(error)[:120]}")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Meet de prestatiebudgetten van klachtdesk naast referenties uit dezelfde run.",
    )
    parser.add_argument("--snel", action="store_true", help="alleen 10 en 100.000 zaken, minder herhalingen")
    parser.add_argument("--herbouw", action="store_true", help="de demodatabases opnieuw bouwen")
    parser.add_argument("--alleen-sqlite", action="store_true",
                        help=f"PostgreSQL overslaan, ook als {ENV_POSTGRES} is gezet")
    parser.add_argument("--alleen-postgres", action="store_true",
                        help=f"alleen PostgreSQL ({ENV_POSTGRES} moet gezet zijn)")
    parser.add_argument("--fase", action="append", default=[], metavar="NAAM",
                        help="alleen de fasen waarvan de naam dit bevat (herhaalbaar), bijvoorbeeld "
                             "'koude start', 'opdrachten', 'schrijven', 'demogenerator', 'analyse'; "
                             "de tabel gaat dan niet naar RESULTS.md tenzij --resultaat het vraagt")
    parser.add_argument("--resultaat", type=Path, default=None,
                        help="waar de Markdown-tabel komt (standaard bench/RESULTS.md)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse(argv)
    console = Console()
    plan = QUICK if arguments.snel else FULL
    runner = Runner(console, plan, arguments.herbouw, tuple(arguments.fase))
    info = machine()
    command = "make bench" + (f" ARGS=\"{' '.join(sys.argv[1:] if argv is None else argv)}\""
                              if (sys.argv[1:] if argv is None else argv) else "")
    runner.say(f"schema-sleutel {cache.cache_key()}; maten: {', '.join(f'{s:,}'.replace(',', '.') for s in plan.sizes)}")
    sections: list[tuple[str, list[Row]]] = []
    base = os.environ.get(ENV_POSTGRES)
    if arguments.alleen_postgres and not base:
        console.print(f"[red]--alleen-postgres: zet {ENV_POSTGRES} (een SQLAlchemy- of postgresql://-URL).[/red]")
        return 2
    engines: list[tuple[str, Callable[[], list[Row]]]] = []
    if not arguments.alleen_postgres:
        engines.append(("SQLite", lambda: runner.run("sqlite")))
    if base and not arguments.alleen_sqlite:
        engines.append(("PostgreSQL", lambda: runner.run("postgresql", cache.postgres_base(base))))
    stopped = False  # an engine that could not go on: the other's figures are still printed and kept
    try:
        for title, measure in engines:
            try:
                sections.append((title, measure()))
            except Exception as error:
                console.print(f"[red]de bench kon op {title} niet verder: {type(error).__name__}: {error}[/red]")
                traceback.print_exc()
                sections.append((title, [Row(f"benchmark op {title}", "",
                                             problem=f"fout: {type(error).__name__}: {str(error)[:120]}")]))
                stopped = True
    except KeyboardInterrupt:
        console.print("[yellow]afgebroken[/yellow]")
        return 130
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    seconds = time.perf_counter() - runner.started
    try:
        info["Belasting (1/5/15 min) aan het eind"] = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        pass
    for title, rows in sections:
        print_report(console, f"klachtdesk benchmark — {title}", rows, [])
    for line in NOTES:
        console.print(f"[dim]{line}[/dim]")
    over = [_name(title, row) for title, rows in sections for row in rows if row.within is False]
    failed = [_name(title, row) for title, rows in sections for row in rows if row.problem]
    if over:
        console.print(f"[bold red]Boven budget:[/bold red] {'; '.join(over)}")
    if failed:
        console.print(f"[yellow]Niet gemeten:[/yellow] {'; '.join(failed)}")
    target = arguments.resultaat or (None if arguments.fase else RESULTS)
    if target is None:
        console.print(f"[dim]klaar in {seconds:.0f} s (alleen enkele fasen: RESULTS.md niet bijgewerkt)[/dim]")
        return 1 if stopped else 0
    target.write_text(markdown(sections, NOTES, info, command, seconds), encoding="utf-8")
    console.print(f"[dim]klaar in {seconds:.0f} s; tabel geschreven naar {_shown(target)}[/dim]")
    return 1 if stopped else 0


def _name(engine: str, row: Row) -> str:
    return f"{row.measurement} ({engine}{', ' + row.cases + ' zaken' if row.cases else ''})"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
