"""``--db`` and ``--gebruiker`` work before and after every (sub)command: a database named
before the subcommand is the one used (``klachtdesk --db X zoek 1`` once silently used the
default database), and the user it names is the one checked."""

from __future__ import annotations

import argparse
import os
import pwd
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from klachtdesk.cli import build_parser, main
from klachtdesk.db import open_database
from klachtdesk.services.bootstrap import open_context
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.models import PERSON_ROLES
from klachtdesk.services.identity import login, staff
from tests.conftest import truncate_postgres

#: each command (its path of subcommands) with the arguments it needs, nothing more
EXAMPLES: dict[tuple[str, ...], list[str]] = {
    ("app",): [],
    ("zoek",): ["KL-2026-000001"],
    ("demo",): ["--aantal", "5"],
    ("termijn",): ["2026-12-24", "3"],
    ("termijnen", "herberekenen"): [],
    ("agenda",): [],
    ("medewerker", "lijst"): [],
    ("medewerker", "toevoegen"): ["karin", "--naam", "Karin", "--rol", "klantenservice"],
    ("medewerker", "rollen"): ["karin", "--rol", "behandelaar"],
    ("medewerker", "uit"): ["karin"],
    ("medewerker", "aan"): ["karin"],
    ("medewerker", "wachtwoord"): ["karin"],
    ("beheer", "installeren"): [],
    ("opschonen",): [],
    ("inzage",): ["jan@example.nl"],
    ("vergeet",): ["jan@example.nl"],
    ("verzoeken",): [],
    ("verzoeken", "nieuw"): ["inzage", "jan@example.nl"],
    ("verzoeken", "verleng"): ["1"],
    ("backup",): ["kopie.db"],
    ("herstel",): ["kopie.db"],
    ("rapport",): [],
    ("post", "ophalen"): [],
    ("post", "volgen"): [],
    ("post", "inlezen"): ["-"],
    ("post", "bewaard"): [],
    ("post", "opnieuw"): ["1"],
    ("formulier",): [],
    ("brieven",): [],
    ("brieven", "verstuurd"): ["KL-2026-000001", "--op", "gisteren"],
    ("brieven", "afdrukken"): ["KL-2026-000001"],
    ("instellingen", "toon"): [],
    ("instellingen", "exporteren"): ["instellingen.toml"],
    ("instellingen", "importeren"): ["instellingen.toml"],
    ("instellingen", "zet"): ["kalender.sluitingstijd", "17:00"],
    ("instellingen", "geschiedenis"): [],
}


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command the parser knows, as its path of subcommand names."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if path and (not subs or not subs[0].required):
        yield path
    for action in subs:
        for name, sub in action.choices.items():
            yield from commands(sub, (*path, name))


def every_command() -> set[tuple[str, ...]]:
    """Each top-level command with its own parser loaded (the parser loads only the one asked for)."""
    names = [name for action in build_parser(["--help"])._actions
             if isinstance(action, argparse._SubParsersAction) for name in action.choices]
    found: set[tuple[str, ...]] = set()
    for name in names:
        found |= {path for path in commands(build_parser([name])) if path[0] == name}
    return found


def test_every_command_has_an_example() -> None:
    assert every_command() == set(EXAMPLES)


def placements(path: tuple[str, ...], rest: list[str], options: list[str]) -> Iterator[list[str]]:
    """The options before the command, between its words, and after its arguments."""
    for at in range(len(path) + 1):
        yield [*path[:at], *options, *path[at:], *rest]
    yield [*path, *rest, *options]


@pytest.mark.parametrize("path", sorted(EXAMPLES))
def test_db_and_gebruiker_before_and_after(path: tuple[str, ...]) -> None:
    expected = build_parser([*path, *EXAMPLES[path]]).parse_args([*path, *EXAMPLES[path]]).func
    for argv in placements(path, EXAMPLES[path], ["--db", "gekozen.db", "--gebruiker", "wie"]):
        args = build_parser(argv).parse_args(argv)
        assert (args.db, args.gebruiker, args.func) == ("gekozen.db", "wie", expected), argv
    split = [*path[:1], "--db", "a.db", *path[1:], *EXAMPLES[path], "--gebruiker", "b"]
    args = build_parser(split).parse_args(split)
    assert (args.db, args.gebruiker) == ("a.db", "b")
    plain = build_parser([*path, *EXAMPLES[path]]).parse_args([*path, *EXAMPLES[path]])
    assert (plain.db, plain.gebruiker) == (None, None)


def test_without_a_command_the_options_reach_the_app() -> None:
    args = build_parser(["--db", "x.db"]).parse_args(["--db", "x.db", "--gebruiker", "wie"])
    assert args.command is None


# -- through to the database ---------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def desk(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A desk in use (not a demo) with one case, opened by the proven user (its beheerder,
    with every role)."""
    monkeypatch.delenv(login.USER_VARIABLE, raising=False)
    if request.param == "sqlite":
        target = str(tmp_path / "desk.db")
        open_database(target).dispose()
    else:
        target = request.getfixturevalue("postgres_url")
        database = open_database(target)
        truncate_postgres(database)
        database.dispose()
    context = open_context(target)
    staff.set_roles(context, context.user.username, set(PERSON_ROLES))
    context.user = staff.sign_in(context, context.user.username)
    complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", email="jan@example.nl"),
        service_type=context.settings.lists.service_types[0], description="De thuiszorg kwam niet."))
    context.db.dispose()
    yield target


@pytest.mark.parametrize("argv", [
    ["zoek", "1"], ["medewerker", "lijst"], ["verzoeken"], ["opschonen", "--droog"], ["termijnen", "herberekenen"],
    ["agenda"], ["post", "bewaard"], ["rapport"], ["brieven"],
])
def test_a_database_named_before_the_command_is_the_one_used(desk: str, argv: list[str],
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The default database does not exist here: a command that fell back to it would fail."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # as a person: a demo database would say DEMO
    database = open_database(desk)
    me = login.proven_login(database)
    database.dispose()
    for placed in ([*argv[:1], "--db", desk, *argv[1:]], ["--db", desk, *argv], [*argv, "--db", desk],
                   ["--db", desk, "--gebruiker", me, *argv]):
        code = main(placed)
        out, err = capsys.readouterr()
        assert code == 0, (placed, err)
        assert "DEMO" not in err + out  # a desk in use is no demo
        if argv[0] == "zoek":
            assert "Jan de Vries" in out
        if argv[0] == "medewerker":
            assert me in out


def test_the_os_account_is_the_proven_sqlite_user() -> None:
    assert login.os_login() == pwd.getpwuid(os.getuid()).pw_name
