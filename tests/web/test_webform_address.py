"""The klager's postal address on the web form, on both engines: the fieldset and its
fields, the address rules of ``people.postal`` at their fields with everything typed
kept, and a klager without e-mail who gets the ontvangstbevestiging as a letter (and is
told that following the case online needs an e-mail address)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klachtdesk.clock import FixedClock
from klachtdesk.models import DeadlineKind, StaffRole
from klachtdesk.services import limits
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.config.webform import Limits
from klachtdesk.services.correspondence import posting
from klachtdesk.services.lists import inbox
from klachtdesk.services.people import postal
from klachtdesk.services.privacy.traces import pdf_text
from klachtdesk.services.webform import intake
from klachtdesk.web import forms
from tests.conftest import FIXED_NOW
from tests.security.database_logins import RoleDatabase, as_login, role_database, seed_staff
from tests.web.webclient import FormClient, form_settings, mails, page, text

__all__ = ["role_database"]  # the fixture of the PostgreSQL logins

#: a klager without e-mail or telephone: only a postal address
BY_POST = {"name": "Truus Visser", "service_type": "Thuiszorg",
           "description": "De thuiszorg kwam drie keer niet opdagen.",
           "address.street": "Dorpsstraat 12", "address.postcode": "1234ab", "address.city": "Ons Dorp"}
ADDRESS_IDS = ["address-street", "address-postcode", "address-city", "address-country"]


@pytest.fixture
def web(context: Context) -> Iterator[FormClient]:
    client = FormClient(context)
    yield client
    client.close()


def the_case(context: Context) -> complaints.CaseDetail:
    [row] = inbox.fetch_page(context)
    return complaints.get_case(context, row.id, record_view=False)


def tag(html: str, dom_id: str) -> str:
    """The start tag of the element with this id."""
    match = re.search(rf'<[a-z]+ [^>]*\bid="{re.escape(dom_id)}"[^>]*>', html)
    assert match, dom_id
    return match.group(0)


# ---------------------------------------------------------------------------------------
# the fields
# ---------------------------------------------------------------------------------------


def test_the_parts_are_the_services_parts_in_order() -> None:
    assert tuple(part.part for part in forms.ADDRESS_PARTS) == postal.PARTS
    assert [part.name for part in forms.ADDRESS_PARTS] == [postal.field_name(p) for p in postal.PARTS]


@pytest.mark.parametrize("kind", ["klacht", "factuurvraag", "accountvraag"])
def test_every_kind_asks_the_address_in_a_fieldset_of_its_own(web: FormClient, kind: str) -> None:
    html = web.http.get(f"/?soort={kind}").text
    fieldset = html[html.index('<fieldset class="address"'):]
    fieldset = fieldset[:fieldset.index("</fieldset>")]
    assert '<legend>Uw postadres <span class="optional">(niet verplicht)</span></legend>' in fieldset
    assert 'aria-describedby="address-uitleg"' in fieldset[:200]  # the hint describes the group
    assert "per brief naar dit adres" in text(fieldset)
    expected = {"address-street": ("address.street", "address-line1", "200"),
                "address-postcode": ("address.postcode", "postal-code", "16"),
                "address-city": ("address.city", "address-level2", "100"),
                "address-country": ("address.country", "country-name", "100")}
    for dom_id, (name, autocomplete, maxlength) in expected.items():
        start = tag(fieldset, dom_id)
        assert f'name="{name}"' in start and f'autocomplete="{autocomplete}"' in start, start
        assert f'maxlength="{maxlength}"' in start and 'type="text"' in start
        assert f'<label for="{dom_id}">' in fieldset  # every input has its label
    limit = limits.FIELD_LIMITS["street"]
    assert isinstance(limit, limits.TextLimit) and f'maxlength="{limit.max_chars}"' in tag(fieldset, "address-street")
    assert 'autocapitalize="characters"' in tag(fieldset, "address-postcode")
    assert "Alleen invullen als u buiten Nederland woont." in text(fieldset)  # empty land: Nederland
    # the keyboard reaches the address after the other contact details
    ids = page(html).ids
    assert ids.index("phone") < ids.index("address-street") < ids.index("address-country") < ids.index("service_type")


# ---------------------------------------------------------------------------------------
# a klager without e-mail: the acknowledgement goes by post
# ---------------------------------------------------------------------------------------


def test_a_klager_with_only_a_postal_address_gets_a_letter_and_no_status_link(web: FormClient,
                                                                              context: Context) -> None:
    response = web.submit("klacht", BY_POST)
    assert response.status_code == 200, text(response.text)
    shown = text(response.text)
    case = the_case(context)
    assert case.number in shown
    assert ("Wij sturen u een ontvangstbevestiging per post, met dit nummer erin, naar Dorpsstraat 12, 1234 AB "
            "Ons Dorp.") in shown
    # the follow-up page needs an e-mail address: not offered, and said why
    assert "Online volgen kan alleen met een e-mailadres" in shown
    assert "Daarvoor hebt u dit nummer en uw e-mailadres nodig" not in shown
    assert case.complainant is not None
    assert case.complainant.address == "Dorpsstraat 12, 1234 AB Ons Dorp" and case.complainant.email == ""
    web.background.join()
    assert mails() == []
    [letter] = posting.waiting(context, case.id)  # the desk's letters path: to print, to be posted
    assert letter.template == "ontvangstbevestiging" and letter.address == "Dorpsstraat 12, 1234 AB Ons Dorp"
    assert letter.path is None and not letter.counts  # the desk prints it; it is no reply
    # a letter not yet posted meets nothing: the reply deadline stays open
    assert next(d for d in case.deadlines if d.kind is DeadlineKind.REPLY).met_at is None


def test_posting_the_automatic_letter_does_not_meet_the_reply_deadline(web: FormClient, context: Context) -> None:
    web.submit("klacht", BY_POST)
    web.background.join()
    case = the_case(context)
    [letter] = posting.waiting(context, case.id)
    posted = posting.mark_posted(context, letter.id)
    reply = next(d for d in the_case(context).deadlines if d.kind is DeadlineKind.REPLY)
    assert reply.met_at is None  # as for the e-mail (``acknowledgement_meets_reply`` is false by default)
    assert posted.met == () and "telt niet als de reactie" in posted.outcome
    assert posting.waiting(context) == []  # posted all the same


def test_when_the_organisation_counts_it_posting_the_automatic_letter_meets_the_reply(context: Context) -> None:
    client = FormClient(context, form_settings(acknowledgement_meets_reply=True))
    try:
        client.submit("klacht", BY_POST)
        client.background.join()
    finally:
        client.close()
    case = the_case(context)
    [letter] = posting.waiting(context, case.id)
    assert letter.counts
    posting.mark_posted(context, letter.id)
    reply = next(d for d in the_case(context).deadlines if d.kind is DeadlineKind.REPLY)
    assert reply.met_at == context.now()


def test_the_form_prints_nothing_and_the_desk_prints_the_letter_from_the_database(
        web: FormClient, context: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The form's process (its own service user, its own outbox on the web server) writes no
    file with the klager's address; the desk prints the letter from the database in its own
    outbox, private, and again on request (the same file, replaced)."""
    web_outbox = tmp_path / "web-outbox"
    monkeypatch.setenv("KLACHTDESK_OUTBOX", str(web_outbox))
    web.submit("klacht", BY_POST)
    web.background.join()
    assert not web_outbox.exists() or [p for p in web_outbox.rglob("*") if p.is_file()] == []
    desk_outbox = tmp_path / "desk-outbox"
    monkeypatch.setenv("KLACHTDESK_OUTBOX", str(desk_outbox))
    [letter] = posting.waiting(context)
    printed = posting.print_letter(context, letter.id)
    path = Path(printed.letter.path or "")
    assert path.parent == desk_outbox / "brieven" and not printed.again and path.name.startswith(letter.number)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    shown = pdf_text(path.read_bytes()) if path.suffix == ".pdf" else path.read_text(encoding="utf-8")
    for expected in ("Truus Visser", "Dorpsstraat 12", "1234 AB  ONS DORP", letter.number, letter.subject):
        assert expected in shown, expected
    [waiting] = posting.waiting(context)
    assert waiting.path == str(path) and waiting.printed_here  # the desk's list shows its file
    again = posting.print_letter(context, letter.id)  # a spoiled print
    assert again.again and again.letter.path == str(path) and "opnieuw afgedrukt" in again.outcome
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # replaced, nothing stale beside it


