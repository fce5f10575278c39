"""The web form as a Starlette application (``klachtdesk formulier`` serves it).

Pages (server-rendered, no JavaScript):

- ``GET /``: what is it about — klacht, factuurvraag or accountvraag; ``/?soort=klacht``
  (and the other two) is that kind's form; ``POST /`` files it and answers with the
  klachtnummer and the reply deadline in words;
- ``GET /status`` and ``POST /status``: "Waar staat mijn klacht?" — klachtnummer and
  e-mail address; the answer is the same whether they match or not;
- ``GET /status/<token>`` shows a button that ``POST``s to the same address and opens
  the one-time link (a mail scanner that follows the link uses up nothing);
- ``/static/…``: the style sheet; ``GET /gezond``: for the reverse proxy's health check.

Every request runs as the web form's own account (``webform.account``); every page
escapes what it shows (Jinja2 autoescape); every POST carries a CSRF token and a
honeypot field; submissions and look-ups are rate limited; the ``Guard`` middleware
bounds the request size and sets the security headers.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from klachtdesk.errors import KlachtdeskError, ValidationError
from klachtdesk.services.core.context import DRIVER_ERRORS, Context, database_problem
from klachtdesk.services.deadlines.promises import KIND_WORDS, read_back
from klachtdesk.services.organisation import settings as organisation_settings
from klachtdesk.services.procedure.vocabulary import ComplaintKind
from klachtdesk.services.time.dutch import describe_receipt, format_date_near
from klachtdesk.services.webform import follow, intake
from klachtdesk.services.webform.account import web_context
from klachtdesk.services.webform.attachments import Upload
from klachtdesk.services.config.settings import Organisation
from klachtdesk.services.config.webform import WebFormSettings
from klachtdesk.web import forms
from klachtdesk.web.background import Background
from klachtdesk.web.security import (
    FIELD as CSRF_FIELD,
)
from klachtdesk.web.security import (
    Csrf,
    Guard,
    RateLimits,
    client_address,
    honeypot_filled,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SECRET_ENV = "KLACHTDESK_FORMULIER_GEHEIM"
#: the honeypot: a field no person sees or fills in
HONEYPOT = "website"
#: the hidden field naming one filled-in form, so a second POST of it shows the same confirmation
FORM_ID = "formulier"
#: how many confirmations a process remembers for a repeated POST
REMEMBERED = 500
#: how often (seconds) a request looks whether a beheerder changed the settings
SETTINGS_EVERY = 5.0


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page shows (kept for a repeated POST of the same form)."""

    title: str
    number: str
    kind: ComplaintKind
    kind_words: str
    reply_due: str | None
    receipt_note: str | None
    acknowledgement: str | None  # ``intake.BY_EMAIL``, ``intake.BY_POST``, None: none follows
    attachments: int
    post_to: str = ""  # the address a letter goes to, on one line
    can_follow: bool = False  # "Waar staat mijn klacht?" works: an e-mail address was given


