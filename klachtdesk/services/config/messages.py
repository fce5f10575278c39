"""``berichten.toml`` and the message templates (``berichten/*.txt``), parsed and checked.

The organisation that signs the messages, the mail server, the geschillencommissie;
and the templates with their ``$placeholders``. The rendering of a template for a case
is ``klachtdesk.services.correspondence.messages``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template
from typing import Any

from klachtdesk.errors import ConfigError
from klachtdesk.services.config.config_files import check_keys, require

MESSAGES_FILE = "berichten.toml"
#: the templates the desk knows (``berichten/<naam>.txt``); the notices' too
TEMPLATE_NAMES = ("ontvangstbevestiging", "voortgang", "beslissing", "verlenging", "doorverwijzing", "statuslink")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    sender: str = ""
    starttls: bool = True
    username: str = ""
    timeout: float = 20.0

    @property
    def configured(self) -> bool:
        return bool(self.host.strip())


@dataclass(frozen=True)
class MessageSettings:
    organisation: str
    signature: str
    organisation_email: str
    dispute_name: str
    dispute_address: str
    dispute_website: str
    smtp: SmtpSettings = SmtpSettings()
    #: the organisation's postal address, line by line (the sender block of a printed letter)
    address: tuple[str, ...] = ()

    @property
    def from_address(self) -> str:
        return self.smtp.sender or self.organisation_email


def address_lines(text: str) -> tuple[str, ...]:
    """``"Postbus 123, 1000 AB Amsterdam"`` (or one line each) -> its lines."""
    parts = text.split("\n") if "\n" in text.strip() else text.split(",")
    return tuple(part.strip() for part in parts if part.strip())


def parse_message_settings(raw: dict[str, Any], path: str = MESSAGES_FILE) -> MessageSettings:
    """``berichten.toml`` (parsed): the organisation, the mail server, the geschillencommissie."""
    check_keys(path, "het bestand", raw, {"organisatie", "smtp", "geschillencommissie"})
    org = require(path, "het bestand", raw, "organisatie", dict)
    check_keys(path, "[organisatie]", org, {"naam", "afzender", "email", "adres"})
    dispute = require(path, "het bestand", raw, "geschillencommissie", dict)
    check_keys(path, "[geschillencommissie]", dispute, {"naam", "adres", "website"})
    smtp_raw = raw.get("smtp", {})
    check_keys(path, "[smtp]", smtp_raw, {"host", "poort", "van", "starttls", "gebruiker", "wachttijd"})
    port = smtp_raw.get("poort", 587)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ConfigError(f"{path}: 'poort' in [smtp] moet een poortnummer zijn.")
    timeout = smtp_raw.get("wachttijd", 20)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ConfigError(f"{path}: 'wachttijd' in [smtp] moet een positief aantal seconden zijn.")
    name = require(path, "[organisatie]", org, "naam", str)
    address = org.get("adres", "")
    if not isinstance(address, str):
        raise ConfigError(f"{path}: 'adres' in [organisatie] moet tekst zijn, zoals \"Postbus 123, 1000 AB Amsterdam\".")
    return MessageSettings(
        organisation=name,
        signature=org.get("afzender", name),
        organisation_email=require(path, "[organisatie]", org, "email", str),
        dispute_name=require(path, "[geschillencommissie]", dispute, "naam", str),
        dispute_address=require(path, "[geschillencommissie]", dispute, "adres", str),
        dispute_website=dispute.get("website", ""),
        address=address_lines(address),
        smtp=SmtpSettings(
            host=str(smtp_raw.get("host", "")),
            port=port,
            sender=str(smtp_raw.get("van", "")),
            starttls=bool(smtp_raw.get("starttls", True)),
            username=str(smtp_raw.get("gebruiker", "")),
            timeout=float(timeout),
        ),
    )


PLACEHOLDERS = frozenset({
    "naam", "klachtnummer", "soort", "ontvangen", "vandaag", "dienst", "verwachting", "verder", "stand",
    "volgende_stap", "volgende_datum", "behandelaar", "medewerker", "organisatie", "organisatie_email", "afzender",
    "geschillencommissie", "geschillencommissie_adres", "geschillencommissie_website", "oordeel", "maatregelen",
    "termijn", "reden", "beslis_termijn", "beslis_datum", "verlengd_termijn", "verlengd_tot",
    "link", "geldig_tot",  # the notices (``send_notice``): a status link and how long it works
})


@dataclass(frozen=True)
class LoadedTemplate:
    subject: Template
    body: Template


def parse_template(text: str, path: str) -> LoadedTemplate:
    """One template (``berichten/<naam>.txt``); a malformed text or an unknown placeholder
    is a ``ConfigError`` naming ``path``."""
    first, _, rest = text.replace("\r\n", "\n").partition("\n")
    if not first.lower().startswith("onderwerp:"):
        raise ConfigError(f"{path}: de eerste regel moet 'Onderwerp: …' zijn.")
    subject, body = Template(first.split(":", 1)[1].strip()), Template(rest.strip("\n") + "\n")
    for part in (subject, body):
        if not part.is_valid():
            raise ConfigError(f"{path}: een $-teken zonder geldige plaatshouder (schrijf $$ voor een $-teken).")
        unknown = sorted(set(part.get_identifiers()) - PLACEHOLDERS)
        if unknown:
            raise ConfigError(f"{path}: onbekende plaatshouder {', '.join('$' + u for u in unknown)}.")
    return LoadedTemplate(subject, body)
