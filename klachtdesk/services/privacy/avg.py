"""Privacy (AVG/GDPR): retention, access requests and erasure requests.

- **Retention** (``apply_retention``): a case closed longer ago than the configured
  period (``data/privacy.toml``, ``bewaartermijn_maanden``) is anonymised. Names,
  contact details and free text go; the figures for the analysis stay (kind, channel,
  category, service type, dates, status, deadlines). People still involved in a case
  that is not anonymised keep their record, but the anonymised case no longer points
  to them (it gets a placeholder person). Idempotent; every run is logged.
- **Access** (``export_person``): everything held about one person (klager,
  betrokkene, aangeklaagde, participant in a session, a staff member), as a plain dict
  ready for JSON, without the confidential notes or internal notes of staff and with
  the other people in a case reduced to their name and role (a staff member the
  complaint is about: name only).
- **Erasure** (``erase_person``): the person's own cases anonymised, their name and
  contact details removed from the cases where they were only involved.
- Both requests are recorded (``PrivacyRequest``) and are deadlines themselves: one
  calendar month after receipt, extendable by two, an end on a weekend or Atw
  feestdag moving to the next day (the statutory calendar's rule).

This module is the room's API; the work is done by ``settings`` (the settings file and
the dates), ``anonymise`` (one case, or one person out of a case), ``retention``,
``requests`` (recording and finding the person), ``access`` and ``erasure``.
"""

from __future__ import annotations

from klachtdesk.services.privacy.access import AccessExport, export_person
from klachtdesk.services.privacy.anonymise import ANONYMOUS
from klachtdesk.services.privacy.erasure import ErasureResult, erase_person
from klachtdesk.services.privacy.requests import (
    AmbiguousSubject,
    PersonMatch,
    PrivacyRequestView,
    extend_request,
    find_subject,
    list_requests,
    register_request,
)
from klachtdesk.services.privacy.retention import RetentionCase, RetentionResult, apply_retention
from klachtdesk.services.privacy.settings import (
    DEFAULT_STATEMENT,
    PrivacySettings,
    add_months,
    counted,
    request_due,
    retention_cutoff,
)

__all__ = [
    "ANONYMOUS",
    "AccessExport",
    "AmbiguousSubject",
    "ErasureResult",
    "PersonMatch",
    "PrivacyRequestView",
    "PrivacySettings",
    "RetentionCase",
    "RetentionResult",
    "add_months",
    "apply_retention",
    "erase_person",
    "export_person",
    "extend_request",
    "find_subject",
    "list_requests",
    "register_request",
    "request_due",
    "retention_cutoff",
]
