"""Where klachtdesk finds its settings (``data/``) and keeps its own files.

- ``data/`` holds the organisation's configuration (calendar, deadlines, lists,
  message templates). ``KLACHTDESK_DATA`` points elsewhere; otherwise the ``data/``
  folder of the source checkout, or the copy shipped inside the wheel.
- The default SQLite database, drafts and backups live in the user's data
  directory (platformdirs); ``KLACHTDESK_HOME`` overrides it (tests use this).

Private files
    Every file or folder that holds personal data (the database and its ``-wal`` and
    ``-shm``, backups, the copies kept before a migration or restore, the outbox,
    ``.eml`` and ``.ics`` files, exports, temporary files) is made through the helpers
    here: files 0600 and folders 0700, whatever the umask. A folder the user named
    and that already exists is left as it is (it may be their home folder); the files
    klachtdesk writes into it are private all the same.

Unfinished files
    A file is first written under a *staging* name beside its target,
    ``.<name>.klachtdesk-onvoltooid-<pid>-<token>``, which no real copy ever has, and
    renamed into place when it is complete (``staging``). While it is being written,
    its path is noted in ``<home>/onvoltooid/``; a process killed halfway leaves that
    note behind, and the next start (``clean_leftovers``, called when a database is
    opened) removes the unfinished file, wherever it was.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "klachtdesk"


def data_dir() -> Path:
    """The folder with the organisation's settings files."""
    env = os.environ.get("KLACHTDESK_DATA")
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve().parent
    checkout = here.parent / "data"
    if checkout.is_dir():
        return checkout
    return here / "_data"


def data_file(name: str) -> Path:
    return data_dir() / name


def home_dir() -> Path:
    """The user's own klachtdesk folder (database, drafts, outbox, backups)."""
    env = os.environ.get("KLACHTDESK_HOME")
    path = Path(env).expanduser() if env else user_data_path(APP_NAME, appauthor=False)
    return private_dir(path, tighten=True)


def default_database_path() -> Path:
    return home_dir() / "klachtdesk.db"


def outbox_dir() -> Path:
    env = os.environ.get("KLACHTDESK_OUTBOX")
    path = Path(env).expanduser() if env else home_dir() / "outbox"
    return private_dir(path, tighten=True)


# ---------------------------------------------------------------------------------------
# private files and folders
# ---------------------------------------------------------------------------------------

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
#: in the name of every file that is still being written, and of no finished one
UNFINISHED = "klachtdesk-onvoltooid"
#: the files beside a SQLite database that hold its data too
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def make_private(path: str | os.PathLike[str]) -> None:
    """Take the group's and others' permissions off an existing file or folder of ours
    (never adds a permission: a read-only file stays read-only). Missing: nothing."""
    try:
        status = os.stat(path)
    except OSError:
        return
    if status.st_mode & 0o077 and status.st_uid == os.geteuid():
        with suppress(OSError):  # a file system without permissions (a USB stick): nothing to do
            os.chmod(path, stat.S_IMODE(status.st_mode) & ~0o077)


def private_dir(path: str | os.PathLike[str], *, tighten: bool = False) -> Path:
    """The folder ``path``, created 0700 (with its missing parents) if it is not there.

    ``tighten``: a folder of klachtdesk's own (the home folder, the outbox) that exists
    already is made private too; a folder the user named is left as it is."""
    folder = Path(path)
    missing = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for created in reversed(missing):
        with suppress(FileExistsError):
            created.mkdir(mode=PRIVATE_DIR)
        make_private(created)  # mkdir's mode is reduced by the umask, never widened; this is exact
    if tighten and not missing:
        make_private(folder)
    return folder


