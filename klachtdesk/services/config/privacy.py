"""``privacy.toml``: how long personal data is kept, the time a data subject's request
gets, and the privacy statement the web form shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from klachtdesk.errors import ConfigError
from klachtdesk.services.config.config_files import check_keys

PRIVACY_FILE = "privacy.toml"


#: what the web form says about personal data when ``privacy.toml`` says nothing
DEFAULT_STATEMENT = (
    "Wij gebruiken uw gegevens alleen om uw klacht of vraag te behandelen en om u op de hoogte te houden. "
    "U kunt ons altijd vragen welke gegevens wij van u hebben, of ze te wissen."
)


@dataclass(frozen=True)
class PrivacySettings:
    retention_months: int = 24
    request_months: int = 1
    extension_months: int = 2
    #: the privacy statement the web form shows, and the address of the full one (or "")
    statement: str = DEFAULT_STATEMENT
    statement_url: str = ""


_KEYS = {
    "bewaartermijn_maanden": "retention_months",
    "verzoek_termijn_maanden": "request_months",
    "verzoek_verlenging_maanden": "extension_months",
}


def parse_privacy_settings(raw: dict[str, Any], path: str = PRIVACY_FILE) -> PrivacySettings:
    """``privacy.toml`` (parsed); what it leaves out has the defaults (24, 1, 2 months)."""
    check_keys(path, "het bestand", raw, {*_KEYS, "privacyverklaring"})
    values: dict[str, Any] = {}
    statement = raw.get("privacyverklaring", {})
    if not isinstance(statement, dict):
        raise ConfigError(f"{path}: 'privacyverklaring' moet een tabel zijn ([privacyverklaring]).")
    check_keys(path, "[privacyverklaring]", statement, {"tekst", "adres"})
    for key, attribute in (("tekst", "statement"), ("adres", "statement_url")):
        if key in statement:
            if not isinstance(statement[key], str):
                raise ConfigError(f"{path}: '{key}' in [privacyverklaring] moet tekst zijn.")
            values[attribute] = " ".join(statement[key].split())
    if values.get("statement_url") and not values["statement_url"].startswith(("https://", "http://", "/")):
        raise ConfigError(f"{path}: 'adres' in [privacyverklaring] moet met https:// of / beginnen.")
    if "statement" in values and not values["statement"]:
        raise ConfigError(f"{path}: 'tekst' in [privacyverklaring] is leeg.")
    for key, attribute in _KEYS.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 1200:
            raise ConfigError(f"{path}: '{key}' moet een geheel aantal maanden zijn (0 of meer), niet {value!r}.")
        values[attribute] = value
    settings = PrivacySettings(**values)
    if settings.request_months < 1:
        raise ConfigError(f"{path}: 'verzoek_termijn_maanden' moet minstens 1 zijn.")
    return settings
