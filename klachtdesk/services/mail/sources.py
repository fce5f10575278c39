"""Where mail comes from: an IMAP mailbox, a Maildir, ``.eml`` files, standard input.

Each source hands every mail to ``intake.receive`` and only then lets go of it:
- IMAP (``imapclient``, UID-based): a mail is moved to the archive folder after its
  transaction committed — never deleted, never before. A fetcher killed half-way a
  batch leaves the unarchived mails in the folder; the next run reads them again and
  the Message-ID makes the ones already stored duplicates. UIDVALIDITY is kept per
  mailbox; when the server changes it, the UIDs in hand are dropped and the folder is
  read anew (the Message-IDs keep that from doubling anything).
- Maildir and files are only read; reading them twice changes nothing.
- Standard input (a mail server's pipe): a temporary failure is exit 75 (EX_TEMPFAIL),
  so the mail server keeps the mail and tries again, as with ``rt-mailgate``.
"""

from __future__ import annotations

import logging
import os
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from klachtdesk.errors import ConfigError, KlachtdeskError
from klachtdesk.models import MailOutcome, Setting
from klachtdesk.services.core.context import Context
from klachtdesk.services.mail import intake
from klachtdesk.services.organisation import settings as organisation_settings
from klachtdesk.services.config.mail import PASSWORD_ENV, ImapSettings, MailSettings

log = logging.getLogger(__name__)

EX_TEMPFAIL = 75
#: mails fetched from the server per round trip
BATCH = 25


@dataclass
class Summary:
    """What one run did; ``failed``: mails that stay at the source for a later run."""

    results: list[intake.IntakeResult] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    archived: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, result: intake.IntakeResult) -> None:
        self.results.append(result)

    def count(self, outcome: MailOutcome) -> int:
        return sum(1 for r in self.results if r.outcome is outcome and not r.duplicate)

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.results if r.duplicate)

    @property
    def new_cases(self) -> list[intake.IntakeResult]:
        return [r for r in self.results if r.outcome is MailOutcome.NEW_CASE and not r.duplicate]


# ---------------------------------------------------------------------------------------
# files, Maildirs, standard input
# ---------------------------------------------------------------------------------------

def _maildir_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for sub in ("new", "cur"):
        part = folder / sub
        if part.is_dir():
            found += [p for p in part.iterdir() if p.is_file() and not p.name.startswith(".")]
    return found


