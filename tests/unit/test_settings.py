"""The organisation's settings: one ``Settings`` object, stored in the database, seeded
from ``data/``; a workstation's own ``data/`` changes nothing on an existing database."""

from __future__ import annotations

import shutil
from datetime import time
from pathlib import Path

import pytest
from sqlmodel import select

from klachtdesk.db import Database
from klachtdesk.errors import ConfigError
from klachtdesk.models import OrganisationSetting
from klachtdesk.services.config import store
from klachtdesk.services.config.settings import DOCUMENT_NAMES, Settings, read_folder
from klachtdesk.services.core.context import Context

REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def test_the_defaults_are_the_files_under_data() -> None:
    shipped = Settings.defaults()
    assert set(shipped.texts) == set(DOCUMENT_NAMES)
    assert shipped.texts["kalender.toml"] == (REPO_DATA / "kalender.toml").read_text(encoding="utf-8")
    assert shipped.lists.service_types[0] == "Teleconsultatie"
    assert shipped.rule(shipped.deadline_rules[0].kind) is shipped.deadline_rules[0]
    assert shipped.mail.desk_addresses and shipped.webform.limits.submissions_per_day == 500
    assert shipped.organisation.name == shipped.messages.organisation


def test_every_problem_is_named_at_once() -> None:
    texts = {**read_folder(REPO_DATA), "kalender.toml": "sluitingstijd = '25:00'\n",
             "privacy.toml": "bewaartermijn_maanden = -1\n", "onbekend.toml": ""}
    with pytest.raises(ConfigError) as caught:
        Settings.from_texts(texts)
    lines = caught.value.message.splitlines()
    assert len(lines) == 3
    assert any("onbekend.toml" in line and "geen instellingenbestand" in line for line in lines)
    assert any(line.startswith("Fout in kalender.toml bij 'sluitingstijd'") for line in lines)
    assert any(line.startswith("privacy.toml: 'bewaartermijn_maanden'") for line in lines)


def test_the_context_counts_on_its_own_settings(context: Context) -> None:
    before = context.calendars
    assert context.calendars is before
    context.settings = context.settings.replaced({"kalender.toml": "sluitingstijd = '16:00'\n"})
    assert context.calendars.organisation.settings.closing_time == time(16, 0)


def test_a_new_database_holds_every_settings_text(database: Database, clock) -> None:  # type: ignore[no-untyped-def]
    settings, version = store.load_settings(database, clock.now())
    assert settings == Settings.defaults()
    assert version == len(DOCUMENT_NAMES)  # each at version 1
    with database.read() as session:
        rows = session.exec(select(OrganisationSetting)).all()
    assert {row.name for row in rows} == set(DOCUMENT_NAMES)
    assert all(row.version == 1 and row.updated_by_id is None for row in rows)


def test_a_workstations_data_folder_changes_nothing_on_an_existing_database(
    database: Database, clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    desk, _ = store.load_settings(database, clock.now())
    own = tmp_path / "data"
    shutil.copytree(REPO_DATA, own)
    (own / "kalender.toml").write_text("sluitingstijd = '12:00'\n", encoding="utf-8")
    (own / "privacy.toml").write_text("bewaartermijn_maanden = 3\n", encoding="utf-8")
    monkeypatch.setenv("KLACHTDESK_DATA", str(own))
    assert Settings.defaults().calendar.closing_time == time(12, 0)  # this workstation's own files
    again, version = store.load_settings(database, clock.now())
    assert again == desk
    assert again.calendar.closing_time == time(17, 0) and again.privacy.retention_months == 24
    assert version == len(DOCUMENT_NAMES)


def test_a_settings_text_the_database_lacks_is_seeded_once(database: Database, clock) -> None:  # type: ignore[no-untyped-def]
    store.load_settings(database, clock.now())
    with database.write() as session:
        session.delete(session.get(OrganisationSetting, "post.toml"))
    with database.read() as session:
        assert store.missing_names(session) == ["post.toml"]
    settings, _ = store.load_settings(database, clock.now())
    assert settings.mail == Settings.defaults().mail
    with database.write() as session:
        assert store.seed_missing(session, clock.now()) == []
