"""Cases from mail in the app: listed "te beoordelen", checked in the registration form
(prefilled, derived fields marked), attachments and the bounce on the case detail, and the
beheerder's list of kept mail."""

from __future__ import annotations

import sys
from pathlib import Path

from datetime import date

from textual.widgets import DataTable, Input, Select, Static, TextArea

from klachtdesk.app import create_app
from klachtdesk.models import ComplaintKind, DeadlineKind, MailOutcome, Status
from klachtdesk.screens.case_detail import CaseDetailScreen, render_attachments, render_fields
from klachtdesk.screens.kept_mail import KeptMailScreen
from klachtdesk.screens.registration import RegistrationScreen
from klachtdesk.services.cases import complaints, review
from klachtdesk.services.lists import inbox
from klachtdesk.services.lists.inbox import InboxQuery
from klachtdesk.services.core.context import Context
from klachtdesk.services.mail import intake
from klachtdesk.services.config.mail import MailSettings
from klachtdesk.widgets.intake_caller import KnownCallerPanel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mail_corpus"))
import corpus  # noqa: E402
from tests.ui.waiting import workers_done

SIZE = (140, 45)


def take(context: Context, *names: str, number: str | None = None) -> list[intake.IntakeResult]:
    items = [(n, (corpus.CORPUS / n).read_bytes()) for n in names]
    if number:  # the bounce is about the desk's message to this case
        items = [(n, raw.replace(b"KL-2026-000005", number.encode())) for n, raw in items]
    return [intake.receive(context, intake.IncomingMail(raw, n), MailSettings())
            for n, raw in corpus.in_arrival_order(items, context.now())]


async def settle(pilot, app, delay: float = 0.0) -> None:  # type: ignore[no-untyped-def]
    from textual.worker import WorkerCancelled

    for _ in range(3):
        await pilot.pause(delay or None)
        try:
            await workers_done(app)
        except WorkerCancelled:  # an exclusive worker replaced by a newer one (a reload after a change)
            pass
    await pilot.pause()


async def test_a_case_from_mail_is_reviewed_in_the_registration_form(sqlite_context: Context) -> None:
    [first, bounce, _] = take(sqlite_context, "05_wrong_charset.eml", "18_dsn_postfix.eml", "33_not_a_mail.eml",
                               number="KL-2026-000001")
    assert bounce.outcome is MailOutcome.BOUNCE
    page = inbox.fetch_page(sqlite_context, InboxQuery(filters=complaints.CaseFilter(review_only=True)))
    assert [row.number for row in page] == ["KL-2026-000001"] and page[0].review_pending
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_case(first.complaint_id)
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen) and screen.loaded is not None
        fields = render_fields(screen.loaded)
        from rich.console import Console

        console = Console(width=120, record=True)
        console.print(fields)
        shown = console.export_text()
        assert "te beoordelen" in shown and "Niet afgeleverd" in shown and "5.1.1" in shown
        await pilot.press("k")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        assert form.query_one("#name", Input).value == "Joelle Dubois"
        assert not form.query_one("#kind").disabled  # the kind may be corrected in review
        assert form.query_one("#channel").disabled and form.query_one("#received_at").disabled  # as received
        assert "uit e-mail afgeleid" in form._hint("phone", complaints.validate_registration(
            sqlite_context, form._review.data)[0])  # type: ignore[union-attr]
        await settle(pilot, app, 0.6)  # past the known-caller look-up's quiet time
        assert form.query_one(KnownCallerPanel).offers == []  # the case's own klager is no one to take over
        # a person corrects the name the mail program spelled without its diaeresis
        name = form.query_one("#name", Input)
        name.value = "Joëlle Dubois"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseDetailScreen)
    detail = complaints.get_case(sqlite_context, first.complaint_id, record_view=False)
    assert not detail.review_pending and detail.complainant is not None
    assert detail.complainant.name == "Joëlle Dubois"
    assert inbox.fetch_page(sqlite_context, InboxQuery(filters=complaints.CaseFilter(review_only=True))) == []


