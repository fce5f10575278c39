"""``klachtdesk termijn``: run in-process through the real ``main`` (only this command registered)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import klachtdesk.cli as cli
from klachtdesk.services.config.calendar import ATW_FILE

REPO = Path(__file__).resolve().parents[2]

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def repo_data(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Use the shipped ``data/`` whatever the environment says."""
    monkeypatch.setenv("KLACHTDESK_DATA", str(REPO / "data"))
    yield


@pytest.fixture
def termijn(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``klachtdesk termijn ARGS...``; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(cli, "COMMANDS", ("klachtdesk.cli.termijn",))

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = cli.main(["termijn", *args])
        except SystemExit as stop:  # argparse errors
            code = int(stop.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_werkdagen_design_example(termijn: Run) -> None:
    code, out, err = termijn("2026-12-24T10:00", "3")
    assert code == 0, err
    assert out.startswith("2026-12-30 ")
    assert out == "2026-12-30 woensdag 30 december 2026\n"


def test_weeks_design_example(termijn: Run) -> None:
    code, out, err = termijn("2026-03-24", "--weken", "6")
    assert code == 0, err
    assert out.startswith("2026-05-06 ")
    assert out.splitlines() == [
        "2026-05-06 woensdag 6 mei 2026",
        "termijn schuift op van dinsdag 5 mei 2026 (Bevrijdingsdag)",
    ]


def test_weekend_receipt_is_explained(termijn: Run) -> None:
    code, out, _ = termijn("2026-11-21T11:00", "3")
    assert code == 0
    assert out.splitlines() == [
        "2026-11-26 donderdag 26 november 2026",
        "ontvangst telt als maandag 23 november 2026 (zaterdag is geen werkdag)",
    ]


def test_after_closing_time(termijn: Run) -> None:
    code, out, _ = termijn("2026-11-23T17:00", "1")
    assert code == 0
    assert out.splitlines()[0] == "2026-11-25 woensdag 25 november 2026"
    assert "vanaf 17:00 telt de volgende werkdag" in out


def test_a_bare_date_is_received_in_office_hours(termijn: Run) -> None:
    code, out, _ = termijn("2026-11-23", "1")
    assert code == 0
    assert out == "2026-11-24 dinsdag 24 november 2026\n"


@pytest.mark.parametrize(("typed", "first_line"), [
    ("morgen", "2026-11-27 vrijdag 27 november 2026"),  # today is Monday 23 November 2026
    ("gisteren", "2026-11-26 donderdag 26 november 2026"),  # Sunday counts as Monday
    ("maandag", "2026-11-26 donderdag 26 november 2026"),  # today, the most recent Monday
    ("20-11", "2026-11-25 woensdag 25 november 2026"),
    ("20 november", "2026-11-25 woensdag 25 november 2026"),
    ("morgen 17:30", "2026-11-30 maandag 30 november 2026"),  # after closing time
])
def test_dutch_dates_as_the_desk_types_them(termijn: Run, monkeypatch: pytest.MonkeyPatch, typed: str,
                                            first_line: str) -> None:
    """The one Dutch date grammar, looking back (a receipt); ``termijn morgen 3`` was refused."""
    from klachtdesk.cli import termijn as command
    from klachtdesk.clock import FixedClock

    monkeypatch.setattr(command, "CLOCK", FixedClock())
    code, out, err = termijn(typed, "3")
    assert code == 0, err
    assert out.splitlines()[0] == first_line


def test_utc_offset(termijn: Run) -> None:
    # 16:30 UTC in winter is 17:30 in Amsterdam: after closing time
    code, out, _ = termijn("2026-11-23T16:30+00:00", "1")
    assert code == 0
    assert out.startswith("2026-11-25 ")
    code, out, _ = termijn("2026-11-23T15:30Z", "1")
    assert out.startswith("2026-11-24 ")


def test_other_calendar_file(termijn: Run, tmp_path: Path) -> None:
    kalender = tmp_path / "kalender.toml"
    kalender.write_text('extra_vrije_dagen = [{ van = 2026-12-28, tot = 2026-12-31, naam = "Kerstsluiting" }]\n')
    code, out, _ = termijn("2026-12-24T10:00", "3", "--kalender", str(kalender))
    assert code == 0
    assert out.startswith("2027-01-06 ")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("2026-02-30", "3"), "'2026-02-30' is geen bestaande datum"),
        (("ooit", "3"), "'ooit' is geen bestaande datum"),
        (("31-11", "3"), "'31-11' is geen bestaande datum"),
        (("2026-01-05", "-3"), "moet 0 of meer zijn, niet -3"),
        (("2026-01-05", "--weken", "-1"), "weken moet 0 of meer zijn"),
        (("2026-01-05", "3", "--weken", "6"), "niet allebei"),
        (("2026-01-05",), "Geef een aantal werkdagen"),
        (("2026-01-05", "drie"), "geen geheel getal"),
        (("2026-01-05", "3", "--snel"), "onbekende argumenten"),
        (("2026-01-05", "3", "--kalender", "/bestaat/niet.toml"), "bestaat niet"),
        (("2199-01-05", "3"), "valt buiten de jaren"),
    ],
)
def test_bad_input(termijn: Run, args: tuple[str, ...], fragment: str) -> None:
    code, out, err = termijn(*args)
    assert code == 2
    assert out == ""
    assert fragment in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_broken_calendar_file(termijn: Run, tmp_path: Path) -> None:
    kalender = tmp_path / "kalender.toml"
    kalender.write_text("sluitingstijd = '25:00'\n")
    code, _, err = termijn("2026-01-05", "3", "--kalender", str(kalender))
    assert code == 2
    assert str(kalender) in err and "'sluitingstijd'" in err
    assert len(err.strip().splitlines()) == 1


def test_missing_equated_days_file(termijn: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KLACHTDESK_DATA", str(tmp_path))
    code, _, err = termijn("2026-03-24", "--weken", "6")
    assert code == 2
    assert ATW_FILE in err


def _cli_importable() -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "klachtdesk", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    return probe.returncode == 0


def test_subprocess() -> None:
    if not _cli_importable():
        pytest.skip("python -m klachtdesk cannot start yet (other commands missing)")
    result = subprocess.run(
        [sys.executable, "-m", "klachtdesk", "termijn", "2026-12-24T10:00", "3"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "KLACHTDESK_DATA": str(REPO / "data")},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2026-12-30 ")
