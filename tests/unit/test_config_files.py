"""The one TOML reader: every settings file reports problems the same way, in Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest

from klachtdesk.errors import ConfigError
from klachtdesk.services.config.calendar import load_calendar_settings
from klachtdesk.services.config.config_files import check_keys, load_toml, require
from klachtdesk.services.config.settings import Settings, read_folder

REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def test_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('naam = "Kerst"\n[tabel]\ngetal = 3\n', encoding="utf-8")
    assert load_toml(path) == {"naam": "Kerst", "tabel": {"getal": 3}}


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"weg\.toml bestaat niet"):
        load_toml(tmp_path / "weg.toml")
    assert load_toml(tmp_path / "weg.toml", required=False) is None


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'a = 1\nb = = 2\n', "geen geldig TOML-bestand (regel 2, kolom 5)"),
        (b'a = ', "geen geldig TOML-bestand (aan het einde van het bestand)"),
        (b'naam = "\xff\xfe"\n', "geen UTF-8-tekstbestand"),
    ],
)
def test_broken_files_say_where(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "kapot.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_toml(path)
    assert fragment in caught.value.message and str(path) in caught.value.message


def test_a_folder_is_no_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is een map"):
        load_toml(tmp_path)


def test_every_settings_text_uses_it(tmp_path: Path) -> None:
    texts = read_folder(REPO_DATA)
    with pytest.raises(ConfigError, match=r"termijnen\.toml is geen geldig TOML-bestand \(regel 1"):
        Settings.from_texts({**texts, "termijnen.toml": "[[termijn]\nsoort = 1\n"})
    path = tmp_path / "kalender.toml"
    path.write_bytes(b"sluitingstijd = ")
    with pytest.raises(ConfigError, match="einde van het bestand"):
        load_calendar_settings(path)


def test_keys_and_required_values(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    with pytest.raises(ConfigError, match="onbekende instelling 'typo'"):
        check_keys(path, "het bestand", {"typo": 1, "goed": 2}, {"goed"})
    assert require(path, "het bestand", {"aantal": 3}, "aantal", int) == 3
    with pytest.raises(ConfigError, match="'aantal' ontbreekt"):
        require(path, "het bestand", {}, "aantal", int)
    with pytest.raises(ConfigError, match="ongeldige waarde"):
        require(path, "het bestand", {"aantal": True}, "aantal", int)
