"""Which tables and columns each permission needs on PostgreSQL: the data the database
roles' grants are generated from (``database_roles``).

The permission table (``permissions.TABLE``) says which role holds which permission; this
map says what a permission needs of the database. A role's group role
(``klachtdesk_<role>``) gets the union of what its permissions need, plus ``BASE``
(what signing in needs). Every table of the schema appears here (a test checks it), so a
table added later is either granted to someone on purpose or to no one on purpose
(``NO_ONE``).

A privilege is written as PostgreSQL spells it: ``SELECT``, ``INSERT``, ``DELETE``,
``UPDATE(col, col)``. ``UPDATE(*)`` is every column; ``UPDATE(* -a, b)`` is every column but
``a`` and ``b`` (the columns are taken from the tables' metadata when the grants are made).
``SELECT(id)`` is what ``INSERT ... RETURNING id`` needs — the row's number, not its data.

Beyond table rights, row-level security (``database_roles``) keeps confidential history
lines to ``CONFIDENTIAL_NOTES`` and, per event type, the history lines a role may write
(``EVENT_TYPES``). Directie reads through the overview views (``OVERVIEW``): the same
tables without their personal columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from klachtdesk.models import EventType, metadata
from klachtdesk.services.core.permissions import Permission

P = Permission

_PRIVILEGE = re.compile(r"^(SELECT|INSERT|UPDATE|DELETE)(?:\((.*)\))?$")


def privilege_columns(table: str, privilege: str, live: dict[str, set[str]] | None = None
                      ) -> tuple[str, list[str] | None]:
    """A privilege as written here, read: (``SELECT``/``INSERT``/``UPDATE``/``DELETE``, its
    columns, or None for the whole table). ``* -a, b`` is every column of the table but
    those; with ``live`` (table -> the columns it has now), only columns that exist now."""
    match = _PRIVILEGE.match(privilege.strip())
    if match is None:
        raise ValueError(f"onbekend recht {privilege!r} voor {table}")
    kind, columns = match.groups()
    if columns is None:
        return kind, None
    columns = columns.strip()
    known = metadata.tables.get(table)
    every = [column.name for column in known.columns] if known is not None else []
    if columns.startswith("*"):
        excluded = {c.strip() for c in columns[1:].lstrip(" -").split(",") if c.strip()}
        chosen = [c for c in every if c not in excluded]
    else:
        chosen = [c.strip() for c in columns.split(",") if c.strip()]
    if live is not None and table in live:
        chosen = [c for c in chosen if c in live[table]]
    return kind, chosen

#: what every klachtdesk login needs: sign in (staff and roles), read the desk's settings,
#: and write history lines (which ones: ``EVENT_TYPES`` and the confidential rule)
BASE: dict[str, tuple[str, ...]] = {
    "staff": ("SELECT",),
    "staff_role": ("SELECT",),
    "setting": ("SELECT",),
    "organisation_setting": ("SELECT",),
    "event": ("SELECT(id)", "INSERT"),
    "alembic_version": ("SELECT",),  # which schema version: every start checks it
}

_CASE_TABLES = ("person", "complaint", "complaint_search", "party", "event", "deadline", "message",
                "mediation_session", "session_participant", "agreement", "attachment")

#: permission -> table -> privileges
ACCESS: dict[Permission, dict[str, tuple[str, ...]]] = {
    P.REGISTER: {
        "complaint": ("SELECT(id, number, year, seq, version)", "INSERT",
                      "UPDATE(next_due, next_deadline_kind, updated_at, version)"),
        # a new case's search text (``people.search_text``): written, never read (the web form
        # too: row-level security keeps it to its own new cases, ``OWN_CASES``)
        "complaint_search": ("INSERT",),
        # a new person (the web form's too); a known caller's details are not updated here
        # (UPDATE_KNOWN_CALLER), so the web form's login cannot change any person
        "person": ("SELECT(id)", "INSERT"),
        "party": ("SELECT(id)", "INSERT"),
        "deadline": ("SELECT(id, complaint_id, kind, due, met_at, met_by_event_id, cancelled_at)", "INSERT"),
        "number_sequence": ("SELECT", "INSERT", "UPDATE"),
        "attachment": ("SELECT(id)", "INSERT"),
        # the mail intake (klachtdesk post): the mail kept, tied to the case it made or belongs to
        "mail_message": ("SELECT(id, message_id, complaint_id, outcome)", "INSERT",
                         "UPDATE(complaint_id, outcome, reason)"),
        "draft": ("SELECT", "INSERT", "UPDATE", "DELETE"),  # row-level security: one's own drafts only
    },
    # a known caller's new details at registration (``people.known_caller``): the person row
    # (locked while compared), a history line on each of their cases (``BASE``: event) and
    # those cases' search text
    P.UPDATE_KNOWN_CALLER: {
        "person": ("SELECT", "UPDATE(name, phone, email, street, postcode, city, country)"),
        "complaint_search": ("SELECT(complaint_id)", "UPDATE(search_text)"),
    },
    P.READ_STATUS: {
        "event": ("SELECT",),  # row-level security: without personal data rights, no case's lines
        "case_link": ("SELECT",),  # which cases are related: klachtnummers only
        # one's own saved inbox views (row-level security: OWN_ROWS)
        "saved_view": ("SELECT", "INSERT", "UPDATE(name, query, updated_at)", "DELETE"),
        "measure": ("SELECT",),
        "measure_complaint": ("SELECT",),
    },
    P.READ_PERSONAL_DATA: {table: ("SELECT",) for table in (*_CASE_TABLES, "mail_message")},
    P.LOG_CONTACT: {"complaint": ("UPDATE(updated_at, version)",)},
    P.WRITE_NOTE: {"complaint": ("UPDATE(updated_at, version)",)},
    P.CONFIDENTIAL_NOTES: {},  # row-level security on event (database_roles)
    P.ASSIGN: {"complaint": ("UPDATE(handler_id, queue, updated_at, version)",)},
    P.HANDLE: {
        "complaint": ("UPDATE(* -id, number, year, seq, handler_id, created_by_id, created_at, anonymised_at)",),
        "person": ("INSERT", "UPDATE(name, phone, email, organisation, street, postcode, city, country)"),
        "party": ("INSERT", "UPDATE(role, note, person_id)", "DELETE"),
        "deadline": ("INSERT", "UPDATE(met_at, met_by_event_id, cancelled_at, due, anchor, original_due, label)"),
        "mail_message": ("UPDATE(complaint_id)",),
        "attachment": ("UPDATE(complaint_id)",),
        "case_link": ("INSERT", "DELETE"),  # linking related cases (cases.links)
        # a case's text or people changed: its search text anew (``people.search_text.reindex``)
        "complaint_search": ("SELECT(complaint_id)", "INSERT", "UPDATE(search_text)"),
    },
    P.SEND_MESSAGE: {
        "message": ("SELECT(id)", "INSERT", "UPDATE(* -id, complaint_id, created_at, created_by_id, meets_deadlines)"),
        "deadline": ("UPDATE(met_at, met_by_event_id)",),
        "complaint": ("UPDATE(status, next_due, next_deadline_kind, updated_at, version)",),
    },
    P.ACKNOWLEDGE: {
        # the case to acknowledge: without personal-data rights only its own new cases (OWN_CASES)
        "complaint": ("SELECT", "UPDATE(status, next_due, next_deadline_kind, updated_at, version)"),
        "person": ("SELECT",),
        "party": ("SELECT",),
        "deadline": ("SELECT", "UPDATE(met_at, met_by_event_id)"),
        "mediation_session": ("SELECT(id, complaint_id, starts_at, status)",),
        "message": ("SELECT", "INSERT", "UPDATE(sent_at, transport, outbox_path, message_id)"),
    },
    P.CLOSE: {"complaint": ("UPDATE(status, closed_at, resolution, accepted, dispute_outcome, next_due, "
                            "next_deadline_kind, updated_at, version)",),
              "deadline": ("UPDATE(met_at, met_by_event_id, cancelled_at)",)},
    P.EXTEND_DEADLINE: {"deadline": ("UPDATE(due, extended_at, extension_notice)",),
                        "complaint": ("UPDATE(next_due, next_deadline_kind, updated_at, version)",)},
    P.PLAN_SESSION: {
        # planning moves the case along (in bemiddeling: workflow.advance); making someone its
        # behandelaar on the way stays the ASSIGN permission's
        "complaint": ("UPDATE(status, next_due, next_deadline_kind, updated_at, version)",),
        "mediation_session": ("SELECT(id)", "INSERT", "UPDATE(* -id, complaint_id, created_at, created_by_id, meets_deadlines)"),
        "session_participant": ("SELECT(id)", "INSERT", "DELETE"),
        "agreement": ("SELECT(id)", "INSERT", "UPDATE(done_at, description, owner, due)"),
        "deadline": ("SELECT(id)", "INSERT", "UPDATE(met_at, met_by_event_id, cancelled_at, due)"),
    },
    P.VIEW_ANALYSIS: {},  # the overview views (OVERVIEW)
    P.MANAGE_MEASURES: {
        "measure": ("INSERT", "UPDATE(* -id, created_at, created_by_id)"),
        "measure_complaint": ("INSERT", "DELETE"),
    },
    P.MANAGE_STAFF: {
        "staff": ("INSERT", "UPDATE(name, email, active, version, person_id)"),
        "staff_role": ("INSERT", "DELETE"),
        "person": ("SELECT(id)", "INSERT", "UPDATE(name, email)"),
    },
    P.PRIVACY: {
        "privacy_request": ("SELECT", "INSERT", "UPDATE(* -id, kind, received_at)"),
        "person": ("SELECT", "INSERT", "UPDATE(* -id, created_at)"),
        "complaint": ("SELECT", "UPDATE(* -id, number, year, seq, created_at, created_by_id)"),
        # an anonymised case's search text is written anew: no name, phone or e-mail stays in it
        "complaint_search": ("SELECT", "INSERT", "UPDATE(search_text)"),
        "party": ("SELECT", "UPDATE(note, person_id)"),
        "message": ("SELECT", "UPDATE(body, recipient, subject, outbox_path)"),
        "mediation_session": ("SELECT", "UPDATE(outcome, next_step, cancel_reason, location, version)"),
        "session_participant": ("SELECT", "UPDATE(person_id)"),
        "agreement": ("SELECT", "UPDATE(description, owner)"),
        "deadline": ("SELECT", "UPDATE(extension_notice)"),
        "attachment": ("SELECT", "DELETE"),
        "mail_message": ("SELECT", "UPDATE(sender, sender_name, recipients, subject, text, raw, reason)"),
        "status_link": ("SELECT", "DELETE"),
        "erasure_register": ("SELECT", "INSERT"),
        "setting": ("INSERT",),  # the erasure register's key, made the first time
        # the history lines themselves: only through klachtdesk_geschiedenis_anonimiseren (database_roles)
    },
    P.BACKUP: {},  # the owner's job on PostgreSQL (pg_dump as the owner): no login reads everything
    P.MANAGE_SETTINGS: {"setting": ("INSERT", "UPDATE", "DELETE"), "organisation_setting": ("INSERT", "UPDATE")},
    P.FOLLOW_UP: {
        # (a link is issued through klachtdesk_statuslink_uitgeven: the form reads no case or person)
        "status_link": ("SELECT", "INSERT", "UPDATE(used_at, opened_in)"),
        "klager_complaint": ("SELECT",),
        "klager_deadline": ("SELECT",),
        "klager_message": ("SELECT",),
    },
    P.MANAGE_MAIL: {"mail_message": ("SELECT", "UPDATE(handled_at, outcome, complaint_id, reason)"),
                    "attachment": ("SELECT",)},
}

#: what the holders of some permissions together may change on some rows only, whoever
#: holds them, with or without a scope (the trigger of ``database_scope`` refuses it on any
#: other row, unless another permission of the login allows it there): the permissions ->
#: table -> (privileges, the rows, ``{row}`` standing for NEW or OLD). Granted to the group
#: roles of the roles that hold all of them (``database_roles.privileges_of``).
#: The review of a case from mail (``cases.review``: the case read, its fields checked, the
#: kind corrected, its deadlines redone) is for whoever registers and reads personal data
#: (not the web form's account), on a case still "te beoordelen" only.
_PENDING = "EXISTS (SELECT 1 FROM complaint c WHERE c.id = {row}.complaint_id AND c.review_pending)"
ON_ROWS: dict[frozenset[Permission], dict[str, tuple[tuple[str, ...], str]]] = {
    frozenset({P.REGISTER, P.READ_PERSONAL_DATA}): {
        "complaint": (("UPDATE(kind, status, queue, service_type, category, description, incident_date, "
                       "discussed_first, remedy_sought, invoice_number, review_pending)",), "OLD.review_pending"),
        "party": (("INSERT", "UPDATE(person_id)", "DELETE"), _PENDING),
        "deadline": (("UPDATE(cancelled_at)",), _PENDING),
        "complaint_search": (("SELECT(complaint_id)", "UPDATE(search_text)"), _PENDING),
    },
}


def on_rows_for(permissions: Iterable[Permission | None]) -> dict[str, tuple[tuple[str, ...], str]]:
    """table -> (privileges, rows): what of ``ON_ROWS`` the holder of these permissions gets."""
    held = set(permissions)
    result: dict[str, tuple[tuple[str, ...], str]] = {}
    for needed, tables in ON_ROWS.items():
        if needed <= held:
            for table, (privileges, rows) in tables.items():
                if table in result and result[table][1] != rows:
                    raise ValueError(f"{table}: twee rijvoorwaarden in access.ON_ROWS")
                result[table] = (*result.get(table, ((), rows))[0], *privileges), rows
    return result


#: tables whose rows belong to one login (row-level security: each login sees and writes only
#: the rows whose column holds its name, ``session_user``): table -> that column
OWN_ROWS: dict[str, str] = {"draft": "owner", "saved_view": "owner"}

#: tables (and views) no login reads or writes: only the owner (and the functions it owns)
NO_ONE: frozenset[str] = frozenset()

#: history lines of these types may be written only by holders of the permission
#: (row-level security on ``event``); other types by anyone who may write history
EVENT_TYPES: dict[EventType, Permission] = {
    EventType.CONTACT: P.LOG_CONTACT,
    EventType.NOTE: P.WRITE_NOTE,
    EventType.CONFIDENTIAL_NOTE: P.CONFIDENTIAL_NOTES,
    EventType.MEASURE: P.MANAGE_MEASURES,
    EventType.PRIVACY: P.PRIVACY,
    EventType.STATUS_LINK: P.FOLLOW_UP,
    EventType.VIEWED: P.READ_PERSONAL_DATA,
}

#: row-level security on ``message``: a role that holds none of ``MESSAGES_ANY`` sees and
#: writes only the messages of the templates its permissions name (the web form: the
#: ontvangstbevestiging; ``correspondence.messages.ACKNOWLEDGEMENT``)
MESSAGES_ANY: frozenset[Permission] = frozenset({P.SEND_MESSAGE, P.READ_PERSONAL_DATA, P.PRIVACY})
MESSAGE_TEMPLATES: dict[Permission, str] = {P.ACKNOWLEDGE: "ontvangstbevestiging"}
#: and only of the cases it may see (``OWN_CASES``)
MESSAGE_CASES = "complaint_id IN (SELECT id FROM complaint)"

#: row-level security on the case tables: a role with ``READ_PERSONAL_DATA`` sees every row;
#: one that only acknowledges (the web form) sees the cases it registered itself while they
#: are new — what the ontvangstbevestiging needs — and nothing else; any other none
OWN_CASES: dict[str, str] = {
    "complaint": "created_by_id = klachtdesk_medewerker() AND status = 'nieuw'",
    "party": "complaint_id IN (SELECT id FROM complaint)",
    "deadline": "complaint_id IN (SELECT id FROM complaint)",
    # the search text: a row only where its case is visible (the web form: to write its own
    # new cases' text, which it cannot read back: it is granted INSERT only)
    "complaint_search": "complaint_id IN (SELECT id FROM complaint)",
    "person": "klachtdesk_persoon_van_eigen_zaak(id)",
}

#: rows of ``setting`` that are secrets: readable only by holders of one of these permissions
#: (the erasure register's key: the AVG work and the mail intake use it)
SECRET_SETTINGS: dict[str, frozenset[Permission]] = {
    "vergeetregister.sleutel": frozenset({P.PRIVACY, P.READ_PERSONAL_DATA}),
}

#: the overview views (schema ``klachtdesk_overzicht``): these tables without these columns
#: (NULL, or '' where the column may not be empty). Directie's connections read them in
#: place of the tables (``klachtdesk.db``): analysis and status without personal data.
OVERVIEW: dict[str, frozenset[str]] = {
    "person": frozenset({"name", "phone", "email", "organisation", "street", "postcode", "city", "country"}),
    "complaint": frozenset({"description", "remedy_sought", "resolution", "dispute_outcome", "invoice_number",
                            "complainant_id"}),
    "party": frozenset({"note"}),
    "deadline": frozenset({"extension_notice"}),
    "message": frozenset({"recipient", "subject", "body", "outbox_path", "delivery_problem", "message_id"}),
    "mediation_session": frozenset({"location", "cancel_reason", "outcome", "next_step"}),
    "agreement": frozenset({"description", "owner"}),
}

#: which permissions may read the overview views
OVERVIEW_READERS: frozenset[Permission] = frozenset({P.VIEW_ANALYSIS})

#: the scope of a role (``permissions.ASSIGNED_ONLY``) on PostgreSQL: how a row of each
#: table finds its case, as a condition that holds when that case is assigned to the
#: login (``{row}``: NEW or OLD). The trigger that keeps a behandelaar to their own cases
#: (``database_scope``) needs an entry for every table a scoped permission changes.
_OWN = "klachtdesk_medewerker()"
_CASE_ROW = f"EXISTS (SELECT 1 FROM complaint c WHERE c.id = {{row}}.complaint_id AND c.handler_id = {_OWN})"
CASE_OF: dict[str, str] = {
    "complaint": f"{{row}}.handler_id = {_OWN}",
    # a person of one of the login's cases: its klager or a betrokkene
    "person": (f"EXISTS (SELECT 1 FROM complaint c WHERE c.handler_id = {_OWN} AND (c.complainant_id = {{row}}.id "
               "OR EXISTS (SELECT 1 FROM party p WHERE p.complaint_id = c.id AND p.person_id = {row}.id)))"),
    **{table: _CASE_ROW for table in ("complaint_search", "party", "deadline", "message", "mediation_session", "agreement",
                                      "attachment", "mail_message")},
    # a link of two cases (cases.links): one of them is the login's (the one it was made from)
    "case_link": (f"EXISTS (SELECT 1 FROM complaint c WHERE c.id IN ({{row}}.complaint_id, {{row}}.other_id) "
                  f"AND c.handler_id = {_OWN})"),
}

#: the rows a permission's grants on a table are for, where that is not every row: the
#: scope trigger counts such a grant as "everywhere" only for these rows (``{row}``: NEW
#: or OLD). The acknowledgement's rights on messages are for acknowledgements
#: (``MESSAGE_TEMPLATES``, as its row-level security says), and on the case row for a case
#: that is still new.
GRANTED_ROWS: dict[Permission, dict[str, str]] = {
    # registering adds the people of a case being registered: a case all of whose history
    # lines this transaction wrote (none yet, or its first). A case that existed before has
    # an older line (lines are never removed), so adding a person to it needs HANDLE on the
    # case (``cases.parties.add_party``): a behandelaar, who also registers, may do so on
    # their own cases only
    P.REGISTER: {
        "party": ("NOT EXISTS (SELECT 1 FROM event e WHERE e.complaint_id = {row}.complaint_id "
                  "AND e.xmin <> pg_current_xact_id()::xid)"),
    },
    P.ACKNOWLEDGE: {
        "message": f"{{row}}.template = '{MESSAGE_TEMPLATES[P.ACKNOWLEDGE]}'",
        "complaint": "{row}.status = 'nieuw'",
    },
}
