"""A beheerder's change of the settings reaches the running web form without a restart
(``WebForm.follow_settings``, ``organisation.settings.Follower``); a stored change that
does not hold is refused and the form keeps its settings. Both engines."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from klachtdesk.services.config import store
from klachtdesk.services.config.settings import Settings
from klachtdesk.services.core.context import Context
from klachtdesk.services.organisation import settings as organisation
from klachtdesk.web import app as web_app
from tests.web.webclient import FormClient, text


@pytest.fixture
def desk(context: Context) -> Context:
    """The test context on a database whose settings are stored (as ``open_context`` does)."""
    context.settings, context.settings_version = store.load_settings(context.db, context.now())
    return context


@pytest.fixture
def web(desk: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[FormClient]:
    monkeypatch.setattr(web_app, "SETTINGS_EVERY", 0.0)  # every request looks (the default: every 5 s)
    client = FormClient(desk)
    yield client
    client.close()


def options(client: FormClient) -> list[str]:
    """The service types the klacht form offers."""
    html = client.http.get("/?soort=klacht").text
    select = html.split('name="service_type"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option(?: selected)?>([^<]*)</option>", select)


def break_lists(desk: Context) -> None:
    """A stored change that does not hold (written past the service, as an older klachtdesk might)."""
    with desk.db.write() as session:
        store.write_texts(session, {"lijsten.toml": "diensttypen = 5\n"}, desk.now(), None)


def test_a_changed_list_is_offered_without_a_restart(web: FormClient, desk: Context,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    assert "Videobellen" not in options(web)
    organisation.set_value(desk, "lijsten.diensttypen", '["Videobellen", "Teleconsultatie"]')
    with caplog.at_level(logging.INFO, logger="klachtdesk"):
        assert options(web) == ["Videobellen", "Teleconsultatie"]
        options(web)
    assert len([r for r in caplog.records if "opnieuw gelezen" in r.getMessage()]) == 1


def test_a_changed_name_shows_on_the_next_page(web: FormClient, desk: Context) -> None:
    assert "Ksyos" in text(web.http.get("/").text)
    organisation.set_value(desk, "berichten.organisatie.naam", "Zorg BV")
    assert "Zorg BV" in text(web.http.get("/").text)


def test_the_form_looks_at_most_once_every_few_seconds(desk: Context) -> None:
    client = FormClient(desk)
    try:
        state = client.app.app.app.state.web  # ProxyHeadersMiddleware -> Guard -> Starlette
        ticks = iter([100.0, 101.0, 106.0])
        state.follower._monotonic = lambda: next(ticks)
        options(client)  # looks (the first request)
        organisation.set_value(desk, "lijsten.diensttypen", '["Videobellen"]')
        assert "Videobellen" not in options(client)  # one second later: not yet looked
        assert "Videobellen" in options(client)  # six seconds later: taken over
    finally:
        client.close()


def test_a_broken_stored_change_keeps_the_old_settings_and_is_said_once(
        web: FormClient, desk: Context, caplog: pytest.LogCaptureFixture) -> None:
    options(web)
    break_lists(desk)
    with caplog.at_level(logging.INFO, logger="klachtdesk"):
        first, second = web.http.get("/?soort=klacht"), options(web)
    assert first.status_code == 200 and "Teleconsultatie" in second and "Huisartsenzorg" in second
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "niet overgenomen" in warnings[0].getMessage()
    # a good text stored afterwards is taken over again
    good = Settings.defaults().texts["lijsten.toml"].replace('"Teleconsultatie",', '"Videobellen",')
    with desk.db.write() as session:
        store.write_texts(session, {"lijsten.toml": good}, desk.now(), None)
    assert options(web)[0] == "Videobellen"
