"""``webformulier.toml``: where the form is published, its limits, its attachments,
how long a status link lives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from klachtdesk.errors import ConfigError
from klachtdesk.services.config.config_files import check_keys

SETTINGS_FILE = "webformulier.toml"

#: the kinds of file a klager may attach: name in the settings -> (content type, extensions)
FILE_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
    "tekst": ("text/plain", (".txt",)),
}


@dataclass(frozen=True)
class Limits:
    submissions_per_address_per_hour: int = 5
    submissions_per_day: int = 500
    lookups_per_address_per_hour: int = 10
    lookups_per_day: int = 2000
    request_max_bytes: int = 16 * 1024 * 1024
    text_max_chars: int = 5000


@dataclass(frozen=True)
class AttachmentRules:
    count: int = 3
    max_bytes: int = 5 * 1024 * 1024
    kinds: tuple[str, ...] = ("pdf", "jpeg", "png", "tekst")

    @property
    def content_types(self) -> tuple[str, ...]:
        return tuple(FILE_KINDS[kind][0] for kind in self.kinds)

    @property
    def kinds_words(self) -> str:
        """``PDF, JPEG, PNG of tekst (.txt)``."""
        names = [("tekst (.txt)" if kind == "tekst" else kind.upper()) for kind in self.kinds]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " of " + names[-1]

    @property
    def extensions(self) -> tuple[str, ...]:
        return tuple(ext for kind in self.kinds for ext in FILE_KINDS[kind][1])


@dataclass(frozen=True)
class WebFormSettings:
    public_url: str = ""
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    proxies: tuple[str, ...] = ("127.0.0.1",)
    secure_cookies: bool = True
    limits: Limits = Limits()
    attachments: AttachmentRules = AttachmentRules()
    link_minutes: int = 30
    acknowledgement_meets_reply: bool = False


_SECTIONS = {"formulier", "grenzen", "bijlagen", "statuslink", "ontvangstbevestiging"}
_LIMITS = {
    "meldingen_per_adres_per_uur": "submissions_per_address_per_hour",
    "meldingen_per_dag": "submissions_per_day",
    "opvragingen_per_adres_per_uur": "lookups_per_address_per_hour",
    "opvragingen_per_dag": "lookups_per_day",
    "verzoek_max_kb": "request_max_bytes",
    "tekst_max_tekens": "text_max_chars",
}


def _table(path: str, raw: dict[str, Any], name: str, keys: set[str]) -> dict[str, Any]:
    table = raw.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: '{name}' moet een tabel zijn ([{name}]).")
    check_keys(path, f"[{name}]", table, keys)
    return table


def _whole(path: str, where: str, key: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(f"{path}: '{key}' in [{where}] moet een geheel getal van {low} tot en met {high} zijn, "
                          f"niet {value!r}.")
    return value


def _names(path: str, where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{path}: '{key}' in [{where}] moet een lijst met namen zijn.")
    return tuple(v.strip() for v in value)


def parse_webform_settings(raw: dict[str, Any], path: str = SETTINGS_FILE) -> WebFormSettings:
    """``webformulier.toml`` (parsed); what it leaves out has the defaults."""
    check_keys(path, "het bestand", raw, _SECTIONS)
    form = _table(path, raw, "formulier", {"adres", "hosts", "proxy", "veilige_cookies"})
    public_url = form.get("adres", "")
    if not isinstance(public_url, str) or (public_url and not public_url.startswith(("https://", "http://"))):
        raise ConfigError(f"{path}: 'adres' in [formulier] moet met https:// beginnen (of leeg zijn).")
    hosts = _names(path, "formulier", "hosts", form.get("hosts", list(WebFormSettings.hosts)))
    if not hosts:
        raise ConfigError(f"{path}: 'hosts' in [formulier] mag niet leeg zijn.")
    proxies = _names(path, "formulier", "proxy", form.get("proxy", list(WebFormSettings.proxies)))
    secure = form.get("veilige_cookies", True)
    if not isinstance(secure, bool):
        raise ConfigError(f"{path}: 'veilige_cookies' in [formulier] moet true of false zijn.")

    limits_raw = _table(path, raw, "grenzen", set(_LIMITS))
    values: dict[str, int] = {}
    for key, attribute in _LIMITS.items():
        if key in limits_raw:
            high = 1024 * 1024 if key == "verzoek_max_kb" else 1_000_000
            values[attribute] = _whole(path, "grenzen", key, limits_raw[key], 1, high)
    if "request_max_bytes" in values:
        values["request_max_bytes"] *= 1024
    limits = Limits(**values)

    files = _table(path, raw, "bijlagen", {"aantal", "max_kb", "soorten"})
    count = _whole(path, "bijlagen", "aantal", files.get("aantal", AttachmentRules.count), 0, 20)
    max_kb = _whole(path, "bijlagen", "max_kb", files.get("max_kb", AttachmentRules.max_bytes // 1024), 1,
                    1024 * 1024)
    kinds = _names(path, "bijlagen", "soorten", files.get("soorten", list(AttachmentRules.kinds)))
    unknown = [kind for kind in kinds if kind not in FILE_KINDS]
    if unknown:
        raise ConfigError(f"{path}: onbekende soort bestand {', '.join(map(repr, unknown))} in [bijlagen]; "
                          f"kies uit {', '.join(FILE_KINDS)}.")
    attachments = AttachmentRules(count=count, max_bytes=max_kb * 1024, kinds=kinds)
    if count and attachments.max_bytes * count > limits.request_max_bytes:
        raise ConfigError(f"{path}: {count} bijlagen van {max_kb} kB passen niet in 'verzoek_max_kb' "
                          f"({limits.request_max_bytes // 1024}); maak dat groter.")

    link = _table(path, raw, "statuslink", {"geldig_minuten"})
    minutes = _whole(path, "statuslink", "geldig_minuten", link.get("geldig_minuten", 30), 1, 24 * 60)
    ack = _table(path, raw, "ontvangstbevestiging", {"telt_als_reactie"})
    meets = ack.get("telt_als_reactie", False)
    if not isinstance(meets, bool):
        raise ConfigError(f"{path}: 'telt_als_reactie' in [ontvangstbevestiging] moet true of false zijn.")
    return WebFormSettings(
        public_url=public_url.rstrip("/"), hosts=hosts, proxies=proxies, secure_cookies=secure, limits=limits,
        attachments=attachments, link_minutes=minutes, acknowledgement_meets_reply=meets,
    )
