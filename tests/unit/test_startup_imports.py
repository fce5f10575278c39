"""A command loads what it needs, not what every other command needs (issue 19).

Checked by which modules a fresh interpreter holds after the command ran, never by
timing: the machines that run the tests are shared and noisy; ``make bench`` times them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "textual", "phonenumbers", "icalendar", "psycopg",
         "email_validator", "starlette", "jinja2", "imapclient", "numpy", "holidays", "babel", "rich")


def loaded_by(argv: list[str], tmp_path: Path) -> set[str]:
    """The top-level packages of ``HEAVY`` loaded after ``klachtdesk ARGV`` ran in a new interpreter."""
    code = (
        "import json, sys\n"
        "import klachtdesk.cli\n"
        "try:\n"
        f"    klachtdesk.cli.main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "KLACHTDESK_GEBRUIKER"}
    env["HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_termijn_loads_only_the_calendar_libraries(tmp_path: Path) -> None:
    loaded = loaded_by(["termijn", "2026-12-24T10:00", "3"], tmp_path)
    assert loaded <= {"holidays", "babel"}, loaded  # numpy only for the bulk work (time.calendar)


def test_the_overview_of_commands_loads_no_library(tmp_path: Path) -> None:
    loaded = loaded_by(["--help"], tmp_path)
    assert loaded == set(), loaded


def test_a_command_on_an_up_to_date_database_does_not_load_alembic_or_textual(tmp_path: Path) -> None:
    database = tmp_path / "k.db"
    made = subprocess.run([sys.executable, "-c", f"from klachtdesk.db import open_database; open_database({str(database)!r})"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    loaded = loaded_by(["--db", str(database), "zoek", "KL-2026-000001"], tmp_path)
    assert "sqlalchemy" in loaded  # the command did reach the database
    assert not loaded & {"alembic", "textual", "starlette", "jinja2", "imapclient", "icalendar"}, loaded


def test_the_schema_head_read_from_the_files_is_alembics() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from klachtdesk.db import MIGRATIONS, newest_revision

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert newest_revision() == ScriptDirectory.from_config(config).get_current_head()
