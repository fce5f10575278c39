"""The letters screen (``l`` in the inbox) at 80×24 and 140×45: the file's name gives way
first (the detail below the list names the whole path); a snapshot at 80×24 of two printed
letters waiting for the post. The clock is the fixed Monday 23 November 2026; the outbox is
a fixed folder, so the file's path shown is the same on every run."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from textual.widgets import Static

from klachtdesk.app import create_app
from klachtdesk.screens.letters import LettersScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.correspondence import messages
from klachtdesk.services.core.context import Context
from tests.ui.test_small_terminal import SMALL, settle

OUTBOX = Path("/tmp/klachtdesk-snapshot-outbox")
KLAGERS = [("Jan de Vries", "Dorpsstraat 12a", "1234 AB", "Ons Dorp"),
           ("Fatma Yılmaz", "Lange Nieuwstraat 140", "3512 PN", "Utrecht")]


def _letters(context: Context) -> None:
    for name, street, postcode, city in KLAGERS:
        case_id = complaints.register(context, RegistrationInput(
            complainant=PersonInput(name=name, phone="0612345678", street=street, postcode=postcode, city=city),
            service_type="Teleconsultatie", description="De arts was onvriendelijk.",
        )).id
        draft = messages.prepare_acknowledgement(context, case_id)
        messages.send(context, case_id, draft.template, draft.subject, draft.body)


async def test_the_letters_keep_what_matters_in_view(sqlite_context: Context) -> None:
    _letters(sqlite_context)
    for size, titles in ((SMALL, ["Klachtnr.", "Klager", "Bericht", "Gemaakt"]),
                         ((140, 45), ["Klachtnr.", "Klager", "Bericht", "Gemaakt", "Bestand"])):
        app = create_app(sqlite_context, offer_demo=False, animations=False)
        async with app.run_test(size=size) as pilot:
            await settle(pilot, app)
            await pilot.press("l")
            await settle(pilot, app)
            screen = app.screen
            assert isinstance(screen, LettersScreen)
            table = screen.table
            assert table.shown_titles() == titles and table.virtual_size.width <= table.scrollable_content_region.width
            detail = screen.query_one("#letter-detail", Static)
            text = str(detail.render())
            assert "Dorpsstraat 12a" in text and text.rstrip().endswith(".pdf")
            if size == SMALL:
                assert detail.region.height >= 5  # the path wraps and stays whole


def test_letters_80x24(sqlite_context: Context, snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(OUTBOX, ignore_errors=True)
    monkeypatch.setenv("KLACHTDESK_OUTBOX", str(OUTBOX))
    _letters(sqlite_context)
    app = create_app(sqlite_context, offer_demo=False, animations=False)

    async def run_before(pilot: Any) -> None:
        await settle(pilot, app)
        await pilot.press("l")
        await settle(pilot, app)

    try:
        assert snap_compare(app, terminal_size=SMALL, run_before=run_before)
    finally:
        shutil.rmtree(OUTBOX, ignore_errors=True)
