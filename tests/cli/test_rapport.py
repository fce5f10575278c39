"""``klachtdesk rapport``: run in-process through the real ``main`` (only this command registered)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

import klachtdesk.cli as cli
import klachtdesk.cli.rapport as rapport
from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.models import Channel, StaffRole
from klachtdesk.services.analysis import figures as analysis
from klachtdesk.services.analysis import rendering
from klachtdesk.services.cases import complaints
from klachtdesk.services.identity import staff
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.periods import parse_period

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def numbers(sqlite_context: Context) -> list[str]:
    """Piet Pieters complains three times in Q3 2026, Anna once in Q2."""
    context = sqlite_context

    def register(day: datetime, name: str = "", person_id: int | None = None, category: str = "Bejegening") -> str:
        return complaints.register(context, RegistrationInput(
            channel=Channel.EMAIL, received_at=day, service_type="Thuiszorg", category=category,
            complainant=PersonInput(name=name, email="klager@example.nl", person_id=person_id),
            description="Voorval",
        )).number

    register(datetime(2026, 5, 12, 10, tzinfo=AMSTERDAM), "Anna Jansen", category="Privacy en gegevens")
    first = register(datetime(2026, 7, 7, 10, tzinfo=AMSTERDAM), "Piet Pieters")
    person = complaints.get_case(context, complaints.id_for_number(context, first), record_view=False).parties[0].person_id
    return [first] + [register(datetime(2026, month, 3, 10, tzinfo=AMSTERDAM), person_id=person) for month in (8, 9)]


@pytest.fixture
def report(sqlite_context: Context, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``klachtdesk rapport --db <the test database> ARGS...`` on 23 November 2026."""
    monkeypatch.setattr(cli, "COMMANDS", ("klachtdesk.cli.rapport",))
    real_open = rapport.open_context
    monkeypatch.setattr(rapport, "open_context", lambda *a, **k: real_open(
        *a, **{**k, "clock": FixedClock(datetime(2026, 11, 23, 10, tzinfo=AMSTERDAM))}))
    monkeypatch.setenv("COLUMNS", "160")
    path = str(sqlite_context.db.path)

    def run(*args: str, user: str | None = None) -> tuple[int, str, str]:
        extra = ["--gebruiker", user] if user else []
        try:
            code = cli.main(["rapport", "--db", path, *extra, *args])
        except SystemExit as stop:
            code = int(stop.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_prints_the_figures_of_the_screen(report: Run, numbers: list[str], sqlite_context: Context) -> None:
    code, out, err = report("--periode", "2026-Q3")
    assert (code, err) == (0, "")
    assert "Klachtenanalyse 3e kwartaal 2026" in out
    assert "vergeleken met 2e kwartaal 2026 en 3e kwartaal 2025" in out
    expected = rendering.report_tables(analysis.analyse(sqlite_context, parse_period("2026-Q3"), personal=False))
    for table in expected:
        assert table.title in out
        for row in table.formatted():
            assert row[0] in out
    bejegening = next(line for line in out.splitlines() if line.strip().startswith("Bejegening"))
    assert bejegening.split()[1:6] == ["3", "0", "+3", "0", "+3"]
    assert "Piet" not in out and "Anna" not in out
    assert all(number in out for number in numbers)


def test_csv_and_markdown(report: Run, numbers: list[str], tmp_path: Path) -> None:
    target = tmp_path / "rapport.md"
    code, out, err = report("--periode", "2026-q3", "--csv", str(tmp_path / "csv"), "--markdown", str(target))
    assert code == 0, err
    assert f"Rapport geschreven naar {target}" in out
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Klachtenanalyse 3e kwartaal 2026")
    assert "| Bejegening | 3 | 0 | +3 | 0 | +3 |" in text
    assert f"| 3 | {', '.join(numbers)} |" in text  # klachtnummers and counts only
    assert "Piet" not in text and "klager@example.nl" not in text
    assert "## Definities" in text
    files = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert "aard_van_de_klacht.csv" in files and "herhaalde_klagers.csv" in files
    rows = (tmp_path / "csv" / "aard_van_de_klacht.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "Bejegening;3;0;3;0;3" in rows
    assert rows[-1].startswith("Totaal;3;1;2;")


@pytest.mark.parametrize(
    ("period", "words"),
    [("2026-13", "maand 13 bestaat niet"), ("Q3", "is geen periode"), ("2026-Q7", "kwartaal 7 bestaat niet")],
)
def test_bad_periods_are_refused_in_dutch(report: Run, period: str, words: str) -> None:
    code, out, err = report("--periode", period)
    assert code == 2 and out == ""
    assert err.startswith("klachtdesk: ") and words in err and "2026-Q3 (kwartaal)" in err
    assert "Traceback" not in err


def test_only_roles_that_may_see_the_analysis(report: Run, numbers: list[str], sqlite_context: Context) -> None:
    with sqlite_context.db.write() as session:
        staff.create_staff(session, sqlite_context, "bea", "Bea Behandelaar", {StaffRole.HANDLER})
        staff.create_staff(session, sqlite_context, "dirk", "Dirk Directie", {StaffRole.MANAGEMENT})
    code, _out, err = report("--periode", "2026-Q3", user="bea")
    assert code == 2 and "mag niet: analyse en rapportage inzien" in err
    code, out, _err = report("--periode", "2026-Q3", user="dirk")
    assert code == 0 and "Herhaalde klagers" in out


def test_unwritable_target(report: Run, numbers: list[str], tmp_path: Path) -> None:
    code, _out, err = report("--periode", "2026", "--markdown", str(tmp_path / "geen-map" / "rapport.md"))
    assert code == 2 and "Kan niet schrijven naar" in err


def test_default_period_is_the_last_complete_quarter(report: Run, numbers: list[str]) -> None:
    code, out, _err = report()
    assert code == 0 and "Klachtenanalyse 3e kwartaal 2026" in out


def test_a_year_is_compared_with_the_year_before_once(report: Run, numbers: list[str], tmp_path: Path) -> None:
    """Issue 15, item 15: a year's previous period is the year ago; not "vergeleken met 2025 en 2025"."""
    target = tmp_path / "jaar.md"
    code, out, err = report("--periode", "2026", "--markdown", str(target))
    assert (code, err) == (0, "")
    assert "vergeleken met 2025" in out and "2025 en 2025" not in out
    text = target.read_text(encoding="utf-8")
    assert "vergeleken met 2025 · " in text and "2025 en 2025" not in text


def test_the_markdown_report_lists_the_measures_of_the_period(
        report: Run, numbers: list[str], sqlite_context: Context, tmp_path: Path) -> None:
    """Issue 15, item 15: the Markdown report had no section on improvement measures."""
    from datetime import date

    from klachtdesk.models import MeasureStatus
    from klachtdesk.services.improvement import measures

    context = sqlite_context
    running = measures.create(context, measures.MeasureInput(
        title="Training bejegening", owner_id=context.user.id, due=date(2027, 1, 29), complaint_numbers=numbers[:2]))
    done = measures.create(context, measures.MeasureInput(
        title="Wachtmuziek vervangen", owner_id=context.user.id, due=date(2026, 12, 21)))
    done = measures.set_status(context, done.id, done.version, MeasureStatus.IN_PROGRESS)
    measures.set_status(context, done.id, done.version, MeasureStatus.DONE)
    target = tmp_path / "jaar.md"
    code, out, err = report("--periode", "2026", "--markdown", str(target))
    assert (code, err) == (0, "")
    section = target.read_text(encoding="utf-8").split("## Verbetermaatregelen\n", 1)[1].split("## Definities")[0]
    assert "1 lopend, 1 uitgevoerd of geëvalueerd" in section
    rows = [line for line in section.splitlines() if line.startswith("| ") and "Maatregel" not in line]
    assert rows == [
        "| Wachtmuziek vervangen | corrigerend | Tess Tester | maandag 21 december 2026 | uitgevoerd | 0 |",
        "| Training bejegening | corrigerend | Tess Tester | vrijdag 29 januari 2027 | open | 2 |",
    ]
    assert "Verbetermaatregelen" in out and "Training bejegening" in out  # the terminal shows it too
    assert running.id != done.id
    # a quarter without any: the section says so
    code, _out, err = report("--periode", "2026-Q3", "--markdown", str(target))
    assert (code, err) == (0, "")
    assert "## Verbetermaatregelen\n\n_Geen verbetermaatregelen besloten of uiterlijk in deze periode._" in (
        target.read_text(encoding="utf-8"))
