"""``klachtdesk brieven``: the printed letters waiting for the post, and ``brieven verstuurd``.

The letters are printed through the services with a clock a little before the real day;
the commands run on the real clock (a letter is posted "today")."""

from __future__ import annotations

import stat
from datetime import datetime
from pathlib import Path

import pytest

from klachtdesk.cli import main
from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.db import open_database
from klachtdesk.models import StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import messages, posting
from klachtdesk.services.identity import staff
from klachtdesk.services.privacy.traces import pdf_text
from tests.conftest import demo_database

PRINTED = datetime(2026, 1, 5, 10, 0, tzinfo=AMSTERDAM)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


def context_of(path: Path) -> Context:
    context = Context(db=open_database(path), clock=FixedClock(PRINTED))
    context.user = staff.sign_in(context, "bea")
    return context


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Beheerder 'bea' (also behandelaar); Jan without e-mail with one acknowledgement printed,
    Piet without e-mail and without address."""
    path = tmp_path / "desk.db"
    context = Context(db=open_database(demo_database(path)), clock=FixedClock(PRINTED))
    context.user = staff.sign_in(context, "bea")
    staff.set_roles(context, "bea", {*context.user.roles, StaffRole.HANDLER})
    context.user = staff.sign_in(context, "bea")
    case = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", phone="0612345678", street="Dorpsstraat 12a",
                                postcode="1234AB", city="Ons Dorp"),
        service_type="Thuiszorg", description="De thuiszorg kwam niet."))
    draft = messages.prepare_acknowledgement(context, case.id)
    messages.send(context, case.id, draft.template, draft.subject, draft.body)
    complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Piet Zonderadres", phone="0612345679"),
        service_type="Thuiszorg", description="Ook niet."))
    context.db.dispose()
    return path


def test_the_list_names_each_letter_waiting_with_its_address(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, _ = run(capsys, "brieven", "--db", str(db), "--gebruiker", "bea")
    assert code == 0
    assert "KL-2026-000001" in out and "Ontvangstbevestiging" in out and "Dorpsstraat 12a, 1234 AB Ons Dorp" in out
    assert "1 brief klaar om te versturen" in out and "brieven/KL-2026-000001_" in out


def test_marking_by_klachtnummer_posts_it_and_empties_the_list(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, _ = run(capsys, "brieven", "verstuurd", "KL-2026-000001", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "is verstuurd op" in out and "Termijn gehaald" in out
    context = context_of(db)
    assert posting.waiting(context) == []
    timeline = complaints.get_case(context, 1, record_view=False).timeline
    assert timeline[0].summary == "Brief verstuurd: Ontvangstbevestiging (per post)"
    context.db.dispose()
    code, out, _ = run(capsys, "brieven", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "Er liggen geen brieven klaar om te versturen." in out
    code, _, err = run(capsys, "brieven", "verstuurd", "1", "--db", str(db), "--gebruiker", "bea")
    assert code != 0 and "al als verstuurd gemarkeerd" in err


def test_marking_by_brief_number_on_an_earlier_day(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, _ = run(capsys, "brieven", "verstuurd", "1", "--op", "6-1-2026", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "verstuurd op dinsdag 6 januari 2026" in out


@pytest.mark.parametrize(("argv", "words"), [
    (("verstuurd", "KL-2026-000002"), "Bij KL-2026-000002 wacht geen brief op verzending"),
    (("verstuurd", "KL-2026-000099"), "bestaat niet"),
    (("verstuurd", "99"), "Brief 99 bestaat niet"),
    (("verstuurd", "brief\x1b[31m"), "geen briefnummer"),
    (("verstuurd", "1", "--op", "morgen"), "toekomst"),
    (("verstuurd", "1", "--op", "1-1-2026"), "pas op"),
    (("verstuurd", "1", "--op", "31-31-2026"), ""),
    (("verstuurd", "9" * 40), ""),
])
def test_a_wrong_letter_or_day_gets_one_dutch_line(capsys: pytest.CaptureFixture[str], db: Path,
                                                    argv: tuple[str, ...], words: str) -> None:
    code, out, err = run(capsys, "brieven", *argv, "--db", str(db), "--gebruiker", "bea")
    assert code != 0 and err.startswith("klachtdesk") and words in err
    assert "Traceback" not in err and "\x1b" not in err


def test_a_klager_without_address_or_email_is_said_not_sent(db: Path) -> None:
    context = context_of(db)
    with pytest.raises(Exception, match="geen e-mailadres en geen postadres"):
        messages.prepare_acknowledgement(context, 2)
    context.db.dispose()


# -- printing at the desk what the web form recorded ---------------------------------------------


@pytest.fixture
def from_the_form(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The desk's database, plus Truus, who gave the web form only her postal address: her
    ontvangstbevestiging recorded by the form's process, which has its own outbox on the web
    server; then this test is the desk, with its own outbox."""
    from tests.web.webclient import FormClient

    web_outbox, desk_outbox = tmp_path / "web-outbox", tmp_path / "desk-outbox"
    monkeypatch.setenv("KLACHTDESK_OUTBOX", str(web_outbox))
    context = context_of(db)
    web = FormClient(context)
    try:
        response = web.submit("klacht", {"name": "Truus Visser", "service_type": "Thuiszorg",
                                         "description": "Niemand kwam.", "address.street": "Kerkstraat 1",
                                         "address.postcode": "4321ba", "address.city": "Ergens"})
        assert response.status_code == 200 and "KL-2026-000003" in response.text
        web.background.join()
    finally:
        web.close()
        context.db.dispose()
    assert not web_outbox.exists() or [p for p in web_outbox.rglob("*") if p.is_file()] == []
    monkeypatch.setenv("KLACHTDESK_OUTBOX", str(desk_outbox))
    return desk_outbox


