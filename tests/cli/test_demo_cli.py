"""``klachtdesk demo``: fills (and creates) a database; ``zoek`` then finds its cases."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pytest

from klachtdesk.cli import main


def test_demo_then_zoek_prints_the_case(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "demo.db"
    assert main(["demo", "--aantal", "50", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert re.match(r"^50 zaken aangemaakt \(KL-\d{4}-000001[ ;].*\) in \d", out), out
    with sqlite3.connect(db) as connection:
        count, number, name = connection.execute(
            "SELECT count(*), max(c.number), max(p.name) FROM complaint c JOIN person p ON p.id = c.complainant_id "
            "WHERE c.id = (SELECT max(id) FROM complaint)").fetchone()
        total = connection.execute("SELECT count(*) FROM complaint").fetchone()[0]
    assert total == 50 and count == 1
    assert main(["zoek", number, "--db", str(db)]) == 0
    printed, said = capsys.readouterr()
    assert number in printed and name in printed and said == ""  # a script: no DEMO line
    # a person at a terminal is told on every command that this is a demo database (on stderr)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["zoek", number, "--db", str(db)]) == 0
    printed, said = capsys.readouterr()
    assert said.startswith("klachtdesk: DEMO") and "DEMO" not in printed


def test_a_second_run_continues_the_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.db"
    assert main(["demo", "--aantal", "20", "--seed", "1", "--db", str(db)]) == 0
    assert main(["demo", "--aantal", "1.000", "--seed", "2", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("1.000 zaken aangemaakt")
    with sqlite3.connect(db) as connection:
        for year, count, top in connection.execute("SELECT year, count(*), max(seq) FROM complaint GROUP BY year"):
            assert count == top, year
        assert connection.execute("SELECT count(*) FROM complaint").fetchone()[0] == 1020


@pytest.mark.parametrize("value", ["0", "-5", "abc", "1.5", "2,5"])
def test_the_count_must_be_a_positive_integer(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    db = tmp_path / "demo.db"
    with pytest.raises(SystemExit) as caught:
        main(["demo", "--aantal", value, "--db", str(db)])
    assert caught.value.code == 2
    assert "geen positief geheel getal" in capsys.readouterr().err
    assert not db.exists()


def test_the_count_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["demo"])
    assert caught.value.code == 2
    assert "--aantal" in capsys.readouterr().err
