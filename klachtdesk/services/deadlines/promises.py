"""What the desk promises the klager: one wording of every deadline, used by the read-back
at registration (the phone and the web form's confirmation), the ontvangstbevestiging and
the progress letters, and the web form's status page — so the klager hears one promise.

Which deadlines a case has is configuration (``termijnen.toml``); a promise is a deadline
that still runs, worded for the klager. A letter that is itself the reply leaves the reply
deadline out (it is kept by that letter); everything else names them all, in date order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from klachtdesk.models import ComplaintKind, DeadlineKind
from klachtdesk.services.time.dutch import format_date

#: the case as the klager calls it, per kind ("uw klacht", "uw vraag over uw factuur")
KIND_WORDS = {
    ComplaintKind.COMPLAINT: "klacht",
    ComplaintKind.INVOICE_QUESTION: "vraag over uw factuur",
    ComplaintKind.ACCOUNT_QUESTION: "vraag over uw account",
}


@dataclass(frozen=True)
class Promise:
    """A running deadline as the klager hears it."""

    kind: DeadlineKind
    due: date
    label: str | None = None


def promise_words(kind: DeadlineKind, label: str | None, soort: str) -> str:
    """What a deadline promises the klager, as a clause: ``u ontvangt een reactie van ons``."""
    if kind is DeadlineKind.REPLY:
        return "u ontvangt een reactie van ons"
    if kind is DeadlineKind.FIRST_CONTACT:
        return f"de medewerker die uw {soort} behandelt, neemt contact met u op"
    if kind is DeadlineKind.DECISION:
        return "u ontvangt onze schriftelijke beslissing over uw klacht"
    return "wij komen bij u terug op de gemaakte afspraak" + (f" ({label})" if label else "")


def promise_sentence(promise: Promise, soort: str, day: Callable[[date], str] = format_date) -> str:
    """One promise as a sentence, ``day`` wording its date (a letter writes the full date,
    the read-back says it as spoken)."""
    when = day(promise.due)
    kind = promise.kind
    if kind is DeadlineKind.REPLY:
        return f"U ontvangt uiterlijk {when} een reactie van ons."
    if kind is DeadlineKind.FIRST_CONTACT:
        return f"De medewerker die uw {soort} behandelt, neemt uiterlijk {when} contact met u op."
    if kind is DeadlineKind.DECISION:
        return f"U ontvangt uiterlijk {when} onze schriftelijke beslissing over uw klacht."
    return f"Wij komen uiterlijk {when} bij u terug op de gemaakte afspraak" + (
        f" ({promise.label})." if promise.label else ".")


def in_order(promises: Iterable[Promise], *, is_reply: bool = False) -> list[Promise]:
    """The promises to name, earliest first; ``is_reply``: the message itself is the reply."""
    kept = [p for p in promises if not (is_reply and p.kind is DeadlineKind.REPLY)]
    return sorted(kept, key=lambda p: (p.due, list(DeadlineKind).index(p.kind)))


def read_back(promises: Iterable[Promise], soort: str, day: Callable[[date], str] = format_date) -> str:
    """Every promise of a case just registered, as the sentences read out to the caller."""
    return " ".join(promise_sentence(p, soort, day) for p in in_order(promises))


__all__ = ["KIND_WORDS", "Promise", "in_order", "promise_sentence", "promise_words", "read_back"]
