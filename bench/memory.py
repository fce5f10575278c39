"""Peak memory (and a cold start) of the app in a process of its own.

``python -m bench.memory app URL`` opens the app headless on the database at URL,
waits for the first inbox page on screen and prints one JSON line:
``{"rss_mb": ..., "shown_at": <time.time()>}`` — ``ru_maxrss`` of the process, and
the wall-clock moment the page was painted (the parent subtracts the moment it
started the process: a cold start, interpreter and imports included).
``python -m bench.memory bare`` does the same for the bare reference app.

Every timed new process (here and in ``bench.commands``) runs on compiled bytecode, as
an installed klachtdesk does and as the libraries of the references do: ``child_env``
compiles ``klachtdesk`` and ``bench`` once and takes ``PYTHONDONTWRITEBYTECODE`` away
(with it set, and no ``__pycache__`` yet, every start compiled its modules from
source: about 100 modules, 0.1 s, of a cold start that no user pays twice). The app and its reference
are started in turn, after a warm-up round, so a busy moment of the machine hits both.
"""

from __future__ import annotations

import compileall
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.stats import Stat

ROOT = Path(__file__).resolve().parent.parent


def _child(mode: str, url: str | None) -> None:
    first_page, clock = None, None
    if mode == "app":  # as klachtdesk starts (cli.app): the first page on its way before Textual is loaded
        assert url is not None
        from bench import BENCH_USER
        from klachtdesk.clock import FixedClock
        from klachtdesk.services import startup

        clock = FixedClock()  # the bench's moment (bench.cache.bench_clock)
        first_page = startup.read_beside(url, user=BENCH_USER, clock=clock)
    from bench import ui

    offset = time.time() - time.perf_counter()
    if mode == "app":
        assert url is not None
        ui.run(ui.launch_klachtdesk(url, first_page=first_page, clock=clock))
    else:
        ui.run(ui.launch_bare())
    shown = offset + ui.LAST_SHOWN  # the paint of the first page, as wall-clock time
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    hwm_kb = _vm_hwm_kb()
    print(json.dumps({"rss_mb": (hwm_kb if hwm_kb is not None else maxrss_kb) / 1024, "ru_maxrss_mb": maxrss_kb / 1024,
                      "shown_at": shown}), flush=True)


def _vm_hwm_kb() -> int | None:
    """The peak RSS of this process's own memory (``VmHWM``).

    On Linux ``ru_maxrss`` survives ``exec``: a process started by a parent that
    had grown to 1 GB reports 1 GB, whatever it used itself (the kernel keeps the
    larger of the old and the new address space's peak). ``VmHWM`` is the same
    high-water mark for the address space made at ``exec`` only.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


_COMPILED: list[bool] = []


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a timed new process: bytecode compiled once, and written as used."""
    if not _COMPILED:
        for package in ("klachtdesk", "bench"):
            compileall.compile_dir(ROOT / package, quiet=1)
        _COMPILED.append(True)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


def run_once(mode: str, url: str | None = None) -> tuple[float, float]:
    """(peak RSS in MB, seconds from process start to the first page painted)."""
    command = [sys.executable, "-m", "bench.memory", mode] + ([url] if url else [])
    env = child_env()
    started = time.time()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1] if (done.stderr or done.stdout)
                           else f"exit {done.returncode}")
    line = [text for text in done.stdout.splitlines() if text.startswith("{")][-1]
    data = json.loads(line)
    return float(data["rss_mb"]), float(data["shown_at"]) - started


def measure(url: str, runs: int) -> tuple[tuple[Stat, Stat], tuple[Stat, Stat]]:
    """((peak RSS, cold start) of the app on ``url``, the same of the bare app), in turn."""
    figures: dict[str, tuple[list[float], list[float]]] = {"app": ([], []), "bare": ([], [])}
    for attempt in range(runs + 1):  # the first round warms the page cache up
        for mode in ("app", "bare"):
            peak, seconds = run_once(mode, url if mode == "app" else None)
            if attempt:
                figures[mode][0].append(peak)
                figures[mode][1].append(seconds * 1000)
    app, bare = figures["app"], figures["bare"]
    return ((Stat(tuple(app[0]), "MB"), Stat(tuple(app[1]), "ms")),
            (Stat(tuple(bare[0]), "MB"), Stat(tuple(bare[1]), "ms")))


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
