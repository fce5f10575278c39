"""``klachtdesk formulier [--host H] [--poort N]``: serves the web form, and says in one
Dutch sentence why it cannot (a port in use, a port that does not exist, no account)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import klachtdesk.cli as cli
from klachtdesk.services.core.context import Context
from tests.conftest import demo_database


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code, _, err = run_both(argv, capsys)
    return code, err


def run_both(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as stop:
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_options_are_host_and_poort(capsys: pytest.CaptureFixture[str]) -> None:
    code, shown, _ = run_both(["formulier", "--help"], capsys)
    assert code == 0
    assert "--host H" in shown and "--poort N" in shown and "127.0.0.1" in shown


def test_a_port_in_use_is_one_sentence(sqlite_context: Context, capsys: pytest.CaptureFixture[str]) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        code, err = run(["formulier", "--db", str(sqlite_context.db.path), "--poort", str(port)], capsys)
    finally:
        taken.close()
    assert code == 2
    assert err.strip() == f"klachtdesk: Poort {port} op 127.0.0.1 is al in gebruik; kies een andere met --poort."


@pytest.mark.parametrize(("argv", "message"), [
    (["--poort", "70000"], "Poort 70000 bestaat niet"),
    (["--poort", "acht"], "geen geheel getal"),
    (["--host", "geen.host.invalid"], "'geen.host.invalid' is geen adres van deze computer."),
])
def test_bad_options_are_refused(sqlite_context: Context, capsys: pytest.CaptureFixture[str], argv: list[str],
                                 message: str) -> None:
    code, err = run(["formulier", "--db", str(sqlite_context.db.path), *argv], capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_without_the_account_and_without_the_right_to_make_it(sqlite_context: Context,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from klachtdesk.models import StaffRole
    from klachtdesk.services.identity import staff

    with sqlite_context.db.write() as session:
        staff.create_staff(session, sqlite_context, "karin", "Karin", {StaffRole.CUSTOMER_SERVICE})
    code, err = run(["formulier", "--db", str(sqlite_context.db.path), "--gebruiker", "karin", "--poort",
                     str(free_port())], capsys)
    assert code == 2
    assert "klachtdesk medewerker toevoegen webformulier --naam Webformulier --rol webformulier" in err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_it_serves_the_form(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "KLACHTDESK_GEBRUIKER": "beheer"}
    process = subprocess.Popen(
        [sys.executable, "-m", "klachtdesk", "formulier", "--db", str(demo_database(tmp_path / "k.db")), "--poort", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )
    try:
        body = ""
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.1)
        assert "Klacht of vraag indienen" in body and 'lang="nl"' in body
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert f"het webformulier luistert op http://127.0.0.1:{port}/" in output
    assert "Traceback" not in output
