"""Demo data: realistic, fictitious Dutch cases to try klachtdesk with.

``generate(context, count, seed)`` fills the database with ``count`` cases spread
over the two years before ``context.now()``: klachten and the two kinds of
question, every channel, the statuses a real desk would show (old cases mostly
closed, recent ones new or in progress, some referred to the geschillencommissie,
some reopened), parties, staff, a history of events, deadlines computed with the
calendars' bulk functions, mediation sessions, agreements and improvement
measures. The same seed, count, clock and starting database give the same data.

It is built for volume (``generator``): every value is planned with numpy over all
cases first (``plan``, with the calendars' ``*_bulk`` functions for receipts and
deadlines); rows are then built per batch of ``BATCH`` cases (``batch``, ``writer``)
and written with the DBAPI
``executemany`` (SQLite) or ``COPY`` (PostgreSQL), all inside one
``context.db.write()`` transaction. A bulk load (``BULK_MIN`` cases or more) builds
the randomly keyed indexes afterwards and feeds the full-text index per batch
instead of row by row through its triggers (see ``loaders.SqliteLoader``); on
PostgreSQL it also adds the foreign keys again after the rows, checking them all at
once, and passes by the scope triggers where they would let every row through
(``pg_bulk``).

The texts of the history are worded as the services word them (``complaints.register``,
``workflow``, ``messages.send``, the planner, ``measures``), and every derived value is
the one the services would store: ``complaint_search`` rows as ``build_search_text``,
``next_due`` as ``refresh_next_due``, deadlines met by the event that meets them.

Contact details are fictitious: e-mail addresses use the domains reserved for
examples (RFC 2606), so no message can reach a real person.

Only the command line (``klachtdesk demo``) and the app's offer on an empty database
import this package; the services never do (an import-linter contract).
"""

from klachtdesk.demo.generator import DemoSummary, generate, is_empty, may_offer

__all__ = ["DemoSummary", "generate", "is_empty", "may_offer"]
