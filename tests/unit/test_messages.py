"""Messages to the klager: every template rendered for a case, the Wkkgz checks on a
decision and an extension, .eml files in the outbox, and real SMTP delivery."""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email import policy
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from klachtdesk.errors import PermissionDenied, TransitionRefused, ValidationError
from klachtdesk.models import ComplaintKind, Deadline, DeadlineKind, Event, EventType, Message, StaffRole
from klachtdesk.paths import outbox_dir
from klachtdesk.services.cases import complaints
from klachtdesk.services.correspondence import messages
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.config.settings import Settings
from klachtdesk.services.correspondence.messages import MessageSettings, SmtpSettings

SETTINGS = MessageSettings(
    organisation="Ksyos",
    signature="De klachtencoördinator van Ksyos",
    organisation_email="klacht@ksyos.nl",
    dispute_name="De Geschillencommissie Zorg",
    dispute_address="Postbus 90600, 2509 LP Den Haag",
    dispute_website="www.degeschillencommissiezorg.nl",
)

DECISION = {"oordeel": "Uw klacht is gegrond.", "maatregelen": "De arts volgt een training bejegening.",
            "termijn": "Uiterlijk 1 maart 2027."}


def register(context: Context, kind: ComplaintKind = ComplaintKind.COMPLAINT, email_address: str = "jan@example.nl"
             ) -> int:
    data = RegistrationInput(
        kind=kind,
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", email=email_address),
        service_type="Teleconsultatie",
        description="De arts was onvriendelijk.",
        invoice_number="F-2026-001" if kind is ComplaintKind.INVOICE_QUESTION else "",
    )
    return complaints.register(context, data).id


def deadline(context: Context, complaint_id: int, kind: DeadlineKind) -> Deadline:
    with context.db.read() as session:
        return session.exec(select(Deadline).where(Deadline.complaint_id == complaint_id, Deadline.kind == kind)).one()


def send(context: Context, draft: messages.MessageDraft, **kwargs: Any) -> messages.SentMessage:
    return messages.send(context, draft.complaint_id, draft.template, draft.subject, draft.body, **kwargs)


# ---------------------------------------------------------------------------------------
# settings and templates
# ---------------------------------------------------------------------------------------


def test_the_shipped_settings_and_templates_load() -> None:
    shipped = Settings.defaults()
    settings = shipped.messages
    assert settings.organisation and settings.dispute_name and settings.dispute_address
    assert not settings.smtp.configured  # out of the box: .eml files in the outbox
    for key in messages.TEMPLATES:
        loaded = shipped.template(key)
        assert loaded.subject.template and loaded.body.template


def test_a_template_with_an_unknown_placeholder_is_a_config_error() -> None:
    from klachtdesk.errors import ConfigError

    shipped = Settings.defaults()
    with pytest.raises(ConfigError, match=r"\$klant"):
        shipped.replaced({"berichten/voortgang.txt": "Onderwerp: $klachtnummer\n\nBeste $klant,\n"})
    with pytest.raises(ConfigError, match="Onderwerp"):
        shipped.replaced({"berichten/beslissing.txt": "Beste $naam\n"})
    texts = {name: text for name, text in shipped.texts.items() if name != "berichten/verlenging.txt"}
    with pytest.raises(ConfigError, match="verlenging.txt ontbreekt"):
        Settings.from_texts(texts)


@pytest.mark.parametrize("template", list(messages.TEMPLATES))
def test_every_template_renders_for_the_case(context: Context, template: str) -> None:
    case_id = register(context)
    workflow.assign(context, case_id, complaints.get_case(context, case_id, record_view=False).version,
                    context.user.id)
    draft = messages.prepare(context, case_id, template, settings=SETTINGS, **(
        DECISION if template == "beslissing" else {"reden": "Wij wachten op een verslag."}
        if template == "verlenging" else {}))
    text = draft.subject + "\n" + draft.body
    assert "$" not in text
    assert "KL-2026-000001" in text
    assert draft.body.startswith("Beste Jan de Vries,")
    assert "maandag 23 november 2026" in draft.body  # the receipt date, in Dutch
    assert draft.to_fill_in == []
    assert draft.recipient == "jan@example.nl" and draft.transport == "eml"
    assert draft.label == messages.TEMPLATES[template].label
    assert "Ksyos" in draft.body


def test_the_acknowledgement_states_the_expected_response_times(context: Context) -> None:
    case_id = register(context)
    body = messages.prepare_acknowledgement(context, case_id).body
    assert "neemt uiterlijk woensdag 25 november 2026 contact met u op" in body
    assert "uiterlijk maandag 4 januari 2027 onze schriftelijke beslissing" in body


