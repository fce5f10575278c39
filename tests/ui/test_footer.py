"""The footer (``widgets/key_footer.KeyFooter``) shows the screen's keys as Textual's does, and
is rebuilt only when they change."""

from __future__ import annotations

from typing import Any

from textual.widgets._footer import FooterKey

from klachtdesk.app import create_app
from klachtdesk.services.core.context import Context
from klachtdesk.widgets.key_footer import KeyFooter
from tests.ui.test_small_terminal import settle

def keys_of(app: Any) -> list[FooterKey]:
    return list(app.screen.query_one(KeyFooter).query(FooterKey))


def shown_bindings(app: Any) -> list[tuple[str, str, bool]]:
    """What Textual's ``Footer.compose`` makes a key of: every binding shown, in order."""
    return [(binding.key, binding.description, enabled)
            for (_, binding, enabled, _) in app.screen.active_bindings.values() if binding.show]


def footer_keys(app: Any) -> list[tuple[str, str, bool]]:
    return [(key.key, key.description, not key._disabled)
            for key in keys_of(app) if not key.has_class("-command-palette")]


async def test_the_footer_shows_the_keys_and_is_rebuilt_only_when_they_change(sqlite_context: Context) -> None:
    app = create_app(sqlite_context, offer_demo=False, animations=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert footer_keys(app) == shown_bindings(app) and footer_keys(app)
        before = keys_of(app)
        app.screen.refresh_bindings()  # a change of bindings that shows the same keys
        app.screen.refresh_bindings()
        await settle(pilot, app)
        assert keys_of(app) == before and all(a is b for a, b in zip(keys_of(app), before))  # not rebuilt
        await pilot.press("n")  # the registration form: other keys
        await settle(pilot, app)
        assert footer_keys(app) == shown_bindings(app) and footer_keys(app) != [
            (key.key, key.description, not key._disabled) for key in before]
        await pilot.press("escape")
        await settle(pilot, app)
        assert footer_keys(app) == shown_bindings(app)
