"""Typing text in a Pilot test at the pace of a fast typist.

``pilot.press`` waits for the app to be idle after every key (at least two 20 ms sleeps,
and a repaint): right for keys that act, slow for the letters of a name or a description,
which made typing most of the time of the longest screen tests. ``type_text`` hands the
app every key of ``text`` at once, in order, as a terminal does when someone types fast,
and waits once at the end: the keys reach the focused widget one after another through
the app's message queue, as when pressed one by one."""

from __future__ import annotations

import unicodedata
from typing import Any

from textual import events
from textual.keys import _character_to_key, _get_unicode_name_from_key


def key_event(character: str) -> events.Key:
    """The key event of one typed character (as ``App._press_keys`` makes it)."""
    key = " " if character == " " else character
    key = "space" if key == " " else (_character_to_key(key) if not key.isalnum() else key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = character
    return events.Key(key, char)


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` into the focused widget (letters, digits, spaces, punctuation; no
    keys that act, such as Enter or Tab: press those with ``pilot.press``)."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for character in text:
        event = key_event(character)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()
