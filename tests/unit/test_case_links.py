"""Related cases: linked and unlinked by klachtnummer in any form, a history line on both
cases, refusals in Dutch at the field, permission as editing the case. Both engines."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from klachtdesk.errors import PermissionDenied, ValidationError
from klachtdesk.models import ComplaintKind, StaffRole
from klachtdesk.services.cases import complaints, links
from klachtdesk.services.core.context import Context
from klachtdesk.services.procedure import workflow

from tests.unit.test_people import register


def test_a_klacht_and_a_factuurvraag_of_one_klager_are_linked_and_unlinked(context: Context) -> None:
    klacht = register(context)
    vraag = register(context, kind=ComplaintKind.INVOICE_QUESTION)
    done = links.link(context, klacht.id, f"  {int(vraag.number[-6:])} ")  # "123": this year's
    assert (done.number, done.other_number, done.linked) == (klacht.number, vraag.number, True)
    assert [c.number for c in links.linked_cases(context, klacht.id)] == [vraag.number]
    assert [c.number for c in links.linked_cases(context, vraag.id)] == [klacht.number]
    assert links.links_of(context, [klacht.id, vraag.id]).keys() == {klacht.id, vraag.id}
    for case, other in ((klacht, vraag), (vraag, klacht)):
        assert complaints.get_case(context, case.id, record_view=False).timeline[0].summary == \
            links.link_line(other.number)
    with pytest.raises(ValidationError, match="al gekoppeld") as again:
        links.link(context, vraag.id, klacht.number)
    assert again.value.field == links.FIELD
    links.unlink(context, vraag.id, klacht.number.lower())
    assert links.linked_cases(context, klacht.id) == []
    assert complaints.get_case(context, klacht.id, record_view=False).timeline[0].summary == \
        links.unlink_line(vraag.number)
    with pytest.raises(ValidationError, match="niet gekoppeld"):
        links.unlink(context, klacht.id, vraag.number)


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Typ het klachtnummer"), ("KL-2026-999999", "bestaat niet"), ("abc; DROP TABLE case_link", "geen klachtnummer"),
    ("\x1b[31m12\x00", "geen klachtnummer"), ("x" * 500, "te lang"), ("KL-2026-000001", "aan zichzelf"),
], ids=["leeg", "onbekend", "sql", "escape", "lang", "zichzelf"])
def test_hostile_or_wrong_numbers_get_a_dutch_message_at_the_field(context: Context, typed: str,
                                                                   message: str) -> None:
    case = register(context)
    with pytest.raises(ValidationError) as refused:
        links.link(context, case.id, typed)
    assert message in refused.value.message and refused.value.field == links.FIELD


def test_linking_is_editing_the_case(context: Context, as_user: Callable[..., Context]) -> None:
    case, other = register(context), register(context)
    visser = as_user("e.visser", StaffRole.HANDLER, name="Eva Visser")
    mulder = as_user("b.mulder", StaffRole.HANDLER, name="Bram Mulder")
    balie = as_user("balie", StaffRole.CUSTOMER_SERVICE)
    workflow.assign(context, case.id, complaints.get_case(context, case.id, record_view=False).version,
                    visser.user.id)
    with pytest.raises(PermissionDenied):
        links.link(balie, case.id, other.number)
    with pytest.raises(PermissionDenied, match="toegewezen"):
        links.link(mulder, case.id, other.number)
    links.link(visser, case.id, other.number)
    directie = as_user("dir", StaffRole.MANAGEMENT)
    assert [c.number for c in links.linked_cases(directie, other.id)] == [case.number]
