"""The mail corpus of tests/mail_corpus: the files, their expected results, and the
20 MB mail that is generated rather than committed."""

from __future__ import annotations

import base64
import functools
import tomllib
from datetime import datetime
from pathlib import Path

from klachtdesk.services.mail.intake import arrival_moment

CORPUS = Path(__file__).parent
EXPECTED: dict[str, dict] = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
BIG_NAME = "25_big_attachment.eml"
BIG_SIZE = 20 * 1024 * 1024


@functools.lru_cache(maxsize=1)
def big_mail() -> bytes:
    """A complaint with a 20 MB attachment (a scanned letter), arriving last; built once."""
    head = (
        "Return-Path: <lotte.peters@gmail.com>\r\n"
        "Received: from mail-ed1-f41.google.com by mx1.ksyos.nl (Postfix); Thu, 19 Nov 2026 16:00:00 +0100\r\n"
        "From: Lotte Peters <lotte.peters@gmail.com>\r\nTo: klacht@ksyos.nl\r\n"
        "Subject: Klacht met de scan van de brief\r\nDate: Thu, 19 Nov 2026 15:59:40 +0100\r\n"
        "Message-ID: <CAbig20mb000111222333@mail.gmail.com>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="big"\r\n\r\n'
        '--big\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n'
        "Goedemiddag,\r\n\r\nIn de bijlage de scan van de brief over de thuiszorg.\r\nTelefoon: 06 55443322\r\n"
        "\r\nLotte Peters\r\n--big\r\nContent-Type: application/pdf\r\n"
        "Content-Disposition: attachment; filename*=utf-8''scan%20brief%20caf%C3%A9.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode("ascii")
    payload = base64.encodebytes(bytes(range(256)) * (BIG_SIZE // 256)).replace(b"\n", b"\r\n")
    return head + payload + b"--big--\r\n"


def files() -> list[Path]:
    return sorted(CORPUS.glob("*.eml"))


def in_arrival_order(items: list[tuple[str, bytes]], now: datetime) -> list[tuple[str, bytes]]:
    return sorted(items, key=lambda item: (arrival_moment(item[1], None, now), item[0]))


def corpus_items(*, big: bool = False) -> list[tuple[str, bytes]]:
    items = [(path.name, path.read_bytes()) for path in files()]
    if big:
        items.append((BIG_NAME, big_mail()))
    return items
