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


def loaded_after(setup: str, packages: tuple[str, ...]) -> list[str]:
    """The modules of ``packages`` a fresh interpreter has loaded after running ``setup``."""
    code = f"import sys\n{setup}\nprint(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {packages!r})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [name for name in result.stdout.strip().split(",") if name]


def test_the_web_form_imports_neither_textual_nor_rich() -> None:
    assert loaded_after("import klachtdesk.web.server", ("textual", "rich")) == []


def test_the_command_line_loads_the_web_server_only_for_formulier() -> None:
    setup = "import klachtdesk.cli\nklachtdesk.cli.build_parser()"
    assert loaded_after(setup, ("starlette", "uvicorn", "jinja2")) == []
