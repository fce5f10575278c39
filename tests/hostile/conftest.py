"""Helpers of the hostile-input suite: the CLI run in-process, on the engine of the test."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import klachtdesk.cli as cli
from klachtdesk.services.core.context import Context

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def _in_a_throwaway_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths an attack names (``.``, ``agenda --ics .``) land in the test's own folder,
    never in the checkout."""
    monkeypatch.chdir(tmp_path)


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


# -- hypothesis: the profile and the strategies of hostile text ---------------------------

#: bounded example counts, so the whole folder stays well under a minute on two cores;
#: ``KLACHTDESK_HOSTILE_EXAMPLES=500`` for a long run by hand
settings.register_profile(
    "hostile",
    max_examples=int(os.environ.get("KLACHTDESK_HOSTILE_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)
HOSTILE = settings.get_profile("hostile")

#: what an attacker or a broken client types: NUL and other controls, escape sequences,
#: C1 CSI, bidirectional overrides, a lone surrogate (an argument that was not UTF-8),
#: Rich markup, quotes and wildcards, line separators, a byte-order mark
NASTY = ["\x00", "\x1b", "\x1b[2J", "\x1b]0;titel\x07", "\x07", "\x08", "\x9b", "\u202e", "\u2066",
         "\udcff", "\r", "\n", "\t", "[", "]", "[/]", "[bold]", "%", "_", "*", "'", '"', "\\", "é",
         "😀", "\u2028", "\ufeff", "KL-2026-", "@", "+31", "0", "-1", " "]


def hostile_text(max_size: int = 12) -> st.SearchStrategy[str]:
    """Short text built from ``NASTY`` and arbitrary characters, or one of the lengths
    around a limit (64/65, 200/201, 300/301, 20.000/20.001)."""
    pieces = st.one_of(st.sampled_from(NASTY), st.text(max_size=6))
    return st.one_of(
        st.lists(pieces, max_size=max_size).map("".join),
        st.sampled_from([64, 65, 100, 101, 200, 201, 254, 255, 300, 301, 20_000, 20_001]).map(lambda n: "x" * n),
    )


def hostile_number() -> st.SearchStrategy[str]:
    """A number as typed: small, negative, at and beyond 32 and 64 bits, or no number at all."""
    return st.one_of(
        st.integers(-3, 12).map(str),
        st.sampled_from(["2147483647", "2147483648", "99999999999", "9" * 40, "1e9", "0x10", "-0", "", "٣"]),
        hostile_text(4),
    )


def hostile_date() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["2026-03-02", "2026-11-23T10:00", "9999-12-31", "0001-01-01", "1999-12-31",
                         "2100-12-31T23:59-12:00", "2026-02-30", "2026-W53", "9999-W52", "2026-13-01"]),
        st.dates().map(str),
        hostile_text(4),
    )
