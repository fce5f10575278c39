"""The ontvangstbevestiging offered right after a registration: prepared for sending,
or the one sentence that says why not.

The intake calls ``offer_acknowledgement`` in the same worker that registered the case;
whatever happens here, the agent must still get the klachtnummer on screen, so this
never raises.
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
    if not context.user.may(Permission.SEND_MESSAGE):
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


__all__ = ["AcknowledgementOffer", "offer_acknowledgement", "send_acknowledgement"]
