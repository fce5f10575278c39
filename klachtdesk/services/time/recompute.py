"""What a recomputation of the open deadlines after a change of the calendar did.

A plain value: ``deadlines.rules.recompute_open`` makes it, the ``Context`` keeps the
one made by a change of the settings on it (``klachtdesk instellingen``), screens and
the CLI word it.
"""

from __future__ import annotations

from dataclasses import dataclass

from klachtdesk.services.time.dutch import format_count


@dataclass(frozen=True)
class RecomputeSummary:
    """What a recomputation did."""

    examined: int  # open deadlines read
    moved: int  # deadlines whose due date (or anchor) changed
    receipts_moved: int  # cases whose effective receipt day changed
    cases: int  # cases whose deadlines changed (each got a history line)
    seconds: float
    fingerprint: str
    previous_fingerprint: str | None

    @property
    def text(self) -> str:
        """One Dutch sentence for the CLI and a notification."""
        sentence = (f"{format_count(self.examined)} open {'termijn' if self.examined == 1 else 'termijnen'} "
                    f"herberekend; {format_count(self.moved) if self.moved else 'geen'} verschoven")
        if self.moved:
            sentence += f" in {format_count(self.cases)} {'zaak' if self.cases == 1 else 'zaken'}"
        if self.receipts_moved:
            sentence += (f"; bij {format_count(self.receipts_moved)} "
                         f"{'zaak' if self.receipts_moved == 1 else 'zaken'} telt de ontvangst nu als een andere dag")
        return sentence + "."
