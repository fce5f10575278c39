"""The errors klachtdesk raises on purpose.

Every message is a complete Dutch sentence meant for the person at the keyboard;
the CLI prints it on stderr (exit code 2), the screens show it at the field or as a
notification. Nothing here imports anything from the project.
"""

from __future__ import annotations


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
