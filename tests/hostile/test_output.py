"""The one sanitiser between klachtdesk and a terminal (``cli/output.py``)."""

from __future__ import annotations

import json

import pytest
from rich.table import Table

from klachtdesk.cli import output
from klachtdesk.cli.output import console, json_text, say, terminal_safe

HOSTILE = "x\x1b]0;overgenomen\x07\x1b[2J\x9b31m\u202eevil\x00\r\x7f"


def test_terminal_safe_leaves_no_control_character() -> None:
    safe = terminal_safe(HOSTILE + "\udcff")
    assert safe == "x␛]0;overgenomen␇␛[2J\ufffd31m\ufffdevil␀␍␡\ufffd"
    assert terminal_safe("Zoë — ‘t Hooft\tregel\nregel 😀") == "Zoë — ‘t Hooft\tregel\nregel 😀"


def test_json_stays_the_same_json_but_safe() -> None:
    data = {"naam": HOSTILE, "ok": "Zoë"}
    text = json_text(data)
    assert terminal_safe(text) == text
    assert json.loads(text) == data
    assert "Zoë" in text  # no needless escapes


def test_say_and_console_neutralise_escape_sequences(capsys: pytest.CaptureFixture[str]) -> None:
    say(f"klachtdesk: {HOSTILE}", err=True)
    console.print(f"Toegevoegd: {HOSTILE} [bold]niet vet[/]")
    table = Table()
    table.add_column("Naam")
    table.add_row(f"[red]{HOSTILE}[/red] [/]")
    console.print(table)
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert "\x1b" not in text and "\x9b" not in text and "\x00" not in text and "\u202e" not in text
    assert "[bold]niet vet[/]" in captured.out  # markup in user text is shown, never interpreted
    assert "[red]" in captured.out and "[/]" in captured.out


def test_markup_asked_for_still_styles_but_escaped_values_do_not(capsys: pytest.CaptureFixture[str]) -> None:
    made = output.make_console()
    with made.capture() as capture:
        made.print(f"[bold]Titel[/] {output.escape('[/] [blink]x')}", markup=True)
    assert capture.get() == "Titel [/] [blink]x\n"


def test_raw_mail_bytes_on_a_terminal_become_safe_text(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    output.write_bytes(b"Subject: \x1b]0;x\x07\xff\n")
    assert capsys.readouterr().out == "Subject: ␛]0;x␇\ufffd\n"