def letter_file(db: Path, letter_id: int) -> Path:
    context = context_of(db)
    try:
        [letter] = [letter for letter in posting.waiting(context) if letter.id == letter_id]
        assert letter.path is not None
        return Path(letter.path)
    finally:
        context.db.dispose()


def test_the_list_prints_at_the_desk_what_the_form_recorded(capsys: pytest.CaptureFixture[str], db: Path,
                                                             from_the_form: Path) -> None:
    code, out, _ = run(capsys, "brieven", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "KL-2026-000003" in out and "2 brieven klaar om te versturen" in out
    path = letter_file(db, 2)
    assert path.parent == from_the_form / "brieven" and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    shown = pdf_text(path.read_bytes())
    assert "Truus Visser" in shown and "Kerkstraat 1" in shown and "4321 BA  ERGENS" in shown
    printed_once = path.stat().st_ino
    code, _, _ = run(capsys, "brieven", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and path.stat().st_ino == printed_once  # printed once; the list does not print again


def test_afdrukken_prints_a_letter_again_in_place(capsys: pytest.CaptureFixture[str], db: Path,
                                                  from_the_form: Path) -> None:
    code, out, _ = run(capsys, "brieven", "afdrukken", "KL-2026-000003", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "Brief 2 (KL-2026-000003, Ontvangstbevestiging) is afgedrukt:" in out
    path = letter_file(db, 2)
    first = path.stat().st_ino
    code, out, _ = run(capsys, "brieven", "afdrukken", "2", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "opnieuw afgedrukt (het vorige bestand is vervangen)" in out
    assert path.stat().st_ino != first and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith("KL-2026-000003")) == [path.name]
    # posted, then lost in the post: printed again by its brief number
    code, out, _ = run(capsys, "brieven", "verstuurd", "2", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "telt niet als de reactie" in out and "Termijn gehaald" not in out
    code, out, _ = run(capsys, "brieven", "afdrukken", "2", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "Hij is al verstuurd op" in out


@pytest.mark.parametrize(("argv", "words"), [
    (("afdrukken", "99"), "Brief 99 bestaat niet"),
    (("afdrukken", "KL-2026-000002"), "Bij KL-2026-000002 wacht geen brief op verzending"),
    (("afdrukken", "brief\x1b[31m"), "geen briefnummer"),
])
def test_a_wrong_letter_to_print_gets_one_dutch_line(capsys: pytest.CaptureFixture[str], db: Path,
                                                     argv: tuple[str, ...], words: str) -> None:
    code, out, err = run(capsys, "brieven", *argv, "--db", str(db), "--gebruiker", "bea")
    assert code != 0 and err.startswith("klachtdesk") and words in err
    assert "Traceback" not in err and "\x1b" not in err


def test_a_letter_printed_where_this_desk_cannot_read_it_is_printed_here(
        capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A letter whose file is elsewhere (another workstation, or the web server before the
    form stopped printing) is printed again from the database in this desk's outbox."""
    from sqlmodel import select

    from klachtdesk.models import Message

    elsewhere = "/var/lib/klachtdesk-web/outbox/brieven/KL-2026-000001_x.pdf"
    context = context_of(db)
    with context.db.write() as session:
        row = session.exec(select(Message)).one()
        row.outbox_path = elsewhere
        session.add(row)
    context.db.dispose()
    monkeypatch.setenv("KLACHTDESK_OUTBOX", str(tmp_path / "desk-outbox"))
    code, _, _ = run(capsys, "brieven", "--db", str(db), "--gebruiker", "bea")
    assert code == 0
    path = letter_file(db, 1)
    assert path.parent == tmp_path / "desk-outbox" / "brieven" and path.is_file()
