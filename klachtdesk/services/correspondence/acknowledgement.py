"""The ontvangstbevestiging right after a registration.

- At the desk (the phone intake) it is offered: ``offer_acknowledgement`` prepares it for
  the agent to send, or says in one sentence why not. The intake calls it in the same
  worker that registered the case; whatever happens here, the agent must still get the
  klachtnummer on screen, so this never raises.
- From the web form (and any intake without a person) it goes out by itself:
  ``send_automatic_acknowledgement`` — marked as an automatic answer, and counted as the
  reply of the procedure only when the organisation says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from klachtdesk.errors import KlachtdeskError
from klachtdesk.services.correspondence import messages
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence.messages import MessageDraft, SentMessage
from klachtdesk.services.core.permissions import Permission

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AcknowledgementOffer:
    """The ontvangstbevestiging ready to send (``draft``), or why there is none (``note``)."""

    draft: MessageDraft | None = None
    note: str = ""


def offer_acknowledgement(context: Context, complaint_id: int) -> AcknowledgementOffer:
    """Prepare the ontvangstbevestiging of a case just registered, if the user may send it."""
    if not context.user.may(Permission.ACKNOWLEDGE):
        return AcknowledgementOffer(
            note="De ontvangstbevestiging verstuurt de behandelaar (uw rol verstuurt geen berichten).")
    try:
        draft = messages.prepare_acknowledgement(context, complaint_id)
    except KlachtdeskError as error:
        return AcknowledgementOffer(note=f"Ontvangstbevestiging niet klaargezet: {error.message}")
    except Exception:  # noqa: BLE001 - the case is registered already; the agent must still see the number
        log.exception("acknowledgement for case %s not prepared", complaint_id)
        return AcknowledgementOffer(note="Ontvangstbevestiging niet klaargezet (onverwachte fout; zie het logboek).")
    return AcknowledgementOffer(draft=draft)


def send_acknowledgement(context: Context, draft: MessageDraft) -> SentMessage:
    """Send the prepared ontvangstbevestiging as it is."""
    return messages.send(context, draft.complaint_id, draft.template, draft.subject, draft.body)


def send_automatic_acknowledgement(context: Context, complaint_id: int, *, counts_as_reply: bool) -> SentMessage:
    """Send the ontvangstbevestiging of a case just registered without a person in
    between (``Auto-Submitted: auto-replied``). When it does not count as the reply, it
    says when the reply will come and meets no deadline — an e-mail when it is sent, a
    letter when it is marked posted (the decision is kept with the message). A letter is
    only recorded here: the desk prints it from the database (``posting.print_letter``)."""
    draft = messages.prepare_acknowledgement(context, complaint_id, is_reply=counts_as_reply)
    return messages.send(context, complaint_id, draft.template, draft.subject, draft.body, automatic=True,
                         meets_deadlines=counts_as_reply)


__all__ = ["AcknowledgementOffer", "offer_acknowledgement", "send_acknowledgement", "send_automatic_acknowledgement"]
