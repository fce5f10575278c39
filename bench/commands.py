"""Commands as a user types them: a new process each time, interpreter and imports included.

``klachtdesk termijn`` needs no database: its reference is a bare interpreter that
imports the two libraries a deadline needs (holidays, numpy). ``klachtdesk zoek KL-…``
reads a database besides: its reference imports sqlalchemy.orm too (issue 19's budget; the
command itself reads the case and writes its access line with the driver alone,
``services.startup.find_case``, and loads the ORM only when it takes the usual way). Both are timed
alternately with their reference, after one warm-up round (page cache), so a busy
moment of the machine hits both.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.cache import USER, DemoDatabase
from bench.memory import child_env
from bench.report import Budget, Row
from bench.stats import Stat

ROOT = Path(__file__).resolve().parent.parent
TERMIJN = ("termijn", "2026-12-24T10:00", "3")


def _seconds(command: list[str]) -> float:
    env = child_env(KLACHTDESK_GEBRUIKER=USER)  # compiled bytecode, as installed (bench.memory)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"exit {done.returncode}")
    return seconds


def _pair(ours: list[str], reference: list[str], runs: int) -> tuple[Stat, Stat]:
    mine, theirs = [], []
    for attempt in range(runs + 1):  # the first round warms the page cache up
        a, b = _seconds(ours), _seconds(reference)
        if attempt:
            mine.append(a * 1000)
            theirs.append(b * 1000)
    return Stat(tuple(mine), "ms"), Stat(tuple(theirs), "ms")


def first_number(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT number FROM complaint ORDER BY seq LIMIT 1")).scalar_one())
    finally:
        engine.dispose()


def measure_commands(database: DemoDatabase, runs: int) -> list[Row]:
    """``termijn`` and ``zoek`` (on ``database``, a scratch copy: reading a case writes a history line)."""
    python = sys.executable
    ours, reference = _pair([python, "-m", "klachtdesk", *TERMIJN],
                            [python, "-c", "import holidays, numpy"], runs)
    rows = [Row(f"klachtdesk {' '.join(TERMIJN)}", "", ours=ours, reference=reference,
                reference_label="python -c 'import holidays, numpy'", budget=Budget.times_reference(1.5),
                note="geen database nodig; nieuw proces")]
    number = first_number(database.url)
    ours, reference = _pair([python, "-m", "klachtdesk", "--db", database.url, "zoek", number],
                            [python, "-c", "import sqlalchemy.orm, holidays, numpy"], runs)
    rows.append(Row(f"klachtdesk zoek {number}", database.label, ours=ours, reference=reference,
                    reference_label="python -c 'import sqlalchemy.orm, holidays, numpy'",
                    budget=Budget.times_reference(1.3), note="nieuw proces; één zaak opzoeken en tonen"))
    return rows