async def test_attachments_are_listed_on_the_case(sqlite_context: Context) -> None:
    [result] = take(sqlite_context, "08_attachments_accents.eml")
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_case(result.complaint_id)
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CaseDetailScreen) and screen.loaded is not None
        text = render_attachments(screen.loaded)
        assert "factuur résumé oktober.pdf" in str(text) and "overzicht bedräge éèn.xlsx" in str(text)
        await pilot.press("l")
        await settle(pilot, app)
    from klachtdesk.paths import home_dir

    saved = home_dir() / "bijlagen" / "KL-2026-000001"
    assert sorted(p.name for p in saved.iterdir()) == ["factuur résumé oktober.pdf", "overzicht bedräge éèn.xlsx"]
    assert oct(saved.stat().st_mode)[-3:] == "700"


async def test_the_beheerder_sees_kept_mail_and_can_process_it_again(sqlite_context: Context) -> None:
    take(sqlite_context, "21_newsletter_list.eml", "33_not_a_mail.eml")
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_kept_mail()
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, KeptMailScreen)
        assert screen.query_one(DataTable).row_count == 2
        await pilot.press("x")
        await settle(pilot, app)
        assert screen.query_one(DataTable).row_count == 1
        await pilot.press("enter")  # the newsletter is still automatic: kept again, not a case
        await settle(pilot, app)
        assert screen.query_one(DataTable).row_count == 1
    assert complaints.count(sqlite_context) == 0


async def test_the_reviewer_corrects_the_kind_of_a_case_from_mail(sqlite_context: Context) -> None:
    """A mail to info@ registered as an accountvraag is really a klacht: the reviewer sets the
    kind in the form, sees the klacht's fields (what was typed for another kind stays in the
    form), and saves: the case is a klacht with a klacht's status and deadlines, counted
    from the mail's arrival (Tuesday 3 November 2026, 14:05)."""
    [result] = take(sqlite_context, "03_apple_accountvraag.eml")
    assert review.review_form(sqlite_context, result.complaint_id).data.kind is ComplaintKind.ACCOUNT_QUESTION
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_case(result.complaint_id)
        await settle(pilot, app)
        await pilot.press("k")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        description = form.query_one("#description", TextArea).text
        assert "inloggen" in description
        assert not form.query_one("#field-invoice_number").display
        await pilot.press("alt+s", "f")  # first a factuurvraag, with an invoice number typed
        await pilot.pause()
        assert form.query_one("#kind", Select).value == ComplaintKind.INVOICE_QUESTION.value
        assert form.query_one("#field-invoice_number").display
        await pilot.press("alt+c", *"F2026-0042")
        await pilot.press("alt+s", "k")  # no: a klacht
        await pilot.pause()
        assert form.query_one("#kind", Select).value == ComplaintKind.COMPLAINT.value
        assert form.query_one("#field-involved").display and form.query_one("#field-incident_date").display
        assert not form.query_one("#field-invoice_number").display
        assert form.query_one("#invoice_number", Input).value == "F2026-0042"  # kept in the form, not lost
        assert form.query_one("#description", TextArea).text == description
        assert "Soort gewijzigd: accountvraag → klacht" in str(form.query_one("#ask", Static).render())
        assert "(als klacht)" in form.sub_title
        await pilot.press("alt+d", *"02-11-2026")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseDetailScreen)
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "Nu een klacht (nieuw)" in shown and "Nieuwe termijnen:" in shown
    case = complaints.get_case(sqlite_context, result.complaint_id, record_view=False)
    assert (case.kind, case.status, case.queue, case.review_pending) == (ComplaintKind.COMPLAINT, Status.NEW, None,
                                                                         False)
    assert case.incident_date == date(2026, 11, 2) and case.invoice_number is None  # a klacht has no invoice number
    # from the arrival: reply 3 werkdagen, first contact 2 werkdagen, decision 6 weeks
    assert {d.kind: d.due for d in case.deadlines} == {DeadlineKind.REPLY: date(2026, 11, 6),
                                                      DeadlineKind.FIRST_CONTACT: date(2026, 11, 5),
                                                      DeadlineKind.DECISION: date(2026, 12, 15)}
    assert any(e.summary.startswith("Soort bij beoordeling gewijzigd van accountvraag naar klacht door Tess Tester")
               for e in case.timeline)
