"""The login dialog asks the password of the person's own database login (PostgreSQL)."""

from __future__ import annotations

from textual.widgets import Input

from klachtdesk.screens.login import LoginApp, LoginDialog


async def test_the_password_is_typed_hidden_and_handed_back() -> None:
    app = LoginApp("postgresql+psycopg://k.klant@dbserver/klachtdesk")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginDialog)
        field = app.screen.query_one("#password", Input)
        assert field.password
        await pilot.press("ctrl+s")  # empty: told at the field, not sent
        await pilot.pause()
        assert isinstance(app.screen, LoginDialog)
        assert "wachtwoord" in str(app.screen.query_one("#password-error").render()).lower()
        for key in "geheim 2026":
            await pilot.press("space" if key == " " else key)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.return_value == "geheim 2026"


async def test_esc_stops_without_a_password() -> None:
    app = LoginApp("postgresql+psycopg://k.klant@dbserver/klachtdesk")
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value is None
