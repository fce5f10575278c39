"""Printing for the command line: the one way anything reaches a terminal.

Everything the subcommands print goes through here: tables and styled lines through
``console`` (Rich), plain lines through ``say``, JSON through ``json_text``. All three
pass ``terminal_safe``, which neutralises what a terminal would act on — escape
sequences (clear the screen, retitle the window, rewrite the clipboard), other control
characters, the bidirectional overrides that reorder what is shown — and text that is no
valid Unicode (a file name that was not UTF-8). A staff name or a request subject is data
here, never a command to the terminal. Rich markup is off unless a call asks for it with
``markup=True``, and then every value in it is ``escape``d.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from functools import cache
from typing import Any


from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Rich and the services load when first used: ``cli`` itself stays light
    from rich.console import Console

    from klachtdesk.services.cases.complaints import CaseDetail

#: width of tables when the output goes to a file or a pipe rather than a terminal
PIPE_WIDTH = 200

#: what a terminal acts on or shows misleadingly: C0 controls but tab and line feed, DEL,
#: C1 controls (0x9b is a one-byte CSI), the bidirectional overrides and isolates, and lone
#: surrogates (bytes that were not UTF-8)
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture: ␛ for ESC, ␍ for CR
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def terminal_safe(text: str) -> str:
    """``text`` with every control character, bidirectional override and invalid
    character replaced by a visible sign; tabs and line breaks stay."""
    return _UNSAFE.sub(_visible, text)


def json_text(data: Any) -> str:
    """``data`` as indented JSON that is safe on a terminal and still the same JSON:
    what ``terminal_safe`` would replace is written as a ``\\uXXXX`` escape instead."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def say(text: str = "", *, err: bool = False, end: str = "\n", flush: bool = False) -> None:
    """One plain line (or more) on stdout, or stderr with ``err``; never wrapped, never markup."""
    print(terminal_safe(text), end=end, file=sys.stderr if err else sys.stdout, flush=flush)


def write_bytes(data: bytes) -> None:
    """Raw bytes on stdout (a kept mail, for a pipe); on a terminal, as safe text."""
    if sys.stdout.isatty() or not hasattr(sys.stdout, "buffer"):
        say(data.decode("utf-8", errors="replace"), end="")
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@cache
def _sanitise_hook() -> Any:
    """The Rich render hook that passes every text segment through ``terminal_safe`` (Rich's
    own control segments, such as colours, stay). Built on first use: Rich loads then."""
    from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
    from rich.segment import Segment

    class Safe:
        def __init__(self, renderable: RenderableType) -> None:
            self.renderable = renderable

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            for segment in console.render(self.renderable, options):
                if segment.control or not _UNSAFE.search(segment.text):
                    yield segment
                else:
                    yield Segment(terminal_safe(segment.text), segment.style)

    class Sanitise(RenderHook):
        def process_renderables(self, renderables: list[Any]) -> list[Any]:
            return [Safe(renderable) for renderable in renderables]

    return Sanitise()


def escape(text: str) -> str:
    """Rich's ``escape``: ``text`` shown as written inside markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def make_console(*, stderr: bool = False) -> Console:
    """A Rich console for stdout (or stderr) as it is now. Plain messages never wrap (a
    path must stay copyable); tables fit the terminal, or are ``PIPE_WIDTH`` wide when the
    output goes to a file or another program. Markup is off unless a call asks for it;
    every segment passes ``terminal_safe``. Keep it for something that lives (a progress bar)."""
    from rich.console import Console

    width = None if Console(stderr=stderr).is_terminal else PIPE_WIDTH
    made = Console(highlight=False, soft_wrap=True, width=width, markup=False, stderr=stderr)
    made.push_render_hook(_sanitise_hook())
    return made


class _LiveConsole:
    """``make_console()`` made anew for each use, so its width follows the terminal of the
    moment rather than of the moment of import."""

    def __getattr__(self, name: str) -> Any:
        return getattr(make_console(), name)


console: Console = _LiveConsole()  # type: ignore[assignment]


def safe_lines(lines: Iterable[str]) -> list[str]:
    return [terminal_safe(line) for line in lines]


def case_summary_lines(case: CaseDetail) -> list[tuple[str, str]]:
    """Label/value pairs of a case's summary, as ``zoek`` prints them."""
    from klachtdesk.services.time.dutch import format_date, format_datetime, remaining_words

    received = format_datetime(case.received_at)
    if case.receipt_shifted:
        received += f" (telt als {format_date(case.effective_receipt_day)})"
    klager = case.complainant.name if case.complainant else "—"
    open_deadlines = [d for d in case.deadlines if d.met_at is None]
    if open_deadlines:
        first = open_deadlines[0]
        left = remaining_words(first.werkdagen_left) if first.werkdagen_left is not None else ""
        deadline = f"{first.label}: {format_date(first.due)} ({left})"
    else:
        deadline = "geen open termijnen"
    rows = [
        ("Klachtnummer", case.number),
        ("Ontvangen", received),
        ("Soort", case.kind.value + (f" → {case.queue}" if case.queue else "")),
        ("Kanaal", case.channel.value),
        ("Status", case.status.value),
        ("Klager", klager),
        ("Behandelaar", case.handler or "nog niet toegewezen"),
        ("Eerstvolgende termijn", deadline),
    ]
    if case.service_type:
        rows.insert(4, ("Type dienstverlening", case.service_type))
    return rows


def case_detail_lines(case: CaseDetail) -> list[tuple[str, str]]:
    """The registered content of a case (what the user may see), after the summary."""
    from klachtdesk.services.procedure.vocabulary import PartyRole
    from klachtdesk.services.time.dutch import format_date

    rows: list[tuple[str, str]] = []
    for party in case.parties:
        contact = " · ".join(part for part in (party.phone, party.email) if part)
        if party.role is PartyRole.COMPLAINANT:  # named in the summary already
            rows.append(("Contact klager", contact or "—"))
            continue
        note = f" ({party.note})" if party.note else ""
        rows.append((party.role.value.capitalize(), f"{party.name}{note}" + (f" — {contact}" if contact else "")))
    if case.category:
        rows.append(("Aard van de klacht", case.category))
    if case.incident_date:
        rows.append(("Datum voorval", format_date(case.incident_date)))
    if case.description:
        rows.append(("Omschrijving", case.description))
    if case.discussed_first is not None:
        rows.append(("Eerst besproken", "ja" if case.discussed_first else "nee"))
    if case.remedy_sought:
        rows.append(("Gewenste oplossing", case.remedy_sought))
    if case.invoice_number:
        rows.append(("Factuurnummer", case.invoice_number))
    return rows


def print_case_summary(case: CaseDetail) -> None:
    """The summary of a case, then what was registered (parties, dates, texts)."""
    rows = case_summary_lines(case) + case_detail_lines(case)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        console.print(f"[bold]{escape(label):<{width}}[/]  {escape(value)}", markup=True)