def test_a_question_is_acknowledged_as_a_question(context: Context) -> None:
    case_id = register(context, ComplaintKind.INVOICE_QUESTION)
    draft = messages.prepare_acknowledgement(context, case_id)
    assert draft.subject == "Wij hebben uw vraag over uw factuur ontvangen (KL-2026-000001)"
    assert "beslissing" not in draft.body
    with pytest.raises(TransitionRefused, match="hoort bij een klacht"):
        messages.prepare(context, case_id, "beslissing")
    choices = {c.key: c for c in messages.templates_for(context, case_id)}
    assert choices["ontvangstbevestiging"].available and not choices["beslissing"].available


def test_the_progress_update_states_the_next_step_and_its_date(context: Context) -> None:
    case_id = register(context)
    v = workflow.assign(context, case_id, complaints.get_case(context, case_id, record_view=False).version,
                        context.user.id)
    body = messages.prepare(context, case_id, "voortgang").body
    assert "Waar wij nu staan: Uw klacht is toegewezen aan Tess Tester, die hem behandelt." in body
    assert "Volgende stap: De medewerker die uw klacht behandelt, neemt contact met u op" in body
    assert "Uiterlijk op: woensdag 25 november 2026" in body
    workflow.log_contact(context, case_id, "telefoon", "uit", "Besproken")
    workflow.transition(context, case_id, v, "in behandeling")
    body = messages.prepare(context, case_id, "voortgang").body
    assert "Waar wij nu staan: Wij onderzoeken uw klacht." in body
    assert "Volgende stap: U ontvangt onze schriftelijke beslissing over uw klacht" in body
    assert "Uiterlijk op: maandag 4 januari 2027" in body


def test_unknown_template_and_unknown_input_are_refused(context: Context) -> None:
    case_id = register(context)
    with pytest.raises(ValidationError) as unknown:
        messages.prepare(context, case_id, "kerstgroet")
    assert unknown.value.field == "template"
    with pytest.raises(ValidationError, match="Onbekende invoer"):
        messages.prepare(context, case_id, "beslissing", cijfer="8")


# ---------------------------------------------------------------------------------------
# the decision (Wkkgz: judgement, measures, term)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["oordeel", "maatregelen", "termijn"])
def test_a_decision_missing_a_required_part_is_refused(context: Context, missing: str) -> None:
    case_id = register(context)
    given = {k: v for k, v in DECISION.items() if k != missing}
    draft = messages.prepare(context, case_id, "beslissing", **given)
    assert len(draft.to_fill_in) == 1
    with pytest.raises(ValidationError, match="Vul eerst in") as refused:
        send(context, draft)
    assert refused.value.field == "body"

    complete = messages.prepare(context, case_id, "beslissing", **DECISION)
    heading = dict(messages.DECISION_SECTIONS)
    what = {"oordeel": "het oordeel", "maatregelen": "de maatregelen",
            "termijn": "de termijn waarbinnen de maatregelen worden uitgevoerd"}[missing]
    # the section left empty by editing
    emptied = complete.body.replace(DECISION[missing], "")
    with pytest.raises(ValidationError, match=f"noemt {what} niet"):
        messages.send(context, case_id, "beslissing", complete.subject, emptied)
    # the heading removed by editing
    headless = complete.body.replace(heading[what] + "\n", "")
    with pytest.raises(ValidationError, match=f"mist {what}"):
        messages.send(context, case_id, "beslissing", complete.subject, headless)
    with context.db.read() as session:
        assert session.exec(select(Message)).all() == []
    assert deadline(context, case_id, DeadlineKind.DECISION).met_at is None


def test_a_complete_decision_is_sent_and_meets_the_decision_deadline(context: Context) -> None:
    case_id = register(context)
    draft = messages.prepare(context, case_id, "beslissing", **DECISION)
    edited = draft.body.replace("Uiterlijk 1 maart 2027.", "Uiterlijk 1 maart 2027; wij bellen u als het klaar is.")
    sent = messages.send(context, case_id, "beslissing", draft.subject, edited)
    assert sent.met == ("Reactie van de klachtencoördinator", "Beslissing op de klacht (Wkkgz)")
    row = deadline(context, case_id, DeadlineKind.DECISION)
    assert row.met_at == context.now()
    with context.db.read() as session:
        event = session.get(Event, row.met_by_event_id)
    assert event is not None and event.type is EventType.MESSAGE
    assert "wij bellen u als het klaar is" in (event.body or "")
    # inline headings are fine too
    messages.check_body("beslissing", "x", "Ons oordeel: gegrond\n\nMaatregelen: training\n\n"
                        "Termijn waarbinnen de maatregelen worden uitgevoerd: maart\n")


