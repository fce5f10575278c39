"""``klachtdesk brieven``: the printed letters waiting for the post, and ``brieven verstuurd``.

The letters are printed through the services with a clock a little before the real day;
the commands run on the real clock (a letter is posted "today")."""

from __future__ import annotations

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
