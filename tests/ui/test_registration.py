"""The phone intake by keys alone: each kind registered, each error at its field, the known
caller offered, and an unfinished registration surviving a restart."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from textual.widgets import Digits, Input, Static

from klachtdesk.app import KlachtdeskApp, create_app
from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.db import open_database
from klachtdesk.models import Channel, ComplaintKind, PartyRole, Status
from klachtdesk.screens.registration import RegistrationDoneScreen, RegistrationScreen
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases import drafts
from klachtdesk.services.people import callers as people
from klachtdesk.services.identity import staff
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.screens.dialog import ConfirmModal
from klachtdesk.widgets.intake_caller import KnownCallerPanel
from klachtdesk.widgets.intake_field import IntakeField
from klachtdesk.widgets.intake_parsing import empty_values
from klachtdesk.widgets.person_fields import InvolvedGroup
from tests.ui.typing import type_text
from tests.ui.waiting import workers_done

SIZE = (140, 45)


async def settle(pilot: Any, app: KlachtdeskApp, delay: float = 0.0) -> None:
    await pilot.pause(delay) if delay else await pilot.pause()
    await workers_done(app)
    await pilot.pause()




def focused_id(app: KlachtdeskApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def open_form(pilot: Any, app: KlachtdeskApp) -> RegistrationScreen:
    await settle(pilot, app)
    await pilot.press("n")  # from the inbox
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, RegistrationScreen)
    return screen


def message(screen: RegistrationScreen, field: str) -> str:
    return screen.query_one(f"#field-{field}", IntakeField).message


# -- each kind, by keys alone ---------------------------------------------------------------


async def test_a_complaint_with_two_involved_people_by_keys_alone(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        assert focused_id(app) == "name"  # kind klacht and channel telefoon are right by default
        await type_text(pilot, "Jan Jansen")
        await pilot.press("tab")
        await type_text(pilot, "06 1234 5678")
        await pilot.press("tab")
        await type_text(pilot, "jan@Example.NL")
        await pilot.press("tab")
        assert focused_id(app) == "incident_date"
        await type_text(pilot, "vrijdag")
        await pilot.press("tab")
        await type_text(pilot, "tele")  # the service type, by its first letters
        await pilot.press("tab")
        await type_text(pilot, "bej")  # the category
        await pilot.press("tab")
        assert focused_id(app) == "description"
        await type_text(pilot, "Monteur kwam niet.")
        await pilot.press("tab")
        assert focused_id(app) == "involved-add"
        await pilot.press("ctrl+b")
        await type_text(pilot, "Dr. P. Bakker")
        await pilot.press("tab", "tab")  # the role is aangeklaagde for the first person
        await type_text(pilot, "020 123 4567")
        await pilot.press("tab", "tab")
        await type_text(pilot, "huisarts")
        await pilot.press("ctrl+b")
        await type_text(pilot, "M. de Vries")
        await pilot.press("tab", "b", "tab", "tab")  # betrokkene; past the phone
        await type_text(pilot, "md@vries.nl")
        await pilot.press("tab")
        await type_text(pilot, "planner")
        await pilot.press("alt+p", "n")  # not discussed with them first
        await pilot.press("tab")
        assert focused_id(app) == "remedy_sought"
        await type_text(pilot, "Excuses")
        await settle(pilot, app, 0.2)
        assert message(screen, "phone") == "✓ 06 12345678"
        assert message(screen, "incident_date") == "vrijdag 20 november 2026"
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        done = app.screen
        assert isinstance(done, RegistrationDoneScreen)
        assert done.registered.number == "KL-2026-000001"
        assert done.query_one("#number", Digits).value == "2026-000001"
        assert done.query_one("#due", Digits).value == "26-11-2026"
        sentence = str(done.query_one("#sentence", Static).render())
        # every deadline, earliest first, in the words of the letters (issue 15, item 4)
        assert sentence.startswith("Uw klachtnummer is KL-2026-000001. De medewerker die uw klacht behandelt, "
                                   "neemt uiterlijk woensdag 25 november contact met u op. U ontvangt uiterlijk "
                                   "donderdag 26 november een reactie van ons.")
        assert "schriftelijke beslissing" in sentence
        assert drafts.load(sqlite_context, drafts.REGISTRATION) is None

        case = complaints.get_case(sqlite_context, done.registered.id, record_view=False)
        assert (case.kind, case.channel, case.status) == (ComplaintKind.COMPLAINT, Channel.PHONE, Status.NEW)
        assert case.received_at == datetime(2026, 11, 23, 10, 0, tzinfo=AMSTERDAM)
        assert (case.service_type, case.category, case.incident_date) == ("Teleconsultatie", "Bejegening",
                                                                          date(2026, 11, 20))
        assert case.description == "Monteur kwam niet."
        assert (case.discussed_first, case.remedy_sought) == (False, "Excuses")
        assert [(p.name, p.role, p.phone, p.email, p.note) for p in case.parties] == [
            ("Jan Jansen", PartyRole.COMPLAINANT, "06 12345678", "jan@example.nl", None),
            ("Dr. P. Bakker", PartyRole.RESPONDENT, "020 123 4567", "", "huisarts"),
            ("M. de Vries", PartyRole.INVOLVED, "", "md@vries.nl", "planner"),
        ]
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, (RegistrationScreen, RegistrationDoneScreen))


async def test_an_invoice_question_by_keys_is_routed_to_the_administration(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        await pilot.press("alt+s", "f", "enter", "e", "enter")  # factuurvraag, by e-mail; Enter moves on
        assert focused_id(app) == "name"
        await type_text(pilot, "Piet Pieters")
        await pilot.press("tab", "tab")
        await type_text(pilot, "piet@example.nl")
        await pilot.press("tab")
        assert focused_id(app) == "service_type"  # a question asks no incident date
        await type_text(pilot, "fac")
        await pilot.press("tab")
        assert focused_id(app) == "invoice_number"
        await type_text(pilot, "F-2026-0042")
        await pilot.press("tab")
        assert focused_id(app) == "description"  # what the question is (issue 15, item 8)
        assert "vraag over de factuur" in screen.query_one("#field-description", IntakeField).label
        await type_text(pilot, "Twee keer afgeschreven")
        await pilot.press("tab")
        assert focused_id(app) == "received_at"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        done = app.screen
        assert isinstance(done, RegistrationDoneScreen)
        notes = str(done.query_one("#notes", Static).render())
        assert "Doorgestuurd naar Administratie (administratie@ksyos.nl)." in notes
        assert "doorgestuurd naar Administratie" in str(done.query_one("#sentence", Static).render())
        case = complaints.get_case(sqlite_context, done.registered.id, record_view=False)
        assert (case.kind, case.channel, case.status, case.queue) == (
            ComplaintKind.INVOICE_QUESTION, Channel.EMAIL, Status.FORWARDED, "Administratie")
        assert (case.service_type, case.invoice_number, case.description) == (
            "Facturatie en abonnement", "F-2026-0042", "Twee keer afgeschreven")
        # n starts the next registration
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, RegistrationScreen)
        assert app.screen.values()["name"] == ""


async def test_an_account_question_received_yesterday_evening(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, app)
        await pilot.press("alt+s", "a", "enter", "enter")  # accountvraag, by phone (a voicemail)
        assert focused_id(app) == "name"
        await type_text(pilot, "Anna de Boer")
        await pilot.press("tab")
        await type_text(pilot, "+32 470 12 34 56")
        await pilot.press("tab", "tab")
        await type_text(pilot, "onl")
        await pilot.press("tab")
        assert focused_id(app) == "description"
        await type_text(pilot, "Inloggen lukt niet.")
        await pilot.press("alt+m")
        await type_text(pilot, "gisteren 18:40")
        await settle(pilot, app, 0.2)
        assert "zondag 22 november 2026 18:40" in message(app.screen, "received_at")
        assert "ontvangst telt als maandag 23 november 2026" in message(app.screen, "received_at")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        done = app.screen
        assert isinstance(done, RegistrationDoneScreen)
        case = complaints.get_case(sqlite_context, done.registered.id, record_view=False)
        assert (case.kind, case.queue, case.service_type) == (ComplaintKind.ACCOUNT_QUESTION, "Info",
                                                              "Online account en app")
        assert case.received_at == datetime(2026, 11, 22, 18, 40, tzinfo=AMSTERDAM)
        assert case.effective_receipt_day == date(2026, 11, 23)
        assert case.complainant is not None and case.complainant.phone == "+32 470 12 34 56"


# -- validation ---------------------------------------------------------------------------------


def valid_complaint(**changes: Any) -> dict[str, Any]:
    values = empty_values(FixedClock().now())
    values.update({
        "name": "Jan Jansen", "phone": "06 12345678", "incident_date": "20-11-2026", "service_type": "Thuiszorg",
        "description": "Niemand belde af.", "involved": [
            {"name": "Dr. P. Bakker", "role": "aangeklaagde", "phone": "", "email": "", "note": ""},
            {"name": "M. de Vries", "role": "betrokkene", "phone": "", "email": "", "note": ""},
        ],
    })
    values.update(changes)
    return values


#: (what is wrong, the field focused, the field whose message says so, what it says)
FAULTS: list[tuple[dict[str, Any], str, str, str]] = [
    ({"name": ""}, "name", "name", "De naam van de klager is verplicht."),
    ({"phone": "06 1234"}, "phone", "phone", "is geen bestaand telefoonnummer"),
    ({"phone": "", "email": ""}, "phone", "phone", "Vul een telefoonnummer of e-mailadres in"),
    ({"email": "jan@"}, "email", "email", "het deel na de @ ontbreekt"),
    ({"incident_date": "24-11-2026"}, "incident_date", "incident_date", "ligt in de toekomst"),
    ({"incident_date": "ooit"}, "incident_date", "incident_date", "is geen datum"),
    ({"service_type": ""}, "service_type", "service_type", "Het type dienstverlening is verplicht."),
    ({"description": ""}, "description", "description", "Een omschrijving van het voorval"),
    ({"received_at": "23-11-2026 11:00"}, "received_at", "received_at", "ligt in de toekomst"),
    ({"received_at": "31-11-2026 09:00"}, "received_at", "received_at", "bestaat niet als datum"),
    ({"kind": "factuurvraag"}, "invoice_number", "invoice_number", "Het factuurnummer is verplicht"),
    ({"kind": "accountvraag", "description": ""}, "description", "description", "omschrijving van de vraag"),
    ({"name": "", "email": "jan@", "service_type": ""}, "name", "service_type", "verplicht"),  # the first is focused
]


async def test_save_is_refused_at_the_first_faulty_field(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        for changes, focus, field, text in FAULTS:
            await screen.fill(valid_complaint(**changes))
            await settle(pilot, app)
            await pilot.press("ctrl+s")
            await settle(pilot, app)
            assert app.screen is screen, changes
            assert focused_id(app) == focus, changes
            box = screen.query_one(f"#field-{field}", IntakeField)
            assert text in box.message and box.invalid, (changes, box.message)
        assert complaints.count(sqlite_context) == 0
        # and once it is right, it is saved
        await screen.fill(valid_complaint())
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, RegistrationDoneScreen)
        assert complaints.count(sqlite_context) == 1


async def test_an_involved_persons_error_is_shown_at_their_row(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        values = valid_complaint()
        values["involved"][1]["email"] = "vries@"
        await screen.fill(values)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        row = screen.query_one(InvolvedGroup).rows[1]
        assert app.focused is row.part("email")
        assert "vries@" in str(row.query_one(".involved-message", Static).render())
        assert row.part("email").has_class("-invalid")
        assert complaints.count(sqlite_context) == 0


async def test_validation_as_you_type(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        await pilot.press("alt+t")
        await type_text(pilot, "06 1234")
        await settle(pilot, app, 0.3)
        assert message(screen, "phone") == "'06 1234' is geen bestaand telefoonnummer."
        await type_text(pilot, "5678")
        await settle(pilot, app, 0.3)
        assert message(screen, "phone") == "✓ 06 12345678"
        # an untouched required field stays quiet until it is left
        assert message(screen, "name") == ""
        await pilot.press("alt+n", "tab")
        await settle(pilot, app, 0.3)
        assert message(screen, "name") == "De naam van de klager is verplicht."


# -- the known caller ---------------------------------------------------------------------------


async def test_a_known_caller_is_offered_and_taken_over_with_enter(sqlite_context: Context) -> None:
    earlier = complaints.register(sqlite_context, RegistrationInput(
        complainant=PersonInput(name="Jan Jansen", phone="0612345678", email="jan@example.nl"),
        service_type="Thuiszorg", description="De thuiszorg kwam drie keer te laat.",
    ))
    [caller] = people.find_known_callers(sqlite_context, "0612345678", "")
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        await pilot.press("alt+t")
        await type_text(pilot, "06-1234 5678")
        await settle(pilot, app, 0.5)
        panel = screen.query_one(KnownCallerPanel)
        assert panel.display and panel.current is not None
        shown = str(panel.render())
        assert "Jan Jansen" in shown and earlier.number in shown and "De thuiszorg kwam drie keer" in shown
        await pilot.press("enter")
        await settle(pilot, app)
        values = screen.values()
        assert (values["name"], values["email"], values["person_id"]) == ("Jan Jansen", "jan@example.nl",
                                                                          caller.person_id)
        # what the form showed of the caller goes with the save (a colleague's change since is not overwritten)
        assert values["person_seen"]["phone"] == "+31612345678" and values["person_seen"]["name"] == "Jan Jansen"
        assert panel.is_linked and "ontkoppelen" in str(panel.border_title)
        assert focused_id(app) == "incident_date"  # on to the complaint itself
        await pilot.press("tab")
        await type_text(pilot, "thuis")
        await pilot.press("alt+o")
        await type_text(pilot, "Weer te laat.")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        done = app.screen
        assert isinstance(done, RegistrationDoneScreen)
        case = complaints.get_case(sqlite_context, done.registered.id, record_view=False)
        assert case.complainant is not None and case.complainant.person_id == caller.person_id
        assert people.find_known_callers(sqlite_context, "0612345678", "")[0].case_count == 2


async def test_unlinking_a_taken_over_caller(sqlite_context: Context) -> None:
    complaints.register(sqlite_context, RegistrationInput(
        complainant=PersonInput(name="Jan Jansen", phone="0612345678"), service_type="Thuiszorg",
        description="x",
    ))
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        await pilot.press("alt+t")
        await type_text(pilot, "0612345678")
        await settle(pilot, app, 0.5)
        await pilot.press("enter")
        await settle(pilot, app)
        assert screen.values()["person_id"] is not None
        await pilot.press("ctrl+o")
        await settle(pilot, app, 0.5)
        assert screen.values()["person_id"] is None
        assert not screen.query_one(KnownCallerPanel).is_linked  # offered again, not linked


# -- nothing lost -------------------------------------------------------------------------------


def reopen(path: Path, clock: FixedClock) -> Context:
    """A new process on the same database: a new engine, the same user."""
    context = Context(db=open_database(path), clock=clock)
    context.user = staff.sign_in(context, "tester")
    return context


async def test_an_unfinished_registration_survives_a_restart(sqlite_context: Context, clock: FixedClock) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, app)
        await type_text(pilot, "Jan Jansen")
        await pilot.press("tab")
        await type_text(pilot, "0612345678")
        await pilot.press("ctrl+b")  # not a complaint field yet? it is: the kind is klacht
        await type_text(pilot, "Dr. P. Bakker")
        await settle(pilot, app, 0.8)  # the draft is kept half a second after the last key
    record = drafts.load(sqlite_context, drafts.REGISTRATION)
    assert record is not None and record.data["name"] == "Jan Jansen"
    assert record.data["involved"][0]["name"] == "Dr. P. Bakker"

    assert sqlite_context.db.path is not None
    again = reopen(sqlite_context.db.path, clock)
    app = create_app(again, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        assert modal.question == "Er staat een onafgemaakte registratie klaar van vandaag om 10:00. Verder gaan?"
        await pilot.press("j")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, RegistrationScreen)
        values = screen.values()
        assert (values["name"], values["phone"]) == ("Jan Jansen", "0612345678")
        assert [row["name"] for row in values["involved"]] == ["Dr. P. Bakker"]
        await pilot.press("alt+y")
        await type_text(pilot, "thuis")
        await pilot.press("alt+o")
        await type_text(pilot, "Niemand kwam.")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, RegistrationDoneScreen)
    assert drafts.load(again, drafts.REGISTRATION) is None
    again.db.dispose()


async def test_later_keeps_the_draft_for_the_next_new_registration(sqlite_context: Context) -> None:
    drafts.save(sqlite_context, drafts.REGISTRATION, {**empty_values(FixedClock().now()), "name": "Jan Jansen"})
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # later
        await settle(pilot, app)
        screen = await open_form(pilot, app)
        await settle(pilot, app)
        assert screen.values()["name"] == "Jan Jansen"


async def test_quitting_mid_sentence_keeps_what_was_typed(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, app)
        await pilot.press("alt+n")
        await type_text(pilot, "Jan")
        await pilot.press("ctrl+q")  # before the draft's half second has passed
        await pilot.pause()
    record = drafts.load(sqlite_context, drafts.REGISTRATION)
    assert record is not None and record.data["name"] == "Jan"


async def test_escape_asks_before_throwing_input_away(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        await pilot.press("alt+n")
        await type_text(pilot, "Jan")
        await settle(pilot, app, 0.8)
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # keep on typing
        await settle(pilot, app)
        assert app.screen is screen and screen.values()["name"] == "Jan"
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("j")  # throw it away
        await settle(pilot, app)
        assert not isinstance(app.screen, RegistrationScreen)
    assert drafts.load(sqlite_context, drafts.REGISTRATION) is None


async def test_an_empty_form_closes_without_a_question(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, (RegistrationScreen, ConfirmModal))


async def test_every_field_has_a_label_with_its_key(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        titles = {box.field: str(box.border_title) for box in screen.query(IntakeField)}
        assert len(titles) == 15
        for field, title in titles.items():
            assert "alt+" in title, (field, title)
        for field in ("kind", "channel", "name", "phone", "email", "service_type", "received_at"):
            await pilot.press(screen.query_one(f"#field-{field}", IntakeField).key)
            assert focused_id(app) == field
        assert isinstance(screen.query_one("#received_at"), Input)


# -- the form opens on the caller's name (issue 15, item 11) ---------------------------------


async def test_the_form_opens_on_the_name_and_typing_a_name_keeps_it(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        assert focused_id(app) == "name"
        await type_text(pilot, "Anna de Boer")
        await settle(pilot, app, 0.2)
        values = screen.values()
        assert (values["name"], values["kind"]) == ("Anna de Boer", "klacht")
        assert message(screen, "name") == ""


# -- a klacht in 15 keystrokes or fewer beyond the typed text (issue 15, item 10) -------------


class Keys:
    """Presses keys and counts those that are not typed text (Tab, Enter, ctrl+…, alt+…)."""

    def __init__(self, pilot: Any) -> None:
        self.pilot = pilot
        self.count = 0

    async def type(self, text: str) -> None:
        await type_text(self.pilot, text)

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)


async def test_a_full_klacht_takes_at_most_15_keys_beyond_the_typed_text(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        keys = Keys(pilot)
        await keys.press("n")  # from the inbox
        await settle(pilot, app)
        await keys.type("Jan Jansen")
        await keys.press("tab")
        await keys.type("06 1234 5678")
        await keys.press("tab")
        await keys.type("jan@example.nl")
        await keys.press("tab")
        await keys.type("vrijdag")
        await keys.press("tab")
        await keys.type("tele")  # the service type, typed into its select
        await keys.press("enter")  # chosen: Enter moves on
        await keys.type("bej")
        await keys.press("enter")
        assert focused_id(app) == "description"
        await keys.type("Monteur kwam niet.")
        await keys.press("tab")
        assert focused_id(app) == "involved-add"
        await keys.press("enter")  # a row, the first person named is the aangeklaagde
        await keys.type("Dr. P. Bakker")
        await keys.press("enter")  # done with the people
        assert focused_id(app) == "discussed_first"
        await keys.type("n")
        await keys.press("enter")
        assert focused_id(app) == "remedy_sought"
        await keys.type("Excuses")
        await keys.press("ctrl+s")
        await settle(pilot, app)
        done = app.screen
        assert isinstance(done, RegistrationDoneScreen)
        await keys.press("escape")  # the number read back; back to the inbox
        assert keys.count <= 15, keys.count
        case = complaints.get_case(sqlite_context, done.registered.id, record_view=False)
        assert (case.kind, case.channel, case.service_type, case.category) == (
            ComplaintKind.COMPLAINT, Channel.PHONE, "Teleconsultatie", "Bejegening")
        assert (case.incident_date, case.discussed_first, case.remedy_sought) == (date(2026, 11, 20), False, "Excuses")
        assert [(p.name, p.role) for p in case.parties] == [("Jan Jansen", PartyRole.COMPLAINANT),
                                                           ("Dr. P. Bakker", PartyRole.RESPONDENT)]


async def test_a_known_callers_new_number_is_announced_then_updated_with_history(sqlite_context: Context) -> None:
    earlier = complaints.register(sqlite_context, RegistrationInput(
        complainant=PersonInput(name="Jan Jansen", phone="0612345678", email="jan@example.nl"),
        service_type="Thuiszorg", description="De thuiszorg kwam drie keer te laat.",
    ))
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, app)
        await pilot.press("alt+e")
        await type_text(pilot, "jan@example.nl")
        await settle(pilot, app, 0.5)
        await pilot.press("enter")  # "ik ben Jan Jansen" — taken over by the e-mail address
        await settle(pilot, app, 0.5)
        panel = screen.query_one(KnownCallerPanel)
        assert panel.is_linked and panel.changes == []
        assert "bijgewerkt" not in str(panel.render())
        screen.query_one("#phone", Input).value = "06 11122233"  # "ik heb een nieuw nummer"
        await settle(pilot, app, 0.6)
        shown = str(panel.render())
        assert "telefoon: 06 12345678 → 06 11122233" in shown
        assert "wordt bij opslaan bijgewerkt en in de geschiedenis vastgelegd" in shown
        await pilot.press("alt+y")
        await type_text(pilot, "thuis")
        await pilot.press("alt+o")
        await type_text(pilot, "Weer te laat.")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, RegistrationDoneScreen)
    [caller] = people.find_known_callers(sqlite_context, "", "jan@example.nl")
    assert caller.phone == "+31611122233"
    line = complaints.get_case(sqlite_context, earlier.id, record_view=False).timeline[0]
    assert line.summary == "Gegevens van de klager bijgewerkt bij een nieuwe melding: telefoon"
