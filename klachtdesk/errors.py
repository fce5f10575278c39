"""The errors klachtdesk raises on purpose.

Every message is a complete Dutch sentence meant for the person at the keyboard;
the CLI prints it on stderr (exit code 2), the screens show it at the field or as a
notification. Nothing here imports anything from the project.
"""

from __future__ import annotations

import errno


class KlachtdeskError(Exception):
    """Base class: ``str(error)`` is the Dutch message for the user."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class ConfigError(KlachtdeskError):
    """A settings file under ``data/`` is missing, malformed or has a wrong value."""


class DatabaseProblem(KlachtdeskError):
    """The database is missing, unreachable, locked, read-only or from a newer version."""


class ValidationError(KlachtdeskError):
    """Bad input for one field. ``field`` names the field so a form can focus it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(KlachtdeskError):
    """The thing asked for does not exist (an unknown klachtnummer, say)."""

    exit_code = 1


class StaleEdit(KlachtdeskError):
    """Someone else changed the record since it was read; the edit is refused."""


class TransitionRefused(KlachtdeskError):
    """The procedure does not allow this step from the current state."""


class PermissionDenied(KlachtdeskError):
    """The current user's role does not allow this action."""


def os_reason(error: BaseException) -> str:
    """The reason of an operating-system error in Dutch, for a path the user gave."""
    reasons = {
        errno.ENAMETOOLONG: "de naam is te lang (hoogstens 255 bytes per deel, 4.096 voor het hele pad).",
        errno.EACCES: "geen toegang.",
        errno.EPERM: "geen toegang.",
        errno.EIO: "het bestand is niet te lezen (geen gewoon bestand of een schijffout).",
        errno.ELOOP: "te veel symbolische koppelingen.",
        errno.ENOTDIR: "een deel van het pad is geen map.",
        errno.EISDIR: "dit is een map.",
    }
    code = getattr(error, "errno", None)
    return reasons.get(code, f"{getattr(error, 'strerror', None) or error}.") if code is not None else "ongeldig pad."
