"""The CLI's one guard and the hostile invocations of issue 16, in-process on both engines:
a result or one Dutch line on stderr, never a traceback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import klachtdesk.cli as cli
from klachtdesk.errors import NotFound
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import staff
from klachtdesk.models import StaffRole

from .conftest import Run, db_arg

NOT_UTF8 = os.fsdecode(b"Jan \xff\xfe")  # how Python hands over an argument that was not UTF-8
ESCAPES = "\x1b]0;overgenomen\x07\x1b[2J\x1b[31m"


def assert_one_dutch_line(code: int, err: str) -> None:
    assert code != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("klachtdesk"), err


def test_a_bug_becomes_one_dutch_line_with_where_the_details_are(
        run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(args: object) -> int:
        raise ZeroDivisionError("geheim: jan@example.nl")

    monkeypatch.setattr("klachtdesk.cli.termijn.run", broken)
    code, out, err = run("termijn", "2026-03-02", "3")
    assert code == 70 and out == ""
    assert_one_dutch_line(code, err)
    assert "onverwachte fout (ZeroDivisionError)" in err and "jan@example.nl" not in err
    log = cli.crash_log_path()
    assert str(log) in err
    assert "ZeroDivisionError: geheim" in log.read_text(encoding="utf-8")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700


def test_a_klachtdesk_error_keeps_its_own_message(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(args: object) -> int:
        raise NotFound("Klacht KL-2026-000009 bestaat niet.")

    monkeypatch.setattr("klachtdesk.cli.termijn.run", refused)
    assert run("termijn", "2026-03-02", "3") == (1, "", "klachtdesk: Klacht KL-2026-000009 bestaat niet.\n")


def test_when_even_the_log_cannot_be_written_the_line_still_comes(
        run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("klachtdesk.cli.termijn.run", lambda args: 1 / 0)
    monkeypatch.setattr(cli, "crash_log_path", lambda: Path("/proc/niet/schrijfbaar.log"))
    code, _, err = run("termijn", "2026-03-02", "3")
    assert code == 70 and "onverwachte fout (ZeroDivisionError); dit is een fout in klachtdesk.\n" in err


#: the attacks of issue 16 that need no database (each: exit code 2, one Dutch line, nothing on stdout)
WITHOUT_DATABASE = [
    ["termijn", "2026-03-02", "99999999999"],
    ["termijn", "2026-03-02", "--weken", "99999999999"],
    ["termijn", "2026-03-02", "-5"],
    ["termijn", "9999-12-31", "5"],
    ["termijn", "9999-12-31T23:00-12:00", "--weken", "1"],
    ["termijn", "0001-01-01T00:00+14:00", "1"],
    ["termijn", NOT_UTF8, "3"],
    ["demo", "--aantal", "99999999999"],
    ["demo", "--aantal", "1", "--seed", "9" * 40],
    ["zoek", "--db", "sqlite:////proc/self/mem", "x"],
    ["zoek", "--db", "/tmp/" + "a" * 300 + "/klachtdesk.db", "x"],
    ["zoek", "--db", "/tmp/" + "b" * 300, "x"],
    ["zoek", "--db", "postgresql://jan@localhost:abc/klachtdesk", "x"],
    ["zoek", "--db", "postgresql://jan@localhost:99999999999/klachtdesk", "x"],
    ["zoek", "--db", "postgresql://x@h:@\udc9b/db", "x"],  # a host that is no name (idna): found by the fuzz
    ["zoek", "--db", "postgresql://jan@" + "h" * 64 + "/klachtdesk", "x"],
    ["zoek", "--db", "sqlite:///" + NOT_UTF8, "x"],
    # a klachtnummer is first tried with the driver alone (services.startup.find_case): the same answers
    ["zoek", "--db", "sqlite:////proc/self/mem", "1"],
    ["zoek", "--db", "/tmp/" + "a" * 300 + "/klachtdesk.db", "KL-2026-000001"],
    ["zoek", "--db", "postgresql://x@h:@\udc9b/db", "1"],
    ["zoek", "--db", "postgresql://jan@localhost:99999999999/klachtdesk", "1"],
    ["zoek", "--db", "sqlite:///" + NOT_UTF8, "1"],
]

#: the attacks of issue 16 on a database: ``COMMAND [ACTION] --db URL ARGS...`` (exit code not 0, one Dutch line)
ON_A_DATABASE = [
    ["agenda", "--week", "9999-W52"],
    ["agenda", "--week", "0001-W01"],
    ["agenda", "--functionaris", NOT_UTF8],
    ["agenda", "--functionaris", "x" * 10_000],
    ["inzage", NOT_UTF8],
    ["inzage", "a\x00b"],
    ["inzage", "jan", "--persoon", "99999999999"],
    ["inzage", "jan", "--verzoek", "99999999999"],
    ["inzage", "jan", "--ontvangen", "9999-12-31"],
    ["vergeet", NOT_UTF8, "--ja"],
    ["vergeet", "x" * 5000, "--ja"],
    ["medewerker", "uit", NOT_UTF8],
    ["medewerker", "rollen", "a\x00b", "--rol", "behandelaar"],
    ["medewerker", "toevoegen", NOT_UTF8, "--naam", "Jan", "--rol", "behandelaar"],
    ["medewerker", "toevoegen", "jan", "--naam", "J" * 201, "--rol", "behandelaar"],
    ["zoek", "--gebruiker", NOT_UTF8, "x"],
    ["zoek", "--gebruiker", "\x00", "x"],
    ["zoek", "--gebruiker", NOT_UTF8, "1"],
    ["zoek", "--gebruiker", "\x00", "KL-2026-000001"],
    ["zoek", "KL-9999-000001"],
    ["zoek", "KL-2026-99999999999"],
    ["zoek", "x" * 1000],
    ["verzoeken", "nieuw", "inzage", "x" * 301],
    ["verzoeken", "nieuw", "inzage", NOT_UTF8],
    ["verzoeken", "nieuw", "inzage", "jan", "--ontvangen", "2150-01-01"],
    ["verzoeken", "verleng", "99999999999"],
    ["post", "bewaard", "--uit", "99999999999"],
    ["post", "opnieuw", "99999999999"],
    ["rapport", "--periode", "9999-Q4"],
    ["rapport", "--periode", NOT_UTF8],
]

#: commands whose first argument is an action (``--db`` follows it)
WITH_ACTION = {"medewerker", "verzoeken", "post", "termijnen"}


def with_db(argv: list[str], db: str) -> list[str]:
    """``argv`` with ``--db DB`` where its command takes it."""
    at = 2 if argv[0] in WITH_ACTION else 1
    return [*argv[:at], "--db", db, *argv[at:]]


def test_hostile_invocations_without_a_database_end_in_one_dutch_line(run: Run) -> None:
    wrong = []
    for argv in WITHOUT_DATABASE:
        code, out, err = run(*argv)
        if not (code == 2 and out == "" and "Traceback" not in err and err.startswith("klachtdesk")
                and len(err.strip().splitlines()) == 1):
            wrong.append((argv[:4], code, out[:200], err[-300:]))
    assert wrong == []


def test_hostile_invocations_on_a_database_end_in_one_dutch_line(context: Context, run: Run) -> None:
    wrong = []
    for argv in ON_A_DATABASE:
        code, out, err = run(*with_db(argv, db_arg(context)))
        if not (code not in (0, 70) and "Traceback" not in err and err.startswith("klachtdesk")):
            wrong.append((argv[:4], code, out[:200], err[-300:]))
    assert wrong == []


def test_nul_and_escapes_in_a_request_subject_neither_break_nor_reach_the_terminal(context: Context, run: Run) -> None:
    code, out, err = run("verzoeken", "nieuw", "--db", db_arg(context), "inzage", f"Jan\x00{ESCAPES}Jansen")
    assert code == 0, err
    code, out, err = run("verzoeken", "--db", db_arg(context))
    assert code == 0 and "Jan]0;overgenomen[2J[31mJansen" in out
    assert "\x1b" not in out and "\x00" not in out


def test_a_staff_name_cannot_clear_the_screen_or_retitle_the_terminal(context: Context, run: Run) -> None:
    with context.db.write() as session:  # as if written by an older version, or straight into the database
        row = staff.create_staff(session, context, "mallory", "Mallory", {StaffRole.HANDLER})
        row.name = f"Mallory{ESCAPES}\x9b2J\u202e"
    code, out, err = run("medewerker", "lijst", "--db", db_arg(context))
    assert code == 0, err
    assert "Mallory␛]0;overgenomen" in out
    assert not any(ch in out for ch in "\x1b\x07\x9b\u202e")
    code, out, err = run("medewerker", "toevoegen", "--db", db_arg(context), f"eve{ESCAPES}", "--naam",
                         f"Eve{ESCAPES}", "--rol", "behandelaar", "--geen-wachtwoord")
    if context.db.dialect == "postgresql":  # a database login's name is held to plain characters
        assert code == 2 and err.startswith("klachtdesk: ") and "\x1b" not in err + out, err
        return
    assert code == 0 and "\x1b" not in out and "eve]0;overgenomen[2J[31m" in out


def test_a_bug_in_the_app_is_one_dutch_line_not_a_traceback_with_its_locals(
        run: Run, sqlite_context: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual renders an unexpected error as a traceback with the values of local variables
    (personal data) on the terminal; the app hands it to the command line's guard instead."""
    from textual.app import App

    from klachtdesk.screens.inbox import InboxScreen

    def broken(self: InboxScreen) -> None:
        secret = "jan@example.nl"  # noqa: F841 - a local Textual's traceback would show
        raise ZeroDivisionError("kapot")

    monkeypatch.setattr(InboxScreen, "on_mount", broken)
    original_run = App.run
    monkeypatch.setattr(App, "run", lambda self, **kw: original_run(self, headless=True, **kw))  # no terminal here
    code, out, err = run("app", "--geen-demo", "--db", db_arg(sqlite_context))
    assert code == 70, (out, err)
    assert_one_dutch_line(code, err)
    assert "onverwachte fout (ZeroDivisionError)" in err
    for shown in (out, err):
        assert "jan@example.nl" not in shown and "Traceback" not in shown
    log = Path(err.split("De details staan in ")[1].split(";")[0])
    assert "ZeroDivisionError: kapot" in log.read_text() and stat.S_IMODE(log.stat().st_mode) == 0o600
