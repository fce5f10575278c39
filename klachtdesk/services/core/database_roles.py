"""PostgreSQL enforces the permission table: group roles, grants, row-level security.

Generated from the one permission table (``permissions.TABLE``) and the map of what each
permission needs of the database (``access``), and (re)applied by the owner after every
migration (``klachtdesk/migrations/env.py``) and by ``klachtdesk beheer installeren``:

- one group role per klachtdesk role, ``klachtdesk_<rol>`` (NOLOGIN); a person's login is
  a member of the group roles of their roles;
- each group gets exactly the union of what its permissions need; everything else is
  revoked first, so a permission taken out of the table is taken out of the database too;
- ``event`` (the history) is append-only for every login: no UPDATE or DELETE is ever
  granted; row-level security shows confidential lines only to the klachtenfunctionaris
  group, lets a role write only the types of line its permissions allow, and shows a role
  without personal-data rights no case's lines;
- ``draft``, ``saved_view`` (``OWN_ROWS``): each login sees and writes only its own rows;
- the overview views (``klachtdesk_overzicht``): the case tables without their personal
  columns, for directie (``klachtdesk.db`` points a connection without personal-data
  rights at them);
- a behandelaar changes only the cases assigned to them (``database_scope``: a trigger per
  table, generated from ``permissions.ASSIGNED_ONLY``);
- a role change (``staff_role``) is written into the history by a trigger, whoever did it;
- anonymisation of history lines (AVG) only through ``klachtdesk_geschiedenis_anonimiseren``,
  a SECURITY DEFINER function that writes its own history line.

Nothing here runs on SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection

from klachtdesk.db import OVERVIEW_SCHEMA
from klachtdesk.models import StaffRole, metadata
from klachtdesk.services.core.access import (
    ACCESS,
    BASE,
    EVENT_TYPES,
    MESSAGE_CASES,
    MESSAGE_TEMPLATES,
    MESSAGES_ANY,
    OVERVIEW,
    OVERVIEW_READERS,
    OWN_CASES,
    OWN_ROWS,
    SECRET_SETTINGS,
    on_rows_for,
    privilege_columns,
)
from klachtdesk.services.core import database_logins, database_scope
from klachtdesk.services.core.permissions import TABLE, Permission

PREFIX = "klachtdesk_"
_POLICY = "klachtdesk_"


def group_role(role: StaffRole) -> str:
    """The PostgreSQL group role of a klachtdesk role: ``klachtdesk_behandelaar``."""
    return PREFIX + role.value


GROUP_ROLES: dict[StaffRole, str] = {role: group_role(role) for role in StaffRole}


#: table -> the columns it has in the database being set up (None: the models' columns).
#: A migration that runs before a later one added a column grants what exists then; the
#: grants are applied again after the last migration (``env.py``) with every column.
Live = dict[str, set[str]] | None


def expand(table: str, privilege: str, live: Live = None) -> str:
    """``UPDATE(* -a, b)`` -> ``UPDATE(c, d, ...)``: every column of the table but those
    (of ``live``, when given, only those the table has now; "" when none is left)."""
    kind, chosen = privilege_columns(table, privilege, live)
    if chosen is None:
        return kind
    return f"{kind} ({', '.join(chosen)})" if chosen else ""


def privileges_of(role: StaffRole, live: Live = None) -> dict[str, list[str]]:
    """table -> the privileges the role's group gets (BASE plus its permissions' needs)."""
    wanted: dict[str, list[str]] = {}
    sources: list[dict[str, tuple[str, ...]]] = [BASE]
    sources += [ACCESS[permission] for permission in sorted(TABLE[role])]
    sources.append({table: privileges for table, (privileges, _) in on_rows_for(TABLE[role]).items()})
    for source in sources:
        for table, privileges in source.items():
            for privilege in privileges:
                granted = expand(table, privilege, live)
                if granted and granted not in wanted.setdefault(table, []):
                    wanted[table].append(granted)
    return wanted


def _holders(permission: Permission) -> list[str]:
    return [GROUP_ROLES[role] for role in StaffRole if permission in TABLE[role]]


# -- the statements ------------------------------------------------------------------------


def _create_groups() -> list[str]:
    statements = []
    for name in GROUP_ROLES.values():
        statements.append(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + name + "') THEN "
            f"CREATE ROLE {name} NOLOGIN; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    return statements


#: the session is the owner's (or a superuser's): the DBA, the migrations, the test suite.
#: The database writes its own history lines for the logins; the owner could switch any
#: trigger off anyway, and writes its lines itself.
_OWNER_SESSION = ("pg_has_role(session_user, (SELECT tableowner FROM pg_tables WHERE schemaname = 'public' "
                  "AND tablename = 'event'), 'MEMBER')")


def _functions() -> list[str]:
    return [
        # the staff member at this connection: the login's name is the staff member's username
        "CREATE OR REPLACE FUNCTION klachtdesk_medewerker() RETURNS integer LANGUAGE sql STABLE "
        "SECURITY DEFINER SET search_path = public, pg_temp AS "
        "$$ SELECT id FROM staff WHERE username = session_user::text $$",
        "REVOKE ALL ON FUNCTION klachtdesk_medewerker() FROM PUBLIC",
        # a role change is a history line, written by the database whoever changed it
        "CREATE OR REPLACE FUNCTION klachtdesk_rol_gewijzigd() RETURNS trigger LANGUAGE plpgsql "
        "SECURITY DEFINER SET search_path = public, pg_temp AS $$\n"
        "DECLARE who text; what text; changed staff_role;\n"
        "BEGIN\n"
        f"  IF {_OWNER_SESSION} THEN RETURN NULL; END IF;\n"
        "  IF TG_OP = 'DELETE' THEN changed := OLD; what := 'ingetrokken bij'; "
        "ELSE changed := NEW; what := 'toegekend aan'; END IF;\n"
        "  SELECT username INTO who FROM staff WHERE id = changed.staff_id;\n"
        "  INSERT INTO event (complaint_id, at, actor_id, type, summary, body, data, confidential)\n"
        "  VALUES (NULL, now() AT TIME ZONE 'UTC', klachtdesk_medewerker(), 'wijziging',\n"
        "          'Rol ' || changed.role || ' ' || what || ' ' || coalesce(who, '?') || ' (database)',\n"
        "          NULL, json_build_object('medewerker', who, 'rol', changed.role, 'wijziging', lower(TG_OP),\n"
        "                                  'door', session_user::text)::text, false);\n"
        "  RETURN NULL;\n"
        "END $$",
        "REVOKE ALL ON FUNCTION klachtdesk_rol_gewijzigd() FROM PUBLIC",
        "DROP TRIGGER IF EXISTS klachtdesk_rol_gewijzigd ON staff_role",
        "CREATE TRIGGER klachtdesk_rol_gewijzigd AFTER INSERT OR DELETE ON staff_role "
        "FOR EACH ROW EXECUTE FUNCTION klachtdesk_rol_gewijzigd()",
        # AVG: the one way a history line changes; it writes its own line
        "CREATE OR REPLACE FUNCTION klachtdesk_geschiedenis_anonimiseren("
        "zaak integer, wissen boolean, regels integer[], samenvattingen text[], teksten text[], gegevens text[]"
        ") RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$\n"
        "DECLARE changed integer := 0; n integer;\n"
        "BEGIN\n"
        "  IF NOT pg_has_role(session_user, '" + GROUP_ROLES[StaffRole.ADMIN] + "', 'MEMBER') THEN\n"
        "    RAISE EXCEPTION 'alleen de beheerder anonimiseert de geschiedenis' USING ERRCODE = '42501';\n"
        "  END IF;\n"
        "  IF wissen THEN\n"
        "    UPDATE event SET body = NULL, data = NULL WHERE complaint_id = zaak;\n"
        "    GET DIAGNOSTICS changed = ROW_COUNT;\n"
        "  END IF;\n"
        "  FOR i IN 1 .. coalesce(array_length(regels, 1), 0) LOOP\n"
        "    UPDATE event SET summary = coalesce(samenvattingen[i], ''), body = teksten[i], data = gegevens[i]\n"
        "      WHERE id = regels[i] AND complaint_id = zaak;\n"
        "    GET DIAGNOSTICS n = ROW_COUNT; changed := changed + n;\n"
        "  END LOOP;\n"
        f"  IF {_OWNER_SESSION} THEN RETURN changed; END IF;\n"
        "  INSERT INTO event (complaint_id, at, actor_id, type, summary, body, data, confidential)\n"
        "  VALUES (zaak, now() AT TIME ZONE 'UTC', klachtdesk_medewerker(), 'privacy',\n"
        "          'Geschiedenis geanonimiseerd (AVG): ' || changed || ' regels (database)', NULL,\n"
        "          json_build_object('regels', changed, 'door', session_user::text)::text, false);\n"
        "  RETURN changed;\n"
        "END $$",
        "REVOKE ALL ON FUNCTION klachtdesk_geschiedenis_anonimiseren(integer, boolean, integer[], text[], text[], "
        "text[]) FROM PUBLIC",
        *(f"GRANT EXECUTE ON FUNCTION klachtdesk_geschiedenis_anonimiseren(integer, boolean, integer[], text[], "
          f"text[], text[]) TO {group}" for group in _holders(Permission.PRIVACY)),
        f"GRANT EXECUTE ON FUNCTION klachtdesk_medewerker() TO {', '.join(GROUP_ROLES.values())}",
    ]


def _event_policies() -> list[str]:
    statements = ["ALTER TABLE event ENABLE ROW LEVEL SECURITY"]
    for role, group in GROUP_ROLES.items():
        held = TABLE[role]
        if Permission.CONFIDENTIAL_NOTES in held:
            visible = "true"
        elif Permission.READ_PERSONAL_DATA in held:
            visible = "NOT confidential"
        elif Permission.READ_STATUS in held:
            visible = "NOT confidential AND (complaint_id IS NULL OR actor_id = klachtdesk_medewerker())"
        else:
            visible = "NOT confidential AND actor_id = klachtdesk_medewerker()"
        refused = sorted(t.value for t, needed in EVENT_TYPES.items() if needed not in held)
        check = "true" if Permission.CONFIDENTIAL_NOTES in held else "NOT confidential"
        if refused:
            check += " AND type NOT IN (" + ", ".join(f"'{t}'" for t in refused) + ")"
        statements.append(f"CREATE POLICY {_POLICY}{role.value}_lezen ON event FOR SELECT TO {group} USING ({visible})")
        statements.append(f"CREATE POLICY {_POLICY}{role.value}_schrijven ON event FOR INSERT TO {group} "
                          f"WITH CHECK ({check})")
    return statements


def _message_policies() -> list[str]:
    statements = ["ALTER TABLE message ENABLE ROW LEVEL SECURITY"]
    for role, group in GROUP_ROLES.items():
        held = TABLE[role]
        if held & MESSAGES_ANY:
            allowed = "true"
        else:
            templates = sorted(t for permission, t in MESSAGE_TEMPLATES.items() if permission in held)
            allowed = f"template IN ({', '.join(repr(t) for t in templates)}) AND {MESSAGE_CASES}" \
                if templates else "false"
        statements.append(f"CREATE POLICY {_POLICY}{role.value} ON message FOR ALL TO {group} "
                          f"USING ({allowed}) WITH CHECK ({allowed})")
    return statements


_OWN_PERSON = (
    "CREATE OR REPLACE FUNCTION klachtdesk_persoon_van_eigen_zaak(pid integer) RETURNS boolean LANGUAGE sql "
    "STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
    "SELECT NOT EXISTS (SELECT 1 FROM staff WHERE person_id = pid) AND NOT EXISTS ("
    "SELECT 1 FROM complaint c WHERE (c.complainant_id = pid OR EXISTS (SELECT 1 FROM party p "
    "WHERE p.complaint_id = c.id AND p.person_id = pid)) "
    "AND NOT (c.created_by_id IS NOT DISTINCT FROM klachtdesk_medewerker() AND c.status = 'nieuw')) $$"
)


def _case_policies(existing: set[str]) -> list[str]:
    statements = [_OWN_PERSON, "REVOKE ALL ON FUNCTION klachtdesk_persoon_van_eigen_zaak(integer) FROM PUBLIC",
                  f"GRANT EXECUTE ON FUNCTION klachtdesk_persoon_van_eigen_zaak(integer) TO "
                  f"{', '.join(GROUP_ROLES.values())}"]
    for table, own in OWN_CASES.items():
        if table not in existing:
            continue
        statements.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for role, group in GROUP_ROLES.items():
            held = TABLE[role]
            allowed = "true" if held & {Permission.READ_PERSONAL_DATA, Permission.PRIVACY} else \
                own if Permission.ACKNOWLEDGE in held else "false"
            statements.append(f"CREATE POLICY {_POLICY}{role.value} ON {table} FOR ALL TO {group} "
                              f"USING ({allowed}) WITH CHECK ({allowed})")
    return statements


def _setting_policies() -> list[str]:
    statements = ["ALTER TABLE setting ENABLE ROW LEVEL SECURITY"]
    for role, group in GROUP_ROLES.items():
        hidden = sorted(key for key, readers in SECRET_SETTINGS.items() if not readers & TABLE[role])
        visible = f"key NOT IN ({', '.join(repr(k) for k in hidden)})" if hidden else "true"
        statements.append(f"CREATE POLICY {_POLICY}{role.value}_lezen ON setting FOR SELECT TO {group} "
                          f"USING ({visible})")
        for command in ("INSERT", "UPDATE", "DELETE"):
            check = "USING (true)" if command == "DELETE" else "WITH CHECK (true)"
            if command == "UPDATE":
                check = "USING (true) WITH CHECK (true)"
            statements.append(f"CREATE POLICY {_POLICY}{role.value}_{command.lower()} ON setting FOR {command} "
                              f"TO {group} {check}")
    return statements


def _own_row_policies(existing: set[str]) -> list[str]:
    """Each login sees and writes only its own rows of the tables of ``OWN_ROWS``."""
    groups = ", ".join(GROUP_ROLES.values())
    statements = []
    for table, column in OWN_ROWS.items():
        if table not in existing:
            continue
        name = "eigen_concept" if table == "draft" else f"eigen_{table}"
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY {_POLICY}{name} ON {table} FOR ALL TO {groups} "
            f"USING ({column} = session_user::text) WITH CHECK ({column} = session_user::text)",
        ]
    return statements


def _overview_views(existing: set[str], live: Live = None) -> list[str]:
    readers = ", ".join(group for permission in OVERVIEW_READERS for group in _holders(permission))
    statements = [f"CREATE SCHEMA IF NOT EXISTS {OVERVIEW_SCHEMA}",
                  f"REVOKE ALL ON SCHEMA {OVERVIEW_SCHEMA} FROM PUBLIC",
                  f"GRANT USAGE ON SCHEMA {OVERVIEW_SCHEMA} TO {readers}"]
    for table, hidden in OVERVIEW.items():
        if table not in existing:
            continue
        known: Table = metadata.tables[table]
        columns = []
        for column in known.columns:
            if live is not None and table in live and column.name not in live[table]:
                continue  # added by a later migration; the view is made again after it
            if column.name not in hidden:
                columns.append(f"t.{column.name}")
                continue
            type_ = column.type.compile(dialect=_postgresql())
            empty = "NULL" if column.nullable else "''"
            columns.append(f"CAST({empty} AS {type_}) AS {column.name}")
        statements.append(f"DROP VIEW IF EXISTS {OVERVIEW_SCHEMA}.{table}")
        statements.append(f"CREATE VIEW {OVERVIEW_SCHEMA}.{table} AS SELECT {', '.join(columns)} FROM public.{table} t")
        statements.append(f"GRANT SELECT ON {OVERVIEW_SCHEMA}.{table} TO {readers}")
    return statements


def _postgresql() -> Any:
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect()


def statements(existing: Iterable[str], sequences: dict[str, str], live: Live = None) -> list[str]:
    """Every statement, in order, for a database whose relations are ``existing`` and
    whose serial columns use ``sequences`` (table -> sequence); ``live``: the columns the
    tables have now (see ``Live``)."""
    existing = set(existing)
    groups = list(GROUP_ROLES.values())
    every = ", ".join(groups)
    result = _create_groups()
    result += [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO {every}', current_database()); END $$",
        f"GRANT USAGE ON SCHEMA public TO {every}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {every}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {every}",
    ]
    # the policies are made anew: drop the ones of an earlier run
    for table in ("event", "message", "setting", *OWN_ROWS, *OWN_CASES):
        if table in existing:
            result.append(
                "DO $$ DECLARE p record; BEGIN FOR p IN SELECT policyname FROM pg_policies "
                f"WHERE schemaname = 'public' AND tablename = '{table}' AND policyname LIKE '{_POLICY}%' LOOP "
                f"EXECUTE format('DROP POLICY %I ON {table}', p.policyname); END LOOP; END $$"
            )
    for role, group in GROUP_ROLES.items():
        for table, privileges in privileges_of(role, live).items():
            if table not in existing:
                continue
            for privilege in privileges:
                assert not privilege.startswith(("UPDATE", "DELETE")) or table != "event", "event is append-only"
                result.append(f"GRANT {privilege} ON {table} TO {group}")
                if privilege == "INSERT" and table in sequences:
                    result.append(f"GRANT USAGE ON SEQUENCE {sequences[table]} TO {group}")
    if {"event", "staff", "staff_role"} <= existing:
        result += _functions()
        result += database_logins.statements(_holders(Permission.MANAGE_STAFF))
        result += _event_policies()
        result += database_scope.statements(existing, group_role)
    result += _own_row_policies(existing)
    if "setting" in existing:
        result += _setting_policies()
    if "message" in existing:
        result += _message_policies()
    if {"complaint", "person", "party", "staff"} <= existing:
        result += _case_policies(existing)
    result += _overview_views(existing, live)
    return result


def apply(connection: Connection) -> None:
    """(Re)apply the roles, grants and policies on this PostgreSQL database, in the
    connection's transaction. Run by the owner of the schema."""
    if connection.dialect.name != "postgresql":
        return
    existing = set(connection.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'p')"
    )).scalars())
    sequences: dict[str, str] = {}
    for table in sorted(existing & set(metadata.tables)):
        for column in metadata.tables[table].primary_key.columns:
            found = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                       {"t": f"public.{table}", "c": column.name}).scalar()
            if found:
                sequences[table] = str(found)
    live: dict[str, set[str]] = {}
    for table, column in connection.execute(text(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
    )).all():
        live.setdefault(str(table), set()).add(str(column))
    batch = ";\n".join(statements(existing, sequences, live))
    connection.exec_driver_sql(batch.replace("%", "%%"))


def valid_login(name: str) -> bool:
    """A login name klachtdesk creates roles for: lower-case letters, digits, ``_``, ``.``, ``-``."""
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,62}", name)) and not name.startswith(PREFIX)


__all__ = ["GROUP_ROLES", "PREFIX", "apply", "expand", "group_role", "privileges_of", "statements", "valid_login"]
