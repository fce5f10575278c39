"""What a case's kind (soort) decides when it is registered, besides its fields
(``intake_fields.KIND_FIELDS``) and its deadlines (``deadlines.rules``, ``termijnen.toml``):
the status it starts in and the queue it is routed to (``lijsten.toml``).

The phone, web and mail intake (``complaints.register_in``) and a kind corrected in the
review of a mail (``review.complete_review``) both take them from here.
"""

from __future__ import annotations

from klachtdesk.models import ComplaintKind, Status
from klachtdesk.services.config.procedure import Queue
from klachtdesk.services.core.context import Context


def initial_status(kind: ComplaintKind) -> Status:
    """A klacht starts "nieuw" (its procedure begins); a question is "doorgestuurd" to its queue."""
    return Status.NEW if kind is ComplaintKind.COMPLAINT else Status.FORWARDED


def queue_for(context: Context, kind: ComplaintKind) -> Queue | None:
    """The queue a case of this kind is routed to (None: none configured)."""
    return context.settings.lists.queues.get(kind)


__all__ = ["initial_status", "queue_for"]
