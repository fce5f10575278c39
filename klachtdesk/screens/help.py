"""F1: every key of the screen you came from, plus the general help text."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen

HELP_TEXT = Path(__file__).resolve().parent.parent / "help.md"

KEY_NAMES = {
    "escape": "Esc", "enter": "Enter", "slash": "/", "question_mark": "?", "pageup": "PgUp",
    "pagedown": "PgDn", "home": "Home", "end": "End", "up": "↑", "down": "↓", "left": "←", "right": "→",
    "tab": "Tab", "shift+tab": "Shift+Tab", "delete": "Del", "space": "Spatie", "plus": "+", "minus": "-",
}


def key_label(key: str) -> str:
    return " / ".join(KEY_NAMES.get(k.strip(), k.strip().replace("ctrl+", "Ctrl+")) for k in key.split(","))


#: Textual's own bindings (scrolling, focus) in Dutch; others without an id are left out
GENERIC = {
    "Scroll Up": "omhoog", "Scroll Down": "omlaag", "Page Up": "pagina omhoog", "Page Down": "pagina omlaag",
    "Scroll Home": "naar het begin", "Scroll End": "naar het einde", "Focus Next": "volgend veld",
    "Focus Previous": "vorig veld", "Copy selected text": "geselecteerde tekst kopiëren",
}


def bindings_markdown(screen: Screen[object]) -> str:
    """A Markdown table of the bindings active on ``screen``: klachtdesk's own keys first
    (every one has an id), then Textual's generic keys in Dutch."""
    own: dict[str, list[str]] = {}
    generic: dict[str, list[str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        if binding.id:
            own.setdefault(binding.description, []).append(key_label(key))
        elif binding.description in GENERIC:
            generic.setdefault(GENERIC[binding.description], []).append(key_label(key))
    lines = ["| toets | wat het doet |", "|---|---|"]
    for table in (own, generic):
        lines += [f"| `{' / '.join(dict.fromkeys(keys))}` | {description} |" for description, keys in table.items()]
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
        # deferred for start-up time (markdown-it): the app imports this module for key_label
        from textual.widgets import Markdown

        title = getattr(self.origin, "HELP_TITLE", None) or self.origin.__class__.__name__
        general = HELP_TEXT.read_text(encoding="utf-8") if HELP_TEXT.exists() else ""
        with VerticalScroll():
            yield Markdown(f"# Toetsen: {title}\n\n{bindings_markdown(self.origin)}\n\n{general}")
