"""Helpers of the hostile-input suite: the CLI run in-process, on the engine of the test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import klachtdesk.cli as cli
from klachtdesk.services.core.context import Context

Run = Callable[..., tuple[int, str, str]]


def db_arg(context: Context) -> str:
    """``--db`` for the database of ``context`` (a SQLite path or the PostgreSQL URL)."""
    return str(context.db.path) if context.db.path is not None else context.db.url


def run_cli(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    """``klachtdesk ARGV...`` in-process: (exit code, stdout, stderr). argparse's own
    refusals exit with ``SystemExit``; that is a result too."""
    try:
        code = cli.main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def call(*argv: str) -> tuple[int, str, str]:
        return run_cli(capsys, list(argv))

    return call
