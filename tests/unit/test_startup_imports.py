"""A command loads what it needs, not what every other command needs (issue 19).

Checked by which modules a fresh interpreter holds after the command ran, never by
timing: the machines that run the tests are shared and noisy; ``make bench`` times them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "textual", "phonenumbers", "icalendar", "psycopg",
         "email_validator", "starlette", "jinja2", "imapclient", "numpy", "holidays", "babel", "rich")


def loaded_by(argv: list[str], tmp_path: Path, watched: tuple[str, ...] = HEAVY) -> set[str]:
    """The packages of ``watched`` loaded after ``klachtdesk ARGV`` ran in a new interpreter."""
    code = (
        "import json, sys\n"
        "import klachtdesk.cli\n"
        "try:\n"
        f"    klachtdesk.cli.main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps(sorted(w for w in {watched!r} if any(m == w or m.startswith(w + '.') for m in sys.modules))))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "KLACHTDESK_GEBRUIKER"}
    env["HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_termijn_loads_only_the_calendar_libraries(tmp_path: Path) -> None:
    loaded = loaded_by(["termijn", "2026-12-24T10:00", "3"], tmp_path)
    assert loaded <= {"holidays", "babel"}, loaded  # numpy only for the bulk work (time.calendar)


def test_the_dutch_holidays_load_without_every_other_country() -> None:
    """``holidays.countries`` imports every country (about 0.1 s); the calendars load the
    Netherlands' module alone, and it gives what ``holidays.NL`` gives the usual way."""
    code = (
        "import sys\n"
        "from klachtdesk.services.config.calendar import _public_holidays\n"
        "alone = _public_holidays()\n"
        "print('holidays.countries' in sys.modules, 'holidays.countries.germany' in sys.modules)\n"
        "from holidays.countries import NL  # now every country, the usual way\n"
        "usual = NL(years=range(2000, 2101), language='nl', expand=False)\n"
        "print(dict(alone) == dict(usual) and len(usual) > 1000, type(alone) is NL)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True", "True"], result.stdout


def test_the_overview_of_commands_loads_no_library(tmp_path: Path) -> None:
    loaded = loaded_by(["--help"], tmp_path)
    assert loaded == set(), loaded


def test_a_command_on_an_up_to_date_database_does_not_load_alembic_or_textual(tmp_path: Path,
                                                                              sqlite_template: Path) -> None:
    database = tmp_path / "k.db"
    shutil.copy(sqlite_template, database)  # migrated to the newest schema (tests/conftest.py)
    loaded = loaded_by(["--db", str(database), "zoek", "KL-2026-000001"], tmp_path)
    assert "sqlalchemy" in loaded  # the command did reach the database
    assert not loaded & {"alembic", "textual", "starlette", "jinja2", "imapclient", "icalendar"}, loaded
    # a klachtnummer needs no search pages nor numpy, also on the usual way (no such case here)
    assert loaded_by(["--db", str(database), "zoek", "KL-2026-000001"], tmp_path,
                     ("klachtdesk.services.lists.search", "klachtdesk.services.lists.inbox", "numpy",
                      "email_validator")) == set()


def test_the_schema_head_read_from_the_files_is_alembics() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from klachtdesk.db import MIGRATIONS, newest_revision

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert newest_revision() == ScriptDirectory.from_config(config).get_current_head()


#: what the app's first inbox page does without: the mail readers (a desk that follows no
#: mailbox), numpy (the inbox counts werkdagen one due date at a time), Alembic, the help's Markdown
APP_START_ABSENT = ("numpy", "imapclient", "inscriptis", "charset_normalizer", "mailparser_reply", "alembic",
                    "markdown_it", "klachtdesk.services.mail", "klachtdesk.services.deadlines.bulk", "klachtdesk.demo")


def seed_script(db: Path) -> str:
    """Python that opens the migrated database ``db`` and registers one case as a klachtenmanager
    (``context`` and ``database`` stay defined for what follows)."""
    return f"""
from datetime import UTC, datetime
from klachtdesk.clock import FixedClock
from klachtdesk.db import open_database
from klachtdesk.models import Channel, ComplaintKind, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.config.store import load_settings
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import staff
database = open_database({str(db)!r})
context = Context(db=database, clock=FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)))
load_settings(database, context.now())
with database.write() as session:
    staff.create_staff(session, context, "tester", "Tess Tester", {{StaffRole.MANAGER}})
context.user = staff.sign_in(context, "tester")
complaints.register(context, complaints.RegistrationInput(
    kind=ComplaintKind.COMPLAINT, channel=Channel.PHONE, description="Te laat geleverd",
    service_type=context.settings.lists.service_types[0], received_at=context.now(),
    complainant=complaints.PersonInput(name="Jan Jansen", phone="0612345678", email="jan@example.nl")))
"""


