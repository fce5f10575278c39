"""Access requests (inzage): everything held about one person, as a plain dict for JSON.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from klachtdesk.clock import local
from klachtdesk.models import (
    Agreement,
    Attachment,
    Complaint,
    Deadline,
    Event,
    EventType,
    MailMessage,
    MediationSession,
    Message,
    Party,
    PartyRole,
    Person,
    PrivacyRequest,
    PrivacyRequestKind,
    SessionParticipant,
    SessionType,
    Staff,
    StaffRoleLink,
)
from klachtdesk.services.core import events
from klachtdesk.services.people.contact_details import display_phone
from klachtdesk.services.people.postal import POST, stored_address
from klachtdesk.services.core.context import Context
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.limits import checked
from klachtdesk.services.privacy.requests import PrivacyRequestView, _finish_request, _resolve, _view

# ---------------------------------------------------------------------------------------
# access (inzage)
# ---------------------------------------------------------------------------------------

#: event types a requester gets to see; internal and confidential notes and the read
#: log stay in house (they may hold other people's data, staff's above all)
EXPORTED_EVENTS = frozenset({
    EventType.REGISTERED, EventType.FIELD_CHANGED, EventType.STATUS_CHANGED, EventType.ASSIGNED,
    EventType.CONTACT, EventType.MESSAGE, EventType.DEADLINE, EventType.SESSION, EventType.PRIVACY,
    EventType.INCOMING,
})


def _address(person: Person) -> str | None:
    """The person's postal address on one line, None when there is none."""
    address = stored_address(person.street, person.postcode, person.city, person.country)
    return address.one_line() if address else None


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return local(value).isoformat() if isinstance(value, datetime) else value.isoformat()


def _case_export(session: Session, complaint: Complaint, roles: list[str], person_ids: set[int]) -> dict[str, Any]:
    assert complaint.id is not None
    cid = complaint.id
    entry: dict[str, Any] = {
        "klachtnummer": complaint.number,
        "rol": ", ".join(roles),
        "soort": str(complaint.kind),
        "kanaal": str(complaint.channel),
        "ontvangen": _iso(complaint.received_at),
        "status": str(complaint.status),
        "gesloten": _iso(complaint.closed_at),
    }
    own_parties = session.exec(select(Party).where(Party.complaint_id == cid, Party.person_id.in_(list(person_ids)))).all()  # type: ignore[attr-defined]
    notes = [p.note for p in own_parties if p.note]
    if notes:
        entry["toelichting_bij_uw_rol"] = notes
    if PartyRole.COMPLAINANT.value not in roles:
        # about the requester, but told by someone else: only the facts of their involvement
        entry["toelichting"] = ("U bent bij deze zaak betrokken; de inhoud van de klacht bevat gegevens van de "
                                "klager en wordt daarom niet meegegeven.")
        entry["gesprekken"] = _sessions(session, cid, person_ids, with_outcome=False)
        return entry
    handler = session.get(Staff, complaint.handler_id) if complaint.handler_id else None
    entry.update({
        "type_dienstverlening": complaint.service_type,
        "aard": complaint.category,
        "omschrijving": complaint.description,
        "datum_voorval": _iso(complaint.incident_date),
        "eerst_besproken": complaint.discussed_first,
        "gewenste_oplossing": complaint.remedy_sought,
        "factuurnummer": complaint.invoice_number,
        "oplossing": complaint.resolution,
        "akkoord": str(complaint.accepted) if complaint.accepted else None,
        "uitkomst_geschillencommissie": complaint.dispute_outcome,
        "behandelaar": handler.name if handler else None,
    })
    others = session.exec(
        select(Party, Person).join(Person, Person.id == Party.person_id)
        .where(Party.complaint_id == cid, Party.person_id.not_in(list(person_ids))).order_by(Party.id)  # type: ignore[attr-defined]
    ).all()
    # other people: name and role only (a staff member the complaint is about included)
    entry["andere_betrokkenen"] = [{"naam": person.name, "rol": str(party.role)} for party, person in others]
    entry["termijnen"] = [
        {"termijn": d.label or str(d.kind), "uiterlijk": _iso(d.due), "oorspronkelijk": _iso(d.original_due),
         "gehaald": _iso(d.met_at)}
        for d in session.exec(select(Deadline).where(Deadline.complaint_id == cid, Deadline.cancelled_at.is_(None))  # type: ignore[union-attr]
                              .order_by(Deadline.due, Deadline.id)).all()
    ]
    history, withheld = [], {"interne_notities": 0, "vertrouwelijke_notities": 0, "inzagelog": 0}
    for event in session.exec(select(Event).where(Event.complaint_id == cid).order_by(Event.id)).all():
        kind = EventType(event.type)
        if event.confidential or kind is EventType.CONFIDENTIAL_NOTE:
            withheld["vertrouwelijke_notities"] += 1
        elif kind is EventType.NOTE:
            withheld["interne_notities"] += 1
        elif kind is EventType.VIEWED:
            withheld["inzagelog"] += 1
        elif kind in EXPORTED_EVENTS:
            history.append({"moment": _iso(event.at), "soort": kind.value, "samenvatting": event.summary,
                            "tekst": event.body, "gegevens": event.data})
    entry["geschiedenis"] = history
    entry["niet_meegegeven"] = withheld
    entry["berichten"] = [
        {"onderwerp": m.subject, "aan": m.recipient, "per": "post" if m.transport == POST else "e-mail",
         "tekst": m.body, "verstuurd": _iso(m.sent_at)}
        for m in session.exec(select(Message).where(
            Message.complaint_id == cid,
            or_(Message.sent_at.is_not(None), Message.transport == POST),  # type: ignore[union-attr]
        ).order_by(Message.id)).all()
    ]
    entry["gesprekken"] = _sessions(session, cid, person_ids, with_outcome=True)
    entry["bijlagen"] = [
        {"naam": a.filename, "soort": a.content_type, "grootte": a.size, "ontvangen": _iso(a.created_at),
         "inhoud_base64": base64.b64encode(bytes(a.content)).decode("ascii")}
        for a in session.exec(select(Attachment).where(Attachment.complaint_id == cid).order_by(Attachment.id)).all()
    ]
    entry["e_mails"] = [
        {"ontvangen": _iso(m.received_at), "van": m.sender, "onderwerp": m.subject, "tekst": m.text}
        for m in session.exec(select(MailMessage).where(MailMessage.complaint_id == cid,
                                                        MailMessage.sender != "").order_by(MailMessage.id)).all()
    ]
    return entry