@pytest.mark.postgres
def test_on_postgresql_the_forms_own_login_files_the_address_and_the_desk_prints_the_letter(
        role_database: RoleDatabase) -> None:
    """Through the form, as the web form's own PostgreSQL login (its grants, its row-level
    security): the address is stored and the letter recorded; the desk sees it waiting, prints it
    and posts it as its own login."""
    clock = FixedClock(FIXED_NOW)
    owner = role_database.owner()
    desk = seed_staff(owner, clock)
    login = as_login(role_database, StaffRole.WEB_FORM, clock)
    client = FormClient(login)
    try:
        response = client.submit("klacht", BY_POST)
        assert response.status_code == 200, text(response.text)
        client.background.join()  # the acknowledgement: a failure would only be logged, so look at the desk
    finally:
        client.close()
        login.db.dispose()
    manager = as_login(role_database, StaffRole.MANAGER, clock)
    try:
        [letter] = posting.waiting(desk)
        assert letter.template == "ontvangstbevestiging" and letter.address == "Dorpsstraat 12, 1234 AB Ons Dorp"
        assert letter.number in text(response.text) and letter.path is None  # the form printed nothing
        # the desk prints it from the database, as its own login (the grants let it note the file)
        printed = posting.print_letter(manager, letter.id)
        assert printed.letter.path is not None and Path(printed.letter.path).is_file()
        assert posting.waiting(desk)[0].path == printed.letter.path
        posting.mark_posted(manager, letter.id)
        reply = next(d for d in complaints.get_case(desk, letter.complaint_id, record_view=False).deadlines
                     if d.kind is DeadlineKind.REPLY)
        assert reply.met_at is None  # the automatic acknowledgement is no reply
    finally:
        manager.db.dispose()
        owner.dispose()


