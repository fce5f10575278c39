"""The mail intake against a real IMAP server (Dovecot, started by .ci/run through
scripts/imap-server.sh; KLACHTDESK_TEST_IMAP names its imap.env): fetch over TLS,
archive only after the commit, a fetcher killed half-way, fetching again, a changed
UIDVALIDITY — and the issue's "done": the corpus from a Maildir twice, then over IMAP."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import func, select

from klachtdesk.models import Complaint, MailMessage, MailOutcome, Message
from klachtdesk.services.core.context import Context
from klachtdesk.services.mail import intake, sources
from klachtdesk.services.config.mail import PASSWORD_ENV, ImapSettings, MailSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mail_corpus"))
import corpus  # noqa: E402

ENV = os.environ.get("KLACHTDESK_TEST_IMAP")
pytestmark = pytest.mark.skipif(not ENV, reason="geen IMAP-testserver (KLACHTDESK_TEST_IMAP)")


@pytest.fixture
def server() -> dict:
    assert ENV is not None
    return json.loads(Path(ENV).read_text())


def _client(server: dict):  # type: ignore[no-untyped-def]
    from imapclient import IMAPClient

    client = IMAPClient(server["host"], port=server["tls_port"], ssl=True,
                        ssl_context=ssl.create_default_context(cafile=server["ca_file"]), timeout=30)
    client.login(server["user"], server["password"])
    return client


@pytest.fixture
def mailbox(server: dict, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[MailSettings, object]]:
    """A folder of its own and its archive folder; settings pointing at them over TLS."""
    monkeypatch.setenv(PASSWORD_ENV, server["password"])
    name = f"test-{uuid.uuid4().hex[:10]}"
    imap = ImapSettings(host="localhost", port=server["tls_port"], tls=True, username=server["user"],
                        folder=name, archive=f"{name}-archief", interval=1, ca_file=server["ca_file"])
    client = _client(server)
    client.create_folder(name)
    yield MailSettings(imap=imap), client
    for folder in (name, f"{name}-archief"):
        if client.folder_exists(folder):
            client.delete_folder(folder)
    client.logout()


def _append(client, folder: str, items: list[tuple[str, bytes]], now) -> None:  # type: ignore[no-untyped-def]
    for name, raw in items:
        client.append(folder, raw, msg_time=intake.arrival_moment(raw, None, now))


def _count(client, folder: str) -> int:  # type: ignore[no-untyped-def]
    return int(client.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"])


def test_the_corpus_from_a_maildir_twice_then_over_imap(context: Context, mailbox, tmp_path: Path) -> None:
    settings, client = mailbox
    items = corpus.corpus_items()
    maildir = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for name, raw in items:
        (maildir / "new" / name).write_bytes(raw)
    first = sources.read_files(context, [maildir], settings)
    second = sources.read_files(context, [maildir], settings)
    assert not first.failed and len(first.new_cases) == 18
    assert second.duplicates == len(items) and not second.new_cases
    _append(client, settings.imap.folder, items, context.now())
    fetched = sources.fetch_imap(context, settings)
    # every mail recognised; only the bytes that are no mail at all may come back altered
    # from the server (Dovecot rewrites NUL bytes and line ends): quarantined once more, no case
    again = [r for r in fetched.results if not r.duplicate]
    assert all(r.outcome is MailOutcome.QUARANTINE for r in again), again
    assert fetched.duplicates >= len(items) - 1 and not fetched.new_cases and not fetched.failed
    # every mail in the archive folder, none left and none deleted
    assert _count(client, settings.imap.folder) == 0
    assert _count(client, settings.imap.archive) == len(items)
    with context.db.read() as session:
        assert session.exec(select(func.count()).select_from(Complaint)).one() == 18
        assert session.exec(select(func.count()).select_from(Message)).one() == 0  # nothing sent to anyone
        quarantined = session.exec(select(MailMessage.source).where(
            MailMessage.outcome == MailOutcome.QUARANTINE)).all()
    assert {Path(s.split(":", 1)[1].split(" ")[0]).name for s in quarantined} <= {"33_not_a_mail.eml", settings.imap.folder}


def test_imap_registers_with_the_servers_arrival_time_and_archives(sqlite_context: Context, mailbox) -> None:
    context = sqlite_context
    settings, client = mailbox
    items = [(n, r) for n, r in corpus.corpus_items() if n[:2] in ("01", "02", "11", "17", "33")]
    _append(client, settings.imap.folder, items, context.now())
    summary = sources.fetch_imap(context, settings)
    assert [r.outcome for r in summary.results] == [MailOutcome.NEW_CASE, MailOutcome.NEW_CASE, MailOutcome.REPLY,
                                                     MailOutcome.AUTOMATIC, MailOutcome.QUARANTINE]
    assert summary.archived == 5 and _count(client, settings.imap.folder) == 0
    with context.db.read() as session:
        first = session.exec(select(Complaint).where(Complaint.number == "KL-2026-000001")).one()
    assert first.received_at == intake.arrival_moment(items[0][1], None, context.now())
    # fetching again finds nothing; the archive keeps all five
    assert not sources.fetch_imap(context, settings).results and _count(client, settings.imap.archive) == 5


def test_nothing_is_archived_when_the_database_is_away(sqlite_context: Context, mailbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    context = sqlite_context
    settings, client = mailbox
    _append(client, settings.imap.folder, corpus.corpus_items()[:3], context.now())

    def away(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise intake.TemporaryFailure("database weg")

    monkeypatch.setattr(intake, "receive", away)
    summary = sources.fetch_imap(context, settings)
    assert summary.failed and summary.archived == 0
    assert _count(client, settings.imap.folder) == 3 and _count(client, settings.imap.archive) == 0


KILLER = textwrap.dedent("""
    import os, signal, sys
    from klachtdesk.db import open_database
    from klachtdesk.services.identity import staff
    from klachtdesk.services.core.context import Context
    from klachtdesk.services.mail import sources
    from klachtdesk.services.config.mail import ImapSettings, MailSettings
    context = Context(db=open_database(sys.argv[1]))
    context.user = staff.sign_in(context, "tester")
    imap = ImapSettings(**__import__("json").loads(sys.argv[2]))
    seen = []
    def after(result):
        seen.append(result)
        if len(seen) == 3:  # stored, not yet archived: killed as hard as can be
            os.kill(os.getpid(), signal.SIGKILL)
    sources.fetch_imap(context, MailSettings(imap=imap), on_result=after)
