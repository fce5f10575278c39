"""Serving the web form with uvicorn: one process, behind the organisation's TLS proxy.

One process on purpose: the rate limits and the CSRF secret live in its memory (set
``KLACHTDESK_FORMULIER_GEHEIM`` to share the secret anyway). The socket is bound here
first, so a port in use is one Dutch sentence instead of a traceback. The access log
never shows a status link's token.
"""

from __future__ import annotations

import logging
import re
import socket
import sys
from typing import Any
from urllib.parse import urlsplit

import uvicorn

from klachtdesk.errors import KlachtdeskError
from klachtdesk.services.core.context import Context
from klachtdesk.services.config.webform import WebFormSettings
from klachtdesk.web import DEFAULT_HOST, DEFAULT_PORT
from klachtdesk.web.app import create_app
#: more connections at once than this get 503 (a flood never takes the desk's database down with it)
MAX_CONNECTIONS = 100
_TOKEN_IN_PATH = re.compile(r"(/status/)[^/?\s\"]+")


class RedactTokens(logging.Filter):
    """Replace a status link's token in an access-log line by ``…``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_PATH.sub(r"\1…", arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_PATH.sub(r"\1…", record.msg)
        return True


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or a Dutch ``KlachtdeskError`` saying why not."""
    if not 0 < port < 65536:
        raise KlachtdeskError(f"Poort {port} bestaat niet; kies een poort van 1 tot en met 65535.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise KlachtdeskError(f"'{host}' is geen adres van deze computer.") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except PermissionError:
        sock.close()
        raise KlachtdeskError(f"Poort {port} mag alleen de beheerder van deze computer gebruiken; kies een poort "
                              "boven 1023 (de reverse proxy luistert op 443).") from None
    except OSError as error:
        sock.close()
        if error.errno in (98, 48):  # EADDRINUSE (Linux, BSD)
            raise KlachtdeskError(f"Poort {port} op {host} is al in gebruik; kies een andere met --poort.") from None
        raise KlachtdeskError(f"Het formulier kan niet luisteren op {host}:{port}: {error.strerror}.") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def log_to_stderr() -> None:
    """The web form's own lines (a settings change taken over, a problem) on stderr, beside uvicorn's."""
    logger = logging.getLogger("klachtdesk")
    if not any(getattr(handler, "klachtdesk", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        handler.klachtdesk = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def root_path(settings: WebFormSettings) -> str:
    """The path the reverse proxy publishes the form under (from its public address)."""
    return urlsplit(settings.public_url).path.rstrip("/") if settings.public_url else ""


def serve(context: Context, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          settings: WebFormSettings | None = None, **config: Any) -> None:
    """Serve the web form until interrupted."""
    settings = settings or context.settings.webform
    app = create_app(context, settings)
    sock = bind(host, port)
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    log_to_stderr()
    server = uvicorn.Server(uvicorn.Config(
        app, proxy_headers=False,  # the app trusts X-Forwarded-* only from settings.proxies
        server_header=False, root_path=root_path(settings), timeout_keep_alive=5, lifespan="on",
        limit_concurrency=MAX_CONNECTIONS,
        log_level="info", **config,
    ))
    print(f"klachtdesk: het webformulier luistert op http://{host}:{port}/ (stoppen: Ctrl+C)", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
