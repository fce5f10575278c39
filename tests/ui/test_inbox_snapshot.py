"""Snapshots of the inbox on a small fixed database: the list with its deadline colours,
and a search. The clock is fixed (Monday 23 November 2026), the header has no clock and
no input cursor is on screen, so every cell is stable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from klachtdesk.app import create_app
from klachtdesk.models import Channel, Complaint, ComplaintKind, Status
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from tests.ui.waiting import workers_done

PEOPLE = [
    ("Karel Appel", "+31 6 1234 5678", ComplaintKind.COMPLAINT, Channel.PHONE),
    ("Émile Dubois", "020 555 1234", ComplaintKind.INVOICE_QUESTION, Channel.EMAIL),
    ("Janneke Smit", "", ComplaintKind.COMPLAINT, Channel.WEB_FORM),
    ("Fatima El Amrani", "06 87654321", ComplaintKind.ACCOUNT_QUESTION, Channel.DESK),
    ("Piet de Vries", "", ComplaintKind.COMPLAINT, Channel.LETTER),
    ("Anna Bakker", "0612312312", ComplaintKind.COMPLAINT, Channel.PHONE),
]


@pytest.fixture
def fixed_inbox(sqlite_context: Context) -> Context:
    context = sqlite_context
    ids = []
    for i, (name, phone, kind, channel) in enumerate(PEOPLE):
        ids.append(complaints.register(context, RegistrationInput(
            kind=kind, channel=channel, received_at=context.now() - timedelta(days=len(PEOPLE) - i, hours=i),
            complainant=PersonInput(name=name, phone=phone, email=f"klant{i}@example.nl"),
            service_type=context.settings.lists.service_types[0], description=f"Omschrijving {i}",
            invoice_number="F-2026-0042" if kind is ComplaintKind.INVOICE_QUESTION else "",
        )).id)
    today = context.today()
    with context.db.write() as session:  # every colour of the deadline column, and a closed case
        for complaint_id, due in zip(ids, [today - timedelta(days=4), today, today + timedelta(days=1),
                                           today + timedelta(days=2), today + timedelta(days=10)], strict=False):
            session.execute(update(Complaint).where(Complaint.id == complaint_id).values(next_due=due))  # type: ignore[arg-type]
        session.execute(update(Complaint).where(Complaint.id == ids[-1])  # type: ignore[arg-type]
                        .values(next_due=None, status=Status.CLOSED, handler_id=context.user.id))
    return context


def _settled(app: Any, keys: tuple[str, ...] = ()) -> Any:
    async def run_before(pilot: Any) -> None:
        for _ in range(3):
            await pilot.pause()
            await workers_done(app)
        if keys:
            await pilot.press(*keys)
            for _ in range(3):
                await pilot.pause()
                await workers_done(app)

    return run_before


def test_inbox_snapshot(fixed_inbox: Context, snap_compare: Any) -> None:
    app = create_app(fixed_inbox, offer_demo=False, animations=False)
    assert snap_compare(app, terminal_size=(140, 45), run_before=_settled(app, ("down", "down")))


def test_inbox_search_snapshot(fixed_inbox: Context, snap_compare: Any) -> None:
    app = create_app(fixed_inbox, offer_demo=False, animations=False)
    keys = ("slash", *"06-12345678", "enter")
    assert snap_compare(app, terminal_size=(140, 45), run_before=_settled(app, keys))
