"""A snapshot of the case detail screen: fields, parties, deadlines in werkdagen, the
status path, the timeline. The clock is fixed, so every date on screen is stable."""

from __future__ import annotations

from typing import Any

from klachtdesk.app import create_app
from klachtdesk.screens.case_detail import CaseDetailScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.correspondence import messages
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from tests.ui.waiting import workers_done


def test_case_detail_snapshot(sqlite_context: Context, snap_compare: Any) -> None:
    context = sqlite_context
    case_id = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", email="jan@example.nl"),
        service_type="Teleconsultatie", category="Bejegening",
        description="De arts was kortaf en legde de uitslag van het onderzoek niet uit.",
        remedy_sought="Excuses en een nieuwe uitleg van de uitslag.",
        involved=[PersonInput(name="Dr. A. Bakker", role=complaints.PartyRole.RESPONDENT, note="huisarts")],
    )).id
    version = complaints.get_case(context, case_id, record_view=False).version
    version = workflow.assign(context, case_id, version, context.user.id, reason="Kent de praktijk")
    workflow.log_contact(context, case_id, "telefoon", "uit", "Klager gebeld; klacht besproken.")
    draft = messages.prepare_acknowledgement(context, case_id)
    messages.send(context, case_id, draft.template, draft.subject, draft.body)
    workflow.transition(context, case_id, version, "in behandeling")
    workflow.add_note(context, case_id, "Verslag van de arts opgevraagd.")

    app = create_app(context, offer_demo=False, animations=False)

    async def open_case(pilot: Any) -> None:
        for _ in range(3):
            await pilot.pause()
            await workers_done(app)
        await app.push_screen(CaseDetailScreen(case_id))
        for _ in range(3):
            await pilot.pause()
            await workers_done(app)
        await pilot.press("2")  # timeline: contact only, so the screen is not all message text
        await pilot.pause()

    assert snap_compare(app, terminal_size=(140, 45), run_before=open_case)