def _sessions(session: Session, complaint_id: int, person_ids: set[int], *, with_outcome: bool) -> list[dict[str, Any]]:
    rows = session.exec(
        select(MediationSession).join(SessionParticipant, SessionParticipant.session_id == MediationSession.id)
        .where(MediationSession.complaint_id == complaint_id, SessionParticipant.person_id.in_(list(person_ids)))  # type: ignore[attr-defined]
        .order_by(MediationSession.starts_at)
    ).all()
    result = []
    for meeting in {row.id: row for row in rows}.values():  # one entry per session (rows are not hashable)
        item: dict[str, Any] = {"soort": SessionType(meeting.type).label, "begin": _iso(meeting.starts_at),
                                "einde": _iso(meeting.ends_at), "plaats": meeting.location,
                                "status": str(meeting.status)}
        if with_outcome:
            item["uitkomst"] = meeting.outcome
            item["vervolg"] = meeting.next_step
            item["afspraken"] = [
                {"afspraak": a.description, "wie": a.owner, "uiterlijk": _iso(a.due), "gedaan": _iso(a.done_at)}
                for a in session.exec(select(Agreement).where(Agreement.session_id == meeting.id)).all()
            ]
        result.append(item)
    return result


def _roles(session: Session, person_ids: set[int]) -> dict[int, list[str]]:
    """Per case, the requester's roles in it: as a party (klager, aangeklaagde, betrokkene)
    and as a participant in a session who is no party (a klachtenfunctionaris)."""
    parties: dict[int, set[PartyRole]] = {}
    for party in session.exec(select(Party).where(Party.person_id.in_(list(person_ids)))).all():  # type: ignore[attr-defined]
        parties.setdefault(party.complaint_id, set()).add(PartyRole(party.role))
    roles = {cid: [role.value for role in PartyRole if role in found] for cid, found in parties.items()}
    participations = session.exec(
        select(MediationSession.complaint_id, SessionParticipant.role)
        .join(SessionParticipant, SessionParticipant.session_id == MediationSession.id)
        .where(SessionParticipant.person_id.in_(list(person_ids)))  # type: ignore[attr-defined]
    ).all()
    for cid, role in participations:
        if cid not in parties:
            wording = f"deelnemer aan een gesprek ({role})"
            if wording not in roles.setdefault(cid, []):
                roles[cid].append(wording)
    return dict(sorted(roles.items()))