def test_with_an_email_address_too_the_acknowledgement_is_an_email(web: FormClient, context: Context) -> None:
    response = web.submit("klacht", {**BY_POST, "email": "truus@example.nl"})
    assert response.status_code == 200
    shown = text(response.text)
    assert "Wij sturen u ook een ontvangstbevestiging per e-mail" in shown
    assert "Daarvoor hebt u dit nummer en uw e-mailadres nodig" in shown
    web.background.join()
    assert [m.to for m in mails()] == ["Truus Visser <truus@example.nl>"]
    case = the_case(context)
    assert posting.waiting(context, case.id) == []
    assert case.complainant is not None and case.complainant.address == "Dorpsstraat 12, 1234 AB Ons Dorp"


def test_a_telephone_number_only_gets_no_written_acknowledgement(web: FormClient, context: Context) -> None:
    fields = {k: v for k, v in BY_POST.items() if not k.startswith("address.")}
    response = web.submit("klacht", {**fields, "phone": "06 12345678"})
    assert response.status_code == 200
    shown = text(response.text)
    assert "U gaf geen e-mailadres en geen postadres op, dus wij sturen geen ontvangstbevestiging." in shown
    assert "Online volgen kan alleen met een e-mailadres" in shown
    web.background.join()
    assert mails() == [] and posting.waiting(context) == []


