"""The organisation's settings: one frozen, typed ``Settings`` object, the only way in.

The settings that change everyone's work (the calendar, the deadlines, the lists, the
message templates, the privacy periods, the mail intake and the web form) are the
desk's: they live in the database (``organisation_setting``, one row per settings
text, see ``klachtdesk.services.config.store``), and ``data/`` only holds the
defaults a new database is seeded with. A ``Settings`` is built from those texts —
each the text of one file of the ``data/`` layout (``kalender.toml``,
``berichten/beslissing.txt``, …) — by the parsers of this room, so the database,
an import and the defaults are read and checked the same way.

The ``Context`` carries one ``Settings`` (``context.settings``); every service reads
its settings there, and its calendars are ``context.calendars`` (built from
``settings.calendar`` and ``settings.equated_days``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from klachtdesk.errors import ConfigError
from klachtdesk.models import ComplaintKind, DeadlineKind
from klachtdesk.paths import data_dir
from klachtdesk.services.config.calendar import (
    ATW_FILE,
    KALENDER_FILE,
    CalendarSettings,
    DayOff,
    parse_calendar_settings,
    parse_equated_days,
)
from klachtdesk.services.config.config_files import parse_toml
from klachtdesk.services.config.mail import MAIL_FILE, MailSettings, parse_mail_settings
from klachtdesk.services.config.messages import (
    MESSAGES_FILE,
    TEMPLATE_NAMES,
    LoadedTemplate,
    MessageSettings,
    parse_message_settings,
    parse_template,
)
from klachtdesk.services.config.privacy import PRIVACY_FILE, PrivacySettings, parse_privacy_settings
from klachtdesk.services.config.procedure import (
    DEADLINES_FILE,
    LISTS_FILE,
    DeadlineRule,
    Lists,
    ReopenRule,
    parse_deadline_rules,
    parse_reopen_rule,
    parse_lists,
)
from klachtdesk.services.config.webform import SETTINGS_FILE as WEBFORM_FILE
from klachtdesk.services.config.webform import WebFormSettings, parse_webform_settings

TEMPLATE_FOLDER = "berichten"


def template_document(name: str) -> str:
    """``berichten/beslissing.txt``: the name of a template's settings text."""
    return f"{TEMPLATE_FOLDER}/{name}.txt"


@dataclass(frozen=True)
class Document:
    """One settings text: its name (a file of the ``data/`` layout) and what it is about."""

    name: str
    title: str
    #: a missing text means the defaults (else it must be there)
    optional: bool = False
    #: the open deadlines depend on it: a change recomputes them
    moves_deadlines: bool = False

    @property
    def is_template(self) -> bool:
        return self.name.startswith(TEMPLATE_FOLDER + "/")


#: every settings text of the desk, in the order ``instellingen toon`` shows them
DOCUMENTS: tuple[Document, ...] = (
    Document(KALENDER_FILE, "kalender (werkdagen, sluitingstijd, kantoortijden)", optional=True,
             moves_deadlines=True),
    Document(ATW_FILE, "gelijkgestelde dagen (Algemene termijnenwet)", moves_deadlines=True),
    Document(DEADLINES_FILE, "termijnen van de procedure"),
    Document(LISTS_FILE, "lijsten (diensttypen, categorieën, wachtrijen)"),
    Document(MESSAGES_FILE, "berichten (organisatie, mailserver, geschillencommissie)"),
    *(Document(template_document(name), f"berichtsjabloon {name}") for name in TEMPLATE_NAMES),
    Document(PRIVACY_FILE, "privacy (bewaartermijnen, verzoeken, privacyverklaring)", optional=True),
    Document(MAIL_FILE, "inkomende post", optional=True),
    Document(WEBFORM_FILE, "webformulier", optional=True),
)
DOCUMENT_NAMES: tuple[str, ...] = tuple(document.name for document in DOCUMENTS)
_BY_NAME = {document.name: document for document in DOCUMENTS}


def document(name: str) -> Document:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigError(f"'{name}' is geen instellingenbestand van klachtdesk; bekend zijn: "
                          f"{', '.join(DOCUMENT_NAMES)}.") from None


@dataclass(frozen=True)
class Organisation:
    """What the web form shows of the organisation."""

    name: str
    email: str
    privacy_statement: str
    privacy_url: str


