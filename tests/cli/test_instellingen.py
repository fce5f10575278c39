"""``klachtdesk instellingen``: in-process through the real ``main`` (only this command
registered), on a SQLite file and, when configured, on PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

import klachtdesk.cli as cli
from klachtdesk.clock import AMSTERDAM
from klachtdesk.db import Database
from klachtdesk.models import Deadline, DeadlineKind, StaffRole
from klachtdesk.services.bootstrap import open_context
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.identity import staff

REPO = Path(__file__).resolve().parents[2]

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def desk(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A desk with a beheerder (the first user) and a behandelaar; its URL or path."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    monkeypatch.setenv("KLACHTDESK_DATA", str(data))
    monkeypatch.setattr(cli, "COMMANDS", ("klachtdesk.cli.instellingen",))
    url = database.url
    context = open_context(url, user="beheer")
    with context.db.write() as session:
        staff.create_staff(session, context, "hanna", "Hanna", {StaffRole.HANDLER})
    complaints.register(context, RegistrationInput(
        received_at=datetime(2026, 11, 16, 10, tzinfo=AMSTERDAM),  # Monday: reply due Thursday 19
        complainant=PersonInput(name="Jan de Vries", phone="0612345678"),
        service_type="Teleconsultatie", description="Omschrijving",
    ))
    context.db.dispose()
    yield url


@pytest.fixture
def run(desk: str, capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*args: str, user: str = "beheer") -> tuple[int, str, str]:
        try:
            code = cli.main(["instellingen", *args, "--db", desk, "--gebruiker", user])
        except SystemExit as stop:
            code = int(stop.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def reply_due(url: str) -> date:
    context = open_context(url, user="beheer")
    try:
        with context.db.read() as session:
            return session.exec(select(Deadline.due).where(Deadline.kind == DeadlineKind.REPLY)).one()
    finally:
        context.db.dispose()


def test_show_set_and_history(run: Run, desk: str) -> None:
    code, out, err = run("toon", "kalender")
    assert code == 0, err
    assert 'kalender.sluitingstijd = "17:00"' in out.splitlines()
    code, out, _ = run("zet", "kalender.extra_vrije_dagen", "[2026-11-18]")
    assert code == 0
    assert out.splitlines() == [
        "kalender.extra_vrije_dagen: [] → [2026-11-18]",
        "Gewijzigd: kalender.toml.",
        "Open termijnen: 3 open termijnen herberekend; 2 verschoven in 1 zaak.",
    ]
    assert reply_due(desk) == date(2026, 11, 20)
    code, out, _ = run("geschiedenis")
    assert code == 0
    assert out.strip().endswith("· beheer · Instelling gewijzigd: kalender.extra_vrije_dagen: [] → [2026-11-18]")
    # a second start moves nothing more
    assert reply_due(desk) == date(2026, 11, 20)


def test_a_non_beheerder_may_look_but_not_change(run: Run, desk: str, tmp_path: Path) -> None:
    assert run("toon", "privacy.bewaartermijn_maanden", user="hanna")[1] == "privacy.bewaartermijn_maanden = 24\n"
    code, out, err = run("zet", "privacy.bewaartermijn_maanden", "1", user="hanna")
    assert (code, out) == (2, "")
    assert "mag niet: de instellingen van de organisatie wijzigen" in err
    code, _, err = run("importeren", str(REPO / "data"), user="hanna")
    assert code == 2 and "mag niet" in err
    assert run("geschiedenis")[1].startswith("De instellingen zijn nog nooit gewijzigd")


def test_a_workstations_data_changes_nothing(run: Run, desk: str, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    own = tmp_path / "eigen"
    shutil.copytree(REPO / "data", own)
    (own / "kalender.toml").write_text("extra_vrije_dagen = [2026-11-18]\n", encoding="utf-8")
    monkeypatch.setenv("KLACHTDESK_DATA", str(own))
    assert reply_due(desk) == date(2026, 11, 19)
    assert run("toon", "kalender.extra_vrije_dagen")[1] == "kalender.extra_vrije_dagen = []\n"


def test_export_edit_import(run: Run, desk: str, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    code, out, _ = run("exporteren", str(folder))
    assert code == 0 and out == f"14 instellingenbestanden geschreven in {folder}.\n"
    text = (folder / "privacy.toml").read_text(encoding="utf-8")
    (folder / "privacy.toml").write_text(text.replace("bewaartermijn_maanden = 24", "bewaartermijn_maanden = 36"),
                                         encoding="utf-8")
    code, out, _ = run("importeren", str(folder))
    assert code == 0
    assert out.splitlines() == ["privacy.bewaartermijn_maanden: 24 → 36", "Gewijzigd: privacy.toml."]
    assert run("importeren", str(folder))[1] == "Niets gewijzigd: de instellingen waren al zo.\n"


def test_a_broken_import_says_every_problem_and_changes_nothing(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "fout"
    folder.mkdir()
    (folder / "kalender.toml").write_text("sluitingstijd = '25:00'\n", encoding="utf-8")
    (folder / "termijnen.toml").write_text("[[termijn]]\nsoort = 'reactie'\n", encoding="utf-8")
    code, out, err = run("importeren", str(folder))
    assert (code, out) == (2, "")
    lines = err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("klachtdesk: ")
    assert str(folder / "kalender.toml") in err and "'25:00' is geen geldige tijd" in err
    assert str(folder / "termijnen.toml") in err and "ontbreekt" in err
    assert "Traceback" not in err
    assert run("toon", "kalender.sluitingstijd")[1] == 'kalender.sluitingstijd = "17:00"\n'


@pytest.mark.parametrize(("args", "fragment"), [
    (("zet", "kalender.sluitingstijd"), "deze argumenten ontbreken"),
    (("zet", "kalender", "x"), "noemt een heel bestand"),
    (("toon", "bestaatniet"), "geen sleutel van een instelling"),
    (("toon", "kalender.bestaatniet"), "Geen instelling met de sleutel"),
    (("importeren", "/bestaat/niet"), "bestaat niet"),
])
def test_bad_input_is_one_dutch_line(run: Run, args: tuple[str, ...], fragment: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
