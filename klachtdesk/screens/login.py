"""The login dialog: the password of the person's own database login, asked when the
PostgreSQL server wants one that ``~/.pgpass`` or the environment do not give.

It is shown before the desk opens (``klachtdesk app``), in a small application of its
own, because there is no database to open the desk with yet. The password goes to the
driver for this run only and is never written anywhere.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from klachtdesk.errors import ValidationError
from klachtdesk.screens.dialog import DialogField, FormDialog


class LoginDialog(FormDialog[str]):
    """Asks the password of ``where`` (a database URL without password); dismisses with it."""

    TITLE_TEXT = "Inloggen bij de database"
    SUBMIT_LABEL = "Inloggen"
    CANCEL_LABEL = "Stoppen"
    FIELDS: ClassVar[dict[str, str]] = {"wachtwoord": "password"}

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose_fields(self) -> ComposeResult:
        yield Static(f"De databaseserver vraagt het wachtwoord van uw login:\n{self.where}", classes="hint",
                     markup=False)
        yield DialogField("Wachtwoord", Input(password=True, id="password"))

    def collect(self) -> str:
        password = self.query_one("#password", Input).value
        if not password:
            raise ValidationError("Vul uw wachtwoord in (of stop met Esc).", field="wachtwoord")
        return password


class LoginApp(App[str | None]):
    """Only the login dialog; exits with the password, or None when stopped."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def on_mount(self) -> None:
        self.push_screen(LoginDialog(self.where), self.exit)


def ask_password(where: str) -> str | None:
    """The password typed in the login dialog, or None."""
    return LoginApp(where).run()


__all__ = ["LoginApp", "LoginDialog", "ask_password"]
