"""The web form over HTTP, on both engines: filing each kind, the phone intake's
validation messages, the abuse defences (CSRF, honeypot, rate limits, request size,
escaping), attachments, and following a case with a one-time link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.models import Channel, ComplaintKind, DeadlineKind, Status
from klachtdesk.services.cases import complaints
from klachtdesk.services.lists import inbox
from klachtdesk.services.lists.inbox import InboxQuery
from klachtdesk.services.cases.complaints import CaseFilter, PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import messages
from klachtdesk.services.procedure import workflow
from klachtdesk.services.config.webform import AttachmentRules, Limits
from tests.web.webclient import FormClient, HeldBackground, form_settings, link_token, mails, page, text

KLACHT = {
    "name": "Jan de Vries", "email": "jan@example.nl", "phone": "06 12345678",
    "service_type": "Teleconsultatie", "incident_date": "20-11-2026", "category": "Bejegening",
    "description": "Drie weken gewacht op een terugbelafspraak die nooit kwam.",
    "involved.1.name": "Dr. P. Bakker", "involved.1.role": "aangeklaagde", "involved.1.note": "huisarts",
    "discussed_first": "nee", "remedy_sought": "Excuses en een nieuwe afspraak.",
}
FACTUURVRAAG = {"name": "Els Jansen", "email": "els@example.nl", "service_type": "Facturatie en abonnement",
                "invoice_number": "F2026-01234"}
ACCOUNTVRAAG = {"name": "Piet Smit", "phone": "0201234567", "service_type": "Online account en app",
                "description": "Ik kan niet meer inloggen in de app."}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def web(context: Context) -> Iterator[FormClient]:
    client = FormClient(context)
    yield client
    client.close()


def cases(context: Context) -> list[complaints.CaseDetail]:
    return [complaints.get_case(context, row.id, record_view=False) for row in inbox.fetch_page(context)]


# ---------------------------------------------------------------------------------------
# the pages
# ---------------------------------------------------------------------------------------


def test_the_start_page_offers_the_three_kinds(web: FormClient) -> None:
    response = web.http.get("/")
    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    shown = text(response.text)
    assert "Ik heb een klacht" in shown and "vraag over een factuur" in shown and "vraag over mijn account" in shown
    assert "Ksyos" in shown  # the organisation's name from its settings


@pytest.mark.parametrize(("kind", "present", "absent"), [
    ("klacht", ["incident_date", "category", "description", "involved-1-name", "discussed_first", "remedy_sought"],
     ["invoice_number"]),
    ("factuurvraag", ["invoice_number", "description"], ["incident_date", "involved-1-name", "remedy_sought"]),
    ("accountvraag", ["description"], ["invoice_number", "incident_date", "involved-1-name"]),
])
def test_each_kind_asks_the_fields_of_the_procedure(web: FormClient, kind: str, present: list[str],
                                                    absent: list[str]) -> None:
    html = web.http.get(f"/?soort={kind}").text
    ids = set(page(html).ids)
    assert {"name", "email", "phone", "service_type"} <= ids
    assert set(present) <= ids
    assert not set(absent) & ids
    for field in ("name", "email", "phone", "service_type", *present):
        assert f'for="{field}"' in html  # every control has its label
    assert "Wij gebruiken uw gegevens alleen" in text(html)  # the privacy statement from the settings


def test_an_unknown_kind_asks_to_choose(web: FormClient) -> None:
    response = web.http.get("/?soort=iets")
    assert response.status_code == 400
    assert "Kies waar uw melding over gaat." in text(response.text)


def test_security_headers_on_every_page(web: FormClient) -> None:
    for path in ("/", "/status", "/?soort=klacht", "/bestaat-niet"):
        headers = web.http.get(path).headers
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"


def test_an_unknown_page_is_a_dutch_404(web: FormClient) -> None:
    response = web.http.get("/bestaat-niet")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.text


def test_a_host_the_form_is_not_published_under_is_refused(web: FormClient) -> None:
    response = web.http.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400 and "niet bereikbaar onder dit adres" in response.text


# ---------------------------------------------------------------------------------------
# filing each kind
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "fields", "kind_enum", "deadlines"), [
    ("klacht", KLACHT, ComplaintKind.COMPLAINT, {DeadlineKind.REPLY, DeadlineKind.FIRST_CONTACT, DeadlineKind.DECISION}),
    ("factuurvraag", FACTUURVRAAG, ComplaintKind.INVOICE_QUESTION, {DeadlineKind.REPLY}),
    ("accountvraag", ACCOUNTVRAAG, ComplaintKind.ACCOUNT_QUESTION, {DeadlineKind.REPLY}),
])
def test_a_valid_submission_is_registered_with_its_kind_channel_and_deadlines(
    web: FormClient, context: Context, kind: str, fields: dict[str, str], kind_enum: ComplaintKind,
    deadlines: set[DeadlineKind],
) -> None:
    response = web.submit(kind, fields)
    assert response.status_code == 200, text(response.text)
    shown = text(response.text)
    [case] = cases(context)
    assert case.number in shown
    # Monday 23 November 2026, 10:00: three werkdagen -> Thursday 26 November
    assert "U ontvangt uiterlijk donderdag 26 november een reactie van ons." in shown
    assert case.kind is kind_enum and case.channel is Channel.WEB_FORM
    assert case.received_at == context.now()  # the server's receipt moment
    assert {d.kind for d in case.deadlines} == deadlines
    assert case.complainant is not None and case.complainant.name == fields["name"]
    if kind == "klacht":
        assert case.status is Status.NEW
        assert case.description == KLACHT["description"] and case.remedy_sought == KLACHT["remedy_sought"]
        assert case.discussed_first is False and case.category == "Bejegening"
        assert [(p.name, p.role.value, p.note) for p in case.parties[1:]] == [("Dr. P. Bakker", "aangeklaagde",
                                                                              "huisarts")]
    else:
        assert case.status is Status.FORWARDED and case.queue


def test_the_reply_deadline_is_said_in_words(context: Context, clock: FixedClock) -> None:
    clock.moment = datetime(2026, 12, 24, 10, 0, tzinfo=AMSTERDAM)  # Thursday before Christmas
    client = FormClient(context)
    try:
        shown = text(client.submit("klacht", KLACHT).text)
    finally:
        client.close()
    assert "uiterlijk woensdag 30 december" in shown


def test_a_submission_after_closing_time_says_when_it_counts_as_received(context: Context, clock: FixedClock) -> None:
    clock.moment = datetime(2026, 11, 21, 11, 0, tzinfo=AMSTERDAM)  # a Saturday
    client = FormClient(context)
    try:
        shown = text(client.submit("factuurvraag", FACTUURVRAAG).text)
    finally:
        client.close()
    assert "Ontvangst telt als maandag 23 november 2026" in shown
    assert "uiterlijk donderdag 26 november" in shown


def test_the_acknowledgement_follows_when_an_email_address_was_given(web: FormClient, context: Context) -> None:
    web.submit("klacht", KLACHT)
    web.submit("accountvraag", ACCOUNTVRAAG)  # a phone number only: no acknowledgement
    web.background.join()
    sent = mails()
    assert [m.to for m in sent] == ["Jan de Vries <jan@example.nl>"]
    assert sent[0].headers["Auto-Submitted"] == "auto-replied"
    number = next(c.number for c in cases(context) if c.kind is ComplaintKind.COMPLAINT)
    assert number in sent[0].subject and number in sent[0].body
    assert "U ontvangt uiterlijk donderdag 26 november 2026 een reactie van ons." in sent[0].body
    # an automatic acknowledgement is no reply of the klachtencoördinator: the reply deadline stays open
    case = next(c for c in cases(context) if c.kind is ComplaintKind.COMPLAINT)
    assert next(d for d in case.deadlines if d.kind is DeadlineKind.REPLY).met_at is None


def test_a_database_that_is_away_keeps_what_was_typed(web: FormClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from klachtdesk.errors import DatabaseProblem
    from klachtdesk.services.webform import intake

    def away(*args: object) -> None:
        raise DatabaseProblem("De databaseserver is niet bereikbaar.")

    monkeypatch.setattr(intake, "submit", away)
    response = web.submit("klacht", KLACHT)
    assert response.status_code == 503
    assert "Wij kunnen uw melding op dit moment niet opslaan" in text(response.text)
    assert 'value="Jan de Vries"' in response.text and KLACHT["description"] in response.text


def test_the_same_form_sent_twice_is_registered_once(web: FormClient, context: Context) -> None:
    hidden = web.hidden("/?soort=klacht")
    first = web.submit("klacht", KLACHT, hidden=hidden)
    second = web.submit("klacht", KLACHT, hidden=hidden)
    assert first.status_code == second.status_code == 200
    [case] = cases(context)
    assert case.number in text(second.text)


# ---------------------------------------------------------------------------------------
# invalid submissions: the phone intake's messages, at their fields, input kept
# ---------------------------------------------------------------------------------------


def intake_messages(context: Context, data: RegistrationInput) -> list[str]:
    return [e.message for e in complaints.validate_registration(context, data)[1]]


@pytest.mark.parametrize(("kind", "fields", "data"), [
    ("klacht", {"name": "", "email": "", "phone": "", "service_type": "", "description": ""},
     RegistrationInput(kind=ComplaintKind.COMPLAINT, channel=Channel.WEB_FORM)),
    ("factuurvraag", {"name": "Els", "email": "els@", "service_type": "Facturatie en abonnement",
                      "invoice_number": ""},
     RegistrationInput(kind=ComplaintKind.INVOICE_QUESTION, channel=Channel.WEB_FORM,
                       complainant=PersonInput(name="Els", email="els@"), service_type="Facturatie en abonnement")),
    ("accountvraag", {"name": "Piet", "phone": "12", "service_type": "Geen dienst", "description": " "},
     RegistrationInput(kind=ComplaintKind.ACCOUNT_QUESTION, channel=Channel.WEB_FORM,
                       complainant=PersonInput(name="Piet", phone="12"), service_type="Geen dienst")),
])
def test_an_invalid_submission_shows_the_intakes_messages_at_the_fields(
    web: FormClient, context: Context, kind: str, fields: dict[str, str], data: RegistrationInput,
) -> None:
    response = web.submit(kind, fields)
    assert response.status_code == 400
    shown = text(response.text)
    expected = intake_messages(context, data)
    assert expected  # the same rules ...
    for message in expected:
        assert message in shown  # ... and the same words as the phone intake
    parsed = page(response.text)
    summary_targets = [href[1:] for href in parsed.links if href.startswith("#") and href != "#inhoud"]
    assert summary_targets and set(summary_targets) <= set(parsed.ids)  # each error links to its field
    assert "Fout:" in response.text.split("<title>")[1]  # the page title says so too
    assert complaints.count(context) == 0
    for name, value in fields.items():
        if value.strip() and value != "Geen dienst":  # (a choice that is not on the list cannot be shown again)
            assert (f'value="{value}"' in response.text or f">{value}</textarea>" in response.text
                    or f"<option selected>{value}</option>" in response.text), name


def test_a_wrong_incident_date_gets_the_date_grammars_message(web: FormClient, context: Context) -> None:
    response = web.submit("klacht", {**KLACHT, "incident_date": "31-02-2026"})
    assert response.status_code == 400
    assert "'31-02-2026' bestaat niet als datum." in text(response.text)
    response = web.submit("klacht", {**KLACHT, "incident_date": "1 januari 2030"})
    assert "De datum van het voorval ligt in de toekomst." in text(response.text)
    assert complaints.count(context) == 0


def test_a_person_without_a_name_is_pointed_at_its_own_row(web: FormClient) -> None:
    fields = {**KLACHT, "involved.1.name": "", "involved.1.note": "", "involved.2.name": "",
              "involved.2.note": "de receptionist", "involved.2.role": "betrokkene"}
    response = web.submit("klacht", fields)
    assert response.status_code == 400
    assert "Betrokkene 1 heeft geen naam." in text(response.text)
    assert 'href="#involved-1-name"' in response.text
    assert 'id="involved-1-note" name="involved.1.note" value="de receptionist"' in response.text  # moved up


def test_a_too_long_text_is_refused_and_kept(context: Context) -> None:
    client = FormClient(context, form_settings(limits=Limits(text_max_chars=100)))
    try:
        response = client.submit("klacht", {**KLACHT, "description": "x" * 150})
    finally:
        client.close()
    assert response.status_code == 400
    assert "Deze tekst is te lang: hoogstens 100 tekens." in text(response.text)
    assert "x" * 101 in response.text
    assert complaints.count(context) == 0


def test_what_is_shown_again_is_escaped(web: FormClient, context: Context) -> None:
    evil = '<script>alert("x")</script>'
    response = web.submit("klacht", {**KLACHT, "name": evil, "email": f"{evil}@example.nl",
                                     "description": f"</textarea>{evil}"})
    assert response.status_code == 400
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text
    assert complaints.count(context) == 0


# ---------------------------------------------------------------------------------------
# abuse
# ---------------------------------------------------------------------------------------


def test_a_post_without_csrf_token_is_refused_and_the_input_kept(web: FormClient, context: Context) -> None:
    hidden = web.hidden("/?soort=klacht")
    del hidden["csrf"]
    response = web.submit("klacht", KLACHT, hidden=hidden)
    assert response.status_code == 403
    assert "Dit formulier was verlopen" in text(response.text)
    assert 'value="Jan de Vries"' in response.text
    assert complaints.count(context) == 0


def test_a_csrf_token_of_another_visitor_is_refused(web: FormClient, context: Context) -> None:
    hidden = web.hidden("/?soort=klacht")
    web.http.cookies.clear()
    web.http.cookies.set("klachtdesk", "someone-else-entirely-000")
    assert web.submit("klacht", KLACHT, hidden=hidden).status_code == 403
    web.http.cookies.clear()  # no cookie at all
    refused = web.submit("klacht", KLACHT, hidden=hidden)
    assert refused.status_code == 403 and "Sta voor deze website cookies toe" in text(refused.text)
    assert complaints.count(context) == 0


def test_a_filled_honeypot_registers_nothing_and_says_nothing(web: FormClient, context: Context) -> None:
    response = web.submit("klacht", {**KLACHT, "website": "http://spam.example"})
    assert response.status_code == 200
    shown = text(response.text)
    assert "Bedankt voor uw bericht" in shown and "KL-" not in shown
    web.background.join()
    assert complaints.count(context) == 0 and mails() == []


def test_submissions_are_limited_per_address_and_per_day(context: Context) -> None:
    settings = form_settings(limits=Limits(submissions_per_address_per_hour=2, submissions_per_day=3))
    client = FormClient(context, settings)
    try:
        at = {"X-Forwarded-For": "203.0.113.7"}
        assert client.submit("factuurvraag", FACTUURVRAAG, headers=at).status_code == 200
        # mistakes cost nothing
        assert client.submit("factuurvraag", {**FACTUURVRAAG, "invoice_number": ""}, headers=at).status_code == 400
        assert client.submit("factuurvraag", FACTUURVRAAG, headers=at).status_code == 200
        refused = client.submit("factuurvraag", FACTUURVRAAG, headers=at)
        assert refused.status_code == 429
        assert "al erg veel meldingen" in text(refused.text) and 'value="F2026-01234"' in refused.text
        other = {"X-Forwarded-For": "198.51.100.20"}
        assert client.submit("factuurvraag", FACTUURVRAAG, headers=other).status_code == 200
        # three today: the day is full for everyone
        assert client.submit("factuurvraag", FACTUURVRAAG, headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 429
    finally:
        client.close()
    assert complaints.count(context) == 3


def test_an_oversized_request_is_refused(context: Context) -> None:
    settings = form_settings(limits=Limits(request_max_bytes=64 * 1024),
                             attachments=AttachmentRules(count=1, max_bytes=32 * 1024))
    client = FormClient(context, settings)
    try:
        response = client.submit("klacht", KLACHT, files=[("groot.pdf", PDF + b"0" * 100_000)])
    finally:
        client.close()
    assert response.status_code == 413
    assert "Het formulier is te groot" in text(response.text)
    assert complaints.count(context) == 0


def test_a_streamed_request_over_the_limit_is_refused(context: Context) -> None:
    client = FormClient(context, form_settings(limits=Limits(request_max_bytes=64 * 1024),
                                               attachments=AttachmentRules(count=1, max_bytes=32 * 1024)))
    try:
        hidden = client.hidden("/?soort=klacht")

        def chunks() -> Iterator[bytes]:  # no Content-Length: the size shows only while it streams in
            yield f"csrf={hidden['csrf']}&soort=klacht&name=".encode()
            for _ in range(100):
                yield b"x" * 1024

        response = client.http.post("/", content=chunks(),
                                    headers={"content-type": "application/x-www-form-urlencoded"})
    finally:
        client.close()
    assert response.status_code == 413 and "Het formulier is te groot" in text(response.text)
    assert complaints.count(context) == 0


def test_too_many_fields_are_refused(web: FormClient, context: Context) -> None:
    hidden = web.hidden("/?soort=klacht")
    data = {**hidden, **KLACHT, **{f"extra{i}": "x" for i in range(100)}}
    response = web.http.post("/", data=data, files=[("bijlagen", ("", b"", "application/octet-stream"))])
    assert response.status_code == 400 and "kon niet worden gelezen" in text(response.text)
    assert complaints.count(context) == 0


# ---------------------------------------------------------------------------------------
# attachments
# ---------------------------------------------------------------------------------------


def test_attachments_are_kept_with_the_case(web: FormClient, context: Context) -> None:
    response = web.submit("klacht", KLACHT, files=[("../../etc/brief.pdf", PDF), ("notitie.txt", "Hallo".encode())])
    assert response.status_code == 200
    assert "2 bijlagen zijn bij uw klacht bewaard." in text(response.text)
    from sqlmodel import select

    from klachtdesk.models import Attachment

    with context.db.read() as session:
        stored = session.exec(select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.content_type, a.size) for a in stored] == [
        ("brief.pdf", "application/pdf", len(PDF)), ("notitie.txt", "text/plain", 5)]
    assert stored[0].content == PDF


def test_a_case_never_lacks_the_files_it_came_with(web: FormClient, context: Context,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from klachtdesk.errors import DatabaseProblem
    from klachtdesk.services.webform import attachments

    def full_disk(*args: object) -> int:
        raise DatabaseProblem("De schijf is vol of niet beschikbaar; de wijziging is niet opgeslagen.")

    monkeypatch.setattr(attachments, "store_in", full_disk)
    response = web.submit("klacht", KLACHT, files=[("brief.pdf", PDF)])
    assert response.status_code == 503 and 'value="Jan de Vries"' in response.text
    assert complaints.count(context) == 0  # the registration went with the files: nothing half


@pytest.mark.parametrize(("files", "message"), [
    ([("foto.png", b"MZ\x90\x00\x03\x00\x00\x00")], "Het bestand 'foto.png' is geen PDF, JPEG, PNG of tekst (.txt)."),
    ([("leeg.pdf", b"")], "Het bestand 'leeg.pdf' is leeg."),
    ([("a.pdf", PDF)] * 4, "U kunt hoogstens 3 bestanden meesturen."),
    ([("groot.pdf", PDF + b"0" * (6 * 1024 * 1024))], "Het bestand 'groot.pdf' is te groot (6 MB); hoogstens 5 MB per bestand."),
])
def test_wrong_attachments_are_refused(web: FormClient, context: Context, files: list[tuple[str, bytes]],
                                       message: str) -> None:
    response = web.submit("klacht", KLACHT, files=files)
    assert response.status_code == 400
    assert message in text(response.text)
    assert 'href="#bijlagen"' in response.text
    assert complaints.count(context) == 0


# ---------------------------------------------------------------------------------------
# "Waar staat mijn klacht?"
# ---------------------------------------------------------------------------------------


def filed(web: FormClient, context: Context) -> str:
    web.submit("klacht", KLACHT)
    web.background.join()
    return cases(context)[0].number


def test_right_and_wrong_pairs_get_the_same_answer_and_only_the_right_one_a_link(
    web: FormClient, context: Context,
) -> None:
    number = filed(web, context)
    before = len(mails())
    wrong_address = web.ask_link(number, "iemand@example.nl")
    unknown_number = web.ask_link("KL-2026-009999", "jan@example.nl")
    right = web.ask_link(number, "JAN@Example.nl")
    answers = {r.status_code for r in (wrong_address, unknown_number, right)}
    assert answers == {200}
    assert text(wrong_address.text) == text(unknown_number.text) == text(right.text)
    sent = mails()[before:]
    assert len(sent) == 1 and sent[0].to == "Jan de Vries <jan@example.nl>"
    assert number in sent[0].subject and "werkt één keer" in sent[0].body
    assert sent[0].headers["Auto-Submitted"] == "auto-generated"


def test_the_answer_is_given_before_the_case_is_looked_up(context: Context) -> None:
    """No enumeration in the timing either: the page is the same, byte for byte, and is
    sent before anything looks at the case; the look-up and the mail follow after."""
    held = HeldBackground()
    client = FormClient(context, background=held)
    try:
        number = filed(client, context)
        held.release()  # the acknowledgement
        before = len(mails())
        right = client.ask_link(number, "jan@example.nl")
        wrong = client.ask_link(number, "ander@example.nl")
        assert right.status_code == wrong.status_code == 200
        assert right.content == wrong.content
        from sqlmodel import select

        from klachtdesk.models import StatusLink

        with context.db.read() as session:
            assert session.exec(select(StatusLink)).all() == []
        assert len(held.held) == 2 and len(mails()) == before
        held.release()
        assert len(mails()) == before + 1
    finally:
        client.close()


def test_only_the_tokens_hash_is_stored(web: FormClient, context: Context) -> None:
    number = filed(web, context)
    web.ask_link(number, "jan@example.nl")
    token = link_token(mails()[-1])
    from sqlmodel import select

    from klachtdesk.models import Event, StatusLink

    with context.db.read() as session:
        links = session.exec(select(StatusLink)).all()
        history = session.exec(select(Event)).all()
    assert len(links) == 1 and links[0].token_hash != token and len(links[0].token_hash) == 64
    assert all(token not in f"{e.summary} {e.body} {e.data}" for e in history)


def test_a_malformed_look_up_is_told_at_its_fields(web: FormClient) -> None:
    response = web.ask_link("abc", "geen-adres")
    assert response.status_code == 400
    shown = text(response.text)
    assert "'abc' is geen klachtnummer" in shown and "'geen-adres' is geen geldig e-mailadres" in shown


def test_the_link_shows_the_klager_their_case_and_nothing_else(web: FormClient, context: Context) -> None:
    number = filed(web, context)
    case_id = complaints.id_for_number(context, number)
    workflow.add_note(context, case_id, "Interne notitie: klager is bekend bij de balie")
    workflow.add_note(context, case_id, "Vertrouwelijk: gesprek met dr. Bakker over zijn dossier", confidential=True)
    other = complaints.register(context, RegistrationInput(
        kind=ComplaintKind.COMPLAINT, complainant=PersonInput(name="Karel Anders", email="karel@example.nl"),
        service_type="Thuiszorg", description="Iets heel anders"))
    draft = messages.prepare(context, other.id, "voortgang")
    messages.send(context, other.id, draft.template, draft.subject, draft.body)
    web.ask_link(number, "jan@example.nl")
    response = web.open_link(link_token(mails()[-1]))
    assert response.status_code == 200
    shown = text(response.text)
    assert number in shown and "De stand van uw klacht" in shown
    assert "Uw klacht is geregistreerd en wordt toegewezen" in shown  # the stand in plain Dutch
    assert "U ontvangt een reactie van ons, uiterlijk donderdag 26 november." in shown
    assert "Nog open: nog 3 werkdagen." in shown
    assert "onze schriftelijke beslissing" in shown  # the Wkkgz deadline promised
    assert "Wij hebben uw klacht ontvangen" in shown  # the acknowledgement sent to them
    for secret in ("Interne notitie", "Vertrouwelijk", "Bakker", "Karel Anders", "Iets heel anders",
                   KLACHT["description"], "06 12345678", other.number):
        assert secret not in shown
    assert "noindex" in response.text


def test_on_postgresql_the_klager_views_show_a_case_only_to_the_transaction_that_opened_its_link(
    web: FormClient, context: Context,
) -> None:
    number = filed(web, context)
    web.ask_link(number, "jan@example.nl")
    assert web.open_link(link_token(mails()[-1])).status_code == 200
    from sqlalchemy import text as sql

    with context.db.read() as session:
        shown = {view: session.execute(sql(f"SELECT count(*) FROM {view}")).scalar_one()
                 for view in ("klager_complaint", "klager_deadline", "klager_message")}
    if context.db.engine.dialect.name == "postgresql":
        assert shown == {"klager_complaint": 0, "klager_deadline": 0, "klager_message": 0}
    else:  # one workstation: the services pick the case whose link was opened
        assert shown == {"klager_complaint": 1, "klager_deadline": 3, "klager_message": 1}


def test_a_met_deadline_is_said_to_be_met(web: FormClient, context: Context, clock: FixedClock) -> None:
    number = filed(web, context)
    case_id = complaints.id_for_number(context, number)
    clock.advance(timedelta(days=1))
    draft = messages.prepare(context, case_id, "voortgang")
    messages.send(context, case_id, draft.template, draft.subject, draft.body)
    web.ask_link(number, "jan@example.nl")
    shown = text(web.open_link(link_token(mails()[-1])).text)
    assert "Gehaald op dinsdag 24 november." in shown
    assert draft.subject in shown


def test_a_link_works_once(web: FormClient, context: Context) -> None:
    number = filed(web, context)
    web.ask_link(number, "jan@example.nl")
    token = link_token(mails()[-1])
    assert web.http.get(f"/status/{token}").status_code == 200  # looking (a mail scanner) uses nothing up
    assert web.open_link(token).status_code == 200
    again = web.open_link(token)
    assert again.status_code == 410 and "Deze link werkt niet meer" in text(again.text)


def test_an_expired_link_does_not_open(web: FormClient, context: Context, clock: FixedClock) -> None:
    number = filed(web, context)
    web.ask_link(number, "jan@example.nl")
    token = link_token(mails()[-1])
    clock.advance(timedelta(minutes=31))
    assert web.open_link(token).status_code == 410
    assert web.open_link("x" * 43).status_code == 410  # an unknown token: the same answer
    assert web.open_link("kort").status_code == 410


def test_opening_a_link_needs_the_csrf_token(web: FormClient, context: Context) -> None:
    number = filed(web, context)
    web.ask_link(number, "jan@example.nl")
    token = link_token(mails()[-1])
    response = web.http.post(f"/status/{token}", data={})
    assert response.status_code == 403
    assert web.open_link(token).status_code == 200  # not used up by the refused attempt


def test_look_ups_are_limited_per_address(context: Context) -> None:
    client = FormClient(context, form_settings(limits=Limits(lookups_per_address_per_hour=2)))
    try:
        codes = [client.ask_link("KL-2026-000001", "a@example.nl").status_code for _ in range(3)]
    finally:
        client.close()
    assert codes == [200, 200, 429]


def test_a_look_up_with_the_honeypot_filled_sends_nothing(web: FormClient, context: Context) -> None:
    number = filed(web, context)
    before = len(mails())
    data = web.hidden("/status")
    data.update({"klachtnummer": number, "email": "jan@example.nl", "website": "x"})
    response = web.http.post("/status", data=data)
    web.background.join()
    assert response.status_code == 200 and "Kijk in uw e-mail" in text(response.text)
    assert len(mails()) == before


def test_an_anonymised_case_gets_no_link(web: FormClient, context: Context) -> None:
    number = filed(web, context)
    from klachtdesk.services.privacy import avg as privacy

    privacy.erase_person(context, "jan@example.nl")
    before = len(mails())
    web.ask_link(number, "jan@example.nl")
    assert len(mails()) == before


def test_questions_are_listed_in_the_inbox_with_the_web_channel(web: FormClient, context: Context) -> None:
    web.submit("factuurvraag", FACTUURVRAAG)
    web.submit("accountvraag", ACCOUNTVRAAG)
    rows = inbox.fetch_page(context, InboxQuery(filters=CaseFilter(channel=Channel.WEB_FORM)))
    assert sorted(r.kind.value for r in rows) == ["accountvraag", "factuurvraag"]
    assert all(r.next_due is not None for r in rows)


def test_behind_a_proxy_path_every_link_and_form_keeps_the_path(context: Context) -> None:
    """Published under /klacht/ (the proxy strips it, uvicorn's root_path puts it back)."""
    from starlette.testclient import TestClient

    from klachtdesk.web.app import create_app
    from tests.web.webclient import SECRET

    app = create_app(context, form_settings(), secret=SECRET)
    with TestClient(app, base_url="http://testserver", root_path="/klacht") as client:
        html = client.get("/?soort=klacht").text
    parsed = page(html)
    internal = [href for href in parsed.links if href.startswith("/")]
    assert internal and all(href.startswith("/klacht/") for href in internal)
    assert 'action="/klacht/"' in html and 'href="/klacht/static/formulier.css"' in html
