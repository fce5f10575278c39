"""Messages screens exchange."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DataChanged(Message):
    """Cases were added or changed (here or by a colleague): refresh what is shown.

    ``new_case``: the id of a case just registered here; a list that shows it after
    its refresh puts the cursor on it (the inbox does)."""

    new_case: int | None = None
