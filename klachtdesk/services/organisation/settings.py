"""Showing, exporting, importing and changing the organisation's settings.

The settings are the desk's (``organisation_setting``); only the beheerder
(``Permission.MANAGE_SETTINGS``) changes them, and a change is all or nothing: every
text is checked as a whole (``Settings.from_texts``) before one row is written, in one
transaction. Each changed settings text is a line in the desk's history (an event
without a case) with what it was and what it became. A change of the calendar (or
the Atw days) recomputes the open deadlines once, right after, with its own history
line saying how many moved; nothing is ever recomputed at start.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, col, select

from klachtdesk.errors import ConfigError, KlachtdeskError
from klachtdesk.models import Event, EventType, Staff
from klachtdesk.services.config import keys, store
from klachtdesk.services.config.settings import (
    DOCUMENT_NAMES,
    DOCUMENTS,
    TEMPLATE_FOLDER,
    Settings,
    document,
    read_folder,
    read_text_file,
)
from klachtdesk.services.core import events
from klachtdesk.services.core.context import DRIVER_ERRORS, Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.time.recompute import RecomputeSummary


@dataclass(frozen=True)
class SettingLine:
    key: str
    value: str


@dataclass(frozen=True)
class Change:
    """One setting that changed: its key, and its value before and after (as written)."""

    key: str
    before: str
    after: str


@dataclass(frozen=True)
class ChangeResult:
    changes: tuple[Change, ...]
    files: tuple[str, ...]  # the settings texts that changed
    recompute: RecomputeSummary | None  # what the change did to the open deadlines
    note: str | None = None  # a word about what the change does not touch

    @property
    def changed(self) -> bool:
        return bool(self.files)


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    summary: str
    changes: tuple[Change, ...]


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------


def current(context: Context) -> Settings:
    """The desk's settings as stored now (a workstation's context may be older)."""
    with context.db.read() as session:
        texts = store.stored_texts(session)
    return Settings.from_texts(texts, _in_database)


def _newer(context: Context, skip: int | None = None) -> tuple[int, dict[str, str]] | None:
    """The stored settings texts and their version when the version differs from the
    context's (and from ``skip``); else None after one small query."""
    if context.settings_version is None:  # a context not read from the database (tests)
        return None
    with context.db.read() as session:
        version = store.stored_version(session)
        if version in (context.settings_version, skip):
            return None
        return version, store.stored_texts(session)


class Follower:
    """Keeps a long-running process (the app, the web form, ``post volgen``) on the desk's
    settings: ``check()`` looks at the stored version (one small query, at most once
    every ``every`` seconds) and takes a change over, saying so with one line through
    ``say``. A stored change that does not hold is refused: the process keeps the
    settings it has and says so once (``warn``); a database that cannot be reached is
    left to the work itself to report. Safe to call from several threads (one checks,
    the others go on)."""

    def __init__(self, context: Context, *, every: float = 0.0, say: Callable[[str], None],
                 warn: Callable[[str], None], monotonic: Callable[[], float] = time.monotonic) -> None:
        self.context = context
        self.every = every
        self._say, self._warn, self._monotonic = say, warn, monotonic
        self._checked: float | None = None
        self._refused: int | None = None  # a broken stored version, said once
        self._lock = threading.Lock()

    def check(self) -> bool:
        """True when the settings of the context were changed just now."""
        now = self._monotonic()
        if self._checked is not None and now - self._checked < self.every:
            return False
        if not self._lock.acquire(blocking=False):
            return False
        try:
            self._checked = now
            try:
                newer = _newer(self.context, skip=self._refused)
            except (KlachtdeskError, *DRIVER_ERRORS):
                return False
            if newer is None:
                return False
            version, texts = newer
            try:
                settings = Settings.from_texts(texts, _in_database)
            except ConfigError as error:
                self._refused = version
                self._warn(f"De gewijzigde instellingen (versie {version}) kloppen niet en zijn niet overgenomen; "
                           f"dit proces werkt verder met de vorige (versie {self.context.settings_version}). "
                           f"{' '.join(error.message.split())}")
                return False
            before = self.context.settings_version
            self.context.settings, self.context.settings_version = settings, version
            self._refused = None
            self._say(f"Instellingen van de organisatie opnieuw gelezen (van versie {before} naar {version}).")
            return True
        finally:
            self._lock.release()


