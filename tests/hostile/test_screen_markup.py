"""Every screen shows typed and stored text as written: never as markup.

The data of these tests holds markup in every free-text field: a klager, betrokkenen and a
member of staff named ``[@click=app.quit]Jan[/] [b]x``, descriptions, notes, a measure, a
saved view, a session's location, a letter's subject and a kept mail's sender and subject
with ``Jan [/] [@click=app.quit]klik[/] [b]x`` (as markup a closing tag with nothing open:
``MarkupError``, the app dies). Each screen is rendered whole (what the terminal gets) and
must show the brackets literally, with no clickable action (an ``@click`` meta) anywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from rich.style import Style
from textual.widgets import Input, Select

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.models import Channel, ComplaintKind, PartyRole, StaffRole
from klachtdesk.models.enums import PERSON_ROLES
from klachtdesk.screens.analysis import AnalysisScreen
from klachtdesk.screens.case_detail import CaseDetailScreen
from klachtdesk.screens.deadlines import DeadlinesScreen
from klachtdesk.screens.inbox import InboxScreen
from klachtdesk.screens.kept_mail import KeptMailScreen
from klachtdesk.screens.letters import LettersScreen
from klachtdesk.screens.measures import MeasuresScreen
from klachtdesk.screens.planner import AgendaScreen, CasePlannerScreen
from klachtdesk.screens.profile import ProfileScreen
from klachtdesk.screens.registration import RegistrationScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.config.mail import MailSettings
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import messages
from klachtdesk.services.identity import staff
from klachtdesk.services.improvement import measures
from klachtdesk.services.improvement.measures import MeasureInput
from klachtdesk.services.lists import saved_views
from klachtdesk.services.lists.inbox import InboxQuery
from klachtdesk.services.mail import intake
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.sessions import SessionRequest
from klachtdesk.services.procedure import workflow
from klachtdesk.models import SessionType, Status
from tests.ui.typing import type_text
from tests.ui.waiting import workers_done, wait_until
from tests.unit.test_planner import ams, set_status

#: a name: valid markup (a clickable ``app.quit``, bold; ``[B]`` passes ``textual.markup.escape``)
NAME = "[@click=app.quit]Jan[/] [b]x [B]y"
#: a free text: invalid markup (``[/]`` closes nothing: MarkupError)
TEXT = "Jan [/] [@click=app.quit]klik[/] [b]x"
#: what must be seen literally
MARKS = ("[/]", "[@click", "[b]x")
SIZE = (160, 50)
CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"
UI = Path(__file__).resolve().parents[2] / "klachtdesk"


def unsafe_widgets() -> list[str]:
    """Every place under screens/ and widgets/ (and app.py) that builds a bare ``DataTable``
    (a ``str`` cell is markup there: ``PlainTable`` or ``FittedTable`` instead) or an
    ``OptionList`` without ``markup=False``."""
    found = []
    for path in [*(UI / "screens").rglob("*.py"), *(UI / "widgets").rglob("*.py"), UI / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.value if isinstance(node.func, ast.Subscript) else node.func  # DataTable[Any](…)
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            plain = any(k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False
                        for k in node.keywords)
            if name == "DataTable" or (name == "OptionList" and not plain):
                found.append(f"{path.relative_to(UI)}:{node.lineno} {name}")
    return found


def test_no_screen_builds_a_table_or_list_that_reads_markup() -> None:
    assert unsafe_widgets() == []


def hostile_desk(context: Context) -> tuple[Context, int]:
    """A desk whose every free text is markup; the returned context is signed in as a
    member of staff with a markup name (every role). Returns it and the case's id."""
    with context.db.write() as session:
        staff.create_staff(session, context, "kwaad", NAME, set(PERSON_ROLES))
    user = Context(db=context.db, clock=context.clock, settings=context.settings)
    user.user = staff.sign_in(user, "kwaad")
    case = complaints.register(user, RegistrationInput(
        kind=ComplaintKind.COMPLAINT, channel=Channel.PHONE,
        complainant=PersonInput(name=NAME, phone="0612345678", street="Dorpsstraat 12a", postcode="1234 AB",
                                city="Ons Dorp"),
        service_type="Teleconsultatie", description=TEXT, remedy_sought=TEXT,
        involved=[PersonInput(name=NAME, role=PartyRole.RESPONDENT, note=TEXT),
                  PersonInput(name=NAME + " 2", role=PartyRole.INVOLVED, note=TEXT, email="b@example.nl")],
    ))
    detail = complaints.get_case(user, case.id, record_view=False)
    workflow.assign(user, case.id, detail.version, user.user.id)
    workflow.add_note(user, case.id, TEXT)
    draft = messages.prepare_acknowledgement(user, case.id)  # a letter (the klager has no e-mail)
    messages.send(user, case.id, draft.template, TEXT, draft.body)
    measures.create(user, MeasureInput(title=TEXT, description=TEXT, owner_id=user.user.id,
                                       due=ams(2027, 1, 15).date(), complaint_numbers=[case.number]))
    saved_views.save_view(user, NAME, InboxQuery())
    raw = (CORPUS / "21_newsletter_list.eml").read_bytes()
    raw = raw.replace(b"From: Zorgnieuws <nieuwsbrief@zorgnieuws.nl>",
                      f'From: "{NAME}" <"[b]x[/]"@example.nl>'.encode())
    raw = raw.replace(b"Subject: Zorgnieuws week 46: nieuwe regels voor klachtenfunctionarissen",
                      f"Subject: {TEXT}".encode())
    assert intake.receive(user, intake.IncomingMail(raw, TEXT), MailSettings()).complaint_id is None  # kept
    set_status(user, case.id, Status.IN_PROGRESS)
    planner.plan_session(user, SessionRequest(case.id, SessionType.ALL_INVOLVED, ams(2026, 11, 25, 14), TEXT))
    return user, case.id


