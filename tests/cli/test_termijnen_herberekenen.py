"""``klachtdesk termijnen herberekenen``: in-process through the real ``main`` (only the
termijn module registered), on a SQLite file; a workstation's own data/kalender.toml
changes nothing (the calendar is the desk's, in the database)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

import klachtdesk.cli as cli
from klachtdesk.clock import AMSTERDAM
from klachtdesk.models import Deadline, DeadlineKind, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.identity import staff
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.bootstrap import open_context

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    monkeypatch.setenv("KLACHTDESK_DATA", str(data))
    monkeypatch.setattr(cli, "COMMANDS", ("klachtdesk.cli.termijn",))
    yield data


def reply_due(path: Path) -> date:
    context = open_context(path, user="beheer")
    try:
        with context.db.read() as session:
            return session.exec(select(Deadline.due).where(Deadline.kind == DeadlineKind.REPLY)).one()
    finally:
        context.db.dispose()


def test_recompute_on_request_never_at_start(data_dir: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "desk.db"
    context = open_context(path, user="beheer")  # the first user becomes beheerder
    with context.db.write() as session:
        staff.create_staff(session, context, "hanna", "Hanna", {StaffRole.HANDLER})
    complaints.register(context, RegistrationInput(
        received_at=datetime(2026, 11, 16, 10, tzinfo=AMSTERDAM),  # Monday: reply due Thursday 19
        complainant=PersonInput(name="Jan de Vries", phone="0612345678"),
        service_type=context.settings.lists.service_types[0], description="Omschrijving",
    ))
    context.db.dispose()

    assert cli.main(["termijnen", "herberekenen", "--db", str(path), "--gebruiker", "beheer"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 open termijnen herberekend; geen verschoven.")

    # this workstation's data/ differs: neither the start nor a recomputation moves anything
    (data_dir / "kalender.toml").write_text("extra_vrije_dagen = [2026-11-18]\n", encoding="utf-8")
    assert reply_due(path) == date(2026, 11, 19)
    assert cli.main(["termijnen", "herberekenen", "--db", str(path), "--gebruiker", "beheer"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [out.splitlines()[0]]
    assert out.startswith("3 open termijnen herberekend; geen verschoven.")
    assert reply_due(path) == date(2026, 11, 19)

    assert cli.main(["termijnen", "herberekenen", "--db", str(path), "--gebruiker", "hanna"]) == 2
    assert "mag niet" in capsys.readouterr().err


def test_an_action_is_required(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["termijnen"])
    assert stop.value.code == 2
    assert "ACTIE" in capsys.readouterr().err
