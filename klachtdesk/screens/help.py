"""F1: every key of the screen you came from, plus the general help text."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

HELP_TEXT = Path(__file__).resolve().parent.parent / "help.md"

KEY_NAMES = {
    "escape": "Esc", "enter": "Enter", "slash": "/", "question_mark": "?", "pageup": "PgUp",
    "pagedown": "PgDn", "home": "Home", "end": "End", "up": "↑", "down": "↓", "left": "←", "right": "→",
    "tab": "Tab", "shift+tab": "Shift+Tab", "delete": "Del", "space": "Spatie", "plus": "+", "minus": "-",
}


def key_label(key: str) -> str:
    return " / ".join(KEY_NAMES.get(k.strip(), k.strip().replace("ctrl+", "Ctrl+")) for k in key.split(","))


def bindings_markdown(screen: Screen[object]) -> str:
    """A Markdown table of the bindings active on ``screen`` (its widgets, itself, the app)."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.description and binding.description not in seen:
            seen.add(binding.description)
            rows.append((key_label(key), binding.description))
    lines = ["| toets | wat het doet |", "|---|---|"]
    lines += [f"| `{key}` | {description} |" for key, description in rows]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; height: 90%; border: thick $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Sluiten", id="help.close")]

    def __init__(self, origin: Screen[object]) -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        title = getattr(self.origin, "HELP_TITLE", None) or self.origin.__class__.__name__
        general = HELP_TEXT.read_text(encoding="utf-8") if HELP_TEXT.exists() else ""
        with VerticalScroll():
            yield Markdown(f"# Toetsen: {title}\n\n{bindings_markdown(self.origin)}\n\n{general}")
