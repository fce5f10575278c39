"""Improvement measures (corrigerende en preventieve maatregelen).

Management's analysis ends in measures: what will be done, by whom, by when, and
— later — whether it worked (the effectiveness check with its date and finding).
A measure is linked to the complaints it answers (by klachtnummer). Every change
is recorded as an ``EventType.MEASURE`` event on each linked complaint (and once
without a complaint when none is linked), so a case's history shows what was done
with it. Edits use optimistic locking on ``Measure.version``.

Status flow: open → in uitvoering → uitgevoerd → geëvalueerd (with the finding of
the effectiveness check); a step back is allowed where work resumes (see
``STATUS_FLOW``).

The due date is a werkdag of the organisation calendar (a weekend day, holiday or
closure is refused with the next werkdag as suggestion); a due date stored before
that rule stays until someone changes it.

Reading measures needs ``READ_STATUS`` (measures hold no personal data); changing
them needs ``MANAGE_MEASURES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, delete, func, or_, type_coerce, update
from sqlmodel import Session, select

from klachtdesk.clock import local
from klachtdesk.errors import NotFound, StaleEdit, TransitionRefused, ValidationError
from klachtdesk.models import (
    Complaint,
    Event,
    EventType,
    Measure,
    MeasureComplaint,
    MeasureKind,
    MeasureStatus,
    Staff,
)
from klachtdesk.services.core import events
from klachtdesk.services.identity import staff
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import format_date, not_a_werkdag
from klachtdesk.services.cases.numbering import parse_number
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services import limits

MS = MeasureStatus

#: status -> the statuses a measure may go to next
STATUS_FLOW: dict[MeasureStatus, frozenset[MeasureStatus]] = {
    MS.OPEN: frozenset({MS.IN_PROGRESS, MS.DONE}),
    MS.IN_PROGRESS: frozenset({MS.OPEN, MS.DONE}),
    MS.DONE: frozenset({MS.EVALUATED, MS.IN_PROGRESS}),
    MS.EVALUATED: frozenset({MS.IN_PROGRESS}),
}
#: the statuses in which a measure still has to be carried out (its due date counts)
ACTIVE = frozenset({MS.OPEN, MS.IN_PROGRESS})

#: "een corrigerende maatregel"
KIND_ADJECTIVE = {MeasureKind.CORRECTIVE: "corrigerende", MeasureKind.PREVENTIVE: "preventieve"}

TITLE_MAX = limits.FIELD_LIMITS["title"].max_chars  # type: ignore[union-attr]
FIELD_ORDER = ("title", "kind", "owner", "due", "category", "service_type", "complaints", "description",
               "check_date", "check_finding")
FIELD_NAMES = {
    "title": "titel",
    "kind": "soort",
    "description": "omschrijving",
    "owner_id": "eigenaar",
    "due": "uiterste datum",
    "category": "aard van de klacht",
    "service_type": "type dienstverlening",
    "check_date": "datum effectiviteitscontrole",
    "check_finding": "bevinding",
}


@dataclass
class MeasureInput:
    """What the form hands over; validated and normalised by ``validate``."""

    title: str = ""
    kind: MeasureKind = MeasureKind.CORRECTIVE
    description: str = ""
    owner_id: int | None = None
    due: date | None = None
    category: str = ""
    service_type: str = ""
    complaint_numbers: list[str] = field(default_factory=list)
    check_date: date | None = None
    check_finding: str = ""


@dataclass(frozen=True)
class LinkedComplaint:
    id: int
    number: str


@dataclass(frozen=True)
class MeasureView:
    id: int
    kind: MeasureKind
    title: str
    description: str | None
    owner_id: int | None
    owner: str | None
    due: date
    status: MeasureStatus
    category: str | None
    service_type: str | None
    check_date: date | None
    check_finding: str | None
    created_at: datetime
    created_by: str | None
    version: int
    complaints: tuple[LinkedComplaint, ...]

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def is_overdue(self, today: date) -> bool:
        return self.active and self.due < today

    @property
    def complaint_numbers(self) -> tuple[str, ...]:
        return tuple(c.number for c in self.complaints)

    def as_input(self) -> MeasureInput:
        """The measure as form input (for editing)."""
        return MeasureInput(
            title=self.title, kind=self.kind, description=self.description or "", owner_id=self.owner_id,
            due=self.due, category=self.category or "", service_type=self.service_type or "",
            complaint_numbers=list(self.complaint_numbers), check_date=self.check_date,
            check_finding=self.check_finding or "",
        )


# ---------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------


def split_numbers(text: str) -> list[str]:
    """``"KL-2026-000001, 2026-2 3"`` → the separate klachtnummers as typed."""
    return [part for part in re.split(r"[,;\s]+", text.strip()) if part]


def _resolve_numbers(session: Session, context: Context, numbers: list[str]) -> list[LinkedComplaint]:
    """The complaints behind typed klachtnummers (duplicates dropped, order kept)."""
    found: list[LinkedComplaint] = []
    seen: set[int] = set()
    year = context.today().year
    for raw in numbers:
        try:
            number = parse_number(raw, year)
        except ValidationError as error:
            raise ValidationError(error.message, field="complaints") from None
        row = session.exec(
            select(Complaint.id, Complaint.number).where(Complaint.year == number.year, Complaint.seq == number.seq)
        ).first()
        if row is None:
            raise ValidationError(f"Klacht {number} bestaat niet.", field="complaints")
        if row[0] not in seen:
            seen.add(row[0])
            found.append(LinkedComplaint(int(row[0]), str(row[1])))
    return found


def validate(context: Context, data: MeasureInput, *, existing: MeasureView | None = None
             ) -> tuple[MeasureInput, list[ValidationError]]:
    """Check and normalise every field; all field errors in form order."""
    cleaned = replace(data, complaint_numbers=list(data.complaint_numbers))
    errors: list[ValidationError] = []

    check = limits.collecting(errors)

    def text(value: str, key: str, form_field: str) -> str:
        """The value cleaned by the table of field limits (a field error is collected)."""
        return check(lambda: limits.clean_text(value, key, form_field=form_field)) or ""

    cleaned.title = " ".join(text(cleaned.title, "title", "title").split())
    if not cleaned.title and not errors:
        errors.append(ValidationError("Geef de maatregel een korte titel.", field="title"))
    for day, label, where in ((cleaned.due, "de uiterste datum", "due"),
                              (cleaned.check_date, "de controledatum", "check_date")):
        if day is not None:
            check(lambda d=day, l=label, w=where: limits.check_day(d, w, l))
    if cleaned.owner_id is not None and check(lambda: limits.check_number(cleaned.owner_id, "id", form_field="owner")) is None:
        cleaned.owner_id = None  # refused above; not looked up
    try:
        cleaned.kind = MeasureKind(cleaned.kind)
    except ValueError:
        errors.append(ValidationError("Kies corrigerend of preventief.", field="kind"))
    if cleaned.owner_id is None:
        if not any(e.field == "owner" for e in errors):
            errors.append(ValidationError("Kies wie de maatregel uitvoert (eigenaar).", field="owner"))
    else:
        with context.db.read() as session:
            owner = session.get(Staff, cleaned.owner_id)
        if owner is None or (not owner.active and (existing is None or existing.owner_id != cleaned.owner_id)):
            errors.append(ValidationError("De gekozen eigenaar is geen actieve medewerker.", field="owner"))
    if cleaned.due is None:
        errors.append(ValidationError("Vul de uiterste datum in (bijvoorbeeld 31-12-2026).", field="due"))
    elif cleaned.due < context.today() and (existing is None or existing.due != cleaned.due):
        errors.append(ValidationError(
            f"De uiterste datum {format_date(cleaned.due)} ligt in het verleden.", field="due"))
    elif not any(e.field == "due" for e in errors) and (existing is None or existing.due != cleaned.due):
        # (a due date stored before this rule stays editable around it)
        refused = not_a_werkdag(cleaned.due, context.calendars.organisation)
        if refused:
            errors.append(ValidationError(refused, field="due"))
    lists = context.settings.lists
    cleaned.category = text(cleaned.category, "category", "category")
    if cleaned.category and cleaned.category not in lists.categories:
        errors.append(ValidationError(f"'{cleaned.category}' staat niet in de lijst categorieën.", field="category"))
    cleaned.service_type = text(cleaned.service_type, "service_type", "service_type")
    if cleaned.service_type and cleaned.service_type not in lists.service_types:
        errors.append(ValidationError(
            f"'{cleaned.service_type}' staat niet in de lijst diensttypen.", field="service_type"))
    numbers = [n for raw in cleaned.complaint_numbers for n in split_numbers(text(raw, "case_numbers", "complaints"))]
    try:
        with context.db.read() as session:
            cleaned.complaint_numbers = [c.number for c in _resolve_numbers(session, context, numbers)]
    except ValidationError as error:
        errors.append(error)
    cleaned.description = text(cleaned.description, "measure_text", "description")
    cleaned.check_finding = text(cleaned.check_finding, "measure_text", "check_finding")
    if cleaned.check_date is not None and cleaned.check_date > context.today() and cleaned.check_finding:
        errors.append(ValidationError(
            "Een bevinding hoort bij een controle die al is gedaan; de controledatum ligt in de toekomst.",
            field="check_date"))
    errors.sort(key=lambda e: FIELD_ORDER.index(e.field) if e.field in FIELD_ORDER else len(FIELD_ORDER))
    return cleaned, errors


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------


def _views(session: Session, rows: list[Measure]) -> list[MeasureView]:
    ids = [row.id for row in rows if row.id is not None]
    links: dict[int, list[LinkedComplaint]] = {i: [] for i in ids}
    names: dict[int, str] = {}
    if ids:
        for measure_id, complaint_id, number in session.exec(
            select(MeasureComplaint.measure_id, Complaint.id, Complaint.number)
            .join(Complaint, Complaint.id == MeasureComplaint.complaint_id)
            .where(MeasureComplaint.measure_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(Complaint.year, Complaint.seq)
        ).all():
            links[measure_id].append(LinkedComplaint(int(complaint_id), str(number)))
        staff_ids = {i for row in rows for i in (row.owner_id, row.created_by_id) if i is not None}
        if staff_ids:
            names = {int(i): n for i, n in session.exec(select(Staff.id, Staff.name).where(Staff.id.in_(staff_ids))).all()}  # type: ignore[union-attr]
    views = []
    for row in rows:
        assert row.id is not None
        views.append(MeasureView(
            id=row.id, kind=MeasureKind(row.kind), title=row.title, description=row.description,
            owner_id=row.owner_id, owner=names.get(row.owner_id) if row.owner_id else None, due=row.due,
            status=MeasureStatus(row.status), category=row.category, service_type=row.service_type,
            check_date=row.check_date, check_finding=row.check_finding, created_at=row.created_at,
            created_by=names.get(row.created_by_id) if row.created_by_id else None, version=row.version,
            complaints=tuple(links.get(row.id, [])),
        ))
    return views


def _require_read(context: Context) -> None:
    context.require(Permission.READ_STATUS)


@limits.checked(measure_id="id")
def get(context: Context, measure_id: int) -> MeasureView:
    _require_read(context)
    with context.db.read() as session:
        row = session.get(Measure, measure_id)
        if row is None:
            raise NotFound(f"Maatregel {measure_id} bestaat niet.")
        return _views(session, [row])[0]


def list_measures(context: Context, *, active_only: bool = False, status: MeasureStatus | None = None
                  ) -> list[MeasureView]:
    """All measures: active ones first by due date, then the rest, newest due first."""
    _require_read(context)
    query = select(Measure)
    if active_only:
        query = query.where(Measure.status.in_([s.value for s in ACTIVE]))  # type: ignore[attr-defined]
    if status is not None:
        query = query.where(Measure.status == status)
    with context.db.read() as session:
        rows = list(session.exec(query.order_by(Measure.due, Measure.id)).all())
        views = _views(session, rows)
    return sorted(views, key=lambda v: (not v.active, v.due.toordinal() * (1 if v.active else -1), v.id))


def of_period(context: Context, start: date, end: date) -> list[MeasureView]:
    """The measures of a period [``start``, ``end``): decided in it or due in it, earliest due first.

    For the analysis report (its "Verbetermaatregelen" section); the status is today's.
    """
    views = list_measures(context)
    return sorted((v for v in views if start <= v.due < end or start <= local(v.created_at).date() < end),
                  key=lambda v: (v.due, v.id))


def open_with_due(context: Context) -> list[MeasureView]:
    """Measures still to be carried out (open, in uitvoering), earliest due date first.

    For the Deadlines screen: show each with its due date next to the case deadlines.
    """
    _require_read(context)
    with context.db.read() as session:
        rows = list(session.exec(
            select(Measure).where(Measure.status.in_([s.value for s in ACTIVE]))  # type: ignore[attr-defined]
            .order_by(Measure.due, Measure.id)
        ).all())
        return _views(session, rows)


def overdue(context: Context, today: date | None = None) -> list[MeasureView]:
    """Active measures whose due date lies before ``today`` (default: the context's today)."""
    day = today or context.today()
    _require_read(context)
    with context.db.read() as session:
        rows = list(session.exec(
            select(Measure).where(
                Measure.status.in_([s.value for s in ACTIVE]),  # type: ignore[attr-defined]
                Measure.due < day,  # type: ignore[operator]
            ).order_by(Measure.due, Measure.id)
        ).all())
        return _views(session, rows)


@limits.checked(complaint_id="id")
def for_complaint(context: Context, complaint_id: int) -> list[MeasureView]:
    """The measures linked to one case."""
    _require_read(context)
    with context.db.read() as session:
        rows = list(session.exec(
            select(Measure).join(MeasureComplaint, MeasureComplaint.measure_id == Measure.id)
            .where(MeasureComplaint.complaint_id == complaint_id).order_by(Measure.due, Measure.id)
        ).all())
        return _views(session, rows)


def counts(context: Context) -> dict[MeasureStatus, int]:
    _require_read(context)
    with context.db.read() as session:
        rows = session.exec(select(Measure.status, func.count()).group_by(Measure.status)).all()
    result = {status: 0 for status in MeasureStatus}
    result.update({MeasureStatus(s): int(n) for s, n in rows})
    return result


def complaint_number(context: Context, complaint_id: int) -> str:
    """The klachtnummer of a case (to prefill a new measure)."""
    _require_read(context)
    with context.db.read() as session:
        number = session.exec(select(Complaint.number).where(Complaint.id == complaint_id)).first()
    if number is None:
        raise NotFound(f"Zaak {complaint_id} bestaat niet.")
    return str(number)


def owner_candidates(context: Context) -> list[staff.StaffMember]:
    """Active staff who can own a measure (anyone active)."""
    _require_read(context)
    return staff.list_staff(context)


@limits.checked(measure_id="id")
def history(context: Context, measure_id: int) -> list[events.TimelineEntry]:
    """What happened to a measure, oldest first (one entry per change, not per linked case).

    Read through the linked complaints' histories (indexed) and the events kept
    without a complaint (a measure linked to none).
    """
    _require_read(context)
    # events.record writes the JSON with sorted keys: "maatregel": N is followed by "," or "}"
    data = type_coerce(Event.data, Text)
    tagged = or_(data.like(f'%"maatregel": {int(measure_id)},%'), data.like(f'%"maatregel": {int(measure_id)}}}%'))
    with context.db.read() as session:
        linked = _linked_ids(session, measure_id)
        where_case = or_(Event.complaint_id.in_(linked), Event.complaint_id.is_(None)) if linked else Event.complaint_id.is_(None)  # type: ignore[union-attr]
        rows = session.exec(
            select(Event, Staff.name).outerjoin(Staff, Staff.id == Event.actor_id)
            .where(where_case, Event.type == EventType.MEASURE, tagged)
            .order_by(Event.id)  # type: ignore[arg-type]
        ).all()
    entries: list[events.TimelineEntry] = []
    seen: set[tuple[datetime, int | None, str]] = set()
    for event, actor in rows:
        # one change is one line per linked case, at one moment (``_record``); lines written
        # before that shared a moment differ by microseconds, so the second is compared
        key = (event.at.replace(microsecond=0), event.actor_id, event.summary)
        if key in seen:
            continue
        seen.add(key)
        assert event.id is not None
        entries.append(events.TimelineEntry(
            id=event.id, at=event.at, type=EventType.MEASURE, actor=actor or "klachtdesk", summary=event.summary,
            body=event.body, data=event.data, confidential=False,
        ))
    return entries


# ---------------------------------------------------------------------------------------
# changing
# ---------------------------------------------------------------------------------------


def _record(session: Session, context: Context, measure_id: int, complaint_ids: list[int], summary: str,
            body: str | None, data: dict[str, Any]) -> None:
    """One MEASURE event per linked complaint (one without a complaint when none is linked),
    all at one moment: ``history`` shows them as the one change they are (a running clock
    would give each its own moment, and the change one line per linked case)."""
    payload = {"maatregel": measure_id, **data}
    at = context.now()
    for complaint_id in complaint_ids or [None]:  # type: ignore[list-item]
        events.record(session, context, complaint_id, EventType.MEASURE, summary, body=body, data=payload, at=at)


def _linked_ids(session: Session, measure_id: int) -> list[int]:
    return [int(i) for i in session.exec(
        select(MeasureComplaint.complaint_id).where(MeasureComplaint.measure_id == measure_id)
        .order_by(MeasureComplaint.complaint_id)
    ).all()]


def _bump(session: Session, measure: Measure, expected_version: int, **values: Any) -> None:
    """Compare-and-set on the version: one UPDATE, so two editors can never both win."""
    result = session.execute(
        update(Measure)
        .where(Measure.id == measure.id, Measure.version == expected_version)  # type: ignore[arg-type]
        .values(version=expected_version + 1, **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _stale(session, measure)
    session.refresh(measure)


def _stale(session: Session, measure: Measure) -> StaleEdit:
    last = session.exec(
        select(Event, Staff.name).outerjoin(Staff, Staff.id == Event.actor_id)
        .where(Event.type == EventType.MEASURE)
        .order_by(Event.id.desc()).limit(1)  # type: ignore[union-attr]
    ).first()
    who = (last[1] if last and last[1] else None) or "een collega"
    when = f" om {local(last[0].at):%H:%M}" if last else ""
    return StaleEdit(
        f"Maatregel '{measure.title}' is intussen gewijzigd door {who}{when}. Uw wijziging is niet opgeslagen; "
        "uw invoer staat nog klaar. Bekijk de wijziging en sla daarna opnieuw op."
    )


def _load(session: Session, measure_id: int, expected_version: int) -> Measure:
    row = session.get(Measure, measure_id)
    if row is None:
        raise NotFound(f"Maatregel {measure_id} bestaat niet.")
    if row.version != expected_version:
        raise _stale(session, row)
    return row


def _words(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)


def create(context: Context, data: MeasureInput) -> MeasureView:
    """Record a new measure (status open) and link it to its complaints."""
    context.require(Permission.MANAGE_MEASURES)
    cleaned, errors = validate(context, data)
    if errors:
        raise errors[0]
    assert cleaned.due is not None
    with context.db.write() as session:
        linked = _resolve_numbers(session, context, cleaned.complaint_numbers)
        row = Measure(
            kind=cleaned.kind, title=cleaned.title, description=cleaned.description or None,
            owner_id=cleaned.owner_id, due=cleaned.due, status=MeasureStatus.OPEN,
            category=cleaned.category or None, service_type=cleaned.service_type or None,
            check_date=cleaned.check_date, check_finding=cleaned.check_finding or None,
            created_at=context.now(), created_by_id=context.actor_id(),
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        for complaint in linked:
            session.add(MeasureComplaint(measure_id=row.id, complaint_id=complaint.id))
        session.flush()
        owner = session.get(Staff, cleaned.owner_id)
        summary = (f"{KIND_ADJECTIVE[cleaned.kind].capitalize()} maatregel '{cleaned.title}' vastgelegd; eigenaar "
                   f"{owner.name if owner else '—'}, uiterlijk {format_date(cleaned.due)}")
        _record(session, context, row.id, [c.id for c in linked], summary, cleaned.description or None,
                {"actie": "aangemaakt", "klachten": [c.number for c in linked]})
        return _views(session, [row])[0]


@limits.checked(measure_id="id")
def update_measure(context: Context, measure_id: int, expected_version: int, data: MeasureInput) -> MeasureView:
    """Save an edited measure (every field, and its links); every change is recorded."""
    context.require(Permission.MANAGE_MEASURES)
    current = get(context, measure_id)
    cleaned, errors = validate(context, data, existing=current)
    if errors:
        raise errors[0]
    with context.db.write() as session:
        row = _load(session, measure_id, expected_version)
        linked = _resolve_numbers(session, context, cleaned.complaint_numbers)
        values = {
            "title": cleaned.title, "kind": cleaned.kind, "description": cleaned.description or None,
            "owner_id": cleaned.owner_id, "due": cleaned.due, "category": cleaned.category or None,
            "service_type": cleaned.service_type or None, "check_date": cleaned.check_date,
            "check_finding": cleaned.check_finding or None,
        }
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        before_ids = _linked_ids(session, measure_id)
        after_ids = [c.id for c in linked]
        added = [c for c in linked if c.id not in before_ids]
        removed = [i for i in before_ids if i not in after_ids]
        if not changed and not added and not removed:
            return _views(session, [row])[0]
        old = {k: _words(getattr(row, k)) for k in changed}
        _bump(session, row, expected_version, **changed)
        if removed:
            session.execute(delete(MeasureComplaint).where(
                MeasureComplaint.measure_id == measure_id, MeasureComplaint.complaint_id.in_(removed)))  # type: ignore[attr-defined]
        for complaint in added:
            session.add(MeasureComplaint(measure_id=measure_id, complaint_id=complaint.id))
        session.flush()
        parts = [f"{FIELD_NAMES[k]} gewijzigd" for k in changed]
        removed_numbers = [str(n) for n in session.exec(select(Complaint.number).where(Complaint.id.in_(removed))).all()] if removed else []  # type: ignore[union-attr]
        if added:
            parts.append("gekoppeld aan " + ", ".join(c.number for c in added))
        if removed_numbers:
            parts.append("ontkoppeld van " + ", ".join(removed_numbers))
        summary = f"Maatregel '{row.title}': " + "; ".join(parts)
        # the unlinked complaints hear of it too: their history says the link ended
        _record(session, context, measure_id, sorted(set(after_ids) | set(removed)), summary, None,
                {"actie": "gewijzigd", "oud": old, "nieuw": {k: _words(v) for k, v in changed.items()},
                 "gekoppeld": [c.number for c in added], "ontkoppeld": removed_numbers})
        return _views(session, [row])[0]


def allowed_next(status: MeasureStatus) -> list[MeasureStatus]:
    return sorted(STATUS_FLOW[status], key=list(MeasureStatus).index)


def next_step(status: MeasureStatus) -> MeasureStatus | None:
    """The usual next status on the main path (open → in uitvoering → uitgevoerd → geëvalueerd)."""
    order = list(MeasureStatus)
    index = order.index(status)
    return order[index + 1] if index + 1 < len(order) else None


@limits.checked(measure_id="id")
def set_status(context: Context, measure_id: int, expected_version: int, status: MeasureStatus | str, *,
               finding: str | None = None, check_date: date | None = None) -> MeasureView:
    """Move a measure along its flow. Evaluating needs the finding of the effectiveness
    check (its date defaults to today)."""
    context.require(Permission.MANAGE_MEASURES)
    try:
        target = MeasureStatus(status)
    except ValueError:
        raise TransitionRefused(f"'{status}' is geen status van een maatregel.") from None
    with context.db.write() as session:
        row = _load(session, measure_id, expected_version)
        current = MeasureStatus(row.status)
        if target == current:
            raise TransitionRefused(f"De maatregel heeft de status '{target.value}' al.")
        if target not in STATUS_FLOW[current]:
            options = ", ".join(f"'{s.value}'" for s in allowed_next(current))
            raise TransitionRefused(f"Van '{current.value}' naar '{target.value}' kan niet; vanaf hier kan: {options}.")
        values: dict[str, Any] = {"status": target}
        body = None
        if target is MS.EVALUATED:
            text = (finding if finding is not None else row.check_finding or "").strip()
            if not text:
                raise ValidationError("Leg de bevinding van de effectiviteitscontrole vast: heeft de maatregel gewerkt?",
                                      field="check_finding")
            day = check_date or row.check_date or context.today()
            if day > context.today():
                raise ValidationError("De effectiviteitscontrole kan niet in de toekomst zijn gedaan.", field="check_date")
            values.update(check_finding=text, check_date=day)
            body = text
        _bump(session, row, expected_version, **values)
        summary = f"Maatregel '{row.title}': status {current.value} → {target.value}"
        _record(session, context, measure_id, _linked_ids(session, measure_id), summary, body,
                {"actie": "status", "van": current.value, "naar": target.value})
        return _views(session, [row])[0]


def link(context: Context, measure_id: int, expected_version: int, numbers: list[str]) -> MeasureView:
    """Link more complaints to a measure (by klachtnummer)."""
    current = get(context, measure_id)
    data = current.as_input()
    data.complaint_numbers = list(current.complaint_numbers) + numbers
    return update_measure(context, measure_id, expected_version, data)