def create_private(path: str | os.PathLike[str], *, exclusive: bool = False, append: bool = False) -> int:
    """Open ``path`` for writing as a private file (0600 whatever the umask); a file
    descriptor. An existing file is truncated (``append``: added to; ``exclusive``:
    refused) and made private."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC) | (os.O_EXCL if exclusive else 0)
    descriptor = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE)
    except OSError:
        pass  # a file system without permissions
    return descriptor


def touch_private(path: str | os.PathLike[str]) -> Path:
    """An empty private file at ``path`` if there is none; an existing one made private."""
    try:
        os.close(create_private(path, exclusive=True))
    except FileExistsError:
        make_private(path)
    return Path(path)


def write_private(path: str | os.PathLike[str], data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write a whole private file atomically: a reader (or a crash) never sees half of it,
    and a failed write leaves the earlier file, or none, but never a 0-byte one."""
    target = Path(path)
    if not target.name or target.is_dir():  # "/", "." or a folder: no file to write
        raise IsADirectoryError(errno.EISDIR, "dat is een map, geen bestand", str(target))
    payload = data.encode(encoding) if isinstance(data, str) else data
    with staging(target) as temporary:
        with os.fdopen(create_private(temporary, exclusive=True), "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    return target


def refuse_special(target: Path) -> None:
    """An ``OSError`` (a Dutch ``strerror``) if ``target`` exists and is no file to replace:
    a folder, a device, a pipe or a socket. A symbolic link is replaced as a link."""
    try:
        mode = os.lstat(target).st_mode
    except OSError:
        return  # not there (or not to be looked at): what writes it says what is wrong
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "dat is een map, geen bestand", str(target))
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise OSError(errno.EINVAL, "dat is geen gewoon bestand maar een apparaat of pijp; kies een bestandsnaam",
                      str(target))


def staging_name(target: str | os.PathLike[str]) -> Path:
    """The name a file has while it is written: hidden, beside ``target``, and marked
    unfinished (never mistaken for a real copy)."""
    target = Path(target)
    return target.with_name(f".{target.name}.{UNFINISHED}-{os.getpid()}-{secrets.token_hex(4)}")


def _notes_dir() -> Path:
    return private_dir(home_dir() / "onvoltooid", tighten=True)


@contextmanager
def staging(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A staging path for ``target``, noted as unfinished while the block runs and removed
    (with any SQLite companions) when it ends; rename it onto ``target`` to keep it.

    ``target`` must be a file (or not yet exist): renaming onto a device or a pipe would put a
    file in its place (``/dev/null`` itself, for a desk that runs as root), so that is refused
    before anything is written, as a folder is."""
    refuse_special(Path(target))
    temporary = staging_name(target)
    note: Path | None = None
    try:
        note = _notes_dir() / f"{os.getpid()}-{temporary.name.rsplit('-', 1)[-1]}"
        # surrogateescape: a file name that is not UTF-8 (a surrogate in the str) is noted as its bytes
        with os.fdopen(create_private(note), "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(str(temporary.resolve()))
    except OSError:
        note = None  # a home folder that cannot be written: the name alone marks it (see clean_leftovers)
    try:
        yield temporary
    finally:
        _remove_with_companions(temporary)
        if note is not None:
            note.unlink(missing_ok=True)


def _remove_with_companions(path: Path) -> list[Path]:
    removed = []
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_COMPANIONS)):
        try:
            candidate.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue
        removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def clean_leftovers(*folders: str | os.PathLike[str]) -> list[Path]:
    """Remove the unfinished files of processes that were stopped halfway (killed, a
    power cut): every one noted in ``<home>/onvoltooid/`` and every staging file in
    ``folders`` whose process is gone. Returns what was removed."""
    removed: list[Path] = []
    try:
        home = home_dir()
        notes = list((home / "onvoltooid").iterdir()) if (home / "onvoltooid").is_dir() else []
    except OSError:  # a home folder this account cannot read: nothing of ours to clean there
        return removed
    for note in notes:
        pid_text = note.name.split("-", 1)[0]
        if pid_text.isdigit() and _alive(int(pid_text)):
            continue
        with suppress(OSError, UnicodeDecodeError):
            removed += _remove_with_companions(Path(note.read_text(encoding="utf-8",
                                                                   errors="surrogateescape").strip()))
        with suppress(OSError):
            note.unlink(missing_ok=True)
    for folder in {Path(f) for f in folders} | {home}:
        with suppress(OSError):
            for candidate in Path(folder).iterdir():
                pid = _staging_pid(candidate.name)
                if pid is not None and not _alive(pid):
                    removed += _remove_with_companions(candidate)
    return removed


def _staging_pid(name: str) -> int | None:
    marker = f".{UNFINISHED}-"
    if not name.startswith(".") or marker not in name:
        return None
    rest = name.split(marker, 1)[1].split("-", 1)[0]
    return int(rest) if rest.isdigit() else None