def test_no_way_to_answer_at_all_is_said_at_the_telephone_field(web: FormClient, context: Context) -> None:
    fields = {k: v for k, v in BY_POST.items() if not k.startswith("address.")}
    response = web.submit("klacht", fields)
    assert response.status_code == 400
    assert "Vul een telefoonnummer of e-mailadres in, of een postadres, zodat we kunnen reageren." in text(
        response.text)
    assert 'href="#phone"' in response.text
    assert complaints.count(context) == 0


def test_how_the_acknowledgement_goes_is_one_rule_in_the_service() -> None:
    address = {"street": "Dorpsstraat 12", "postcode": "1234 AB", "city": "Ons Dorp"}
    assert intake.acknowledgement_by(PersonInput(name="a", email="a@example.nl", **address)) == intake.BY_EMAIL
    assert intake.acknowledgement_by(PersonInput(name="a", phone="0612345678", **address)) == intake.BY_POST
    assert intake.acknowledgement_by(PersonInput(name="a", phone="0612345678")) is None


@pytest.mark.parametrize(("country", "stored", "postcode"), [
    ("", "Dorpsstraat 12, 1234 AB Ons Dorp", "1234ab"),
    ("Nederland", "Dorpsstraat 12, 1234 AB Ons Dorp", "1234ab"),  # typed as the Netherlands: stored as none
    ("België", "Dorpsstraat 12, B-2000 Ons Dorp, België", "B-2000"),  # abroad: the postcode as written
    ("Duitsland", "Dorpsstraat 12, Ons Dorp, Duitsland", ""),  # abroad: a postcode may be missing
])
def test_the_land_follows_the_postal_rules(web: FormClient, context: Context, country: str, stored: str,
                                           postcode: str) -> None:
    response = web.submit("klacht", {**BY_POST, "address.postcode": postcode, "address.country": country})
    assert response.status_code == 200, text(response.text)
    complainant = the_case(context).complainant
    assert complainant is not None and complainant.address == stored


# ---------------------------------------------------------------------------------------
# errors at the field, everything kept
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "errors"), [
    ({"address.street": "Dorpsstraat"}, {"address-street": "Bij 'Dorpsstraat' ontbreekt het huisnummer."}),
    ({"address.postcode": "0123 AB"},
     {"address-postcode": "'0123 AB' is geen Nederlandse postcode; schrijf vier cijfers en twee letters, zoals 1234 AB."}),
    ({"address.postcode": "1234 SS"}, {"address-postcode": "'1234 SS' is geen bestaande postcode"}),
    ({"address.city": ""}, {"address-city": "Vul de plaats in."}),
    ({"address.street": "", "address.city": ""},
     {"address-street": "Vul straat en huisnummer in (of laat het hele adres leeg).",
      "address-city": "Vul de plaats in."}),
    ({"address.street": "", "address.postcode": "", "address.city": "", "address.country": "Nederland"},
     {"address-street": "Vul straat en huisnummer in", "address-postcode": "Vul de postcode in, zoals 1234 AB.",
      "address-city": "Vul de plaats in."}),
    ({"address.street": "x" * 201},
     {"address-street": "De straat en het huisnummer is te lang: hoogstens 200 tekens, niet 201."}),
    ({"address.street": "Dorpsstraat", "address.city": "D" * 101},  # in the order of the form, whatever failed first
     {"address-street": "ontbreekt het huisnummer", "address-city": "De plaats is te lang: hoogstens 100 tekens"}),
    ({"address.city": "Ons\x00Dorp\x1b[31m", "address.postcode": "1234\u202eAB"},
     {"address-postcode": "is geen Nederlandse postcode"}),
])
def test_a_wrong_address_is_told_at_its_part_and_kept(web: FormClient, context: Context, fields: dict[str, str],
                                                      errors: dict[str, str]) -> None:
    posted = {**BY_POST, "phone": "06 12345678", **fields}
    response = web.submit("klacht", posted)
    assert response.status_code == 400, text(response.text)
    html = response.text
    summary = [href[1:] for href in page(html).links if href.startswith("#") and href != "#inhoud"]
    assert summary == list(errors)  # the summary names each, in the order of the form
    for dom_id, message in errors.items():
        start = tag(html, dom_id)
        assert 'aria-invalid="true"' in start and f"{dom_id}-fout" in start, start
        assert message in text(html[html.index(f'id="{dom_id}-fout"'):][:600])
    for dom_id in set(ADDRESS_IDS) - set(errors):
        assert "aria-invalid" not in tag(html, dom_id)
    # nothing typed is lost: each part shown again as it was typed (escaped)
    for name, value in posted.items():
        if name.startswith("address."):
            assert f'value="{escape(value)}"' in tag(html, forms.dom_id(name)), name
    assert complaints.count(context) == 0


