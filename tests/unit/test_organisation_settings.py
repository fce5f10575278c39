"""Changing the organisation's settings (``services.organisation.settings``): only the
beheerder, all or nothing, a history line with before and after, and the open deadlines
recomputed once by a change of the calendar. Both engines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlmodel import func, select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.errors import ConfigError, PermissionDenied
from klachtdesk.models import Deadline, DeadlineKind, Event, EventType, OrganisationSetting, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.config import store
from klachtdesk.services.config.settings import Settings
from klachtdesk.services.core.context import Context
from klachtdesk.services.organisation import settings as organisation
from klachtdesk.services.deadlines import bulk

REPO_DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def desk(context: Context) -> Context:
    """The test context on a database whose settings are stored (as ``open_context`` does)."""
    context.settings, context.settings_version = store.load_settings(context.db, context.now())
    return context


def register(context: Context, day: int) -> int:
    return complaints.register(context, RegistrationInput(
        received_at=datetime(2026, 11, day, 10, tzinfo=AMSTERDAM),
        complainant=PersonInput(name="Jan de Vries", phone="0612345678"),
        service_type="Teleconsultatie", description="De arts was onvriendelijk.",
    )).id


def reply_due(context: Context, complaint_id: int) -> date:
    with context.db.read() as session:
        return session.exec(select(Deadline.due).where(Deadline.complaint_id == complaint_id,
                                                       Deadline.kind == DeadlineKind.REPLY)).one()


def stored(context: Context) -> dict[str, tuple[str, int]]:
    with context.db.read() as session:
        return {row.name: (row.text, row.version) for row in session.exec(select(OrganisationSetting))}


def count_events(context: Context, type: EventType) -> int:
    with context.db.read() as session:
        return session.exec(select(func.count()).select_from(Event).where(Event.type == type)).one()


def test_set_one_value_with_its_history_line(desk: Context) -> None:
    result = organisation.set_value(desk, "privacy.bewaartermijn_maanden", "36")
    assert [(c.key, c.before, c.after) for c in result.changes] == [("privacy.bewaartermijn_maanden", "24", "36")]
    assert result.files == ("privacy.toml",) and result.recompute is None
    assert desk.settings.privacy.retention_months == 36  # this workstation has it at once
    text, version = stored(desk)["privacy.toml"]
    assert "bewaartermijn_maanden = 36" in text and version == 2
    assert "# Een gesloten zaak wordt zoveel maanden" in text  # the comments are kept
    [line] = organisation.history(desk)
    assert line.who == "Tess Tester"
    assert line.summary == "Instelling gewijzigd: privacy.bewaartermijn_maanden: 24 → 36"
    with desk.db.read() as session:
        event = session.exec(select(Event).where(Event.type == EventType.SETTING)).one()
    assert event.complaint_id is None and event.actor_id == desk.user.id
    assert "= 24" in event.data["voor"] and "= 36" in event.data["na"]
    # the same value again: nothing changes, no history
    again = organisation.set_value(desk, "privacy.bewaartermijn_maanden", "36")
    assert not again.changed and count_events(desk, EventType.SETTING) == 1


def test_the_planners_lead_time_is_shown_and_set(desk: Context) -> None:
    assert organisation.show(desk, "kalender.bemiddeling_vanaf_werkdagen")[0].value == "1"
    result = organisation.set_value(desk, "kalender.bemiddeling_vanaf_werkdagen", "0")
    assert [(c.key, c.before, c.after) for c in result.changes] == [("kalender.bemiddeling_vanaf_werkdagen", "1", "0")]
    assert desk.settings.calendar.planner_lead_werkdagen == 0
    assert result.recompute is None or result.recompute.moved == 0  # no deadline depends on it
    assert organisation.show(desk, "kalender.bemiddeling_vanaf_werkdagen")[0].value == "0"


def test_nested_keys_lists_of_tables_and_templates(desk: Context) -> None:
    organisation.set_value(desk, "webformulier.grenzen.meldingen_per_dag", "100")
    organisation.set_value(desk, "termijnen.termijn.2.aantal", "3")
    organisation.set_value(desk, "kalender.extra_vrije_dagen", '[{ datum = 2026-12-28, naam = "Brugdag" }]')
    template = "Onderwerp: Uw klacht $klachtnummer\n\nBeste $naam,\n\nWij zijn ermee bezig.\n"
    organisation.set_value(desk, "berichten/voortgang", template)
    current = organisation.current(desk)
    assert current.webform.limits.submissions_per_day == 100
    assert [rule.amount for rule in current.deadline_rules] == [3, 3, 6]
    assert current.calendar.extra_days_off[0].name == "Brugdag"
    assert current.texts["berichten/voortgang.txt"] == template
    lines = {line.key: line.value for line in organisation.show(desk, "termijnen.termijn.2")}
    assert lines["termijnen.termijn.2.aantal"] == "3"
    assert organisation.show(desk, "berichten/voortgang")[0].value == template


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("kalender.sluitingstijd", "25:00", "'25:00' is geen geldige tijd"),
    ("kalender.bemiddeling_vanaf_werkdagen", "-1", "moet een geheel aantal werkdagen zijn van 0 (vandaag)"),
    ("kalender.bemiddeling_vanaf_werkdagen", "21", "tot en met 20"),
    ("kalender.bemiddeling_vanaf_werkdagen", "1.5", "geheel aantal werkdagen"),
    ("kalender.bemiddeling_vanaf_werkdagen", "morgen", "geheel aantal werkdagen"),
    ("privacy.bewaartermijn_maanden", "-1", "geheel aantal maanden"),
    ("privacy.bewaartermijn_maanden", "99999999999999999999", "geheel aantal maanden"),
    ("privacy.bewaartermijn_maande", "3", "onbekende instelling"),
    ("lijsten.categorieen", "[]", "'categorieen' moet een lijst met namen zijn"),
    ("termijnen.termijn.9.aantal", "3", "plaats van 1 tot en met 3"),
    ("termijnen.termijn.1.aantal.x", "3", "geen tabel"),
    ("webformulier.formulier.adres", "javascript:alert(1)", "moet met https:// beginnen"),
    ("post.imap.poort", "70000", "poortnummer"),
    ("kalender", "3", "noemt een heel bestand"),
    ("onbekend.sleutel", "3", "geen sleutel van een instelling"),
    ("berichten/beslissing", "Beste $naam\n", "Onderwerp"),
    ("berichten/beslissing", "Onderwerp: x\n\n$rm -rf\n", "onbekende plaatshouder $rm"),
    ("berichten.organisatie.naam", "Ksyos\x00", "NUL-teken"),
    ("berichten/voortgang", "Onderwerp: x\n\n" + "a" * 300_000, "te lang"),
    ("kalender.extra_vrije_dagen", "[" * 3000, "verwacht een lijst"),
])
def test_hostile_values_are_refused_and_change_nothing(desk: Context, key: str, value: str, fragment: str) -> None:
    before = stored(desk)
    with pytest.raises(ConfigError) as caught:
        organisation.set_value(desk, key, value)
    assert fragment in caught.value.message
    assert stored(desk) == before and count_events(desk, EventType.SETTING) == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=40))
def test_any_typed_value_is_taken_or_refused_in_dutch(desk: Context, value: str) -> None:
    before = stored(desk)["privacy.toml"]
    try:
        organisation.set_value(desk, "privacy.verzoek_verlenging_maanden", value)
    except ConfigError as error:
        assert error.message and "Traceback" not in error.message
        assert stored(desk)["privacy.toml"] == before
    else:
        assert 0 <= desk.settings.privacy.extension_months <= 1200


def test_only_the_beheerder_changes_them(desk: Context, as_user: Callable[..., Context], tmp_path: Path) -> None:
    for role in (StaffRole.HANDLER, StaffRole.OFFICER, StaffRole.CUSTOMER_SERVICE):
        other = as_user(f"niet-{role.name.lower()}", role)
        with pytest.raises(PermissionDenied, match="mag niet"):
            organisation.set_value(other, "kalender.sluitingstijd", '"16:00"')
        with pytest.raises(PermissionDenied, match="mag niet"):
            organisation.import_path(other, REPO_DATA)
        with pytest.raises(PermissionDenied, match="mag niet"):
            organisation.apply(other, {"kalender.toml": ""})
        assert organisation.show(other, "kalender.sluitingstijd")[0].value == '"17:00"'  # looking is fine
    assert count_events(desk, EventType.SETTING) == 0
    beheerder = as_user("beheer", StaffRole.ADMIN)
    assert organisation.set_value(beheerder, "kalender.sluitingstijd", '"16:00"').changed


def test_a_calendar_change_recomputes_the_open_deadlines_once(desk: Context) -> None:
    case_id = register(desk, 16)  # Monday 16 November: reply due Thursday 19
    assert reply_due(desk, case_id) == date(2026, 11, 19)
    result = organisation.set_value(desk, "kalender.extra_vrije_dagen", "[2026-11-18]")
    assert result.recompute is not None and result.recompute.moved == 2
    assert result.recompute.text.startswith("3 open termijnen herberekend; 2 verschoven in 1 zaak")
    assert reply_due(desk, case_id) == date(2026, 11, 20)
    with desk.db.read() as session:
        desk_lines = session.exec(select(Event.summary).where(
            Event.type == EventType.DEADLINE, Event.complaint_id.is_(None))).all()  # type: ignore[union-attr]
    assert len(desk_lines) == 1 and "2 verschoven in 1 zaak" in desk_lines[0]
    # a setting the deadlines do not depend on: no recomputation
    assert organisation.set_value(desk, "privacy.bewaartermijn_maanden", "30").recompute is None
    # names of days off move nothing either: the recomputation finds the calendar unchanged
    named = organisation.set_value(desk, "kalender.extra_vrije_dagen", '[{ datum = 2026-11-18, naam = "Heidag" }]')
    assert named.recompute is None
    with desk.db.read() as session:
        assert session.exec(select(func.count()).select_from(Event).where(
            Event.type == EventType.DEADLINE, Event.complaint_id.is_(None))).one() == 1  # type: ignore[union-attr]


def test_import_checks_everything_first(desk: Context, tmp_path: Path) -> None:
    folder = tmp_path / "instellingen"
    folder.mkdir()
    (folder / "kalender.toml").write_text("sluitingstijd = '16:00'\n", encoding="utf-8")
    (folder / "privacy.toml").write_text("bewaartermijn_maanden = 'altijd'\n", encoding="utf-8")
    (folder / "lijsten.toml").write_text("diensttypen = [\n", encoding="utf-8")
    (folder / "webformulier.toml").write_text("[grenzen]\nmeldingen_per_dag = true\n", encoding="utf-8")
    before = stored(desk)
    with pytest.raises(ConfigError) as caught:
        organisation.import_path(desk, folder)
    lines = caught.value.message.splitlines()
    assert len(lines) == 3  # one per wrong file; the good kalender.toml is not applied either
    assert any(str(folder / "privacy.toml") in line and "'bewaartermijn_maanden'" in line for line in lines)
    assert any(str(folder / "lijsten.toml") in line and "geen geldig TOML" in line for line in lines)
    assert any(str(folder / "webformulier.toml") in line and "meldingen_per_dag" in line for line in lines)
    assert stored(desk) == before and count_events(desk, EventType.SETTING) == 0


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("kalendar.toml", b"sluitingstijd = '16:00'\n", "geen instellingen van klachtdesk zijn: kalendar.toml"),
    ("kalender.toml", b"sluitingstijd = '\xff'\n", "geen UTF-8-tekstbestand"),
    ("kalender.toml", b"a = " + b"[" * 5000, "te diep geneste"),
], ids=["unknown-name", "not-utf8", "deeply-nested"])
def test_import_refuses_strange_files(desk: Context, tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    (tmp_path / name).write_bytes(content)
    before = stored(desk)
    with pytest.raises(ConfigError) as caught:
        organisation.import_path(desk, tmp_path)
    assert fragment in caught.value.message
    assert stored(desk) == before


def test_export_then_import_changes_nothing_and_one_file_imports(desk: Context, tmp_path: Path) -> None:
    written = organisation.export(desk, tmp_path / "uit")
    assert len(written) == 14 and (tmp_path / "uit" / "berichten" / "beslissing.txt").exists()
    assert not organisation.import_path(desk, tmp_path / "uit").changed
    (tmp_path / "uit" / "kalender.toml").write_text("sluitingstijd = '16:30'\n", encoding="utf-8")
    result = organisation.import_path(desk, tmp_path / "uit" / "kalender.toml")
    assert result.files == ("kalender.toml",)
    assert organisation.current(desk).calendar.closing_time.isoformat() == "16:30:00"


def test_a_change_made_on_an_old_copy_is_refused(desk: Context, as_user: Callable[..., Context]) -> None:
    other = as_user("beheer", StaffRole.ADMIN)
    with pytest.raises(ConfigError, match="intussen door een ander gewijzigd"):
        organisation.apply(other, {"privacy.toml": "bewaartermijn_maanden = 12\n"},
                           expected={"privacy.toml": "bewaartermijn_maanden = 6\n"})


def test_another_workstation_takes_the_change_over(desk: Context, as_user: Callable[..., Context]) -> None:
    other = as_user("hanna", StaffRole.HANDLER)
    other.settings, other.settings_version = store.load_settings(other.db, other.now())
    said: list[str] = []
    follower = organisation.Follower(other, say=said.append, warn=said.append)  # as the app's poll uses it
    assert not follower.check()  # nothing changed: one small query, nothing read
    organisation.set_value(desk, "berichten.organisatie.naam", '"Zorg BV"')
    assert follower.check()
    assert other.settings.messages.organisation == "Zorg BV" and other.settings_version == desk.settings_version
    assert not follower.check() and len(said) == 1
    again, _ = store.load_settings(desk.db, desk.now())
    assert again == other.settings != Settings.defaults()


def test_a_desk_whose_deadlines_follow_another_calendar_is_told(desk: Context, as_user: Callable[..., Context]
                                                                ) -> None:
    from klachtdesk.services.deadlines import rules as deadlines

    register(desk, 16)
    assert organisation.deadlines_follow_the_calendar(desk)  # nothing recorded yet
    # a workstation of before, with its own data/kalender.toml, recomputed the desk's deadlines
    old = as_user("oud", StaffRole.ADMIN)
    old.settings = desk.settings.replaced({"kalender.toml": "extra_vrije_dagen = [2026-11-18]\n"})
    bulk.recompute_open(old)
    assert not organisation.deadlines_follow_the_calendar(desk)
    bulk.recompute_open(desk)  # klachtdesk termijnen herberekenen
    assert organisation.deadlines_follow_the_calendar(desk)