def shown(app: KlachtdeskApp, selector: str | None = None) -> tuple[str, list[str]]:
    """The screen as the terminal gets it (only the region of the widget ``selector`` names,
    if given): its text, and the actions of every ``@click``."""
    region = app.screen.query_one(selector).region if selector else app.screen.region
    lines, clicks = [], []
    for strip in app.screen._compositor.render_strips()[region.y:region.bottom]:
        strip = strip.crop(region.x, region.right)
        lines.append("".join(segment.text for segment in strip))
        for segment in strip:
            style = segment.style
            if isinstance(style, Style) and style.meta and "@click" in style.meta:
                clicks.append(str(style.meta["@click"]))
    return "\n".join(lines), clicks


async def settle(pilot: Any, app: KlachtdeskApp) -> None:
    from textual.worker import WorkerCancelled

    for _ in range(3):
        await pilot.pause()
        try:
            await workers_done(app)
        except WorkerCancelled:
            pass
    await pilot.pause()


async def check(pilot: Any, app: KlachtdeskApp, screen_type: type, marks: tuple[str, ...] = MARKS) -> str:
    """The screen is up (no traceback), shows ``marks`` literally and has no clickable action."""
    await settle(pilot, app)
    assert isinstance(app.screen, screen_type), (app.screen, screen_type)
    text, clicks = shown(app)
    assert clicks == [], (screen_type.__name__, clicks)
    for mark in marks:
        assert mark in text, (screen_type.__name__, mark, text)
    return text


