"""Messages screens exchange."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Cases were added or changed (here or by a colleague): refresh what is shown."""
