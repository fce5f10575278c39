"""After ``vergeet`` nothing of the person is left anywhere on disk (issue 16).

Jan Zwartkruis is everywhere a person can be: klager of one case and betrokkene in
another, in a colleague's draft of the form, the subject of an AVG request and of an
inzage, the sender of a kept mail with an attachment, the addressee of a message in the
outbox, a participant in a session whose invitation (.ics) was written, with saved
attachments, in a backup made before the erasure, and with another program holding the
database open while he is erased. Afterwards the database file, its WAL, its full-text
index and the whole data folder are searched byte for byte for his name, e-mail
address and phone number; then the backup is restored and searched again.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import text

from klachtdesk.cli import main
from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.db import open_database
from klachtdesk.models import PartyRole, PrivacyRequestKind, SessionType, StaffRole
from klachtdesk.paths import home_dir, outbox_dir
from klachtdesk.services import backup
from klachtdesk.services.bootstrap import open_context
from klachtdesk.services.cases import complaints, drafts
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence import messages
from klachtdesk.services.identity import staff
from klachtdesk.services.mail import intake
from klachtdesk.services.config.mail import MailSettings
from klachtdesk.services.planner import ical
from klachtdesk.services.planner import sessions as planner
from klachtdesk.services.planner.views import SessionRequest
from klachtdesk.services.privacy import avg as privacy
from tests.conftest import FIXED_NOW, demo_database

NAME, EMAIL, PHONE = "Jan Zwartkruis", "jan.zwartkruis@voorbeeld.nl", "06-41839275"
#: what must not be found: the surname (also as a lower-case index token), the address, the number in any form
TRACES = [b"zwartkruis", b"jan.zwartkruis", b"voorbeeld.nl", b"41839275"]
UTF16 = [trace.decode().encode("utf-16-le") for trace in TRACES]


def found_in(path: Path) -> list[str]:
    """The traces of Jan in one file (case-insensitive, as UTF-8 and UTF-16 bytes)."""
    data = path.read_bytes().lower()
    return [f"{path.name}: {trace!r}" for trace in TRACES + UTF16 if trace in data]


def found_under(*roots: Path, skip: tuple[Path, ...] = ()) -> list[str]:
    hits = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if not any(path.is_relative_to(s) for s in skip):
                hits += found_in(path)
    return hits


def mail_from_jan(case_number: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"{NAME} <{EMAIL}>"
    message["To"] = "klachten@zorgverlener.nl"
    message["Subject"] = f"Re: {case_number} nog een foto"
    message["Message-ID"] = "<jan-1@voorbeeld.nl>"
    message["Date"] = "Mon, 23 Nov 2026 09:00:00 +0100"
    message.set_content(f"Hierbij de foto. Groet, {NAME}, {PHONE}")
    message.add_attachment(f"Verklaring van {NAME}, {EMAIL}".encode(), maintype="text", subtype="plain",
                           filename="verklaring-zwartkruis.txt")
    return message.as_bytes()


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Context, int]:
    path = home_dir() / "klachtdesk.db"
    monkeypatch.setenv("KLACHTDESK_DB", str(path))
    monkeypatch.setenv("KLACHTDESK_GEBRUIKER", "bea")
    demo_database(path)  # the set-up acts as bea, whoever runs the tests
    context = Context(db=open_database(path), clock=FixedClock(FIXED_NOW))
    context.user = staff.sign_in(context, "bea")
    staff.set_roles(context, "bea", {*context.user.roles, StaffRole.HANDLER, StaffRole.OFFICER, StaffRole.MANAGER})
    context.user = staff.sign_in(context, "bea")
    own = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name=NAME, email=EMAIL, phone=PHONE), service_type="Thuiszorg",
        description=f"{NAME} ({PHONE}) wachtte drie weken op de thuiszorg.", remedy_sought="Excuses",
        involved=[PersonInput(name="Els Getuige", email="els@example.nl", role=PartyRole.INVOLVED)]))
    other = complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Piet Post", email="piet@example.nl"), service_type="Thuiszorg",
        description=f"Mijn buurman {NAME} zag het gebeuren; bel hem op {PHONE}.",
        involved=[PersonInput(name=NAME, email=EMAIL, phone=PHONE, role=PartyRole.INVOLVED)]))
    # a colleague is half-way registering a new complaint of Jan
    colleague = Context(db=context.db, clock=context.clock)
    with context.db.write() as session:
        staff.create_staff(session, context, "karin", "Karin Klant", {StaffRole.CUSTOMER_SERVICE})
    colleague.user = staff.sign_in(colleague, "karin")
    drafts.save(colleague, drafts.REGISTRATION, {"naam": NAME, "email": EMAIL, "telefoon": "06 4183 9275"})
    # an inzage done, and the erasure request registered before it is handled
    privacy.export_person(context, EMAIL)
    request = privacy.register_request(context, PrivacyRequestKind.ERASURE, f"{NAME} via {PHONE}")
    # a kept mail from Jan with an attachment, saved to disk
    intake.receive(context, intake.IncomingMail(mail_from_jan(own.number), "test"), MailSettings())
    intake.save_attachments(context, own.id)
    # a message to Jan in the outbox, and the invitation to a session
    draft = messages.prepare_acknowledgement(context, own.id)
    messages.send(context, own.id, draft.template, draft.subject, draft.body)
    start = datetime(2026, 11, 26, 10, 0, tzinfo=AMSTERDAM)
    session = planner.plan_session(context, SessionRequest(complaint_id=own.id, type=SessionType.ALL_INVOLVED,
                                                           starts_at=start, location="Kamer 2"))
    ical.export_session(context, session.id)
    ical.export_week(context, context.user.id, start.date())
    # a backup made before the erasure (it cannot be rewritten)
    (home_dir() / "backups").mkdir()
    backup.make_backup(context, home_dir() / "backups" / "voor-vergeet.db")
    context.db.dispose()
    return context, request.id


def test_vergeet_leaves_no_copy_and_herstel_does_not_bring_it_back(desk, capsys) -> None:  # type: ignore[no-untyped-def]
    context, request_id = desk
    database = context.db.path
    assert database is not None
    wal = Path(f"{database}-wal")
    backups = home_dir() / "backups"
    assert found_under(home_dir(), skip=(backups,)), "the set-up must put Jan on disk first"
    assert found_under(backups)
    assert list(outbox_dir().rglob("*.ics")) and list(outbox_dir().glob("*.eml"))

    # another program has the database open (and has read from it) while Jan is erased
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
         "c.execute('SELECT count(*) FROM complaint').fetchall(); print('open', flush=True); sys.stdin.read()",
         str(database)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert main(["vergeet", EMAIL, "--verzoek", str(request_id), "--ja"]) == 0
        out, err = capsys.readouterr()
        assert "afgehandeld" in out and "Eerder zijn de gegevens bij inzage uitgegeven" in err
        # Jan is three person records: klager, betrokkene in Piet's case, and the sender of the mail
        records = re.search(r"(\d+) persoonsrecords geanonimiseerd", " ".join(out.split()))
        assert records is not None and int(records.group(1)) >= 2
        assert not wal.exists() or wal.stat().st_size == 0
        assert found_under(home_dir(), skip=(backups,)) == []
        # the full-text index no longer finds him either
        with context.db.read() as session:
            for word in ("zwartkruis", "voorbeeld"):
                assert session.execute(text("SELECT count(*) FROM complaint_fts WHERE complaint_fts MATCH :w"),
                                       {"w": word}).scalar_one() == 0
        context.db.dispose()
        # restoring the old backup is refused while the other program has the database open
        assert main(["herstel", str(backups / "voor-vergeet.db"), "--ja"]) == 2
        assert "nog geopend door proces" in capsys.readouterr().err
    finally:
        holder.communicate("")
    assert main(["herstel", str(backups / "voor-vergeet.db"), "--ja"]) == 0
    said = " ".join(capsys.readouterr().err.split())  # what opening the restored desk did: on stderr
    # Jan's records, and Els, who was only in Jan's own case and went with it
    assert f"opnieuw toegepast: {int(records.group(1)) + 1} personen en 1 zaak uit de back-up" in said
    safety = [p for p in database.parent.iterdir() if "voor-herstel" in p.name]
    assert found_under(home_dir(), skip=(backups, *safety)) == []
    # and the desk still works: the other case is there, without Jan
    again = open_context()
    found = privacy.find_subject(again, "piet@example.nl")
    assert len(found) == 1
    again.db.dispose()


def test_the_register_names_nobody(desk, capsys) -> None:  # type: ignore[no-untyped-def]
    context, request_id = desk
    assert main(["vergeet", EMAIL, "--verzoek", str(request_id), "--ja"]) == 0
    with context.db.read() as session:
        rows = session.execute(text("SELECT * FROM erasure_register")).all()
        key = session.execute(text("SELECT value FROM setting WHERE key = 'vergeetregister.sleutel'")).scalar_one()
    assert rows and all(found_in_text(str(row)) == [] for row in rows)
    assert len(bytes.fromhex(key)) == 32
    context.db.dispose()


def found_in_text(value: str) -> list[bytes]:
    return [trace for trace in TRACES if trace in value.lower().encode()]
