"""The phone intake: the form (``form``), its draft kept as it is typed (``autosave``),
the confirmation read back to the caller (``done``), and the unfinished registration
offered back at start (``draft_offer``)."""

from klachtdesk.screens.registration.done import RegistrationDoneScreen, read_out, spoken_day
from klachtdesk.screens.registration.draft_offer import offer_draft, saved_draft
from klachtdesk.screens.registration.form import RegistrationScreen

__all__ = ["RegistrationDoneScreen", "RegistrationScreen", "offer_draft", "read_out", "saved_draft", "spoken_day"]
