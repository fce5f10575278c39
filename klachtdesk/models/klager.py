"""What a klager may see of their own case: three views, the only way the web form reads
a case to show it.

- ``klager_complaint``: the klachtnummer, kind, status, dates, service, queue and the name
  of the behandelaar — no description, no people, no resolution text;
- ``klager_deadline``: the deadlines promised (not the cancelled ones), with whether and
  when they were met;
- ``klager_message``: the messages sent to the klager (subject, text, moment).

On PostgreSQL each view shows a case's rows only inside the transaction that opened a
status link of that case (``status_link.opened_in`` is that transaction's id), so the web
form's database login — which may read these views and no case table — sees a case only
while a klager with a valid link is looking at it. On SQLite (one workstation, no logins)
the views show every case and the services pick the one whose link was opened.

The migration that creates the views (``0004_web_form``) holds their SQL; the tables below
describe their columns for the services.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text

from klachtdesk.models.types import UTCDateTime

#: what ``status_link.opened_in`` is set to when a link opens (PostgreSQL; NULL elsewhere);
#: the views compare it with the same expression (see the migration)
THIS_TRANSACTION = "pg_current_xact_id()::text"

_METADATA = MetaData()

klager_complaint = Table(
    "klager_complaint", _METADATA,
    Column("id", Integer, primary_key=True),
    Column("number", String(20)),
    Column("kind", String(40)),
    Column("status", String(60)),
    Column("received_at", UTCDateTime()),
    Column("service_type", String(100)),
    Column("queue", String(64)),
    Column("closed_at", UTCDateTime()),
    Column("handler", String(200)),
)

klager_deadline = Table(
    "klager_deadline", _METADATA,
    Column("id", Integer, primary_key=True),
    Column("complaint_id", Integer),
    Column("kind", String(40)),
    Column("label", String(200)),
    Column("unit", String(40)),
    Column("amount", Integer),
    Column("due", Date),
    Column("original_due", Date),
    Column("extended_at", UTCDateTime()),
    Column("met_at", UTCDateTime()),
)

klager_message = Table(
    "klager_message", _METADATA,
    Column("id", Integer, primary_key=True),
    Column("complaint_id", Integer),
    Column("subject", String(300)),
    Column("body", Text),
    Column("sent_at", UTCDateTime()),
)

KLAGER_VIEWS = ("klager_complaint", "klager_deadline", "klager_message")

__all__ = ["KLAGER_VIEWS", "THIS_TRANSACTION", "klager_complaint", "klager_deadline",
           "klager_message"]
