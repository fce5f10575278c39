"""A backup or a migration killed halfway leaves nothing behind after the next start, and
nothing it left is ever named like a real copy (issue 16).

The program is really killed (SIGKILL, in a child process) at the moment its copy is
being written: the copy is complete on disk but not yet renamed, the worst case.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command

from klachtdesk.db import open_database
from klachtdesk.paths import UNFINISHED, home_dir

KILL_DURING_COPY = """
import os, signal, sys
import klachtdesk.db as db

real = db.copy_sqlite

def copy_then_die(source, target, **options):
    real(source, target, **options)
    print(target, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

db.copy_sqlite = copy_then_die
from klachtdesk.cli import main
main(sys.argv[1:])
"""


def killed(*argv: str) -> Path:
    """Run ``klachtdesk ARGV`` in a child that is killed while writing its copy; the copy's path."""
    child = subprocess.run([sys.executable, "-c", KILL_DURING_COPY, *argv], capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    copy = Path(child.stdout.strip().splitlines()[-1])
    assert copy.exists() and UNFINISHED in copy.name and copy.name.startswith(".")
    return copy


def unfinished(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.iterdir() if UNFINISHED in p.name]


@pytest.fixture
def desk(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "desk" / "klachtdesk.db"
    path.parent.mkdir()
    path.write_bytes(sqlite_template.read_bytes())
    monkeypatch.setenv("KLACHTDESK_GEBRUIKER", "tester")
    return path


def test_a_killed_backup_leaves_nothing_after_the_next_start(desk: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    copy = killed("backup", str(backups / "kopie.db"), "--db", str(desk))
    assert copy.parent == backups and not (backups / "kopie.db").exists()
    assert list((home_dir() / "onvoltooid").iterdir())  # the note of the unfinished copy
    open_database(desk).dispose()  # the next start, of any command
    assert unfinished(backups, desk.parent) == [] and list(backups.iterdir()) == []
    assert list((home_dir() / "onvoltooid").iterdir()) == []


def test_a_killed_migration_leaves_nothing_and_the_next_start_migrates(desk: Path) -> None:
    database = open_database(desk)
    config = database._alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    database.dispose()
    copy = killed("medewerker", "lijst", "--db", str(desk))
    assert copy.parent == desk.parent
    assert not [p for p in desk.parent.iterdir() if ".voor-" in p.name and UNFINISHED not in p.name]
    again = open_database(desk)  # cleans up, then makes its copy and migrates
    assert again.schema_state().up_to_date
    again.dispose()
    assert unfinished(desk.parent) == []
    copies = [p for p in desk.parent.iterdir() if ".voor-" in p.name]
    assert len(copies) == 1 and copies[0].stat().st_size > 0


def test_a_running_copy_of_another_process_is_left_alone(desk: Path) -> None:
    """Only the unfinished files of processes that are gone are removed."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = desk.parent / f".kopie.db.{UNFINISHED}-{sleeper.pid}-abcd1234"
        busy.write_bytes(b"half")
        gone = desk.parent / f".kopie.db.{UNFINISHED}-{2**22 + 12345}-abcd1234"
        gone.write_bytes(b"half")
        open_database(desk).dispose()
        assert busy.exists() and not gone.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    open_database(desk).dispose()
    assert not busy.exists()
    assert os.path.exists(desk)
