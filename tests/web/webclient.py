"""A small client for the web form's HTTP tests: fills in forms the way a browser
does (hidden CSRF token, cookie, form id) and reads pages and mails back as text."""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from klachtdesk.paths import outbox_dir
from klachtdesk.services.config.webform import WebFormSettings
from klachtdesk.web.app import create_app
from klachtdesk.web.background import Background

SECRET = b"test-secret-of-the-web-form-0123456789"


class _Page(HTMLParser):
    """Hidden inputs, ids and the visible text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.ids: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "input" and values.get("type") == "hidden":
            self.hidden[values.get("name", "")] = values.get("value", "")
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def page(html: str) -> _Page:
    parser = _Page()
    parser.feed(html)
    return parser


def text(html: str) -> str:
    """The page's visible text, whitespace collapsed."""
    return " ".join(" ".join(page(html).text).split())


@dataclass
class Mail:
    to: str
    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def mails() -> list[Mail]:
    """Every mail in the outbox (.eml files), oldest first."""
    found = []
    for path in sorted(outbox_dir().glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(Path(path).read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        found.append(Mail(str(message["To"]), str(message["Subject"]), body.get_content() if body else "",
                          {k: str(v) for k, v in message.items()}))
    return found


def link_token(mail: Mail) -> str:
    match = re.search(r"/status/([A-Za-z0-9_-]{43})\b", mail.body)
    assert match, mail.body
    return match.group(1)


def form_settings(**overrides: Any) -> WebFormSettings:
    values: dict[str, Any] = dict(secure_cookies=False, hosts=("testserver",), proxies=("testclient",))
    values.update(overrides)
    return WebFormSettings(**values)


class HeldBackground(Background):
    """Background work kept until ``release``: shows what a page did before it answered."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[tuple[Any, tuple[Any, ...]]] = []

    def submit(self, job: Any, *args: Any) -> None:
        self.held.append((job, args))

    def release(self) -> None:
        held, self.held = self.held, []
        for job, args in held:
            job(*args)


class FormClient:
    """The web form on a context, as a browser sees it."""

    def __init__(self, context: Any, settings: WebFormSettings | None = None,
                 background: Background | None = None) -> None:
        self.background = background or Background()
        self.settings = settings or form_settings()
        self.app = create_app(context, self.settings, secret=SECRET, background=self.background)
        self.http = TestClient(self.app, base_url="http://testserver")

    def close(self) -> None:
        self.background.join()
        self.http.close()
        self.background.shutdown()

    def hidden(self, path: str) -> dict[str, str]:
        response = self.http.get(path)
        assert response.status_code == 200, response.text
        return page(response.text).hidden

    def submit(self, kind: str, fields: dict[str, Any], *, files: list[tuple[str, bytes]] | None = None,
               headers: dict[str, str] | None = None, hidden: dict[str, str] | None = None) -> Any:
        data = dict(hidden if hidden is not None else self.hidden(f"/?soort={kind}"))
        data.update({k: v for k, v in fields.items()})
        upload = [("bijlagen", (name, content, "application/octet-stream")) for name, content in files or []]
        # multipart like a browser, with or without files
        return self.http.post("/", data=data, files=upload or [("bijlagen", ("", b"", "application/octet-stream"))],
                              headers=headers or {})

    def ask_link(self, number: str, address: str, *, headers: dict[str, str] | None = None) -> Any:
        data = self.hidden("/status")
        data.update({"klachtnummer": number, "email": address})
        response = self.http.post("/status", data=data, headers=headers or {})
        self.background.join()
        return response

    def open_link(self, token: str) -> Any:
        first = self.http.get(f"/status/{token}")
        if first.status_code != 200:
            return first
        return self.http.post(f"/status/{token}", data=page(first.text).hidden)
