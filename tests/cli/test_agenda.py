"""``klachtdesk agenda``: the week on the command line, and as an .ics file."""

from __future__ import annotations

import argparse
from pathlib import Path

import icalendar
import pytest

from klachtdesk.cli import agenda as agenda_command
from klachtdesk.cli import common_options
from klachtdesk.errors import KlachtdeskError
from klachtdesk.models import SessionType
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.core.context import Context
from klachtdesk.services.planner.sessions import SessionRequest
from tests.unit.test_planner import ams, register_case


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    agenda_command.register(parser.add_subparsers(), common_options())
    args = parser.parse_args(["agenda", *argv])
    return int(args.func(args))


def test_the_week_with_its_holidays(sqlite_context: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    context = sqlite_context
    case = register_case(context)
    planner.plan_session(context, SessionRequest(case, SessionType.ALL_INVOLVED, ams(2026, 12, 23, 14), "Kamer 2"))
    db = str(context.db.path)
    assert run(["--db", db, "--gebruiker", "tester", "--week", "2026-W52", "--ics", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Week 52 (ma 21 dec – zo 27 dec 2026) — Tess Tester" in out
    assert "14:00–15:00  KL-2026-000001  gesprek met alle betrokkenen  Kamer 2  (gepland)" in out
    assert "vr 25 dec   Eerste kerstdag: vrij" in out and "za 26 dec   Tweede kerstdag: vrij" in out
    path = tmp_path / "agenda-tess-tester-2026-W52.ics"
    assert f"1 gesprek geschreven naar {path}" in out
    assert len(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")) == 1
    with pytest.raises(KlachtdeskError, match="geen week"):
        run(["--db", db, "--gebruiker", "tester", "--week", "volgende"])
