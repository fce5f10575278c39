"""One personal-data mask: one converter from a stored value to what a role may see."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from klachtdesk.services.core.personal import CASE_TEXTS, HIDDEN, PersonalData

PACKAGE = Path(__file__).resolve().parents[2] / "klachtdesk"


def test_what_each_side_of_the_rule_sees() -> None:
    may, may_not = PersonalData(True), PersonalData(False)
    assert may.name("Piet Pieters") == "Piet Pieters" and may.name(None) == ""
    assert may_not.name("Piet Pieters") == may_not.name(None) == HIDDEN
    assert may.text("Omschrijving") == "Omschrijving" and may_not.text("Omschrijving") is None
    row = SimpleNamespace(**{name: f"{name} van de klager" for name in CASE_TEXTS}, category="Bejegening")
    assert may.texts(row, CASE_TEXTS) == {name: f"{name} van de klager" for name in CASE_TEXTS}
    assert may_not.texts(row, CASE_TEXTS) == dict.fromkeys(CASE_TEXTS)


def test_the_mask_is_written_once() -> None:
    """No list writes its own "•••" any more: they take ``personal.HIDDEN`` through the converter."""
    places = [path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
              if '"•••"' in path.read_text(encoding="utf-8")]
    assert places == ["services/core/personal.py"]