# ---------------------------------------------------------------------------------------
# the extension notice
# ---------------------------------------------------------------------------------------


def test_the_extension_notice_moves_the_decision_deadline(context: Context) -> None:
    case_id = register(context)  # Monday 23 November 2026: decision due Monday 4 January 2027
    draft = messages.prepare(context, case_id, "verlenging", reden="Wij wachten op het verslag van de arts.")
    assert "uiterlijk maandag 4 januari 2027" in draft.body
    assert "U ontvangt onze beslissing uiterlijk maandag 1 februari 2027." in draft.body
    assert "- U ontvangt uiterlijk maandag 1 februari 2027 onze schriftelijke beslissing" not in draft.body
    sent = send(context, draft)
    assert sent.extended_to == date(2027, 2, 1)
    row = deadline(context, case_id, DeadlineKind.DECISION)
    assert (row.due, row.original_due, row.extended_at) == (date(2027, 2, 1), date(2027, 1, 4), context.now())
    assert row.extension_notice is not None and "verslag van de arts" in row.extension_notice
    view = next(d for d in complaints.get_case(context, case_id, record_view=False).deadlines
                if d.kind is DeadlineKind.DECISION)
    assert view.extended and view.due == date(2027, 2, 1)
    # only once
    with pytest.raises(TransitionRefused, match="één keer"):
        messages.prepare(context, case_id, "verlenging", reden="nog meer tijd")
    with pytest.raises(TransitionRefused, match="één keer"):
        send(context, draft)


def test_the_extension_is_refused_after_the_first_period(context: Context, clock) -> None:  # type: ignore[no-untyped-def]
    case_id = register(context)
    draft = messages.prepare(context, case_id, "verlenging", reden="Drukte")
    clock.advance(timedelta(days=42))  # Monday 4 January 2027: the last day, still in time
    messages.prepare(context, case_id, "verlenging", reden="Drukte")
    clock.advance(timedelta(days=1))  # Tuesday 5 January: too late
    with pytest.raises(TransitionRefused, match="vóór het einde van die termijn"):
        messages.prepare(context, case_id, "verlenging", reden="Drukte")
    with pytest.raises(TransitionRefused, match="vóór het einde van die termijn"):
        send(context, draft)
    assert deadline(context, case_id, DeadlineKind.DECISION).due == date(2027, 1, 4)
    assert list(outbox_dir().glob("*.eml")) == []


def test_the_extension_needs_the_right_to_extend(context: Context, as_user) -> None:  # type: ignore[no-untyped-def]
    case_id = register(context)
    draft = messages.prepare(context, case_id, "verlenging", reden="Drukte")
    service = as_user("karin", StaffRole.CUSTOMER_SERVICE)
    with pytest.raises(PermissionDenied):
        send(service, draft)


# ---------------------------------------------------------------------------------------
# transport: .eml in the outbox, or SMTP
# ---------------------------------------------------------------------------------------


def test_without_smtp_the_message_is_an_eml_file_in_the_outbox(context: Context) -> None:
    case_id = register(context)
    draft = messages.prepare_acknowledgement(context, case_id)
    sent = send(context, draft, settings=SETTINGS)
    assert sent.transport == "eml" and sent.outbox_path is not None
    path = Path(sent.outbox_path)
    assert path.parent == outbox_dir() and path.name.startswith("KL-2026-000001_20261123-100000_")
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["To"] == "Jan de Vries <jan@example.nl>"
    assert parsed["From"] == "De klachtencoördinator van Ksyos <klacht@ksyos.nl>"
    assert parsed["Subject"] == messages.subject_with_number(draft.subject, "KL-2026-000001")
    assert "[KL-2026-000001]" in parsed["Subject"]
    assert parsed["X-Klachtnummer"] == "KL-2026-000001"
    # the reply-above marker first, then the text; a Message-ID of the desk's domain naming case and message
    assert parsed.get_content().strip() == f"{messages.REPLY_ABOVE_MARKER}\n\n{draft.body.strip()}"
    assert parsed["Message-ID"].startswith(f"<KL-2026-000001.m{sent.id}.") and parsed["Message-ID"].endswith("@ksyos.nl>")
    assert parsed["Auto-Submitted"] is None
    with context.db.read() as session:
        row = session.get(Message, sent.id)
        events = session.exec(select(Event).where(Event.type == EventType.MESSAGE)).all()
    assert row is not None and row.sent_at == context.now() and row.transport == "eml"
    assert row.outbox_path == str(path) and row.template == "ontvangstbevestiging"
    assert f"<{row.message_id}>" == parsed["Message-ID"]
    assert len(events) == 1
    assert events[0].summary == "Bericht verstuurd: Ontvangstbevestiging (als .eml in de outbox)"
    assert draft.body.strip() in (events[0].body or "")
    timeline = complaints.get_case(context, case_id, record_view=False).timeline
    assert timeline[0].type is EventType.MESSAGE