def deadlines_follow_the_calendar(context: Context) -> bool:
    """False when the open deadlines were last computed on another calendar than the desk's
    (a database upgraded from the time each workstation had its own ``data/``, or a change
    whose recomputation failed): ``klachtdesk termijnen herberekenen`` brings them in line."""
    from klachtdesk.services.deadlines import bulk  # deferred: numpy, not on the app's start path (refresh)

    with context.db.read() as session:
        stored = bulk.stored_fingerprint(session)
    return stored is None or stored == context.calendars.fingerprint


def show(context: Context, prefix: str | None = None) -> list[SettingLine]:
    """Every setting as ``key = value`` (a template as its subject and length); with
    ``prefix`` only the keys under it. A template named exactly shows its whole text."""
    settings = current(context)
    wanted = (prefix or "").strip()
    lines: list[SettingLine] = []
    for item in DOCUMENTS:
        text_ = settings.texts.get(item.name, "")
        if item.is_template:
            key = keys.stem(item)
            if wanted == key:
                return [SettingLine(key, text_)]
            lines.append(SettingLine(key, keys.changes(item, "", text_)[0][2] if text_ else "(leeg)"))
        else:
            lines.extend(SettingLine(key, keys.show(value)) for key, value in keys.toml_lines(item, text_))
    if wanted:
        lines = [line for line in lines if line.key == wanted or line.key.startswith(wanted + ".")
                 or line.key.startswith(wanted + "/")]
        if not lines:
            if wanted.split(".")[0] not in {keys.stem(item) for item in DOCUMENTS}:
                keys.parse_key(wanted)  # says which keys there are
            raise ConfigError(f"Geen instelling met de sleutel '{wanted}'.")
    return lines


def export(context: Context, folder: Path) -> list[Path]:
    """Write the desk's settings to ``folder`` in the layout of ``data/`` (an existing
    file of the same name is replaced); the files written."""
    settings = current(context)
    written = []
    try:
        (folder / TEMPLATE_FOLDER).mkdir(parents=True, exist_ok=True)
        for name in DOCUMENT_NAMES:
            if name in settings.texts:
                written.append(_write(folder / name, settings.texts[name]))
    except OSError as error:
        raise ConfigError(f"De instellingen kunnen niet in {folder} worden gezet: {error.strerror}.") from None
    return written


def _write(path: Path, content: str) -> Path:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def history(context: Context, limit: int = 100) -> list[HistoryLine]:
    """The changes of the settings, newest first, with who made them."""
    with context.db.read() as session:
        rows = session.exec(
            select(Event, Staff.name).join(Staff, col(Event.actor_id) == Staff.id, isouter=True)
            .where(Event.type == EventType.SETTING).order_by(col(Event.id).desc()).limit(limit)
        ).all()
    return [HistoryLine(at=event.at, who=name or "klachtdesk", summary=event.summary,
                        changes=tuple(Change(*item) for item in (event.data or {}).get("wijzigingen", [])))
            for event, name in rows]


# ---------------------------------------------------------------------------------------
# changing
# ---------------------------------------------------------------------------------------


def set_value(context: Context, key_text: str, value_text: str) -> ChangeResult:
    """``klachtdesk instellingen zet SLEUTEL WAARDE``: one setting, checked with all the others."""
    context.require(Permission.MANAGE_SETTINGS)
    key = keys.parse_key(key_text)
    with context.db.read() as session:
        before = store.stored_texts(session).get(key.document.name, "")
    if key.document.is_template:
        after = value_text.replace("\r\n", "\n")
    else:
        keys.check_text(key.text, value_text)
        after = keys.set_value(before, key, keys.parse_value(value_text))
    return apply(context, {key.document.name: after}, expected={key.document.name: before})


def import_path(context: Context, path: Path) -> ChangeResult:
    """``klachtdesk instellingen importeren PAD``: a folder in the layout of ``data/`` (the
    settings files it holds replace the desk's; the others stay), or one settings file."""
    context.require(Permission.MANAGE_SETTINGS)
    return apply(context, read_import(path), label=lambda name: str(_import_location(path, name)))


