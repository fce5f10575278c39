"""The demo databases the benchmark measures on, built once and kept.

SQLite: one file per size in ``.bench-cache/`` (gitignored), named after the
schema it was built for — the alembic head revision plus a hash of
``klachtdesk/models/tables.py`` and ``klachtdesk/demo/`` — so a change
of the schema or of the generator builds it anew, and the older files of that
size are removed. Beside each file a ``.json`` records how long the build took.

PostgreSQL (``KLACHTDESK_BENCH_DATABASE_URL``): one database per size on that
server, ``<name>_bench_<size>``; the same key and the build time are kept in its
``setting`` table (key ``bench.cache``), and a database with another key is
dropped and built again.

Every database is built with the bench's fixed clock (Monday 23 November 2026,
10:00 in Amsterdam) and seed, as user ``bench`` with every role, through
``klachtdesk.demo.generate``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.ui import BENCH_USER
from klachtdesk.clock import FixedClock
from klachtdesk.db import MIGRATIONS, Database, open_database
from klachtdesk.models import Setting, StaffRole
from klachtdesk.services.identity import staff
from klachtdesk.services.bootstrap import open_context
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import format_count

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache"
SEED = 2026
USER = BENCH_USER  # the staff member every bench database is built and measured as
#: the ``setting`` key that marks a PostgreSQL bench database
SETTING_KEY = "bench.cache"

Say = Callable[[str], None]


def bench_clock() -> FixedClock:
    """The moment every bench database is built and measured at (a Monday, 10:00)."""
    return FixedClock()


def alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head() or "geen"


def cache_key() -> str:
    """``<alembic head>-<12 hex of sha256(tables.py, klachtdesk/demo/*.py)>``."""
    digest = hashlib.sha256()
    demo_files = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "klachtdesk" / "demo").glob("*.py"))
    for relative in ("klachtdesk/models/tables.py", *demo_files):
        digest.update(relative.encode() + b"\0" + (ROOT / relative).read_bytes() + b"\0")
    return f"{alembic_head()}-{digest.hexdigest()[:12]}"


@dataclass
class DemoDatabase:
    """A bench database of ``size`` demo cases."""

    size: int
    url: str
    engine: str  # "sqlite" | "postgresql"
    path: Path | None
    build_seconds: float
    built_at: str
    built_now: bool
    summary: dict[str, Any] = field(default_factory=dict)
    build_cpu_seconds: float | None = None  # CPU time of the build (this process), when recorded

    @property
    def label(self) -> str:
        return format_count(self.size)


def open_bench_context(url: str) -> Context:
    """What the app does at start (``open_context``), as the bench user, at the bench's moment."""
    return open_context(url, user=USER, clock=bench_clock())


def prepare(database: Database) -> Context:
    """A context on a new, migrated database with the bench user (every role) signed in."""
    context = Context(db=database, clock=bench_clock())
    with database.write() as session:
        staff.create_staff(session, context, USER, "Bench Mark", set(StaffRole))
    context.user = staff.sign_in(context, USER)
    return context


def generate(context: Context, size: int, seed: int = SEED) -> tuple[float, dict[str, Any]]:
    """``demo.generate`` timed: (seconds, its summary as a dict, with ``cpu_seconds`` added)."""
    from klachtdesk import demo

    started, cpu_started = time.perf_counter(), time.process_time()
    summary = demo.generate(context, size, seed)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    found = asdict(summary) if hasattr(summary, "__dataclass_fields__") else {}
    return seconds, {**found, "cpu_seconds": cpu}


# ---------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------


def sqlite_path(size: int, key: str) -> Path:
    return CACHE / f"demo-{size}-{key}.db"


def ensure_sqlite(size: int, *, rebuild: bool, say: Say) -> DemoDatabase:
    key = cache_key()
    path = sqlite_path(size, key)
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and not rebuild:
        info = json.loads(meta.read_text())
        summary = info.get("summary", {})
        return DemoDatabase(size, f"sqlite:///{path}", "sqlite", path, float(info["seconds"]), info["built_at"],
                            False, summary, summary.get("cpu_seconds"))
    CACHE.mkdir(exist_ok=True)
    for old in CACHE.glob(f"demo-{size}-*"):
        old.unlink()
    building = path.with_name(path.name + ".bouw")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    say(f"demodatabase van {format_count(size)} zaken bouwen (SQLite) …")
    database = open_database(building)
    try:
        context = prepare(database)
        seconds, summary = generate(context, size)
    finally:
        database.dispose()
    connection = sqlite3.connect(building)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    os.replace(building, path)
    for leftover in (Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    built_at = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    meta.write_text(json.dumps({"size": size, "seed": SEED, "key": key, "seconds": seconds, "built_at": built_at,
                                "summary": summary}, indent=2, default=str))
    say(f"  klaar in {seconds:.1f} s")
    return DemoDatabase(size, f"sqlite:///{path}", "sqlite", path, seconds, built_at, True, summary,
                        summary.get("cpu_seconds"))


def sqlite_copy(source: DemoDatabase, target: Path) -> str:
    """A private copy of a bench file (for measurements that write); its URL."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    assert source.path is not None
    origin = sqlite3.connect(f"file:{source.path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        copy.close()
        origin.close()
    return f"sqlite:///{target}"


# ---------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------


def postgres_base(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def postgres_url(base: str, name: str) -> str:
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def postgres_name(base: str, suffix: str) -> str:
    return f"{make_url(base).database or 'klachtdesk'}_bench_{suffix}"


def _admin(base: str) -> Any:
    return create_engine(make_url(base), isolation_level="AUTOCOMMIT")


def recreate_postgres(base: str, name: str, template: str | None = None) -> str:
    """(Re)create database ``name`` on the server of ``base`` (a copy of ``template``); its URL."""
    admin = _admin(base)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            suffix = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    finally:
        admin.dispose()
    return postgres_url(base, name)


def drop_postgres(base: str, name: str) -> None:
    admin = _admin(base)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _postgres_info(url: str) -> dict[str, Any] | None:
    try:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                value = connection.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": SETTING_KEY}).scalar()
        finally:
            engine.dispose()
    except Exception:  # no such database or table: not built
        return None
    return json.loads(value) if value else None


def ensure_postgres(base: str, size: int, *, rebuild: bool, say: Say) -> DemoDatabase:
    key = cache_key()
    name = postgres_name(base, str(size))
    url = postgres_url(base, name)
    info = None if rebuild else _postgres_info(url)
    if info is not None and info.get("key") == key:
        summary = info.get("summary", {})
        return DemoDatabase(size, url, "postgresql", None, float(info["seconds"]), info["built_at"], False,
                            summary, summary.get("cpu_seconds"))
    say(f"demodatabase van {format_count(size)} zaken bouwen (PostgreSQL, {name}) …")
    recreate_postgres(base, name)
    database = open_database(url)
    try:
        context = prepare(database)
        seconds, summary = generate(context, size)
        built_at = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
        value = json.dumps({"size": size, "seed": SEED, "key": key, "seconds": seconds, "built_at": built_at,
                            "summary": summary}, default=str)
        with database.write() as session:
            session.add(Setting(key=SETTING_KEY, value=value, updated_at=context.now()))
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        database.dispose()
    say(f"  klaar in {seconds:.1f} s")
    return DemoDatabase(size, url, "postgresql", None, seconds, built_at, True, summary, summary.get("cpu_seconds"))