@dataclass(frozen=True)
class Settings:
    """Every setting of the organisation, parsed and checked; built by :meth:`from_texts`."""

    calendar: CalendarSettings
    equated_days: tuple[DayOff, ...]
    lists: Lists
    deadline_rules: tuple[DeadlineRule, ...]
    messages: MessageSettings
    templates: Mapping[str, LoadedTemplate] = field(compare=False)
    privacy: PrivacySettings
    mail: MailSettings
    webform: WebFormSettings
    #: the texts these settings were read from (name -> text), for export and history
    texts: Mapping[str, str] = field(compare=False)

    # -- building -------------------------------------------------------------------

    @classmethod
    def from_texts(cls, texts: Mapping[str, str], label: Callable[[str], str] = str) -> Settings:
        """Parse and check every settings text; ``label(name)`` names a text in messages
        (the file it came from). Every problem found is in the one ``ConfigError``, one
        line per settings text; unknown names are refused too."""
        problems: list[str] = [
            f"{label(name)}: geen instellingenbestand van klachtdesk (bekend zijn: {', '.join(DOCUMENT_NAMES)})."
            for name in texts if name not in _BY_NAME
        ]
        parsed: dict[str, Any] = {}
        for item in DOCUMENTS:
            text = texts.get(item.name)
            where = label(item.name)
            try:
                if text is None and not item.optional:
                    raise ConfigError(f"{where} ontbreekt.")
                if item.is_template:
                    parsed[item.name] = parse_template(text or "", where)
                else:
                    parsed[item.name] = _PARSERS[item.name](parse_toml(text or "", where), where)
            except ConfigError as error:
                problems.append(error.message)
        if problems:
            raise ConfigError("\n".join(problems))
        return cls(
            calendar=parsed[KALENDER_FILE],
            equated_days=parsed[ATW_FILE],
            lists=parsed[LISTS_FILE],
            deadline_rules=parsed[DEADLINES_FILE],
            messages=parsed[MESSAGES_FILE],
            templates={name: parsed[template_document(name)] for name in TEMPLATE_NAMES},
            privacy=parsed[PRIVACY_FILE],
            mail=parsed[MAIL_FILE],
            webform=parsed[WEBFORM_FILE],
            texts={name: texts[name] for name in DOCUMENT_NAMES if name in texts},
        )

    @classmethod
    def defaults(cls) -> Settings:
        """The defaults under ``data/`` (what a new database is seeded with; what a test
        context has unless it pins its own)."""
        folder = data_dir()
        return _defaults(str(folder), _state(folder))

    # -- reading ----------------------------------------------------------------------

    def template(self, name: str) -> LoadedTemplate:
        try:
            return self.templates[name]
        except KeyError:
            raise ConfigError(f"Berichtsjabloon {template_document(name)} bestaat niet.") from None

    def rules_for(self, kind: ComplaintKind) -> tuple[DeadlineRule, ...]:
        return tuple(rule for rule in self.deadline_rules if kind in rule.applies_to)

    def reopen_rules_for(self, kind: ComplaintKind) -> tuple[DeadlineRule, ...]:
        """The deadlines a reopened case of this kind gets again (``[heropenen]``)."""
        return tuple(rule for rule in self.rules_for(kind) if rule.kind in self.reopen.kinds)

    def rule(self, kind: DeadlineKind) -> DeadlineRule | None:
        return next((rule for rule in self.deadline_rules if rule.kind is kind), None)

    @property
    def reopen(self) -> ReopenRule:
        """Which deadlines a reopened case runs again (``[heropenen]`` in ``termijnen.toml``)."""
        return parse_reopen_rule(parse_toml(self.texts.get(DEADLINES_FILE, ""), DEADLINES_FILE),
                                 self.deadline_rules, DEADLINES_FILE)

    @property
    def organisation(self) -> Organisation:
        """The organisation's name and address (``berichten.toml``) and its privacy
        statement (``privacy.toml``), as the web form shows them."""
        return Organisation(name=self.messages.organisation, email=self.messages.organisation_email,
                            privacy_statement=self.privacy.statement, privacy_url=self.privacy.statement_url)

    def replaced(self, texts: Mapping[str, str], label: Callable[[str], str] = str) -> Settings:
        """These settings with some texts replaced (checked as a whole)."""
        return Settings.from_texts({**self.texts, **texts}, label)


_PARSERS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    KALENDER_FILE: parse_calendar_settings,
    ATW_FILE: parse_equated_days,
    LISTS_FILE: parse_lists,
    DEADLINES_FILE: parse_deadline_rules,
    MESSAGES_FILE: parse_message_settings,
    PRIVACY_FILE: parse_privacy_settings,
    MAIL_FILE: parse_mail_settings,
    WEBFORM_FILE: parse_webform_settings,
}


# -- the files of the data/ layout ------------------------------------------------------------


def read_folder(folder: Path) -> dict[str, str]:
    """The settings texts in a folder of the ``data/`` layout (``kalender.toml``,
    ``berichten/beslissing.txt``, …). A file that is missing is left out; one that cannot
    be read, or is no UTF-8, is a ``ConfigError`` naming it."""
    if not folder.is_dir():
        raise ConfigError(f"{folder} is geen map met instellingen.")
    return {name: text for name in DOCUMENT_NAMES if (text := read_text_file(folder / name, required=False)) is not None}


def read_text_file(path: Path, *, required: bool = True) -> str | None:
    """One settings file's text; every problem is a ``ConfigError`` naming the file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if not required:
            return None
        raise ConfigError(f"Het bestand {path} bestaat niet.") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is een map, geen instellingenbestand.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is geen UTF-8-tekstbestand.") from None
    except OSError as error:
        raise ConfigError(f"Het bestand {path} kan niet worden gelezen ({error.strerror}).") from None


def _state(folder: Path) -> tuple[tuple[str, int], ...]:
    state = []
    for name in DOCUMENT_NAMES:
        try:
            state.append((name, (folder / name).stat().st_mtime_ns))
        except OSError:
            state.append((name, 0))
    return tuple(state)


@lru_cache(maxsize=4)
def _defaults(folder: str, _state: tuple[tuple[str, int], ...]) -> Settings:
    return Settings.from_texts(read_folder(Path(folder)), lambda name: str(Path(folder) / name))


__all__ = [
    "DOCUMENTS",
    "DOCUMENT_NAMES",
    "Document",
    "Organisation",
    "Settings",
    "document",
    "read_folder",
    "read_text_file",
    "template_document",
]
