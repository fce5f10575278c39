"""PostgreSQL keeps a role to its scope: a behandelaar changes only the cases assigned to
them (``permissions.ASSIGNED_ONLY``), and a right granted for some rows only
(``access.ON_ROWS``: klantenservice reviews a case from mail while it is "te beoordelen")
is used on those rows only — in ``psql`` too.

Grants cannot say "only on some rows", and row-level security cannot either here: a
behandelaar may log a contact or write a note on any case, and both update the case row
(its version), so which rows a login may update depends on *which columns* change. So a
trigger per table does it, generated from the same data as the grants:

- for each role with scoped permissions, what its grants would be without them (the
  *free* privileges: ``BASE`` and its other permissions' needs, ``access.ACCESS``) and
  what they are with them; the difference is what it may do on its own cases only;
- ``access.GRANTED_ROWS`` and ``access.ON_ROWS`` narrow a free grant to the rows it is
  for (the acknowledgement's message rights cover acknowledgements only; the review's
  rights on a case, the cases still "te beoordelen");
- ``access.CASE_OF`` says how a row of each table finds its case, so the trigger can
  ask whether that case is assigned to the login (``klachtdesk_medewerker()``).

A login that is a member of no scoped group and of no group with rights on some rows only
(``ON_ROWS``) passes at once, and so does a member of a group that may make every checked
change of the table on every row (``everywhere``); otherwise a change passes when one of its groups holds it
freely (on these rows), or — a member of a scoped group — when the case is its own. Else
the database raises ``insufficient_privilege`` with a Dutch message. A table that a scoped
permission touches but ``CASE_OF`` does not know fails the generation (and its test), so a
table added later cannot slip past the scope.

Nothing here runs on SQLite; there the services alone keep the scope
(``Context.require_on_case``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from klachtdesk.models import StaffRole, metadata
from klachtdesk.services.core.access import ACCESS, BASE, CASE_OF, GRANTED_ROWS, on_rows_for, privilege_columns
from klachtdesk.services.core.permissions import ASSIGNED_ONLY, TABLE, Permission

#: what a change is: (table, "INSERT" | "DELETE" | "UPDATE", column or None)
Change = tuple[str, str, str | None]
#: a condition on a row, ``{row}`` standing for NEW or OLD; "" is every row
Rows = str

_PREFIX = "klachtdesk_"
_TRIGGER = "klachtdesk_eigen_zaak"


def _changes(table: str, privilege: str) -> list[Change]:
    """The changes one privilege (as ``access`` writes it) allows; reading is no change."""
    kind, columns = privilege_columns(table, privilege)
    if kind not in ("INSERT", "UPDATE", "DELETE"):
        return []
    if kind != "UPDATE":
        return [(table, kind, None)]
    if columns is None:
        columns = [column.name for column in metadata.tables[table].columns]
    return [(table, kind, column) for column in columns]


def _granted(permissions: Iterable[Permission | None]) -> dict[Change, set[Rows]]:
    """change -> the row conditions under which these permissions (``None``: ``BASE``) allow it."""
    allowed: dict[Change, set[Rows]] = {}
    permissions = list(permissions)
    for permission in permissions:
        needs = BASE if permission is None else ACCESS[permission]
        for table, privileges in needs.items():
            if table not in metadata.tables:
                continue  # a view (the web form's): no trigger there
            rows = "" if permission is None else GRANTED_ROWS.get(permission, {}).get(table, "")
            for privilege in privileges:
                for change in _changes(table, privilege):
                    allowed.setdefault(change, set()).add(rows)
    for change, rows in _on_rows(permissions).items():
        allowed.setdefault(change, set()).add(rows)
    return allowed


def _on_rows(permissions: Iterable[Permission | None]) -> dict[Change, Rows]:
    """change -> the rows these permissions together allow it on (``access.ON_ROWS``)."""
    return {change: rows for table, (privileges, rows) in on_rows_for(permissions).items()
            for privilege in privileges for change in _changes(table, privilege)}


@dataclass
class TableScope:
    """What the trigger on one table checks."""

    table: str
    #: change -> group role -> the rows that group may change everywhere ("" = every row)
    free: dict[Change, dict[str, set[Rows]]] = field(default_factory=dict)
    #: the groups of no scope whose rights here are for some rows only (``ON_ROWS``): their
    #: members are checked too, without the fallback to their own cases
    limited: set[str] = field(default_factory=set)


def scopes(group_role: Callable[[StaffRole], str]) -> dict[str, TableScope]:
    """table -> what its trigger checks: the changes some group may make on its own cases
    only, and for each, which groups may make it everywhere (on which rows)."""
    scoped: set[Change] = set()
    limited: dict[str, set[str]] = {}  # table -> groups of no scope with rights on some rows only
    free_by_group: dict[str, dict[Change, set[Rows]]] = {}
    for role in StaffRole:
        narrowed = ASSIGNED_ONLY.get(role, frozenset())
        free = _granted([None, *(p for p in sorted(TABLE[role]) if p not in narrowed)])
        free_by_group[group_role(role)] = free
        if narrowed:
            full = _granted([None, *sorted(TABLE[role])])
            # a change the role makes with its scoped permissions, not freely on every row
            scoped |= {change for change, rows in full.items() if "" not in free.get(change, set())}
        else:
            only_some = {change for change in _on_rows(TABLE[role]) if "" not in free.get(change, set())}
            scoped |= only_some
            for change in only_some:
                limited.setdefault(change[0], set()).add(group_role(role))
    result: dict[str, TableScope] = {}
    for change in sorted(scoped, key=lambda c: (c[0], c[1], c[2] or "")):
        table = change[0]
        if table not in CASE_OF:
            raise ValueError(f"{table}: een rol mag hier alleen op eigen zaken wijzigen, maar access.CASE_OF "
                             "zegt niet bij welke zaak een rij hoort")
        scope = result.setdefault(table, TableScope(table, limited=limited.get(table, set())))
        scope.free[change] = {group: rows[change] for group, rows in free_by_group.items() if change in rows}
    return result


def _member(group: str) -> str:
    return f"pg_has_role(session_user, '{group}', 'MEMBER')"


def _free(groups: dict[str, set[Rows]], rows: tuple[str, ...]) -> str:
    """SQL: the login may make this change everywhere (on these rows: each of ``rows``
    meets one of the group's conditions)."""
    terms = []
    for group, conditions in sorted(groups.items()):
        if "" in conditions:
            terms.append(_member(group))
            continue
        per_row = [" OR ".join(f"({condition.format(row=row)})" for condition in sorted(conditions))
                   for row in rows]
        terms.append(f"({_member(group)} AND " + " AND ".join(f"({term})" for term in per_row) + ")")
    return " OR ".join(terms) if terms else "false"


def everywhere(scope: TableScope) -> list[str]:
    """The groups that may make every change the trigger on this table checks, on every row:
    a member of one passes at once (each check below would let it through anyway)."""
    groups: set[str] | None = None
    for by_group in scope.free.values():
        these = {group for group, rows in by_group.items() if "" in rows}
        groups = these if groups is None else groups & these
    return sorted(groups or ())


def _function(scope: TableScope, narrowed_groups: list[str]) -> str:
    own = CASE_OF[scope.table]
    body = ["DECLARE eigen_nodig boolean := false;", "BEGIN"]
    anyone_scoped = " OR ".join(_member(group) for group in narrowed_groups)
    anyone_checked = " OR ".join(_member(group) for group in [*narrowed_groups, *sorted(scope.limited)])
    # at once: a login of no checked group, or of a group that may do all of it everywhere (a
    # behandelaar who is also klachtenmanager; the owner, a member of every group): a large
    # change (a calendar's recomputation) then costs the trigger one test per row, not a
    # test per changed column
    passes = " OR ".join([f"NOT ({anyone_checked})", *(_member(group) for group in everywhere(scope))])
    body.append(f"  IF {passes} THEN RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END; END IF;")
    for kind, row, rows in (("INSERT", "NEW", ("NEW",)), ("DELETE", "OLD", ("OLD",))):
        groups = scope.free.get((scope.table, kind, None))
        if groups is not None:
            body.append(f"  IF TG_OP = '{kind}' AND NOT ({_free(groups, rows)}) THEN eigen_nodig := true; END IF;")
    updates = [(change[2], groups) for change, groups in scope.free.items() if change[1] == "UPDATE"]
    if updates:
        body.append("  IF TG_OP = 'UPDATE' THEN")
        for column, groups in updates:
            body.append(f"    IF NEW.{column} IS DISTINCT FROM OLD.{column} AND NOT "
                        f"({_free(groups, ('OLD', 'NEW'))}) THEN eigen_nodig := true; END IF;")
        body.append("  END IF;")
    checks = {"INSERT": [own.format(row="NEW")], "DELETE": [own.format(row="OLD")],
              "UPDATE": [own.format(row="OLD"), own.format(row="NEW")]}
    body.append(f"  IF eigen_nodig AND NOT (({anyone_scoped}) AND CASE TG_OP")
    for kind, conditions in checks.items():
        body.append(f"      WHEN '{kind}' THEN " + " AND ".join(f"({c})" for c in conditions))
    body.append("      ELSE false END) THEN")
    if scope.limited:
        body.append(f"    IF NOT ({anyone_scoped}) THEN RAISE EXCEPTION 'niet op deze zaak: % op {scope.table} mag "
                    "deze medewerker alleen op bepaalde zaken (een melding die te beoordelen is)', lower(TG_OP) "
                    "USING ERRCODE = '42501'; END IF;")
    body.append(f"    RAISE EXCEPTION 'alleen op de eigen zaken: % op {scope.table} mag deze medewerker alleen op "
                "zaken die aan hem of haar zijn toegewezen', lower(TG_OP) USING ERRCODE = '42501';")
    body.append("  END IF;")
    body.append("  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;")
    body.append("END")
    name = trigger_name(scope.table)
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
            f"SET search_path = public, pg_temp AS $$\n" + "\n".join(body) + "\n$$")