class WebForm:
    """The state of one web form process: its context, settings, limits and secret."""

    def __init__(self, context: Context, settings: WebFormSettings, *, secret: bytes,
                 background: Background, follow_settings: bool = True) -> None:
        self.context = context
        self.settings = settings
        #: whether ``settings`` are the desk's (and so follow a change of them) or were given
        self._desk_webform = follow_settings
        self.follower = organisation_settings.Follower(
            context, every=SETTINGS_EVERY, say=lambda line: log.info("webformulier: %s", line),
            warn=lambda line: log.warning("webformulier: %s", line))
        self.csrf = Csrf(secret, settings.secure_cookies)
        self.limits = RateLimits(settings)
        self.background = background
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.globals.update(dom_id=forms.dom_id, csrf_field=CSRF_FIELD, honeypot=HONEYPOT,
                                          form_id_field=FORM_ID,
                                          by_email=intake.BY_EMAIL, by_post=intake.BY_POST)
        self._confirmations: OrderedDict[str, Confirmation] = OrderedDict()

    # -- helpers -------------------------------------------------------------------------

    def follow_settings(self) -> None:
        """Take a beheerder's change of the settings over (at most once every few seconds;
        lists, texts, templates, calendar, and the form's own rules that apply per request.
        Host names, proxies, the request size, the rate limits and the cookie flag are
        read at start)."""
        if self.follower.check() and self._desk_webform:
            self.settings = self.context.settings.webform

    @property
    def organisation(self) -> Organisation:
        return self.context.settings.organisation

    def _cookie(self, request: Request) -> tuple[str, bool]:
        """The visitor's CSRF cookie, and whether it is new (to be set)."""
        cookie = request.cookies.get(self.csrf.cookie_name, "")
        if cookie and len(cookie) <= 64:
            return cookie, False
        return self.csrf.new_cookie(), True

    def render(self, request: Request, template: str, status: int = 200, **values: Any) -> Response:
        cookie, new = self._cookie(request)
        values.setdefault("csrf_token", self.csrf.token(cookie))
        values.setdefault("errors", [])
        values.setdefault("field_errors", {})
        values.setdefault("notice", None)
        values["organisation"] = self.organisation
        values["root"] = request.scope.get("root_path", "").rstrip("/")
        response = self.templates.TemplateResponse(request, template, values, status_code=status)
        if new:
            response.set_cookie(**self.csrf.cookie_header(cookie))  # type: ignore[arg-type]
        return response

    def csrf_ok(self, request: Request, form: FormData) -> bool:
        token = form.get(CSRF_FIELD)
        return self.csrf.valid(request.cookies.get(self.csrf.cookie_name),
                               token if isinstance(token, str) else None)

    def refused_notice(self, request: Request, then: str) -> str:
        """Why a post without a valid CSRF token was refused, and what to do."""
        if self.csrf.cookie_name not in request.cookies:
            return ("Uw browser stuurde het cookie van dit formulier niet mee. Sta voor deze website cookies toe: het "
                    f"formulier heeft er één nodig om misbruik te voorkomen (het volgt u niet). {then}")
        return f"Dit formulier was verlopen of niet compleet. {then}"

    def link_base(self, request: Request) -> str:
        return self.settings.public_url or str(request.base_url).rstrip("/")

    async def read_form(self, request: Request) -> FormData | Response:
        rules = self.settings.attachments
        try:
            return await request.form(max_files=rules.count + 1, max_fields=60,
                                      max_part_size=4 * self.settings.limits.text_max_chars + 1024)
        except MultiPartException:
            return self._unreadable(request)
        except HTTPException as error:
            if error.status_code == 413:  # over Starlette's body limit: the 413 page
                raise
            return self._unreadable(request)

    def _unreadable(self, request: Request) -> Response:
        return self.render(request, "probleem.html", 400, title="Het formulier kon niet worden gelezen",
                               text="Wat uw browser verstuurde is geen formulier dat wij kunnen lezen, of het "
                                    "bevat te veel of te grote velden.")

    @staticmethod
    def log_problem(error: BaseException) -> None:
        problem = error if isinstance(error, KlachtdeskError) else database_problem(error)
        log.error("webformulier: %s", problem.message)

    def unavailable(self, request: Request, error: BaseException) -> Response:
        self.log_problem(error)
        return self.render(request, "probleem.html", 503, title="Even niet beschikbaar",
                           text="Wij kunnen uw melding op dit moment niet verwerken. Probeer het over een paar "
                                f"minuten opnieuw, of neem contact met ons op via {self.organisation.email}.")

    # -- the form ------------------------------------------------------------------------

    def form_page(self, request: Request, kind: ComplaintKind, values: dict[str, Any], *, status: int = 200,
                  errors: list[ValidationError] | None = None, notice: str | None = None,
                  form_id: str | None = None) -> Response:
        ordered, first = forms.errors_by_field(errors or [])
        page = forms.PAGES[kind]
        lists = self.context.settings.lists
        return self.render(
            request, "formulier.html", status, page=page, values=values, rows=forms.shown_rows(values),
            errors=ordered, field_errors=first, notice=notice, form_id=form_id or secrets.token_urlsafe(16),
            service_types=lists.service_types, categories=lists.categories,
            discussed_choices=forms.DISCUSSED_CHOICES, role_choices=forms.ROLE_CHOICES,
            address_parts=forms.ADDRESS_PARTS,
            attachments=self.settings.attachments, attachments_hint=forms.attachments_hint(self.settings.attachments),
        )

    async def index(self, request: Request) -> Response:
        kind = forms.kind_from(request.query_params.get("soort"))
        if kind is None:
            wrong = "soort" in request.query_params
            return self.render(request, "kies.html", 400 if wrong else 200, pages=forms.PAGES.values(),
                               field_errors={"soort": "Kies waar uw melding over gaat."} if wrong else {})
        return self.form_page(request, kind, {"involved": []})

    async def submit(self, request: Request) -> Response:
        form = await self.read_form(request)
        if isinstance(form, Response):
            return form
        kind = forms.kind_from(form.get("soort") if isinstance(form.get("soort"), str) else None)  # type: ignore[arg-type]
        if kind is None:
            return self.render(request, "kies.html", 400, pages=forms.PAGES.values(),
                               field_errors={"soort": "Kies waar uw melding over gaat."})
        values = forms.read_values(form, kind, self.settings.limits.text_max_chars)
        form_id = form.get(FORM_ID)
        form_id = form_id if isinstance(form_id, str) and 10 <= len(form_id) <= 40 else None
        if not self.csrf_ok(request, form):
            return self.form_page(request, kind, values, status=403, form_id=form_id,
                                  notice=self.refused_notice(request, "Wat u invulde staat er nog: controleer het en "
                                                             "verstuur het opnieuw (bijlagen moet u opnieuw kiezen)."))
        if form_id and form_id in self._confirmations:  # the same form sent twice: the same answer
            return self.render(request, "bevestiging.html", confirmation=self._confirmations[form_id])
        if honeypot_filled(form.get(HONEYPOT) if isinstance(form.get(HONEYPOT), str) else ""):  # type: ignore[arg-type]
            log.info("webformulier: honeypot ingevuld, niets geregistreerd")
            return self.render(request, "ontvangen.html")
        address = client_address(request)
        if not self.limits.allows(self.limits.submissions, "melding", address):
            return self.form_page(
                request, kind, values, status=429, form_id=form_id,
                notice="Er zijn vanaf uw internetadres of vandaag al erg veel meldingen verstuurd. Probeer het later "
                       f"opnieuw, of neem contact met ons op via {self.organisation.email}. Wat u invulde staat er "
                       "nog.")
        uploads = [Upload(item.filename or "", await item.read())
                   for item in form.getlist(forms.ATTACHMENTS) if isinstance(item, UploadFile) and item.filename]
        data, parse_errors = forms.to_input(values, self.context.now())
        _, errors = intake.check(self.context, data, uploads, self.settings)
        errors = parse_errors + [e for e in errors if e.field not in {p.field for p in parse_errors}]
        if errors:
            return self.form_page(request, kind, values, status=400, errors=errors, form_id=form_id)
        try:
            submitted = await run_in_threadpool(intake.submit, self.context, data, uploads, self.settings)
        except ValidationError as error:
            return self.form_page(request, kind, values, status=400, errors=[error], form_id=form_id)
        except (KlachtdeskError, *DRIVER_ERRORS) as error:  # the database is away: keep what was typed
            self.log_problem(error)
            return self.form_page(
                request, kind, values, status=503, form_id=form_id,
                notice="Wij kunnen uw melding op dit moment niet opslaan. Wat u invulde staat er nog: probeer het over "
                       f"een paar minuten opnieuw, of neem contact met ons op via {self.organisation.email}.")
        self.limits.count(self.limits.submissions, "melding", address)
        self.background.submit(intake.acknowledge, self.context, submitted, self.settings)
        confirmation = self.confirmation(submitted)
        if form_id:
            self._confirmations[form_id] = confirmation
            while len(self._confirmations) > REMEMBERED:
                self._confirmations.popitem(last=False)
        return self.render(request, "bevestiging.html", confirmation=confirmation)

    def confirmation(self, submitted: intake.Submitted) -> Confirmation:
        today = self.context.today()
        calendar = self.context.calendars.organisation
        receipt = calendar.receipt(submitted.received_at)
        note = describe_receipt(receipt, calendar)
        return Confirmation(
            title=forms.PAGES[submitted.kind].done,
            number=submitted.number,
            kind=submitted.kind,
            kind_words="klacht" if submitted.kind is ComplaintKind.COMPLAINT else "vraag",
            reply_due=read_back(submitted.promises, KIND_WORDS[submitted.kind],
                                lambda day: format_date_near(day, today)) or None,
            receipt_note=note[:1].upper() + note[1:] + "." if note else None,
            acknowledgement=submitted.acknowledgement,
            attachments=submitted.attachments,
            post_to=submitted.post_to,
            can_follow=submitted.can_follow,
        )

    # -- following a case ----------------------------------------------------------------

    async def status_form(self, request: Request) -> Response:
        return self.render(request, "status_vragen.html", values={})

    async def status_request(self, request: Request) -> Response:
        form = await self.read_form(request)
        if isinstance(form, Response):
            return form
        number = form.get("klachtnummer")
        email = form.get("email")
        values = {"klachtnummer": number[:40] if isinstance(number, str) else "",
                  "email": email[:254] if isinstance(email, str) else ""}
        if not self.csrf_ok(request, form):
            return self.render(request, "status_vragen.html", 403, values=values,
                               notice=self.refused_notice(request, "Controleer wat u invulde en verstuur het opnieuw."))
        if honeypot_filled(form.get(HONEYPOT) if isinstance(form.get(HONEYPOT), str) else ""):  # type: ignore[arg-type]
            return self.render(request, "status_aangevraagd.html", minutes=self.settings.link_minutes)
        if not self.limits.count(self.limits.lookups, "opvraging", client_address(request)):
            return self.render(request, "status_vragen.html", 429, values=values,
                               notice="U hebt dit vaak achter elkaar gevraagd. Probeer het over een uur opnieuw.")
        errors = follow.check_request(self.context, values["klachtnummer"], values["email"])
        if errors:
            ordered, first = forms.errors_by_field(errors)
            return self.render(request, "status_vragen.html", 400, values=values, errors=ordered,
                               field_errors=first)
        # looked up after the answer: the answer and its timing are the same for every pair
        self.background.submit(follow.request_link, self.context, values["klachtnummer"], values["email"],
                               self.link_base(request), self.settings)
        return self.render(request, "status_aangevraagd.html", minutes=self.settings.link_minutes)

    async def status_link(self, request: Request) -> Response:
        token = request.path_params["token"]
        try:
            usable = await run_in_threadpool(follow.link_usable, self.context, token)
        except (KlachtdeskError, *DRIVER_ERRORS) as error:
            return self.unavailable(request, error)
        if not usable:
            return self.render(request, "status_verlopen.html", 410, minutes=self.settings.link_minutes)
        return self.render(request, "status_openen.html", token=token)

    async def status_open(self, request: Request) -> Response:
        token = request.path_params["token"]
        form = await self.read_form(request)
        if isinstance(form, Response):
            return form
        if not self.csrf_ok(request, form):
            return self.render(request, "status_openen.html", 403, token=token,
                               notice=self.refused_notice(request, "Klik nog een keer op de knop."))
        if not self.limits.count(self.limits.lookups, "opvraging", client_address(request)):
            return self.render(request, "probleem.html", 429, title="Te vaak geprobeerd",
                               text="U hebt dit vaak achter elkaar geprobeerd. Probeer het over een uur opnieuw.")
        try:
            view = await run_in_threadpool(follow.open_link, self.context, token)
        except (KlachtdeskError, *DRIVER_ERRORS) as error:
            return self.unavailable(request, error)
        if view is None:
            return self.render(request, "status_verlopen.html", 410, minutes=self.settings.link_minutes)
        return self.render(request, "status.html", view=view)

    async def health(self, request: Request) -> Response:
        return PlainTextResponse("ok")


