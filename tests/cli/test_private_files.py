"""Every file a command writes that holds personal data is private (0600, folders 0700),
whatever the umask: the database and its -wal/-shm, backups, the copies before a
migration or restore, exports, .ics and .eml files, saved attachments.

Each test runs with umask 000, so a file made with the default mode would be
world-readable and writable and the check fails.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command

from klachtdesk.cli import main
from klachtdesk.clock import FixedClock
from klachtdesk.db import open_database
from klachtdesk.models import PartyRole, StaffRole
from klachtdesk.paths import UNFINISHED, home_dir, outbox_dir, write_private
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import staff
from tests.conftest import FIXED_NOW


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def not_private(*roots: Path) -> list[str]:
    """Every file or folder under ``roots`` that others may read, write or enter."""
    found = []
    for root in roots:
        for folder, folders, files in os.walk(root):
            for name in [*folders, *files]:
                path = Path(folder) / name
                mode = stat.S_IMODE(path.lstat().st_mode)
                if mode & 0o077:
                    found.append(f"{path.relative_to(root)}: {mode:o}")
    return sorted(found)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out + err


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A database made through the services: beheerder 'tester' (signed in as the
    OS user of the tests), one complaint of Jan with Els as witness."""
    folder = tmp_path / "desk"
    folder.mkdir(mode=0o700)
    path = folder / "desk.db"
    context = Context(db=open_database(path), clock=FixedClock(FIXED_NOW))
    context.user = staff.sign_in(context, "tester")
    staff.set_roles(context, "tester", {*context.user.roles, StaffRole.HANDLER, StaffRole.OFFICER,
                                        StaffRole.MANAGER})
    context.user = staff.sign_in(context, "tester")
    complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", email="jan@example.nl", phone="06-12345678"),
        service_type="Thuiszorg", description="De thuiszorg kwam niet.",
        involved=[PersonInput(name="Els Getuige", email="els@example.nl", role=PartyRole.INVOLVED)]))
    context.db.dispose()
    return path


def test_a_new_database_and_its_wal_are_private(tmp_path: Path) -> None:
    database = open_database(tmp_path / "nieuw.db")
    with database.write() as session:
        session.connection().exec_driver_sql("CREATE TABLE t (x)")
        with database.read() as other:  # a second connection keeps the -wal and -shm in place
            other.connection().exec_driver_sql("SELECT 1")
            assert {p.name for p in tmp_path.iterdir()} >= {"nieuw.db", "nieuw.db-wal", "nieuw.db-shm"}
            assert not_private(tmp_path) == []
    database.dispose()


def test_an_older_database_readable_by_others_is_made_private(tmp_path: Path, sqlite_template: Path) -> None:
    path = tmp_path / "oud.db"
    path.write_bytes(sqlite_template.read_bytes())
    path.chmod(0o644)
    open_database(path).dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_home_folder_and_the_outbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KLACHTDESK_HOME", str(tmp_path / "thuis" / "klachtdesk"))
    monkeypatch.setenv("KLACHTDESK_OUTBOX", str(tmp_path / "thuis" / "klachtdesk" / "outbox"))
    home_dir()
    outbox_dir()
    assert not_private(tmp_path / "thuis") == []


def test_backup_and_restore(capsys: pytest.CaptureFixture[str], desk: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o700)
    run(capsys, "backup", str(backups / "kopie.db"), "--db", str(desk))
    run(capsys, "herstel", str(backups / "kopie.db"), "--ja", "--db", str(desk))
    assert any("voor-herstel" in p.name for p in desk.parent.iterdir())  # the safety copy
    assert not_private(desk.parent, backups) == []
    assert not [p for p in [*desk.parent.iterdir(), *backups.iterdir()] if UNFINISHED in p.name]


def test_the_copy_before_a_migration(tmp_path: Path, desk: Path) -> None:
    database = open_database(desk)
    config = database._alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    database.dispose()
    open_database(desk).dispose()
    copies = [p for p in desk.parent.iterdir() if ".voor-" in p.name]
    assert copies and not_private(desk.parent) == []


def test_exports(capsys: pytest.CaptureFixture[str], desk: Path, tmp_path: Path) -> None:
    out = tmp_path / "uit"
    out.mkdir(mode=0o755)  # a folder of the user's: left as it is, the files in it are private
    run(capsys, "inzage", "jan@example.nl", "--uit", str(out / "jan.json"), "--db", str(desk))
    run(capsys, "rapport", "--periode", "2026", "--markdown", str(out / "rapport.md"),
        "--csv", str(out / "tabellen"), "--db", str(desk))
    run(capsys, "agenda", "--week", "2026-W48", "--ics", str(out / "agenda"), "--db", str(desk))
    written = {p.relative_to(out).parts[0] for p in out.rglob("*")}
    assert written >= {"jan.json", "rapport.md", "tabellen", "agenda"}
    assert not_private(out) == []


def test_a_message_in_the_outbox_and_saved_attachments(sqlite_context: Context, tmp_path: Path) -> None:
    from klachtdesk.services.correspondence import messages
    from klachtdesk.services.mail import intake
    from klachtdesk.services.config.mail import MailSettings
    from tests.mail_corpus import corpus

    raw = (corpus.CORPUS / "08_attachments_accents.eml").read_bytes()
    result = intake.receive(sqlite_context, intake.IncomingMail(raw, "test"), MailSettings())
    draft = messages.prepare_acknowledgement(sqlite_context, result.complaint_id)
    sent = messages.send(sqlite_context, result.complaint_id, draft.template, draft.subject, draft.body)
    assert sent.transport == "eml" and list(outbox_dir().glob("*.eml"))
    folder, names = intake.save_attachments(sqlite_context, result.complaint_id)
    assert names and folder.is_relative_to(home_dir())
    assert not_private(home_dir(), outbox_dir()) == []


def test_the_rewritten_file_stays_private_under_a_strict_umask(tmp_path: Path) -> None:
    os.umask(0o277)  # would make a read-only file: the helper still gives 0600
    path = write_private(tmp_path / "a.txt", "één")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text(encoding="utf-8") == "één"
    os.umask(0)
    path.chmod(0o644)
    write_private(path, "twee")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_temporary_file_remains_after_a_refused_write(tmp_path: Path) -> None:
    target = tmp_path / "map-bestaat-niet" / "a.txt"
    with pytest.raises(OSError):
        write_private(target, "x")
    assert list(tmp_path.iterdir()) == []
