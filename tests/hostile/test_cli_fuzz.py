"""Hypothesis over every command's arguments, in-process through ``cli.main``, on both
engines: a result or one Dutch line on stderr — never a traceback, never the guard's
"onverwachte fout" (exit 70), never a control character on the terminal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klachtdesk.services.core.context import Context

from .conftest import HOSTILE, db_arg, hostile_date, hostile_number, hostile_text, run_cli
from .test_cli_guard import with_db

ROLES = st.sampled_from(["behandelaar", "klachtenfunctionaris", "beheerder", "directie", "geen-rol", "\x00"])
T, N, D = hostile_text(), hostile_number(), hostile_date()
#: file names as typed: hostile text under the test's folder ("{tmp}" is filled in), or odd places
PATHS = st.one_of(
    hostile_text(6).filter(lambda t: t.strip() not in ("", "-")).map(lambda t: "{tmp}/" + t.replace("/", "_")),
    st.just("{tmp}/" + "n" * 300),
    st.sampled_from(["/proc/self/mem", "/", ".", "/nonexistent/x.db", "{tmp}"]),
)  # a device or a pipe: test_a_written_file_never_replaces_a_device_or_a_pipe (not /dev/null: as root a
#    regression would replace the machine's own)


def opt(name: str, value: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """``[]`` or ``[name, value]``."""
    return st.one_of(st.just([]), value.map(lambda v: [name, v]))


def cmd(*parts: st.SearchStrategy[list[str]] | str) -> st.SearchStrategy[list[str]]:
    """A command line from fixed words and drawn pieces (each a list of words)."""
    strategies = [st.just([p]) if isinstance(p, str) else p for p in parts]
    return st.tuples(*strategies).map(lambda lists: [word for words in lists for word in words])


def one(value: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return value.map(lambda v: [v])


#: every command a user can give without starting a program that keeps running (the app,
#: ``formulier`` with good options, ``post volgen``) or one that fills the database (``demo``
#: with a count it accepts: its own tests do that)
ON_A_DATABASE = st.one_of(
    cmd("zoek", one(T)),
    cmd("zoek", one(st.sampled_from(["KL-2026-000001", "2026-1", "1", "KL-1900-1", "KL-9999-99999999999"]))),
    cmd("zoek", "--gebruiker", one(T), one(T)),
    cmd("agenda", opt("--week", st.one_of(T, st.sampled_from(["2026-W48", "9999-W52", "2000-W01", "2026-W53"]))),
        opt("--functionaris", T)),
    cmd("medewerker", "lijst", opt("--alle", st.just("")).map(lambda v: v[:1])),
    cmd("medewerker", "toevoegen", one(T), "--naam", one(T), "--rol", one(ROLES), opt("--email", T)),
    cmd("medewerker", "rollen", one(T), "--rol", one(ROLES)),
    cmd("medewerker", one(st.sampled_from(["uit", "aan"])), one(T)),
    cmd("inzage", one(T), opt("--persoon", N), opt("--verzoek", N), opt("--ontvangen", D)),
    cmd("vergeet", one(T), "--ja", opt("--persoon", N), opt("--ontvangen", D)),
    cmd("verzoeken", "nieuw", one(st.sampled_from(["inzage", "vergetelheid", "\x00"])), one(T),
        opt("--ontvangen", D)),
    cmd("verzoeken", "verleng", one(N)),
    cmd("verzoeken", opt("--alle", st.just("")).map(lambda v: v[:1])),
    cmd("opschonen", "--droog"),
    cmd("rapport", opt("--periode", st.one_of(T, st.sampled_from(["2026-Q3", "2026-07", "2026", "9999-Q4", "0-Q1"])))),
    cmd("post", "bewaard", opt("--uit", N)),
    cmd("post", "opnieuw", one(N)),
    cmd("termijnen", "herberekenen"),
    cmd("backup", one(PATHS), opt("--overschrijf", st.just("")).map(lambda v: v[:1])),
    cmd("herstel", one(PATHS), "--ja"),
    cmd("post", "inlezen", one(PATHS)),
    cmd("agenda", "--ics", one(PATHS)),
    cmd("inzage", one(st.sampled_from(["Jan de Vries", "jan@example.nl"])), "--uit", one(PATHS)),
    cmd("rapport", "--periode", "2026-Q3", opt("--csv", PATHS), opt("--markdown", PATHS)),
    cmd("termijn", "2026-03-02", "3", "--kalender", one(PATHS)),
    cmd("instellingen", "export", one(PATHS)),
    cmd("instellingen", "importeren", one(PATHS)),
    cmd("instellingen", "geschiedenis", opt("--aantal", N)),
    cmd("brieven", "afdrukken", one(T)),
    cmd("brieven", "verstuurd", one(T), opt("--op", D)),
)

WITHOUT_DATABASE = st.one_of(
    cmd("termijn", one(D), one(N)),
    cmd("termijn", one(D), "--weken", one(N)),
    cmd("termijn", one(D), one(N), "--weken", one(N)),
    cmd("demo", "--aantal", one(st.one_of(T, st.sampled_from(["0", "-1", "10000001", "99999999999", "1.000.000.000"]))
                                .filter(lambda v: not v.strip().isdigit() or int(v) < 1 or int(v) > 10_000_000)),
        opt("--seed", N)),
    cmd("formulier", "--poort", one(st.sampled_from(["acht", "-1", "0", "70000", "99999999999", "\x00", "\udcff"]))),
    cmd("zoek", "--db", one(st.one_of(T.map(lambda t: "sqlite:///" + t), T.map(lambda t: "postgresql://x@h:" + t + "/db"),
                                     st.sampled_from(["/proc/self/mem", "/dev/null", "/", "sqlite://", "x://y"]))),
        one(T)),
)

UNSAFE = ("\x1b", "\x00", "\x9b", "\u202e", "\udcff")


def check(code: int, out: str, err: str, argv: list[str]) -> None:
    assert "Traceback" not in err, (argv, err)
    assert code != 70, (argv, err)  # the guard: a bug
    if code != 0:
        assert err.startswith("klachtdesk"), (argv, code, err)
    assert not any(mark in out or mark in err for mark in UNSAFE), (argv, out[-300:], err[-300:])


@settings(HOSTILE, max_examples=max(4, HOSTILE.max_examples // 3))  # each example opens the database anew
@given(argv=ON_A_DATABASE)
def test_every_command_on_a_database(context: Context, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                     argv: list[str]) -> None:
    full = with_db([word.replace("{tmp}", str(tmp_path)) for word in argv], db_arg(context))
    check(*run_cli(capsys, full), full)


@HOSTILE
@given(argv=WITHOUT_DATABASE)
def test_every_command_without_a_database(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         argv: list[str]) -> None:
    check(*run_cli(capsys, argv), argv)


#: every argument that names a file or folder, each given a name the system cannot use
PATH_ARGUMENTS = [
    ["agenda", "--ics", "{bad}"], ["backup", "{bad}"], ["herstel", "{bad}", "--ja"], ["post", "inlezen", "{bad}"],
    ["inzage", "Jan de Vries", "--uit", "{bad}"], ["rapport", "--periode", "2026-Q3", "--csv", "{bad}"],
    ["rapport", "--periode", "2026-Q3", "--markdown", "{bad}"], ["termijn", "2026-03-02", "3", "--kalender", "{bad}"],
    ["instellingen", "export", "{bad}"], ["instellingen", "importeren", "{bad}"],
]


@pytest.mark.parametrize("bad", ["{tmp}/a\x00b", "{tmp}/" + "x" * 5000], ids=["nul", "te-lang"])
@pytest.mark.parametrize("argv", PATH_ARGUMENTS, ids=lambda argv: "-".join(argv[:2]))
def test_every_path_argument_refuses_an_unusable_name_in_one_line(sqlite_context: Context,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path, argv: list[str], bad: str) -> None:
    words = [word.replace("{bad}", bad).replace("{tmp}", str(tmp_path)) for word in argv]
    full = with_db(words, db_arg(sqlite_context)) if argv[0] != "termijn" else words
    code, out, err = run_cli(capsys, full)
    check(code, out, err, full)
    assert code != 0 and len(err.strip().splitlines()) == 1, (full, err)


@pytest.mark.parametrize("argv", PATH_ARGUMENTS, ids=lambda argv: "-".join(argv[:2]))
def test_every_path_argument_takes_a_name_that_is_not_utf8(sqlite_context: Context,
                                                           capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path, argv: list[str]) -> None:
    """A file name of bytes that are not UTF-8 (Python hands it over with surrogates) is a
    name like any other: a result or one Dutch line, never an unexpected error (the note of
    an unfinished file could not be written)."""
    words = [word.replace("{bad}", str(tmp_path / "naam-\udcff")) for word in argv]
    full = with_db(words, db_arg(sqlite_context)) if argv[0] != "termijn" else words
    code, out, err = run_cli(capsys, full)
    check(code, out, err, full)
    assert "onverwachte fout" not in err, (full, err)


#: the arguments that name a file the command writes
WRITTEN = [argv for argv in PATH_ARGUMENTS
           if argv[0] in {"agenda", "backup", "inzage", "rapport"} or argv[:2] == ["instellingen", "export"]]


@pytest.mark.parametrize("argv", WRITTEN, ids=lambda argv: "-".join(argv[:3]))
def test_a_written_file_never_replaces_a_device_or_a_pipe(sqlite_context: Context, capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path, argv: list[str]) -> None:
    """Writing renames a finished file onto the name given: onto ``/dev/null`` that put a file in
    the device's place (the suite, run as root, did so to the machine's own). A pipe stands in
    for the device here: refused in one Dutch line, still a pipe, nothing left beside it."""
    folder = tmp_path / "uit"
    folder.mkdir()
    pipe = folder / "pijp"
    os.mkfifo(pipe)
    words = [word.replace("{bad}", str(pipe)) for word in argv]
    full = with_db(words, db_arg(sqlite_context))
    code, out, err = run_cli(capsys, full)
    check(code, out, err, full)
    assert code != 0 and len(err.strip().splitlines()) == 1, (full, err)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert [p.name for p in folder.iterdir()] == ["pijp"]