class FollowSettings:
    """Before each request: has a beheerder changed the settings? (``WebForm.follow_settings``)"""

    def __init__(self, app: ASGIApp, state: WebForm) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await run_in_threadpool(self.state.follow_settings)
        await self.app(scope, receive, send)


def secret_from_environment() -> bytes:
    """The CSRF secret: ``$KLACHTDESK_FORMULIER_GEHEIM`` (needed when more than one
    process serves the form), else a new one for this process."""
    given = os.environ.get(SECRET_ENV, "")
    return given.encode() if len(given) >= 16 else secrets.token_bytes(32)


def create_app(
    context: Context,
    settings: WebFormSettings | None = None,
    *,
    secret: bytes | None = None,
    background: Background | None = None,
) -> ASGIApp:
    """The web form's ASGI application, on the database of ``context`` (signed in as
    the web form's account: ``webform.account.web_context``)."""
    given = settings is not None
    settings = settings or context.settings.webform
    state = WebForm(web_context(context), settings, secret=secret or secret_from_environment(),
                    background=background or Background(), follow_settings=not given)
    routes = [
        Route("/", state.index, methods=["GET"]),
        Route("/", state.submit, methods=["POST"]),
        Route("/status", state.status_form, methods=["GET"]),
        Route("/status", state.status_request, methods=["POST"]),
        Route("/status/{token}", state.status_link, methods=["GET"]),
        Route("/status/{token}", state.status_open, methods=["POST"]),
        Route("/gezond", state.health, methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        if status == 405:
            return state.render(request, "probleem.html", 405, title="Dat kan hier niet",
                                text="Deze pagina is zo niet te gebruiken.")
        return state.render(request, "probleem.html", 404, title="Pagina niet gevonden",
                            text="Deze pagina bestaat niet.")

    too_large_text = (f"Wat u verstuurde is groter dan "
                      f"{max(1, settings.limits.request_max_bytes // (1024 * 1024))} MB. Stuur minder of kleinere "
                      "bijlagen mee. Ga terug in uw browser: daar staat wat u invulde nog.")

    async def too_large(request: Request, exc: Exception) -> Response:
        response = state.render(request, "probleem.html", 413, title="Het formulier is te groot", text=too_large_text)
        response.headers["connection"] = "close"
        return response

    async def failed(request: Request, exc: Exception) -> Response:  # the server logs the exception itself
        return state.render(request, "probleem.html", 500, title="Er ging iets mis",
                            text="Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw.")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        state.background.shutdown()

    app = Starlette(routes=routes, lifespan=lifespan, max_body_size=settings.limits.request_max_bytes,
                    middleware=[Middleware(FollowSettings, state=state)],
                    exception_handlers={404: not_found, 405: not_found, 413: too_large, 500: failed})
    app.state.web = state
    hosts = list(settings.hosts)
    if settings.public_url:
        hosts.append(settings.public_url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0])
    # outside Starlette's own middleware, so a declared size over the limit gets the Dutch page
    guarded = Guard(app, hosts=hosts, max_body=settings.limits.request_max_bytes, too_large=too_large_text)
    return ProxyHeadersMiddleware(guarded, trusted_hosts=list(settings.proxies))


__all__ = ["Confirmation", "WebForm", "create_app", "secret_from_environment"]