def trigger_name(table: str) -> str:
    """The name of the scope trigger (and of its function) on ``table``."""
    return f"{_TRIGGER}_{table}"


def passes_every_insert(group_role: Callable[[StaffRole], str]) -> dict[str, str]:
    """table -> SQL that is true when the trigger there lets *every* INSERT of
    ``session_user`` through, whatever the row: the login is a member of no group the
    trigger checks, or of a group that may insert there on every row. A bulk load (the demo
    data) may then set the trigger aside for its rows: it only guards, it writes nothing."""
    narrowed_groups = [group_role(role) for role, narrowed in ASSIGNED_ONLY.items() if narrowed]
    result = {}
    for table, scope in scopes(group_role).items():
        inserts = scope.free.get((table, "INSERT", None))
        if inserts is None:  # an INSERT is never checked there
            result[table] = "true"
            continue
        checked = [*narrowed_groups, *sorted(scope.limited)]
        anywhere = sorted(group for group, rows in inserts.items() if "" in rows)
        result[table] = " OR ".join([f"NOT ({' OR '.join(_member(g) for g in checked) or 'false'})",
                                     *(_member(group) for group in anywhere)])
    return result


def statements(existing: set[str], group_role: Callable[[StaffRole], str]) -> list[str]:
    """The trigger functions and triggers, (re)made; for the tables that exist."""
    narrowed_groups = [group_role(role) for role, narrowed in ASSIGNED_ONLY.items() if narrowed]
    result = []
    for table, scope in scopes(group_role).items():
        if table not in existing:
            continue
        name = trigger_name(table)
        result += [
            _function(scope, narrowed_groups),
            f"REVOKE ALL ON FUNCTION {name}() FROM PUBLIC",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    return result


__all__ = ["TableScope", "everywhere", "passes_every_insert", "scopes", "statements", "trigger_name"]