async def test_every_screen_shows_markup_in_the_data_as_written(sqlite_context: Context) -> None:
    user, case_id = hostile_desk(sqlite_context)
    app = create_app(user, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await check(pilot, app, InboxScreen)  # klager and behandelaar; the header names the user
        app.action_open_case(case_id)
        text = await check(pilot, app, CaseDetailScreen)  # fields, betrokkenen, timeline
        assert text.count("[@click=app.quit]Jan[/] [b]x") >= 3 and text.count("Jan [/] [@click") >= 3
        await app.screen.run_action("assign")  # the behandelaars in a TypeSelect
        await settle(pilot, app)
        app.screen.query_one("#handler", Select).expanded = True
        await settle(pilot, app)
        text, clicks = shown(app, "#handler")
        assert clicks == [] and NAME in text, text  # the list of behandelaars
        await pilot.press("escape")
        await settle(pilot, app)
        app.action_open_profile(complaint_id=case_id)
        await check(pilot, app, ProfileScreen)  # details, the cases with the klager's words
        for open_screen, screen_type in ((app.action_open_deadlines, DeadlinesScreen),
                                         (app.action_open_letters, LettersScreen),
                                         (app.action_open_kept_mail, KeptMailScreen),
                                         (app.action_open_measures, MeasuresScreen)):
            open_screen()
            await check(pilot, app, screen_type, () if screen_type is DeadlinesScreen else MARKS)
        app.action_open_analysis()
        await check(pilot, app, AnalysisScreen, ())
        app.action_open_planner(case_id)
        await check(pilot, app, CasePlannerScreen)  # title, participants, the session's location
        app.action_open_planner()
        await check(pilot, app, AgendaScreen)  # the officer's week, the session's location


async def test_the_kept_mail_shows_sender_and_subject_as_written(sqlite_context: Context) -> None:
    user, _ = hostile_desk(sqlite_context)
    app = create_app(user, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_kept_mail()
        text = await check(pilot, app, KeptMailScreen)
        assert '"[b]x[/]"@example.nl' in text and TEXT in text


async def test_jump_palette_views_and_known_caller_show_names_as_written(sqlite_context: Context) -> None:
    user, case_id = hostile_desk(sqlite_context)
    number = complaints.get_case(user, case_id, record_view=False).number
    app = create_app(user, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("v")  # the saved views
        await settle(pilot, app)
        text, clicks = shown(app, "#views-list")
        assert clicks == [] and NAME in text
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("g")  # the jump dialog: suggestions with the klager
        await settle(pilot, app)
        await type_text(pilot, number)
        await settle(pilot, app)
        text, clicks = shown(app, "#jump-suggestions")
        assert clicks == [] and "[@click=app.quit]Jan[/] [b" in text, text  # cut at 26
        await pilot.press("escape")
        await settle(pilot, app)
        app.action_command_palette()
        await settle(pilot, app)
        await type_text(pilot, number)
        await wait_until(pilot, lambda: "Klager van" in shown(app, "CommandList")[0])
        await settle(pilot, app)
        text, clicks = shown(app, "CommandList")
        assert clicks == [] and "Klager van" in text and NAME in text, text
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("n")  # the registration form's known-caller panel
        await settle(pilot, app)
        assert isinstance(app.screen, RegistrationScreen)
        await pilot.press("alt+t")
        await type_text(pilot, "0612345678")
        await wait_until(pilot, lambda: NAME in shown(app, "KnownCallerPanel")[0])  # after the look-up's quiet time
        await settle(pilot, app)
        text, clicks = shown(app, "KnownCallerPanel")
        assert clicks == [] and NAME in text and TEXT[:20] in text, text
        await pilot.press("enter")  # taken over; a changed name: the panel says what saving will change
        await settle(pilot, app)
        app.screen.query_one("#name", Input).value = "Piet [B]y"
        await wait_until(pilot, lambda: "Piet [B]y" in shown(app, "KnownCallerPanel")[0])
        await settle(pilot, app)
        text, clicks = shown(app, "KnownCallerPanel")
        assert clicks == [] and "≠" in text and "Piet [B]y" in text, text


async def test_the_refusal_of_the_analysis_names_the_user_as_written(sqlite_context: Context) -> None:
    with sqlite_context.db.write() as session:
        staff.create_staff(session, sqlite_context, "balie", NAME, {StaffRole.CUSTOMER_SERVICE})
    user = Context(db=sqlite_context.db, clock=sqlite_context.clock, settings=sqlite_context.settings)
    user.user = staff.sign_in(user, "balie")
    app = create_app(user, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.action_open_analysis()
        await settle(pilot, app)
        assert isinstance(app.screen, AnalysisScreen)
        text, clicks = shown(app, "#analysis-denied")
        assert clicks == [] and NAME in text, text
