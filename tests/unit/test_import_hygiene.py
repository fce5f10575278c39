"""The layers below the screens never import Textual (as Harlequin checks it)."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "klachtdesk.db",
    "klachtdesk.models",
    "klachtdesk.services.cases.complaints",
    "klachtdesk.services.core.context",
    "klachtdesk.services.time.calendar",
    "klachtdesk.services.deadlines.rules",
    "klachtdesk.services.procedure.workflow",
]


def test_core_does_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
