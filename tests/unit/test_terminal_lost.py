"""A closed terminal ends the app (``app.terminal_alive``): without it, an app whose terminal
hung up without a SIGHUP reaching it (run under ``make run`` in a killed tmux window) kept
reading end-of-file and burnt a core."""

from __future__ import annotations

import os
import pty
import signal
import sys
import time

import pytest

from klachtdesk.app import terminal_alive

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on Linux")


def test_a_terminal_that_hung_up_is_no_longer_alive(tmp_path) -> None:
    report = tmp_path / "alive.txt"
    pid, master = pty.fork()  # the child's controlling terminal is the pty
    if pid == 0:  # pragma: no cover - the child
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under make: no SIGHUP ends it
        before = terminal_alive(sys.__stdin__)
        os.write(1, b"ready\n")
        deadline = time.monotonic() + 10
        while terminal_alive(sys.__stdin__) and time.monotonic() < deadline:
            time.sleep(0.05)
        report.write_text(f"{before} {terminal_alive(sys.__stdin__)}")
        os._exit(0)
    assert os.read(master, 100).startswith(b"ready")
    os.close(master)  # the terminal goes away
    os.waitpid(pid, 0)
    assert report.read_text() == "True False"


def test_no_terminal_is_not_alive() -> None:
    read, write = os.pipe()
    with os.fdopen(read) as stream:
        assert terminal_alive(stream) is False
    os.close(write)
