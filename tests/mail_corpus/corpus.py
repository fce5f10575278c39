"""The mail corpus of tests/mail_corpus: the files, their expected results, and the
20 MB mail that is generated rather than committed."""

from __future__ import annotations

import tomllib
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from klachtdesk.services.mail.intake import arrival_moment

CORPUS = Path(__file__).parent
EXPECTED: dict[str, dict] = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
BIG_NAME = "25_big_attachment.eml"
BIG_SIZE = 20 * 1024 * 1024


def big_mail() -> bytes:
    """A complaint with a 20 MB attachment (a scanned letter), arriving last."""
    message = EmailMessage()
    message["Return-Path"] = "<lotte.peters@gmail.com>"
    message["Received"] = "from mail-ed1-f41.google.com by mx1.ksyos.nl (Postfix); Thu, 19 Nov 2026 16:00:00 +0100"
    message["From"] = "Lotte Peters <lotte.peters@gmail.com>"
    message["To"] = "klacht@ksyos.nl"
    message["Subject"] = "Klacht met de scan van de brief"
    message["Date"] = "Thu, 19 Nov 2026 15:59:40 +0100"
    message["Message-ID"] = "<CAbig20mb000111222333@mail.gmail.com>"
    message.set_content("Goedemiddag,\n\nIn de bijlage de scan van de brief over de thuiszorg.\n"
                        "Telefoon: 06 55443322\n\nLotte Peters\n")
    message.add_attachment(bytes(range(256)) * (BIG_SIZE // 256), maintype="application", subtype="pdf",
                           filename="scan brief café.pdf")
    return message.as_bytes()


def files() -> list[Path]:
    return sorted(CORPUS.glob("*.eml"))


def in_arrival_order(items: list[tuple[str, bytes]], now: datetime) -> list[tuple[str, bytes]]:
    return sorted(items, key=lambda item: (arrival_moment(item[1], None, now), item[0]))


def corpus_items(*, big: bool = False) -> list[tuple[str, bytes]]:
    items = [(path.name, path.read_bytes()) for path in files()]
    if big:
        items.append((BIG_NAME, big_mail()))
    return items