def is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def _file_mail(path: Path) -> intake.IncomingMail:
    raw = path.read_bytes()
    # the Received: header is the arrival; a file without one arrived when it was written
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    has_received = b"\nreceived:" in raw[:65536].lower() or raw[:9].lower() == b"received:"
    return intake.IncomingMail(raw, f"bestand:{path}", None if has_received else mtime)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a Maildir's messages; a plain folder's ``.eml`` files."""
    files: list[Path] = []
    for path in paths:
        if is_maildir(path):
            files += _maildir_files(path)
        elif path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".eml")
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigError(f"'{path}' bestaat niet (geen bestand, Maildir of map).")
    return files


def read_files(context: Context, paths: Iterable[Path], settings: MailSettings | None = None,
               on_result: Callable[[intake.IntakeResult], None] | None = None) -> Summary:
    """Take in mail files and Maildirs, in order of arrival. A mail that cannot be stored
    now stays where it is and is named in ``failed``."""
    settings = settings or context.settings.mail
    summary = Summary()
    mails = []
    for path in expand(paths):
        try:
            mails.append(_file_mail(path))
        except OSError as error:
            summary.failed.append((str(path), error.strerror or str(error)))
    now = context.now()
    mails.sort(key=lambda m: (intake.arrival_moment(m.raw, m.arrived_at, now), m.source))
    for mail in mails:
        try:
            result = intake.receive(context, mail, settings)
        except intake.TemporaryFailure as error:
            summary.failed.append((mail.source, error.message))
            continue
        summary.add(result)
        if on_result:
            on_result(result)
    return summary


def read_stdin(context: Context, data: bytes, settings: MailSettings | None = None) -> intake.IntakeResult:
    """One mail piped in by a mail server; ``TemporaryFailure`` -> exit 75."""
    return intake.receive(context, intake.IncomingMail(data, "stdin"), settings or context.settings.mail)


# ---------------------------------------------------------------------------------------
# IMAP
# ---------------------------------------------------------------------------------------

class ImapProblem(KlachtdeskError):
    """The mail server could not be reached or refused (nothing is lost: mails stay there)."""


def _state_key(imap: ImapSettings) -> str:
    return f"post.imap.{imap.username}@{imap.host}:{imap.port}/{imap.folder}.uidvalidity"[:100]


def _read_state(context: Context, key: str) -> int | None:
    with context.db.read() as session:
        row = session.get(Setting, key)
    return int(row.value) if row is not None and row.value.isdigit() else None


def _write_state(context: Context, key: str, value: int) -> None:
    with context.db.write() as session:
        row = session.get(Setting, key)
        if row is None:
            row = Setting(key=key, value=str(value), updated_at=context.now())
        row.value, row.updated_at = str(value), context.now()
        session.add(row)


def connect(imap: ImapSettings, password: str | None = None):  # type: ignore[no-untyped-def]
    """A logged-in ``IMAPClient`` (TLS unless turned off for a server on this machine)."""
    from imapclient import IMAPClient  # deferred for start-up time: only an IMAP mailbox needs it

    password = password if password is not None else os.environ.get(PASSWORD_ENV, "")
    if not imap.configured:
        raise ConfigError("Er is geen IMAP-server ingesteld (post.imap.host in de instellingen: klachtdesk instellingen zet post.imap.host ...).")
    if imap.username and not password:
        raise ConfigError(f"De IMAP-server vraagt een wachtwoord voor '{imap.username}'; zet het in {PASSWORD_ENV}.")
    context = None
    if imap.tls:
        context = ssl.create_default_context(cafile=imap.ca_file or None)
    try:
        client = IMAPClient(imap.host, port=imap.port, ssl=imap.tls, ssl_context=context, timeout=30)
        client.login(imap.username, password)
    except (OSError, ssl.SSLError) as error:
        raise ImapProblem(f"De IMAP-server {imap.host}:{imap.port} is niet bereikbaar ({error}). "
                          "De mail blijft op de server staan.") from None
    except Exception as error:  # noqa: BLE001 - imapclient's own errors (login refused)
        raise ImapProblem(f"De IMAP-server {imap.host}:{imap.port} weigerde: {error}") from None
    return client


def _ensure_folder(client, name: str) -> None:  # type: ignore[no-untyped-def]
    if not client.folder_exists(name):
        client.create_folder(name)


def _archive(client, uids: list[int], archive: str) -> None:  # type: ignore[no-untyped-def]
    """Move to the archive: MOVE where the server has it, else COPY, then flag and
    expunge only these UIDs (UIDPLUS). The copy exists before the original goes."""
    if not uids:
        return
    if client.has_capability("MOVE"):
        client.move(uids, archive)
        return
    client.copy(uids, archive)
    client.add_flags(uids, [b"\\Deleted"])
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:  # without UIDPLUS the flagged originals stay until the server expunges them
        log.warning("server without MOVE and UIDPLUS: archived mails stay flagged in %s", archive)


def fetch_imap(context: Context, settings: MailSettings | None = None, *, client=None,  # type: ignore[no-untyped-def]
               stop: threading.Event | None = None,
               on_result: Callable[[intake.IntakeResult], None] | None = None) -> Summary:
    """Read every mail in the IMAP folder once; each is archived after it is stored."""
    settings = settings or context.settings.mail
    imap = settings.imap
    own = client is None
    client = client or connect(imap)
    summary = Summary()
    try:
        _ensure_folder(client, imap.archive)
        selected = client.select_folder(imap.folder)
        validity = int(selected[b"UIDVALIDITY"])
        key = _state_key(imap)
        known = _read_state(context, key)
        if known is not None and known != validity:
            summary.notes.append(f"UIDVALIDITY van {imap.folder} veranderde ({known} → {validity}): de map wordt "
                                 "opnieuw gelezen; al opgeslagen mail wordt herkend aan de Message-ID.")
        if known != validity:
            _write_state(context, key, validity)
        uids = sorted(client.search(["ALL"]))
        for start in range(0, len(uids), BATCH):
            if stop is not None and stop.is_set():
                break
            batch = uids[start:start + BATCH]
            meta = client.fetch(batch, ["INTERNALDATE", "RFC822.SIZE"])
            for uid in batch:
                if stop is not None and stop.is_set():
                    break
                if uid not in meta:
                    continue  # expunged meanwhile by someone else
                body = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
                if body is None:
                    continue
                arrived = meta[uid].get(b"INTERNALDATE")
                if arrived is not None and arrived.tzinfo is None:  # imapclient gives local naive times
                    arrived = arrived.astimezone(UTC)
                mail = intake.IncomingMail(bytes(body), f"imap:{imap.folder} uid {uid} ({validity})", arrived)
                try:
                    result = intake.receive(context, mail, settings)
                except intake.TemporaryFailure as error:
                    summary.failed.append((mail.source, error.message))
                    return summary  # the database is away: stop, everything unarchived stays
                summary.add(result)
                if on_result:
                    on_result(result)
                _archive(client, [uid], imap.archive)  # only now, after the commit
                summary.archived += 1
    except KlachtdeskError:
        raise
    except (OSError, ssl.SSLError) as error:
        raise ImapProblem(f"De verbinding met {imap.host} viel weg ({error}); wat niet gearchiveerd is, "
                          "wordt de volgende keer opnieuw gelezen.") from None
    except Exception as error:  # noqa: BLE001 - the server's refusals (imapclient.exceptions)
        if type(error).__module__.startswith(("imapclient", "imaplib")):
            raise ImapProblem(f"De IMAP-server {imap.host} weigerde: {error}") from None
        raise
    finally:
        if own:
            try:
                client.logout()
            except Exception:  # noqa: BLE001 - the connection may be gone already
                pass
    return summary


def follow(context: Context, settings: MailSettings | None = None, *, stop: threading.Event,
           on_summary: Callable[[Summary], None] | None = None,
           on_problem: Callable[[str], None] | None = None,
           follower: organisation_settings.Follower | None = None) -> None:
    """Keep reading the mailbox until ``stop`` is set: IDLE where the server has it
    (new mail is read at once), else a poll every ``interval`` seconds. A lost
    connection or database is retried with a growing pause; nothing is lost meanwhile.
    With a ``follower`` (on ``context``) each round first takes a beheerder's change of
    the settings over; a changed mailbox is connected to anew."""
    given = settings is not None
    settings = settings or context.settings.mail
    imap = settings.imap
    pause = 5.0
    while not stop.is_set():
        client = None
        try:
            client = connect(imap)
            while not stop.is_set():
                if follower is not None and follower.check() and not given:
                    settings = context.settings.mail
                    if settings.imap != imap:  # another mailbox: log out, connect to the new one
                        imap = settings.imap
                        break
                summary = fetch_imap(context, settings, client=client, stop=stop)
                if on_summary:
                    on_summary(summary)
                if summary.failed:
                    raise intake.TemporaryFailure(summary.failed[0][1])
                pause = 5.0
                _wait(client, imap.interval, stop)
        except (KlachtdeskError, OSError) as error:
            message = error.message if isinstance(error, KlachtdeskError) else str(error)
            if isinstance(error, ConfigError):
                raise
            if on_problem:
                on_problem(message)
            stop.wait(pause)
            pause = min(pause * 2, 300.0)
        finally:
            if client is not None:
                try:
                    client.logout()
                except Exception:  # noqa: BLE001
                    pass


def _wait(client, interval: float, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    """Until new mail arrives (IDLE) or ``interval`` seconds passed; wakes for ``stop``."""
    deadline = time.monotonic() + interval
    if client.has_capability("IDLE"):
        client.idle()
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                if client.idle_check(timeout=1):
                    break
        finally:
            client.idle_done()
        return
    while not stop.is_set() and time.monotonic() < deadline:
        stop.wait(1)


def summary_lines(summary: Summary) -> Iterator[str]:
    """The Dutch lines a command prints about a run."""
    new = summary.new_cases
    for result in new:
        yield f"{result.number}: nieuwe melding geregistreerd (te beoordelen)" + (
            "; ontvangstbevestiging verstuurd" if result.acknowledged else "")
    counts = [(MailOutcome.REPLY, "reactie(s) bij hun zaak"), (MailOutcome.OUT_OF_OFFICE, "afwezigheidsbericht(en)"),
              (MailOutcome.BOUNCE, "afleveringsrapport(en)"), (MailOutcome.AUTOMATIC, "automatische mail(s) bewaard"),
              (MailOutcome.CAPPED, "mail(s) boven de daglimiet bewaard"),
              (MailOutcome.QUARANTINE, "mail(s) in de quarantaine")]
    parts = [f"{len(new)} nieuwe melding(en)"] + [f"{summary.count(o)} {label}" for o, label in counts if summary.count(o)]
    if summary.duplicates:
        parts.append(f"{summary.duplicates} al eerder ontvangen")
    if summary.archived:
        parts.append(f"{summary.archived} gearchiveerd")
    yield ", ".join(parts) + "."
    yield from summary.notes
    for source, reason in summary.failed:
        yield f"Niet opgeslagen, blijft staan: {source}: {reason}"
