"""``post.toml``: the desk's mailboxes, the IMAP account, limits, acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from klachtdesk.errors import ConfigError
from klachtdesk.models import ComplaintKind
from klachtdesk.services.config.config_files import check_keys

PASSWORD_ENV = "KLACHTDESK_IMAP_WACHTWOORD"
MAIL_FILE = "post.toml"


@dataclass(frozen=True)
class ImapSettings:
    host: str = ""
    port: int = 993
    tls: bool = True
    username: str = ""
    folder: str = "INBOX"
    archive: str = "Archief/klachtdesk"
    interval: float = 60.0
    ca_file: str = ""
    in_app: bool = True  # the app reads the mailbox itself while it runs

    @property
    def configured(self) -> bool:
        return bool(self.host.strip())


@dataclass(frozen=True)
class MailSettings:
    #: desk address -> kind, in the order of the file (the first wins for a mail to several)
    addresses: tuple[tuple[str, ComplaintKind], ...] = (
        ("klacht@ksyos.nl", ComplaintKind.COMPLAINT),
        ("administratie@ksyos.nl", ComplaintKind.INVOICE_QUESTION),
        ("info@ksyos.nl", ComplaintKind.ACCOUNT_QUESTION),
    )
    default_kind: ComplaintKind = ComplaintKind.COMPLAINT
    imap: ImapSettings = ImapSettings()
    max_attachment_bytes: int = 25 * 1024 * 1024
    per_sender_per_day: int = 20
    acknowledge: bool = False
    acknowledgement_meets_reply: bool = False

    @property
    def desk_addresses(self) -> frozenset[str]:
        return frozenset(address for address, _ in self.addresses)

    def kind_for(self, recipients: tuple[str, ...] | list[str]) -> ComplaintKind:
        wanted = set(recipients)
        for address, kind in self.addresses:
            if address in wanted:
                return kind
        return self.default_kind


def _kind(path: str, value: object, where: str) -> ComplaintKind:
    try:
        return ComplaintKind(str(value))
    except ValueError:
        known = ", ".join(k.value for k in ComplaintKind)
        raise ConfigError(f"{path}: {where} moet een van {known} zijn, niet '{value}'.") from None


def _number(path: str, table: dict, key: str, default: float, where: str, *, minimum: float = 0) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ConfigError(f"{path}: '{key}' in {where} moet een getal van minstens {minimum:g} zijn.")
    return value


def parse_mail_settings(raw: dict[str, Any], path: str = MAIL_FILE) -> MailSettings:
    """``post.toml`` (parsed); what it leaves out has the defaults."""
    check_keys(path, "het bestand", raw, {"adressen", "standaard", "imap", "grenzen", "ontvangstbevestiging"})
    addresses_raw = raw.get("adressen", {})
    if not isinstance(addresses_raw, dict) or not addresses_raw:
        raise ConfigError(f"{path}: [adressen] moet minstens één adres met zijn soort noemen.")
    addresses = tuple(
        (str(address).strip().lower(), _kind(path, kind, f"het adres '{address}'"))
        for address, kind in addresses_raw.items()
    )
    for address, _ in addresses:
        if "@" not in address:
            raise ConfigError(f"{path}: '{address}' in [adressen] is geen e-mailadres.")
    imap_raw = raw.get("imap", {})
    check_keys(path, "[imap]", imap_raw, {"host", "poort", "tls", "gebruiker", "map", "archief", "interval",
                                           "ca_bestand", "in_app"})
    port = imap_raw.get("poort", 993)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigError(f"{path}: 'poort' in [imap] moet een poortnummer zijn.")
    folder, archive = str(imap_raw.get("map", "INBOX")), str(imap_raw.get("archief", "Archief/klachtdesk"))
    if not archive.strip() or archive == folder:
        raise ConfigError(f"{path}: 'archief' in [imap] moet een andere map zijn dan '{folder}'.")
    limits = raw.get("grenzen", {})
    check_keys(path, "[grenzen]", limits, {"bijlage_mb", "per_afzender_per_dag"})
    ack = raw.get("ontvangstbevestiging", {})
    check_keys(path, "[ontvangstbevestiging]", ack, {"automatisch", "telt_als_reactie"})
    return MailSettings(
        addresses=addresses,
        default_kind=_kind(path, raw.get("standaard", "klacht"), "'standaard'"),
        imap=ImapSettings(
            host=str(imap_raw.get("host", "")), port=port, tls=bool(imap_raw.get("tls", True)),
            username=str(imap_raw.get("gebruiker", "")), folder=folder, archive=archive,
            interval=float(_number(path, imap_raw, "interval", 60, "[imap]", minimum=1)),
            ca_file=str(imap_raw.get("ca_bestand", "")), in_app=bool(imap_raw.get("in_app", True)),
        ),
        max_attachment_bytes=int(_number(path, limits, "bijlage_mb", 25, "[grenzen]") * 1024 * 1024),
        per_sender_per_day=int(_number(path, limits, "per_afzender_per_dag", 20, "[grenzen]", minimum=1)),
        acknowledge=bool(ack.get("automatisch", False)),
        acknowledgement_meets_reply=bool(ack.get("telt_als_reactie", False)),
    )