""")


def test_a_fetcher_killed_mid_batch_loses_nothing_and_doubles_nothing(sqlite_context: Context, mailbox) -> None:
    settings, client = mailbox
    items = corpus.in_arrival_order(corpus.corpus_items()[:8], sqlite_context.now())
    _append(client, settings.imap.folder, items, sqlite_context.now())
    database = sqlite_context.db.engine.url.database
    imap = json.dumps({k: getattr(settings.imap, k) for k in ImapSettings.__dataclass_fields__})
    done = subprocess.run([sys.executable, "-c", KILLER, database, imap], capture_output=True, timeout=120,
                          env={**os.environ})
    assert done.returncode == -9, done.stderr.decode()
    # two archived, the third stored but still in the folder, the rest untouched
    assert _count(client, settings.imap.archive) == 2 and _count(client, settings.imap.folder) == 6
    summary = sources.fetch_imap(sqlite_context, settings)
    assert summary.duplicates == 1 and summary.archived == 6
    assert _count(client, settings.imap.folder) == 0 and _count(client, settings.imap.archive) == 8
    with sqlite_context.db.read() as session:
        assert session.exec(select(func.count()).select_from(MailMessage)).one() == 8
        numbers = session.exec(select(Complaint.number)).all()
    assert len(numbers) == len(set(numbers)) == sum(1 for n, _ in items if corpus.EXPECTED[n].get("case")
                                                      and corpus.EXPECTED[n]["outcome"] == "nieuwe zaak")


def test_a_changed_uidvalidity_reads_the_folder_again_without_doubling(sqlite_context: Context, mailbox) -> None:
    settings, client = mailbox
    items = corpus.in_arrival_order(corpus.corpus_items()[:4], sqlite_context.now())
    _append(client, settings.imap.folder, items[:2], sqlite_context.now())
    assert len(sources.fetch_imap(sqlite_context, settings).results) == 2
    # the server rebuilds the folder (new UIDVALIDITY) with an old mail copied back and a new one
    client.delete_folder(settings.imap.folder)
    client.create_folder(settings.imap.folder)
    _append(client, settings.imap.folder, [items[0], items[2]], sqlite_context.now())
    summary = sources.fetch_imap(sqlite_context, settings)
    assert any("UIDVALIDITY" in note for note in summary.notes)
    assert [r.duplicate for r in summary.results] == [True, False]
    assert _count(client, settings.imap.folder) == 0


def test_post_volgen_picks_up_new_mail_with_idle(sqlite_context: Context, mailbox) -> None:
    import threading

    settings, client = mailbox
    stop = threading.Event()
    seen: list[sources.Summary] = []

    def report(summary: sources.Summary) -> None:
        seen.append(summary)
        if any(s.results for s in seen):
            stop.set()

    worker = threading.Thread(target=sources.follow, args=(sqlite_context, replace(settings, imap=replace(
        settings.imap, interval=30))), kwargs={"stop": stop, "on_summary": report}, daemon=True)
    worker.start()
    raw = (corpus.CORPUS / "27_english_complaint.eml").read_bytes()
    client.append(settings.imap.folder, raw)
    worker.join(timeout=60)
    stop.set()
    assert any(r.outcome is MailOutcome.NEW_CASE for s in seen for r in s.results)


def test_the_command_line_reads_stdin_and_says_try_again_later(tmp_path: Path) -> None:
    exe = shutil.which("klachtdesk") or str(Path(sys.executable).parent / "klachtdesk")
    db = tmp_path / "desk.db"
    raw = (corpus.CORPUS / "01_outlook_klacht_cp1252.eml").read_bytes()
    env = {key: value for key, value in os.environ.items() if key != "KLACHTDESK_GEBRUIKER"}  # the OS account
    done = subprocess.run([exe, "post", "inlezen", "-", "--db", str(db)], input=raw, capture_output=True, env=env,
                          timeout=120)
    assert done.returncode == 0 and b"KL-2026-000001" in done.stdout
    db.chmod(0o400)  # read-only: the mail cannot be stored now
    (tmp_path / "desk.db-wal").unlink(missing_ok=True)
    other = raw.replace(b"AM0PR07MB6123A1B2C3D4E5F6", b"another-id")
    done = subprocess.run([exe, "post", "inlezen", "-", "--db", str(db)], input=other, capture_output=True,
                          env=env, timeout=120)
    if os.geteuid() != 0:  # root writes a read-only file anyway
        assert done.returncode == 75, done.stderr