def test_a_klager_without_email_or_address_gets_no_message(context: Context) -> None:
    """Once an .eml without To: was written and reported as sent; now the desk says why
    nothing can go (a klager with an address gets a letter: tests/unit/test_letters.py)."""
    case_id = register(context, email_address="")
    with pytest.raises(TransitionRefused, match="geen e-mailadres en geen postadres"):
        messages.prepare_acknowledgement(context, case_id)
    assert list(outbox_dir().glob("*.eml")) == []


def test_an_empty_or_unfinished_message_is_refused(context: Context) -> None:
    case_id = register(context)
    with pytest.raises(ValidationError) as empty:
        messages.send(context, case_id, "voortgang", "Onderwerp", "  ")
    assert empty.value.field == "body"
    with pytest.raises(ValidationError) as no_subject:
        messages.send(context, case_id, "voortgang", "", "Tekst")
    assert no_subject.value.field == "subject"
    with pytest.raises(ValidationError, match="te lang") as long_subject:
        messages.send(context, case_id, "voortgang", "x" * 301, "Tekst")
    assert long_subject.value.field == "subject"
    with pytest.raises(ValidationError, match=r"\[DATUM INVULLEN\]"):
        messages.send(context, case_id, "voortgang", "x", "Volgende stap op [DATUM INVULLEN].")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Collect:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Collect]]:
    from aiosmtpd.controller import Controller

    handler = _Collect()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


def test_with_smtp_the_message_is_delivered_to_the_server(context: Context, smtp_server: tuple[int, _Collect]) -> None:
    port, handler = smtp_server
    settings = MessageSettings(**{**SETTINGS.__dict__, "smtp": SmtpSettings(
        host="127.0.0.1", port=port, sender="noreply@ksyos.nl", starttls=False, timeout=5)})
    case_id = register(context)
    draft = messages.prepare_acknowledgement(context, case_id)
    sent = send(context, draft, settings=settings)
    assert sent.transport == "smtp" and sent.outbox_path is None
    assert len(handler.envelopes) == 1
    envelope = handler.envelopes[0]
    assert envelope.mail_from == "noreply@ksyos.nl" and envelope.rcpt_tos == ["jan@example.nl"]
    received = email.message_from_bytes(envelope.content, policy=policy.default)
    assert received["Subject"] == messages.subject_with_number(draft.subject, "KL-2026-000001")
    assert "Wat u van ons kunt verwachten" in received.get_content()
    assert list(outbox_dir().glob("*.eml")) == []
    assert deadline(context, case_id, DeadlineKind.REPLY).met_at == context.now()


def test_a_failing_mail_server_loses_nothing_and_meets_nothing(context: Context) -> None:
    settings = MessageSettings(**{**SETTINGS.__dict__, "smtp": SmtpSettings(
        host="127.0.0.1", port=_free_port(), starttls=False, timeout=2)})
    case_id = register(context)
    draft = messages.prepare_acknowledgement(context, case_id)
    with pytest.raises(messages.MessageNotSent, match="bewaard maar niet verstuurd"):
        send(context, draft, settings=settings)
    with context.db.read() as session:
        rows = session.exec(select(Message)).all()
        sent_events = session.exec(select(Event).where(Event.type == EventType.MESSAGE)).all()
    assert [(r.subject, r.sent_at) for r in rows] == [(draft.subject, None)]
    assert sent_events == []
    assert deadline(context, case_id, DeadlineKind.REPLY).met_at is None


def test_a_password_is_asked_from_the_environment(context: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(messages.PASSWORD_ENV, raising=False)
    settings = MessageSettings(**{**SETTINGS.__dict__, "smtp": SmtpSettings(
        host="127.0.0.1", port=_free_port(), username="klachtdesk", starttls=False, timeout=2)})
    case_id = register(context)
    with pytest.raises(messages.MessageNotSent, match=re.escape(messages.PASSWORD_ENV)):
        send(context, messages.prepare_acknowledgement(context, case_id), settings=settings)
