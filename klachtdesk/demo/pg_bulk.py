"""What a bulk load on PostgreSQL sets aside while its rows go in, and restores after.

Row by row, every row of the demo data would pay for the secondary indexes (two GIN
indexes over the search text among them), a foreign-key check per reference and the
scope trigger (``database_scope``), each once per row. A bulk load (``COPY`` of many rows,
in the load's one transaction) instead:

- drops the indexes that are neither a primary key nor unique, and creates them again at
  the end from the definitions the database holds (a sorted build);
- drops the foreign keys of the loaded tables and adds them again at the end, from their
  own definitions: adding one checks every row at once, so the rows are proven consistent
  exactly as the per-row checks would have;
- disables the scope trigger of a table only where it would let every INSERT of this
  login through whatever the row (``database_scope.passes_every_insert``): it guards and
  writes nothing, so skipping it changes nothing; otherwise the rows pass through it;

all of it inside the load's transaction, so a failed load rolls the schema back too. The
loaded tables are locked (``LOCK TABLE``) before; dropping and creating needs the owner of
the tables, as the bulk load always did (and ``COPY`` into a table with row-level security).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import Session

from klachtdesk.services.core import database_scope
from klachtdesk.services.core.database_roles import group_role

#: memory for the index builds at the end (this transaction only): a GIN index built in one
#: pass instead of several merges
BUILD_MEMORY = "256MB"


@dataclass
class SetAside:
    """The indexes, foreign keys and triggers a bulk load took away, to put back."""

    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE INDEX ...)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # (table, name, definition)
    triggers: list[tuple[str, str]] = field(default_factory=list)  # (table, trigger)

    @classmethod
    def take(cls, session: Session, tables: Sequence[str]) -> SetAside:
        names = list(tables)
        aside = cls()
        aside.indexes = [(str(name), str(sql)) for name, sql in session.execute(text(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(:tables) "
            "AND NOT i.indisprimary AND NOT i.indisunique AND NOT i.indisexclusion "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname"), {"tables": names}).all()]
        aside.foreign_keys = [(str(table), str(name), str(sql)) for table, name, sql in session.execute(text(
            "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f' "
            "AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(:tables) "
            "ORDER BY t.relname, c.conname"), {"tables": names}).all()]
        aside.triggers = skippable_triggers(session, names)
        for name, _sql in aside.indexes:
            session.execute(text(f'DROP INDEX "{name}"'))
        for table, name, _sql in aside.foreign_keys:
            session.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
        for table, trigger in aside.triggers:
            session.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"'))
        return aside

    def restore(self, session: Session) -> None:
        """Put everything back: the indexes first (the foreign keys' checks may use them)."""
        session.execute(text(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
        for _name, sql in self.indexes:
            session.execute(text(sql))
        for table, name, sql in self.foreign_keys:
            session.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {sql}'))
        for table, trigger in self.triggers:
            session.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"'))


def skippable_triggers(session: Session, tables: Sequence[str]) -> list[tuple[str, str]]:
    """(table, trigger): the enabled scope triggers of ``tables`` that would let every
    INSERT of this login through, whatever the row."""
    passes = database_scope.passes_every_insert(group_role)
    enabled = {(str(table), str(name)) for table, name in session.execute(text(
        "SELECT t.relname, g.tgname FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid "
        "WHERE NOT g.tgisinternal AND g.tgenabled = 'O' "
        "AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(:tables)"),
        {"tables": list(tables)}).all()}
    return [(table, database_scope.trigger_name(table)) for table in tables
            if (table, database_scope.trigger_name(table)) in enabled and table in passes
            and session.execute(text(f"SELECT {passes[table]}")).scalar_one()]


__all__ = ["SetAside", "skippable_triggers"]
