"""Drafts: one per user and form, kept as JSON, surviving a restart, gone when discarded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.db import open_database
from klachtdesk.errors import ValidationError
from klachtdesk.models import StaffRole
from klachtdesk.services.cases import drafts
from klachtdesk.services.identity import staff
from klachtdesk.services.core.context import Context

VALUES = {"kind": "klacht", "name": "Jan Jansen", "involved": [{"name": "Dr. P. Bakker", "role": "aangeklaagde"}],
          "description": "Niemand belde af — €0,00 terug?", "person_id": None}


def test_save_load_overwrite_discard(context: Context, clock: FixedClock) -> None:
    assert drafts.load(context, drafts.REGISTRATION) is None
    drafts.save(context, drafts.REGISTRATION, VALUES)
    record = drafts.load(context, drafts.REGISTRATION)
    assert record is not None
    assert record.data == VALUES and record.form == drafts.REGISTRATION and record.updated_at == clock.now()
    clock.advance(timedelta(minutes=2))
    drafts.save(context, drafts.REGISTRATION, {**VALUES, "name": "J. Jansen"})
    record = drafts.load(context, drafts.REGISTRATION)
    assert record is not None and record.data["name"] == "J. Jansen" and record.updated_at == clock.now()
    assert drafts.discard(context, drafts.REGISTRATION) is True
    assert drafts.load(context, drafts.REGISTRATION) is None
    assert drafts.discard(context, drafts.REGISTRATION) is False


def test_one_draft_per_user_and_form(context: Context, as_user: Callable[..., Context]) -> None:
    other = as_user("karin", StaffRole.CUSTOMER_SERVICE)
    drafts.save(context, drafts.REGISTRATION, VALUES)
    drafts.save(context, "maatregel", {"title": "x"})
    assert drafts.load(other, drafts.REGISTRATION) is None
    drafts.save(other, drafts.REGISTRATION, {"name": "Karins beller"})
    mine, hers = drafts.load(context, drafts.REGISTRATION), drafts.load(other, drafts.REGISTRATION)
    assert mine is not None and hers is not None
    assert mine.data["name"] == "Jan Jansen" and hers.data["name"] == "Karins beller"
    drafts.discard(other, drafts.REGISTRATION)
    assert drafts.load(context, drafts.REGISTRATION) is not None
    assert drafts.load(context, "maatregel") is not None


def test_refuses_what_is_not_form_values(context: Context) -> None:
    with pytest.raises(ValidationError):
        drafts.save(context, drafts.REGISTRATION, ["geen", "velden"])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="te groot"):
        drafts.save(context, drafts.REGISTRATION, {"description": "x" * (drafts.MAX_BYTES + 1)})
    assert drafts.load(context, drafts.REGISTRATION) is None


def test_a_draft_survives_a_restart(sqlite_context: Context, clock: FixedClock) -> None:
    drafts.save(sqlite_context, drafts.REGISTRATION, VALUES)
    path = sqlite_context.db.path
    sqlite_context.db.dispose()
    again = Context(db=open_database(path), clock=clock)
    again.user = staff.sign_in(again, "tester")
    record = drafts.load(again, drafts.REGISTRATION)
    assert record is not None and record.data == VALUES
    again.db.dispose()
