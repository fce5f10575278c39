"""SQLite: the write-ahead log copied into the database beside the work, not inside a commit.

SQLite copies its log into the database file (a *checkpoint*) in the commit that leaves
the log over 1,000 pages, and waits for the disk there. After a write of thousands of
rows (the recompute after a change of the calendar, a retention run, an import) that
was a sixth of the whole write. The desk's engine turns that off for its own
connections (``wal_autocheckpoint=0``, ``db``) and gives the work to a
:class:`Checkpointer`: once a commit leaves the log over the same size (the engine's
``journal_size_limit=0`` starts the log file again from nothing after each complete
checkpoint, so its size is what was written since), a thread of this
process runs the same passive checkpoint on a connection of its own — SQLite's own
advice for writers that may not wait (https://sqlite.org/wal.html#ckpt). Nothing else
changes: what was committed was already durable in the log, readers and writers are not
waited for, and other processes (the mail intake, ``klachtdesk zoek``) keep SQLite's
own checkpoints. The thread starts at the first large log, looks again every
``RECHECK_SECONDS`` while it lives, and ends with ``close`` (``Database.dispose``, or
the end of the process); SQLite itself copies the log and removes it when the last
connection closes, as before.
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import threading
from pathlib import Path

#: SQLite's own threshold for a checkpoint: 1,000 pages of the default 4 KiB
WAL_LIMIT_BYTES = 1_000 * 4_096
#: how often the thread looks at the log without being asked (a write outside ``Database.write``)
RECHECK_SECONDS = 10.0
#: how long a checkpoint waits for a lock SQLite says is busy before it leaves it for the next time
BUSY_TIMEOUT_S = 1.0


class Checkpointer:
    """The checkpoints of one SQLite file, in a thread of this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._wal = Path(f"{path}-wal")
        self._asked = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        #: checkpoints run (for the tests and the curious)
        self.runs = 0

    def log_is_large(self) -> bool:
        try:
            return os.stat(self._wal).st_size >= WAL_LIMIT_BYTES
        except OSError:
            return False

    def after_commit(self) -> None:
        """A write was committed: the thread checkpoints when the log has grown past the limit."""
        if not self.log_is_large():
            return
        with self._lock:
            if self._thread is None:
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._run, args=(self._stop,), daemon=True,
                                                name=f"checkpoint {self.path.name}")
                self._thread.start()
                # at the end of the process the thread's connection closes before the
                # engine's, so the last one to close still copies the log and removes it
                atexit.register(self.close)
        self._idle.clear()
        self._asked.set()

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until the log asked for is copied (or the thread has ended); False on timeout."""
        return self._thread is None or self._idle.wait(timeout)

    def close(self, timeout: float = 60.0) -> None:
        """Stop the thread (a checkpoint under way is finished first); a later large log starts
        a new one (the engine may be used again after ``dispose``)."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None:
            atexit.unregister(self.close)
        self._asked.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._idle.set()

    def _run(self, stop: threading.Event) -> None:
        try:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error:
            return  # the file is gone or unreadable: the engine's own connections will say so
        try:
            while not stop.is_set():
                self._asked.wait(RECHECK_SECONDS)
                self._asked.clear()
                if not stop.is_set() and self.log_is_large():
                    self._checkpoint(connection)
                if not self._asked.is_set():
                    self._idle.set()
        finally:
            connection.close()
            self._idle.set()

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.runs += 1
        except sqlite3.Error:
            pass  # busy or read-only now: the log stays valid and is copied the next time


__all__ = ["RECHECK_SECONDS", "WAL_LIMIT_BYTES", "Checkpointer"]