def read_import(path: Path) -> dict[str, str]:
    """The settings texts to import from ``path``; a name klachtdesk does not know is refused."""
    if not path.exists():
        raise ConfigError(f"{path} bestaat niet (geef een map zoals data/ of een bestand zoals kalender.toml).")
    if path.is_dir():
        unknown = sorted(
            str(found.relative_to(path)) for found in [*path.glob("*.toml"), *path.glob(f"{TEMPLATE_FOLDER}/*.txt")]
            if str(found.relative_to(path)).replace(os.sep, "/") not in DOCUMENT_NAMES
        )
        if unknown:
            raise ConfigError(f"{path} bevat bestanden die geen instellingen van klachtdesk zijn: "
                              f"{', '.join(unknown)}. Bekend zijn: {', '.join(DOCUMENT_NAMES)}.")
        texts = read_folder(path)
        if not texts:
            raise ConfigError(f"{path} bevat geen instellingenbestanden (zoals kalender.toml).")
        return texts
    name = f"{TEMPLATE_FOLDER}/{path.name}" if path.suffix == ".txt" else path.name
    document(name)  # a known settings file, or a Dutch refusal
    text_ = read_text_file(path)
    assert text_ is not None
    return {name: text_}


def _import_location(path: Path, name: str) -> Path:
    if path.is_dir():
        return path / name
    return path


def apply(context: Context, texts: Mapping[str, str], *, expected: Mapping[str, str] | None = None,
          label: Callable[[str], str] | None = None) -> ChangeResult:
    """Replace settings texts, all or nothing: checked as a whole, written in one
    transaction with a history line per changed text; then the open deadlines are
    recomputed once when the calendar changed. ``expected``: the texts the change was
    made on (another beheerder changed them meanwhile: refused, nothing written)."""
    context.require(Permission.MANAGE_SETTINGS)
    named = label or _in_database
    for name, value in texts.items():
        keys.check_text(named(name), value)
    with context.db.write() as session:
        _serialise(session)
        stored = store.stored_texts(session)
        for name, text_ in (expected or {}).items():
            if stored.get(name, "") != text_:
                raise ConfigError(f"{name} is intussen door een ander gewijzigd; er is niets veranderd. "
                                  "Probeer het opnieuw.")
        new = Settings.from_texts({**stored, **texts}, lambda name: named(name) if name in texts else _in_database(name))
        changed = [name for name in DOCUMENT_NAMES if name in texts and texts[name] != stored.get(name)]
        all_changes: list[Change] = []
        for name in changed:
            item = document(name)
            found = [Change(*change) for change in keys.changes(item, stored.get(name, ""), texts[name])]
            all_changes.extend(found)
            events.record(session, context, None, EventType.SETTING, _summary(name, found),
                          data={"bestand": name, "voor": stored.get(name), "na": texts[name],
                                "wijzigingen": [[c.key, c.before, c.after] for c in found]})
        store.write_texts(session, {name: texts[name] for name in changed}, context.now(), context.actor_id())
        version = store.stored_version(session)
    if not changed:
        return ChangeResult((), (), None, "Niets gewijzigd: de instellingen waren al zo.")
    context.settings, context.settings_version = new, version
    summary = None
    if any(document(name).moves_deadlines for name in changed):
        from klachtdesk.services.deadlines import bulk  # deferred: numpy (see deadlines_follow_the_calendar)

        summary = bulk.recompute_open(context, only_if_changed=True)
        context.calendar_recompute = summary
    note = None
    if "termijnen.toml" in changed:
        note = ("De termijnen gelden voor zaken die vanaf nu binnenkomen; open termijnen houden hun lengte.")
    return ChangeResult(tuple(all_changes), tuple(changed), summary, note)


def _summary(name: str, found: list[Change]) -> str:
    if len(found) == 1:
        change = found[0]
        return f"Instelling gewijzigd: {change.key}: {change.before} → {change.after}"
    if not found:
        return f"Instellingen gewijzigd: {name} (alleen opmaak of toelichting)"
    return f"Instellingen gewijzigd: {name} ({len(found)} instellingen)"


def _serialise(session: Session) -> None:
    """One change of the settings at a time (on SQLite the write transaction's BEGIN IMMEDIATE does it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('klachtdesk.instellingen'))"))


def _in_database(name: str) -> str:
    return f"{name} (instellingen in de database)"


__all__ = ["Change", "ChangeResult", "HistoryLine", "SettingLine", "apply", "current", "export", "history",
           "Follower", "deadlines_follow_the_calendar", "import_path", "set_value", "show"]