def test_the_app_shows_its_first_inbox_page_without_mail_numpy_or_alembic(tmp_path: Path,
                                                                         sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "k.db")  # migrated: opening it needs no Alembic
    code = f"""
import asyncio, json, sys
{seed_script(tmp_path / "k.db")}
from klachtdesk.app import create_app
from klachtdesk.screens.inbox import InboxScreen
already = set(sys.modules)

async def first_page():
    app = create_app(context, offer_demo=False, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert isinstance(app.screen, InboxScreen), app.screen
        assert "KL-2026-000001" in "\\n".join(str(line.text) for line in app.screen.case_list.render_lines(
            app.screen.case_list.region.reset_offset))

asyncio.run(first_page())
print(json.dumps(sorted(m for m in set(sys.modules) - already)))
"""
    env = {key: value for key, value in os.environ.items() if key != "KLACHTDESK_GEBRUIKER"}
    env["HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    absent = [name for name in loaded if name.split(".")[0] in APP_START_ABSENT or name.startswith(APP_START_ABSENT)]
    assert absent == [], absent


#: what a new process does without until its first inbox page is on screen: the ORM and
#: everything on it (the first page is read with the driver, ``services.startup``; the full
#: context is opened after it), besides what ``APP_START_ABSENT`` lists
FIRST_PAGE_ABSENT = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "psycopg", "numpy", "phonenumbers",
                     "email_validator", "icalendar", "klachtdesk.models.tables", "klachtdesk.db",
                     "klachtdesk.services.core.context", "klachtdesk.services.lists.inbox",
                     "klachtdesk.screens.registration", "klachtdesk.screens.dialog", *APP_START_ABSENT)


def test_a_new_process_draws_the_first_inbox_page_without_the_orm(tmp_path: Path, sqlite_template: Path) -> None:
    """As ``klachtdesk`` starts (``cli.app``): the first page from ``services.startup``; what was
    loaded when it was on screen is taken as the full context starts opening (``opener``)."""
    shutil.copy(sqlite_template, tmp_path / "k.db")
    seed = seed_script(tmp_path / "k.db") + "\ndatabase.dispose()\n"
    env = {key: value for key, value in os.environ.items() if key != "KLACHTDESK_GEBRUIKER"}
    env["HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", seed], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    code = f"""
import asyncio, json, sys
from datetime import UTC, datetime
from klachtdesk.clock import FixedClock
from klachtdesk.services import startup

clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
page = startup.read({str(tmp_path / "k.db")!r}, user="tester", clock=clock)
assert page is not None and [row.number for row in page.rows] == ["KL-2026-000001"], page
from klachtdesk.app import create_starting_app
from klachtdesk.screens.inbox import InboxScreen
at_first_page = []

def opener():
    at_first_page.extend(sys.modules)
    from klachtdesk.services.bootstrap import open_context
    return open_context({str(tmp_path / "k.db")!r}, user="tester", clock=clock)

async def first_page():
    app = create_starting_app(page, clock, opener, offer_demo=False, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down")  # held until the context is open, then replayed
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.ready and isinstance(app.screen, InboxScreen), app.screen
        assert "KL-2026-000001" in "\\n".join(str(line.text) for line in app.screen.case_list.render_lines(
            app.screen.case_list.region.reset_offset))
        assert type(app.context).__name__ == "Context"

asyncio.run(first_page())
print(json.dumps(sorted(at_first_page)))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "klachtdesk.screens.inbox" in loaded and "textual.app" in loaded
    absent = [name for name in loaded if any(name == heavy or name.startswith(heavy + ".") for heavy in FIRST_PAGE_ABSENT)]
    assert absent == [], absent


#: what ``klachtdesk zoek KL-…`` does without on its plain way (``services.startup.find_case``):
#: the ORM and everything on it, the database layer, the services' context, the search pages
ZOEK_ABSENT = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "psycopg", "numpy", "textual", "email_validator",
               "klachtdesk.models.tables", "klachtdesk.models.types", "klachtdesk.db",
               "klachtdesk.services.core.context", "klachtdesk.services.core.events",
               "klachtdesk.services.cases.complaints", "klachtdesk.services.bootstrap",
               "klachtdesk.services.identity.logins",
               "klachtdesk.services.lists.search", "klachtdesk.services.lists.inbox")


def test_zoek_by_klachtnummer_reads_and_records_the_case_without_the_orm(tmp_path: Path,
                                                                        sqlite_template: Path) -> None:
    """``klachtdesk zoek KL-2026-000001`` as the user at the keyboard: the case is printed and its
    access line written, and none of ``ZOEK_ABSENT`` was loaded."""
    shutil.copy(sqlite_template, tmp_path / "k.db")
    seed = seed_script(tmp_path / "k.db") + (
        "from klachtdesk.services.identity.who import os_login\n"
        "with database.write() as session:\n"
        "    staff.create_staff(session, context, os_login(), 'Ik Zelf', {StaffRole.HANDLER})\n"
        "database.dispose()\n")
    env = {key: value for key, value in os.environ.items() if key != "KLACHTDESK_GEBRUIKER"}
    env["HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", seed], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    code = f"""
import json, sqlite3, sys
import klachtdesk.cli
assert klachtdesk.cli.main(["--db", {str(tmp_path / "k.db")!r}, "zoek", "KL-2026-000001"]) == 0
loaded = sorted(sys.modules)
lines = sqlite3.connect({str(tmp_path / "k.db")!r}).execute(
    "SELECT summary FROM event WHERE type = 'ingezien'").fetchall()
print(json.dumps([loaded, [line[0] for line in lines]]))
"""
    reader, terminal = os.openpty()  # at a terminal: a password is asked only on the usual way
    try:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                                stdin=terminal)
    finally:
        os.close(reader)
        os.close(terminal)
    assert result.returncode == 0, result.stderr
    assert "KL-2026-000001" in result.stdout and "Jan Jansen" in result.stdout
    loaded, lines = json.loads(result.stdout.strip().splitlines()[-1])
    assert lines == ["Zaak ingezien door Ik Zelf"]
    absent = [name for name in loaded if any(name == heavy or name.startswith(heavy + ".") for heavy in ZOEK_ABSENT)]
    assert absent == [], absent
