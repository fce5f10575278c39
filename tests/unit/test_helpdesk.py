"""The helpdesk extras of the inbox (issue 15): filters on behandelaar, niet toegewezen,
categorie and a date range; saved views per person; several cases assigned or moved at
once through the single actions' rules; the notices of cases a colleague assigned to the
user. Service level, both engines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from klachtdesk.errors import NotFound, PermissionDenied, ValidationError
from klachtdesk.models import Complaint, ComplaintKind, Event, EventType, StaffRole, Status
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import CaseFilter, PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.lists import changes, inbox, saved_views
from klachtdesk.services.lists.inbox import InboxQuery, SortOrder
from klachtdesk.services.procedure import bulk, workflow

S = Status


def register(context: Context, days_ago: int, *, category: str | None = None,
             kind: ComplaintKind = ComplaintKind.COMPLAINT) -> int:
    case = complaints.register(context, RegistrationInput(
        kind=kind, received_at=context.now() - timedelta(days=days_ago),
        complainant=PersonInput(name=f"Klager {days_ago}", phone="0612345678"),
        service_type=context.settings.lists.service_types[0], description="Te lang gewacht.",
        invoice_number="F-1" if kind is ComplaintKind.INVOICE_QUESTION else "",
    ))
    if category is not None:
        with context.db.write() as session:
            session.execute(update(Complaint).where(Complaint.id == case.id).values(category=category))  # type: ignore[arg-type]
    return case.id


def version(context: Context, complaint_id: int) -> int:
    return complaints.get_case(context, complaint_id, record_view=False).version


def ids(context: Context, filters: CaseFilter, sort: SortOrder = SortOrder.RECEIVED) -> list[int]:
    query = InboxQuery(filters=filters, sort=sort)
    rows = inbox.fetch_page(context, query, limit=100)
    assert inbox.count(context, query).value == len(rows)
    return [row.id for row in rows]


# -- filters ----------------------------------------------------------------------------


def test_filters_on_behandelaar_unassigned_category_and_received_days(
        context: Context, as_user: Callable[..., Context]) -> None:
    jan = as_user("jan", StaffRole.HANDLER, name="Jan Jansen")
    a = register(context, 0, category="Bejegening")
    b = register(context, 3, category="Wachttijd")
    c = register(context, 10, category="Bejegening")
    d = register(context, 40)
    workflow.assign(context, b, version(context, b), jan.user.id)
    workflow.assign(context, c, version(context, c), context.user.id)

    assert ids(context, CaseFilter(handler_id=jan.user.id)) == [b]
    assert ids(context, CaseFilter(unassigned=True)) == [a, d]
    assert ids(context, CaseFilter(category="Bejegening")) == [a, c]
    assert ids(context, CaseFilter(category="Bejegening", unassigned=True)) == [a]
    today = context.today()
    # both days included, in Amsterdam: 10 days ago up to 3 days ago
    assert ids(context, CaseFilter(received_from=today - timedelta(days=10),
                                   received_to=today - timedelta(days=3))) == [b, c]
    assert ids(context, CaseFilter(received_from=today)) == [a]
    assert ids(context, CaseFilter(received_to=today - timedelta(days=11))) == [d]
    assert ids(context, CaseFilter(unassigned=True), SortOrder.DEADLINE)[0] in (a, d)


def test_a_filter_that_cannot_hold_anything_is_refused_at_its_field(context: Context) -> None:
    today = context.today()
    with pytest.raises(ValidationError) as caught:
        inbox.fetch_page(context, InboxQuery(filters=CaseFilter(received_from=today, received_to=today - timedelta(1))))
    assert caught.value.field == "received_to" and caught.value.message == "De begindatum ligt na de einddatum."
    with pytest.raises(ValidationError) as caught:
        inbox.count(context, InboxQuery(filters=CaseFilter(received_to=date(9999, 12, 31))))
    assert caught.value.field == "received_to" and "valt buiten de jaren" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        inbox.fetch_page(context, InboxQuery(filters=CaseFilter(category="x" * 101)))
    assert "te lang" in caught.value.message
    with pytest.raises(ValidationError, match="Die categorie bestaat niet."):  # NUL: PostgreSQL would refuse it
        inbox.count(context, InboxQuery(filters=CaseFilter(category="Bejegening\x00")))
    view = saved_views.save_view(context, "zoek", InboxQuery(text="thuis\x00zorg\x1b[2J"))
    assert view.query.text == "thuiszorg[2J"


# -- saved views ------------------------------------------------------------------------


def test_a_saved_view_keeps_the_whole_query_and_is_replaced_by_name(context: Context) -> None:
    today = context.today()
    query = InboxQuery(filters=CaseFilter(status=S.NEW, kind=ComplaintKind.COMPLAINT, unassigned=True,
                                          category="Wachttijd", received_from=today - timedelta(days=7),
                                          received_to=today, open_only=True),
                       sort=SortOrder.DEADLINE, text="thuiszorg")
    saved = saved_views.save_view(context, "  Nieuw\x00 en vrij ", query)
    assert saved.name == "Nieuw en vrij"
    assert [(v.name, v.query) for v in saved_views.list_views(context)] == [("Nieuw en vrij", query)]
    saved_views.save_view(context, "Nieuw en vrij", InboxQuery(filters=CaseFilter(handler_id=context.user.id,
                                                                                  handler_name="Tess")))
    [again] = saved_views.list_views(context)
    assert again.id == saved.id and again.query.filters.handler_id == context.user.id
    assert again.query.filters.handler_name == "Tess"
    saved_views.save_view(context, "alle", InboxQuery())
    assert [v.name for v in saved_views.list_views(context)] == ["alle", "Nieuw en vrij"]
    saved_views.delete_view(context, saved.id)
    assert [v.name for v in saved_views.list_views(context)] == ["alle"]
    with pytest.raises(NotFound):
        saved_views.delete_view(context, saved.id)


def test_a_saved_view_is_checked_like_a_filter(context: Context) -> None:
    with pytest.raises(ValidationError, match="naam"):
        saved_views.save_view(context, " \x07 ", InboxQuery())
    with pytest.raises(ValidationError, match="te lang"):
        saved_views.save_view(context, "x" * 61, InboxQuery())
    today = context.today()
    with pytest.raises(ValidationError, match="begindatum"):
        saved_views.save_view(context, "fout", InboxQuery(filters=CaseFilter(received_from=today,
                                                                             received_to=today - timedelta(1))))


def test_what_a_view_can_no_longer_say_is_left_out() -> None:
    read = saved_views.query_from({"filters": {"status": "bestaat niet", "kind": "klacht", "handler_id": "1; drop",
                                               "received_from": "gisteren", "overdue_only": True},
                                   "sort": "?", "text": 5})
    assert read == InboxQuery(filters=CaseFilter(kind=ComplaintKind.COMPLAINT, overdue_only=True))
    assert saved_views.query_from(None) == InboxQuery()


def test_a_person_sees_and_removes_only_their_own_views(context: Context, as_user: Callable[..., Context]) -> None:
    jan = as_user("jan", StaffRole.HANDLER)
    els = as_user("els", StaffRole.CUSTOMER_SERVICE)
    mine = saved_views.save_view(jan, "Mijn zaken", InboxQuery(filters=CaseFilter(handler_id=jan.user.id)))
    saved_views.save_view(els, "Mijn zaken", InboxQuery())  # the same name, another person: another view
    assert [v.name for v in saved_views.list_views(els)] == ["Mijn zaken"]
    assert saved_views.list_views(els)[0].id != mine.id
    with pytest.raises(NotFound):
        saved_views.delete_view(els, mine.id)
    assert [v.id for v in saved_views.list_views(jan)] == [mine.id]


def test_the_web_form_has_no_views(context: Context, as_user: Callable[..., Context]) -> None:
    form = as_user("webformulier", StaffRole.WEB_FORM)
    with pytest.raises(PermissionDenied):
        saved_views.list_views(form)
    with pytest.raises(PermissionDenied):
        saved_views.save_view(form, "x", InboxQuery())


# -- bulk ---------------------------------------------------------------------------------


def history(context: Context, complaint_id: int, kind: EventType) -> list[str]:
    with context.db.read() as session:
        return list(session.exec(select(Event.summary).where(Event.complaint_id == complaint_id,
                                                             Event.type == kind)).all())


def test_assigning_several_cases_goes_through_the_single_rules(
        context: Context, as_user: Callable[..., Context]) -> None:
    jan = as_user("jan", StaffRole.HANDLER, name="Jan Jansen")
    a, b, closed, question = register(context, 1), register(context, 2), register(context, 3), \
        register(context, 4, kind=ComplaintKind.INVOICE_QUESTION)
    with context.db.write() as session:
        session.execute(update(Complaint).where(Complaint.id == closed).values(status=S.CLOSED))  # type: ignore[arg-type]
    result = bulk.assign_all(context, [a, b, closed, question, a, 999_999], jan.user.id)
    assert len(result.done) == 3 and result.total == 5
    [refused_closed, missing] = result.refused
    assert refused_closed.complaint_id == closed and "heropen haar eerst" in refused_closed.reason
    assert missing.reason == "Deze zaak bestaat niet (meer)."
    assert result.summary().startswith("3 van 5 zaken toegewezen aan Jan Jansen.\nGeweigerd (2):\n")
    for case in (a, b):
        assert history(context, case, EventType.ASSIGNED) == ["Toegewezen aan Jan Jansen"]
        assert complaints.get_case(context, case, record_view=False).status is S.ASSIGNED
    again = bulk.assign_all(context, [a], jan.user.id)
    assert again.done == () and "al de behandelaar" in again.refused[0].reason


def test_a_status_for_several_cases_follows_each_cases_table_and_scope(
        context: Context, as_user: Callable[..., Context]) -> None:
    jan = as_user("jan", StaffRole.HANDLER, name="Jan Jansen")
    own, other, new = register(context, 1), register(context, 2), register(context, 3)
    workflow.assign(context, own, version(context, own), jan.user.id)
    workflow.assign(context, other, version(context, other), context.user.id)
    result = bulk.transition_all(jan, [own, other, new], S.IN_PROGRESS)
    assert len(result.done) == 1
    reasons = {r.complaint_id: r.reason for r in result.refused}
    assert "alleen bij zaken die aan u zijn toegewezen" in reasons[other]  # ASSIGNED_ONLY, as the single action
    assert "alleen bij zaken die aan u zijn toegewezen" in reasons[new]
    assert complaints.get_case(context, own, record_view=False).status is S.IN_PROGRESS
    assert history(context, own, EventType.STATUS_CHANGED)[-1] == "Status: toegewezen → in behandeling"
    manager = bulk.transition_all(context, [own, other, new], S.IN_MEDIATION)
    assert len(manager.done) == 2 and manager.refused[0].complaint_id == new  # nieuw → in bemiddeling: no step
    closing = bulk.transition_all(context, [own], S.CLOSED)
    assert closing.done == () and "naar 'gesloten' kan niet" in closing.refused[0].reason


def test_bulk_refuses_at_once_what_the_user_may_never_do(context: Context, as_user: Callable[..., Context]) -> None:
    els = as_user("els", StaffRole.CUSTOMER_SERVICE)
    case = register(context, 1)
    with pytest.raises(PermissionDenied):
        bulk.assign_all(els, [case], context.user.id)
    with pytest.raises(PermissionDenied):
        bulk.transition_all(els, [case], S.IN_PROGRESS)
    with pytest.raises(ValidationError, match="Markeer"):
        bulk.assign_all(context, [], context.user.id)
    with pytest.raises(ValidationError, match="Hoogstens"):
        bulk.transition_all(context, list(range(1, bulk.MAX_CASES + 2)), S.IN_PROGRESS)
    assert S.CLOSED not in bulk.bulk_targets() and S.NEW not in bulk.bulk_targets()


# -- notices --------------------------------------------------------------------------------


def test_a_case_assigned_by_a_colleague_is_noticed_once_and_ones_own_is_not(
        context: Context, as_user: Callable[..., Context]) -> None:
    jan = as_user("jan", StaffRole.HANDLER, name="Jan Jansen")
    manager = as_user("mia", StaffRole.MANAGER, name="Mia Manager")
    a, b, c = register(context, 1), register(context, 2), register(context, 3)
    start = changes.newest_event(jan)
    assert changes.assigned_to_me(jan, start) == []
    workflow.assign(manager, a, version(context, a), jan.user.id)
    workflow.assign(manager, b, version(context, b), manager.user.id)  # to someone else
    workflow.assign(manager, c, version(context, c), jan.user.id)
    workflow.assign(manager, c, version(context, c), manager.user.id)  # and taken away again
    [notice] = changes.assigned_to_me(jan, start)
    assert notice.complaint_id == a and notice.text() == f"Mia Manager heeft zaak {notice.number} aan u toegewezen."
    assert changes.assigned_to_me(jan, notice.event_id) == []  # once
    own = register(context, 4)
    workflow.assign(manager, own, version(context, own), manager.user.id)
    assert changes.assigned_to_me(manager, start) == []  # one's own assignment is no news


def test_an_assignment_made_while_the_app_was_closed_is_said_until_the_case_is_touched(
        context: Context, as_user: Callable[..., Context]) -> None:
    jan = as_user("jan", StaffRole.HANDLER, name="Jan Jansen")
    manager = as_user("mia", StaffRole.MANAGER, name="Mia Manager")
    a, b, c, d = (register(context, i) for i in range(1, 5))
    for case in (a, b, c):
        workflow.assign(manager, case, version(context, case), jan.user.id)
    workflow.assign(context, d, version(context, d), jan.user.id)  # by the tester: a colleague too
    complaints.get_case(jan, b)  # opened: seen
    workflow.add_note(jan, c, "Gelezen.")  # worked on: seen
    unseen = changes.unseen_assignments(jan)
    assert [n.complaint_id for n in unseen] == [a, d]
    assert unseen[0].text().startswith("Mia Manager heeft zaak")
    workflow.assign(manager, a, version(context, a), manager.user.id)  # taken away again: no longer Jan's
    assert [n.complaint_id for n in changes.unseen_assignments(jan)] == [d]
    own = register(context, 5)
    workflow.assign(manager, own, version(context, own), manager.user.id)
    assert changes.unseen_assignments(manager) == []  # one's own assignment is no news


def test_many_cases_from_one_colleague_make_one_notice() -> None:
    def notice(i: int, by: str) -> changes.AssignmentNotice:
        return changes.AssignmentNotice(i, i, f"KL-2026-{i:06d}", by)

    few = [notice(1, "Mia"), notice(2, "Mia"), notice(3, "Piet")]
    assert changes.notice_texts(few) == [n.text() for n in few]
    many = [notice(i, "Mia") for i in range(1, 21)] + [notice(30, "Piet")]
    assert changes.notice_texts(many) == [
        "Mia heeft 20 zaken aan u toegewezen: KL-2026-000001, KL-2026-000002, KL-2026-000003 en 17 meer.",
        "Piet heeft zaak KL-2026-000030 aan u toegewezen."]