def _staff_export(session: Session, person_ids: set[int]) -> list[dict[str, Any]]:
    """A staff member who asks: their account, roles and what the desk records of their work."""
    found = []
    for member in session.exec(select(Staff).where(Staff.person_id.in_(list(person_ids)))  # type: ignore[union-attr]
                               .order_by(Staff.id)).all():
        roles = session.exec(select(StaffRoleLink.role).where(StaffRoleLink.staff_id == member.id)).all()
        found.append({
            "gebruikersnaam": member.username, "naam": member.name, "email": member.email,
            "rollen": sorted(str(role) for role in roles), "actief": member.active,
            "vastgelegd_op": _iso(member.created_at),
            "zaken_als_behandelaar": int(session.exec(
                select(func.count()).select_from(Complaint).where(Complaint.handler_id == member.id)).one()),
            "regels_in_de_geschiedenis": int(session.exec(
                select(func.count()).select_from(Event).where(Event.actor_id == member.id)).one()),
        })
    return found


@dataclass(frozen=True)
class AccessExport:
    data: dict[str, Any]
    request: PrivacyRequestView
    cases: int


@checked(query="request_subject", person_ids="id", received_at="received", request_id="id")
def export_person(
    context: Context, query: str, *, person_ids: Iterable[int] | None = None, received_at: datetime | None = None,
    request_id: int | None = None,
) -> AccessExport:
    """Everything held about one person (an inzageverzoek), and the request recorded as done."""
    context.require(Permission.PRIVACY)
    with context.db.write() as session:
        people = _resolve(session, query, person_ids)
        ids = {p.id for p in people if p.id is not None}
        cases = []
        exported: list[int] = []
        for cid, case_roles in _roles(session, ids).items():
            complaint = session.get(Complaint, cid)
            if complaint is None or complaint.anonymised_at is not None:
                continue
            exported.append(cid)
            cases.append(_case_export(session, complaint, case_roles, ids))
        earlier = session.exec(
            select(PrivacyRequest).where(PrivacyRequest.person_id.in_(list(ids))).order_by(PrivacyRequest.id)  # type: ignore[attr-defined]
        ).all()
        request = _finish_request(session, context, PrivacyRequestKind.ACCESS, query, min(ids), received_at,
                                  request_id, f"Gegevens uitgegeven: {len(ids)} persoonsrecord(s), {len(cases)} zaken")
        for cid in exported:
            events.record(session, context, cid, EventType.PRIVACY,
                          f"Inzageverzoek (AVG) afgehandeld: gegevens van een betrokkene uitgegeven (verzoek {request.id})",
                          data={"verzoek": request.id, "soort": PrivacyRequestKind.ACCESS.value})
        view = _view(session, context, request)
        data = {
            "verzoek": {"nummer": view.id, "soort": view.kind.value, "ontvangen": _iso(view.received_at),
                        "uiterlijk": _iso(view.due), "afgehandeld": _iso(view.done_at)},
            "persoonsgegevens": [
                {"naam": p.name, "telefoon": display_phone(p.phone) or None, "email": p.email,
                 "postadres": _address(p), "organisatie": p.organisation, "vastgelegd_op": _iso(p.created_at)}
                for p in people
            ],
            "zaken": cases,
            "medewerker": _staff_export(session, ids),
            "eerdere_verzoeken": [
                {"nummer": r.id, "soort": str(r.kind), "ontvangen": _iso(r.received_at), "afgehandeld": _iso(r.done_at)}
                for r in earlier
            ],
            "toelichting": (
                "Dit zijn alle gegevens die de klachtenregistratie over u bevat. Van andere mensen in uw zaken staan "
                "alleen naam en rol vermeld. Interne werkaantekeningen, vertrouwelijke notities van de "
                "klachtenfunctionaris en de lijst van medewerkers die uw zaak inzagen zijn niet meegegeven "
                "(het aantal staat per zaak onder 'niet_meegegeven'); zij kunnen gegevens van anderen bevatten."
            ),
        }
        return AccessExport(data, view, len(cases))
