"""A letter on paper: a message to a klager without e-mail, rendered to print and post.

A PDF (A4, fpdf2) when the library is there, else a print-ready text; either way the
organisation's sender block, the klager's address block where a window envelope shows
it (left, 50 mm from the top), the date, the klachtnummer, the subject and the text.
Written private (0600, in a 0700 folder) under the outbox (``brieven/``) of the desk that
prints it, its name starting with the klachtnummer, so an erasure of the case finds it
(``privacy.traces.forget_files``); printing the same letter again replaces the file.

The PDF's text is stored uncompressed, so the erasure reads it as it reads an ``.eml``
(``privacy.traces``) and removes a letter that names a person being forgotten.

No database here: ``messages`` stores and records the letter (``letter_of``: the row to the
paper), ``posting.print_letter`` prints it from the database at the desk, ``posting`` marks it posted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from klachtdesk.paths import outbox_dir, private_dir, write_private

#: the folder of the outbox that holds the printed letters
LETTERS_FOLDER = "brieven"
#: characters the PDF's core fonts (Windows-1252) lack, and what stands in for them
_STAND_INS = {"\u2022": "-", "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u0141": "L",
              "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0131": "i"}


@dataclass(frozen=True)
class Letter:
    """What goes on the paper."""

    sender: tuple[str, ...]  # the organisation: name, postal address, e-mail
    recipient: tuple[str, ...]  # the klager's name and address block
    date: str  # "3 december 2026"
    number: str  # the klachtnummer
    subject: str
    body: str
    signature: str = ""


def letters_dir() -> Path:
    """The private folder of printed letters (made when missing)."""
    return private_dir(outbox_dir() / LETTERS_FOLDER, tighten=True)


def render_text(letter: Letter, width: int = 72) -> str:
    """The print-ready text: sender right, address block left, then the letter."""
    lines = [line.rjust(width) for line in letter.sender]
    lines += ["", "", *letter.recipient, "", ""]
    lines += [f"Datum:        {letter.date}", f"Klachtnummer: {letter.number}", f"Onderwerp:    {letter.subject}", ""]
    lines += letter.body.rstrip("\n").split("\n")
    return "\n".join(lines) + "\n"


def _printable(text: str) -> str:
    """``text`` in what the PDF's core fonts can show (Windows-1252): accents of Dutch and
    its neighbours stay; other letters lose their accent; what is left becomes ``?``."""
    out = []
    for char in text:
        char = _STAND_INS.get(char, char)
        try:
            char.encode("cp1252")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        try:
            plain.encode("cp1252")
            out.append(plain or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def render_pdf(letter: Letter) -> bytes | None:
    """The letter as an A4 PDF; None when fpdf2 is not installed (then the text will do)."""
    try:
        # imported here: half a second of start-up that only printing a letter needs
        from fpdf import FPDF
    except ImportError:
        return None
    pdf = FPDF(format="A4", unit="mm")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_compression(False)  # the erasure reads the letter's text (module docstring)
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_creator("klachtdesk")
    pdf.set_title(_printable(f"{letter.number} {letter.subject}"))
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.set_xy(120, 20)
    for line in letter.sender:
        pdf.set_x(120)
        pdf.cell(70, 4.5, _printable(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(25, 50)  # the window of a DL/C5 envelope
    for line in letter.recipient:
        pdf.set_x(25)
        pdf.cell(85, 5.5, _printable(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y() + 15, 95))
    pdf.set_font("Helvetica", size=10)
    for label, value in (("Datum", letter.date), ("Klachtnummer", letter.number)):
        pdf.cell(30, 5, label)
        pdf.cell(0, 5, _printable(value), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(30, 5, "Onderwerp")
    pdf.multi_cell(0, 5, _printable(letter.subject), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5.5, _printable(letter.body.rstrip("\n")), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def write_letter(letter: Letter, stem: str) -> Path:
    """Write the letter (``<stem>.pdf``, or ``<stem>.txt`` without fpdf2) privately; its path.
    An earlier print of the same letter (the same ``stem``) is replaced at once (a reader
    sees the old file or the new one, never half of one), and its other form removed: no
    stale copy stays behind."""
    folder = letters_dir()
    pdf = render_pdf(letter)
    path = write_private(folder / f"{stem}.pdf", pdf) if pdf is not None else write_private(
        folder / f"{stem}.txt", render_text(letter))
    for suffix in (".pdf", ".txt"):
        if suffix != path.suffix:
            (folder / f"{stem}{suffix}").unlink(missing_ok=True)
    return path


__all__ = ["LETTERS_FOLDER", "Letter", "letters_dir", "render_pdf", "render_text", "write_letter"]