def test_a_refused_post_keeps_the_address(web: FormClient, context: Context) -> None:
    hidden = web.hidden("/?soort=klacht")
    del hidden["csrf"]
    response = web.submit("klacht", {**BY_POST, "address.country": "Nederland"}, hidden=hidden)
    assert response.status_code == 403
    for name in ("address.street", "address.postcode", "address.city", "address.country"):
        value = {**BY_POST, "address.country": "Nederland"}[name]
        assert f'value="{value}"' in tag(response.text, forms.dom_id(name)), name
    assert complaints.count(context) == 0


def test_markup_in_the_address_is_shown_escaped(web: FormClient, context: Context) -> None:
    evil = '"><script>alert("x")</script>'
    refused = web.submit("klacht", {**BY_POST, "address.street": evil, "address.city": evil})  # no house number
    accepted = web.submit("klacht", {**BY_POST, "address.street": evil + " 1", "address.city": evil})
    assert (refused.status_code, accepted.status_code) == (400, 200)
    for response in (refused, accepted):  # shown again in the form; the address a letter goes to
        assert "<script>" not in response.text and "&lt;script&gt;" in response.text
    assert complaints.count(context) == 1


# ---------------------------------------------------------------------------------------
# the boundary of each part, whatever is typed
# ---------------------------------------------------------------------------------------

FUZZ = settings(max_examples=int(os.environ.get("KLACHTDESK_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
#: characters a hostile or unlucky klager sends: letters, digits, accents, emoji, controls, bidi
CHARACTERS = st.sampled_from(list("aZ9 éß€😀\x00\x07\t\n\x1b\u202e\u200b\ufeff<>\"'&"))


@pytest.fixture
def fuzz_web(sqlite_context: Context) -> Iterator[FormClient]:
    unlimited = Limits(submissions_per_address_per_hour=10_000, submissions_per_day=10_000)
    client = FormClient(sqlite_context, form_settings(limits=unlimited))
    yield client
    client.close()


@FUZZ
@given(part=st.sampled_from(forms.ADDRESS_PARTS), extra=st.integers(-3, 3), fill=CHARACTERS)
def test_each_part_is_refused_only_past_its_limit(fuzz_web: FormClient, part: forms.AddressPart, extra: int,
                                                  fill: str) -> None:
    """A part of exactly its limit (after the controls go) is accepted as far as its length
    goes; one character more gets the Dutch "te lang" at the field; never a crash."""
    value = "1" + "x" * (part.max_chars + extra - 1)  # a digit: a house number, so the street is no problem
    value = value[: len(value) // 2] + fill + value[len(value) // 2:]
    posted = {**BY_POST, "phone": "06 12345678", part.name: value}
    if part.part == "country":  # abroad: no Dutch postcode check in the way
        posted["address.postcode"] = "B-2000"
    response = fuzz_web.submit("klacht", posted)
    assert response.status_code in (200, 400), response.text[:300]
    assert "Traceback" not in response.text
    kept = limits.strip_controls(value, multiline=False).strip()
    too_long = f"is te lang: hoogstens {part.max_chars} tekens"
    shown = text(response.text)
    if len(kept) > part.max_chars:
        assert response.status_code == 400 and too_long in shown
        assert f'href="#{forms.dom_id(part.name)}"' in response.text
    else:
        assert too_long not in shown
