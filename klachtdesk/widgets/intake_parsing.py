"""The registration form's parsing, for the registration screens: it lives in the
services (``klachtdesk.services.cases.intake_form``, the dates in
``klachtdesk.services.time.date_grammar``); this module only names it for them."""

from klachtdesk.services.cases import intake_form
from klachtdesk.services.cases.intake_form import *  # noqa: F403 - the same names, one source

__all__ = list(intake_form.__all__)
