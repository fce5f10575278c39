"""An inbox filter in words (the inbox's header line and the saved views): its own module,
light, because the inbox's first page shows it before the filter dialog is ever loaded."""

from __future__ import annotations

from datetime import date

from klachtdesk.services.cases.rows import CaseFilter


def _day(day: date) -> str:
    return f"{day:%d-%m-%Y}"


def describe_filters(filters: CaseFilter, user_id: int | None) -> list[str]:
    """The filter in words, one part per condition (``behandelaar: Jan``, ``ontvangen 1-11-2026 t/m …``)."""
    parts = []
    if filters.handler_id is not None:
        parts.append("mijn zaken" if filters.handler_id == user_id
                     else f"behandelaar: {filters.handler_name or filters.handler_id}")
    if filters.unassigned:
        parts.append("niet toegewezen")
    if filters.status is not None:
        parts.append(f"status: {filters.status.value}")
    if filters.kind is not None:
        parts.append(f"soort: {filters.kind.value}")
    if filters.channel is not None:
        parts.append(f"kanaal: {filters.channel.value}")
    if filters.category is not None:
        parts.append(f"categorie: {filters.category}")
    if filters.received_from and filters.received_to:
        parts.append(f"ontvangen {_day(filters.received_from)} t/m {_day(filters.received_to)}")
    elif filters.received_from:
        parts.append(f"ontvangen vanaf {_day(filters.received_from)}")
    elif filters.received_to:
        parts.append(f"ontvangen t/m {_day(filters.received_to)}")
    if filters.overdue_only:
        parts.append("alleen te laat")
    if filters.open_only:
        parts.append("alleen open zaken")
    if filters.review_only:
        parts.append("te beoordelen (uit e-mail)")
    return parts


__all__ = ["describe_filters"]
