"""What keeps strangers' abuse out of the desk: the host and size guard, security
headers, CSRF tokens, the honeypot, and rate limits per address and per day.

- ``Guard`` (ASGI middleware, outermost but for the proxy headers): refuses a Host the
  form is not published under (400) and a body declared larger than the limit (413),
  and puts the security headers on every response (a strict Content-Security-Policy
  without inline script or style, no framing, no referrer — a status link must never
  leak through one —, no caching). A body streamed without a declared length meets
  Starlette's own limit (413).
- ``Csrf``: a token per visitor cookie, signed with the process's secret (HMAC) and
  bound to that cookie and to a time; the form sends it back in a hidden field. A
  token that is missing, forged, for another cookie or older than ``MAX_AGE`` fails.
- ``RateLimits``: the ``limits`` library's moving windows, in memory, per IP address
  (as the trusted reverse proxy reports it) and for all addresses together per day.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerDay, RateLimitItemPerHour
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from klachtdesk.services.config.webform import WebFormSettings

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cache-control", b"no-store"),
)

PROBLEM_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="/static/formulier.css"></head>
<body><main id="inhoud" class="page"><h1>{title}</h1><p>{text}</p>
<p><a href="/">Terug naar het formulier</a></p></main></body></html>"""


def problem_page(status: int, title: str, text: str) -> HTMLResponse:
    """A short Dutch page for a request refused before any form was read (no input to keep)."""
    return HTMLResponse(PROBLEM_PAGE.format(title=title, text=text), status_code=status)


class Guard:
    """The host check, a declared body size over the limit, and the security headers,
    for every HTTP request. (A body that streams in without a declared size is bounded
    by Starlette's own limit, ``Starlette(max_body_size=...)``, which answers with the
    app's 413 page.)"""

    def __init__(self, app: ASGIApp, *, hosts: Iterable[str], max_body: int, too_large: str) -> None:
        self.app = app
        self.hosts = {host.lower() for host in hosts}
        self.max_body = max_body
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "").rsplit(":", 1)[0].strip("[]").lower()
        if "*" not in self.hosts and host not in self.hosts:
            response = problem_page(400, "Onbekend adres", "Dit formulier is niet bereikbaar onder dit adres.")
            await response(scope, receive, self._secured(send))
            return
        length = Headers(scope=scope).get("content-length", "0")
        if not length.isdigit() or int(length) > self.max_body:
            response = problem_page(413, "Het formulier is te groot", self.too_large)
            response.headers["connection"] = "close"
            await response(scope, receive, self._secured(send))
            return
        await self.app(scope, receive, self._secured(send))

    @staticmethod
    def _secured(send: Send) -> Send:
        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return secured_send


# ---------------------------------------------------------------------------------------
# CSRF
# ---------------------------------------------------------------------------------------

FIELD = "csrf"
MAX_AGE = 4 * 60 * 60  # a form may stay open for four hours


@dataclass(frozen=True)
class Csrf:
    """Synchroniser tokens bound to a visitor cookie: ``token(cookie)`` for the form,
    ``valid(cookie, token)`` when it comes back."""

    secret: bytes
    secure: bool

    @property
    def cookie_name(self) -> str:
        # the __Host- prefix: only over https, for this host alone, path / (no subdomain can set it)
        return "__Host-klachtdesk" if self.secure else "klachtdesk"

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(24)

    def _mac(self, cookie: str, issued: int) -> str:
        return hmac.new(self.secret, f"{cookie}|{issued}".encode(), hashlib.sha256).hexdigest()

    def token(self, cookie: str, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        return f"{issued}.{self._mac(cookie, issued)}"

    def valid(self, cookie: str | None, token: str | None, now: float | None = None) -> bool:
        if not cookie or not token or "." not in token or len(token) > 100:
            return False
        issued_text, _, mac = token.partition(".")
        if not issued_text.isdigit():
            return False
        issued = int(issued_text)
        age = (now if now is not None else time.time()) - issued
        if not 0 <= age <= MAX_AGE:
            return False
        return hmac.compare_digest(mac, self._mac(cookie, issued))

    def cookie_header(self, cookie: str) -> dict[str, object]:
        """Arguments for ``Response.set_cookie``."""
        return {"key": self.cookie_name, "value": cookie, "httponly": True, "samesite": "strict",
                "secure": self.secure, "path": "/", "max_age": MAX_AGE}


# ---------------------------------------------------------------------------------------
# rate limits
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    per_address: RateLimitItem
    per_day: RateLimitItem


class RateLimits:
    """How often an address (and everyone together) may submit and look up. A submission
    counts once it is registered (typing mistakes cost nothing); a look-up always."""

    def __init__(self, settings: WebFormSettings) -> None:
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        limits = settings.limits
        self.submissions = Limit(RateLimitItemPerHour(limits.submissions_per_address_per_hour),
                                 RateLimitItemPerDay(limits.submissions_per_day))
        self.lookups = Limit(RateLimitItemPerHour(limits.lookups_per_address_per_hour),
                             RateLimitItemPerDay(limits.lookups_per_day))

    def allows(self, limit: Limit, name: str, address: str) -> bool:
        return (self.limiter.test(limit.per_address, name, address)
                and self.limiter.test(limit.per_day, name, "*"))

    def count(self, limit: Limit, name: str, address: str) -> bool:
        """Count one; False when that went over a limit (then nothing should happen)."""
        within_address = self.limiter.hit(limit.per_address, name, address)
        within_day = self.limiter.hit(limit.per_day, name, "*")
        return within_address and within_day


def client_address(request: Request) -> str:
    """The visitor's IP address: the proxy's X-Forwarded-For when the proxy is trusted
    (``ProxyHeadersMiddleware`` put it in the scope), else the connection's."""
    return request.client.host if request.client else "onbekend"


def honeypot_filled(value: str | None) -> bool:
    return bool((value or "").strip())
