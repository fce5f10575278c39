"""Whatever a stranger posts to the web form, the answer is a page — never a crash, never
a reflection of their input without escaping — and a case only when the input is valid."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klachtdesk.services.core.context import Context
from klachtdesk.services.config.webform import Limits
from tests.web.webclient import FormClient, form_settings, page

FUZZ = settings(max_examples=int(os.environ.get("KLACHTDESK_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
MARK = "<b>x</b>"

#: what lands in a field: anything at all, markup, very long text, and plausible values
posted = st.one_of(
    st.text(max_size=80),
    st.text(max_size=400).map(lambda t: t + MARK),
    st.sampled_from(["", " ", "\x00", "Jan de Vries", "jan@example.nl", "06 12345678", "20-11-2026", "gisteren",
                     "Teleconsultatie", "ja", "nee", "aangeklaagde", "\"'><script>alert(1)</script>", "x" * 6000,
                     "KL-2026-000001", "\u202e\u200b", "😀" * 50, "Dorpsstraat 12", "1234 AB", "1234ab", "Ons Dorp",
                     "België"]),
)
FIELDS = ["name", "email", "phone", "service_type", "incident_date", "category", "description", "remedy_sought",
          "invoice_number", "discussed_first", "involved.1.name", "involved.1.role", "involved.1.note",
          "involved.3.name", "address.street", "address.postcode", "address.city", "address.country", "soort",
          "formulier", "website"]


@pytest.fixture
def web(sqlite_context: Context) -> Iterator[FormClient]:
    unlimited = Limits(submissions_per_address_per_hour=10_000, submissions_per_day=10_000,
                       lookups_per_address_per_hour=10_000, lookups_per_day=10_000)
    client = FormClient(sqlite_context, form_settings(limits=unlimited))
    yield client
    client.close()


@FUZZ
@given(values=st.fixed_dictionaries({}, optional={name: posted for name in FIELDS}),
       kind=st.sampled_from(["klacht", "factuurvraag", "accountvraag", "brief", ""]))
def test_any_submission_gets_a_page(web: FormClient, values: dict[str, str], kind: str) -> None:
    hidden = web.hidden("/?soort=klacht")
    hidden["soort"] = kind
    response = web.submit(kind, values, hidden=hidden)
    assert response.status_code in (200, 400, 403), response.text[:500]
    assert "Traceback" not in response.text
    assert MARK not in response.text  # never shown unescaped
    assert response.headers["content-type"].startswith("text/html")
    if response.status_code == 400 and kind in ("klacht", "factuurvraag", "accountvraag"):
        parsed = page(response.text)
        targets = [href[1:] for href in parsed.links if href.startswith("#") and href != "#inhoud"]
        assert set(targets) <= set(parsed.ids)  # every error links to a field on the page


@FUZZ
@given(number=posted, address=posted)
def test_any_look_up_gets_a_page(web: FormClient, number: str, address: str) -> None:
    response = web.ask_link(number, address)
    assert response.status_code in (200, 400), response.text[:500]
    assert MARK not in response.text


@FUZZ
@given(token=st.text(alphabet="ABCXYZabcxyz0189_-~!$'()*+,;=:@é", min_size=1, max_size=80))
def test_any_link_gets_a_page(web: FormClient, token: str) -> None:
    response = web.http.get(f"/status/{token}")
    assert response.status_code == 410 and "Deze link werkt niet meer" in response.text
