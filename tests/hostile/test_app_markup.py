"""In the app, text that quotes what someone typed is never Rich markup."""

from __future__ import annotations

from klachtdesk.app import create_app
from klachtdesk.services.core.context import Context


async def test_a_notification_quoting_user_text_shows_brackets_as_written(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.notify("Maatregel '[/] [bold]Vet[/bold] [link=x]' opgeslagen.")  # a bad tag raised MarkupError
        await pilot.pause()
        shown = list(app._notifications)
        assert shown and shown[-1].message == "Maatregel '[/] [bold]Vet[/bold] [link=x]' opgeslagen."
        assert shown[-1].markup is False
