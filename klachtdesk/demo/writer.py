"""Writing a plan: the columns of every table, and the batches in order."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import numpy as np

from klachtdesk.clock import AMSTERDAM
from klachtdesk.demo.batch import Batch, Columns
from klachtdesk.demo.loaders import Loader
from klachtdesk.demo.plan import Plan
from klachtdesk.demo.values import Progress, dutch_date, iso_days, iso_moments, objects
from klachtdesk.demo.words import AGREEMENTS, CANCEL_REASONS, CHECK_FINDINGS, SESSION_OUTCOMES
from klachtdesk.models import MeasureStatus, PartyRole, SessionStatus, SessionType
from klachtdesk.services.cases.numbering import format_number
from klachtdesk.services.improvement.measures import KIND_ADJECTIVE
from klachtdesk.services.planner.sessions import NextStep, describe_interval


#: cases per batch of rows (bounds memory: about 10 events and 3 deadlines per case)
BATCH = 50_000


# =======================================================================================
# writing: rows per batch
# =======================================================================================

PERSON_COLUMNS = ("id", "name", "phone", "email", "organisation", "street", "postcode", "city", "created_at",
                  "anonymised_at")
SEARCH_COLUMNS = ("complaint_id", "search_text")
COMPLAINT_COLUMNS = (
    "id", "number", "year", "seq", "kind", "channel", "received_at", "effective_receipt_day", "service_type",
    "category", "description", "incident_date", "discussed_first", "remedy_sought", "invoice_number", "queue",
    "status", "complainant_id", "handler_id", "resolution", "accepted", "dispute_outcome", "closed_at", "next_due",
    "next_deadline_kind", "created_by_id", "created_at", "updated_at", "anonymised_at", "version",
)
PARTY_COLUMNS = ("id", "complaint_id", "person_id", "role", "note")
EVENT_COLUMNS = ("id", "complaint_id", "at", "actor_id", "type", "summary", "body", "data", "confidential")
DEADLINE_COLUMNS = (
    "id", "complaint_id", "kind", "label", "unit", "amount", "anchor", "due", "original_due", "extended_at",
    "extension_notice", "met_at", "met_by_event_id", "agreement_id", "cancelled_at",
)
SESSION_COLUMNS = (
    "id", "complaint_id", "type", "officer_id", "starts_at", "ends_at", "location", "status", "cancel_reason",
    "outcome", "next_step", "created_at", "created_by_id", "version",
)
PARTICIPANT_COLUMNS = ("id", "session_id", "person_id", "role")
AGREEMENT_COLUMNS = ("id", "session_id", "complaint_id", "description", "owner", "due", "done_at")
MEASURE_COLUMNS = (
    "id", "kind", "title", "description", "owner_id", "due", "status", "category", "service_type", "check_date",
    "check_finding", "created_at", "created_by_id", "version",
)


def write_all(plan: Plan, loader: Loader, ids: dict[str, int], progress: Progress | None, total: int
           ) -> dict[str, Any]:
    """Insert everything; returns the counts for the summary."""
    staff = plan.staff
    counts = {"persons": 0, "events": 0, "deadlines": 0}
    person_base = ids["person"] + 1
    pool = plan.pool_strings()
    moments = iso_moments(plan.created[:1])
    loader.insert("person", PERSON_COLUMNS, Columns((
        range(person_base, person_base + plan.pool), pool["name"], pool["phone"], pool["email"], pool["team"],
        *[[None] * plan.pool] * 3, [moments[0]] * plan.pool, [None] * plan.pool,
    )))
    counts["persons"] += plan.pool
    case_person_base = person_base + plan.pool
    complaint_base = ids["complaint"] + 1
    measure_base = ids["measure"] + 1
    _write_measures(plan, loader, measure_base, complaint_base)
    session_base = ids["mediation_session"] + 1
    participant_id = ids["session_participant"] + 1
    agreement_base = ids["agreement"] + 1
    _session_texts(plan, session_base, agreement_base, case_person_base, pool)
    party_id = ids["party"] + 1
    event_id = ids["event"] + 1
    deadline_id = ids["deadline"] + 1
    for start in range(0, plan.n, BATCH):
        stop = min(start + BATCH, plan.n)
        # first every row of the batch (the database may still be indexing the previous one) ...
        batch = Batch(plan, start, stop, complaint_base, case_person_base, pool)
        person_rows = batch.people()
        events = batch.events()
        event_rows = events.finish(event_id, complaint_base)
        session_rows, participant_rows, agreement_rows, agreement_ids, participant_id = batch.sessions(participant_id)
        deadline_rows, next_due = batch.deadlines(events, deadline_id, agreement_ids)
        complaint_rows = batch.complaints(events, next_due)
        party_rows = batch.parties(party_id)
        # ... then write them
        loader.insert("person", PERSON_COLUMNS, person_rows)
        loader.insert("complaint", COMPLAINT_COLUMNS, complaint_rows)
        loader.insert("complaint_search", SEARCH_COLUMNS, batch.searches())
        loader.insert("party", PARTY_COLUMNS, party_rows)
        counts["persons"] += len(person_rows)
        party_id += len(party_rows)
        loader.insert("mediation_session", SESSION_COLUMNS, session_rows)
        loader.insert("session_participant", PARTICIPANT_COLUMNS, participant_rows)
        loader.insert("agreement", AGREEMENT_COLUMNS, agreement_rows)
        loader.insert("event", EVENT_COLUMNS, event_rows)
        loader.insert("deadline", DEADLINE_COLUMNS, deadline_rows)
        event_id += len(event_rows)
        deadline_id += len(deadline_rows)
        counts["events"] += len(event_rows)
        counts["deadlines"] += len(deadline_rows)
        loader.batch_written()
        if progress is not None:
            progress(stop, total)
    loader.insert("measure_complaint", ("measure_id", "complaint_id"),
                  [(measure_base + m, complaint_base + c) for m, c in plan.links])
    first = format_number(int(plan.year[0]), int(plan.seq[0]))
    last = format_number(int(plan.year[-1]), int(plan.seq[-1]))
    return {
        "count": plan.n, "first_number": first, "last_number": last, "ranges": tuple(plan.ranges),
        "persons": counts["persons"], "events": counts["events"], "deadlines": counts["deadlines"],
        "sessions": plan.sessions, "agreements": int(plan.a_session.size), "measures": plan.measures,
    }


def _write_measures(plan: Plan, loader: Loader, base: int, complaint_base: int) -> None:
    """The measures, and the texts of their events on the linked complaints (as ``measures.create``)."""
    staff = plan.staff
    owners = [staff.manager, staff.management[0], staff.handlers[0]]
    rows = []
    statuses = (MeasureStatus.OPEN, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE, MeasureStatus.EVALUATED)
    created = iso_moments(plan.m_created)
    due = iso_days(plan.m_due)
    check = iso_days(plan.m_check, plan.m_check >= 0)
    linked: dict[int, list[str]] = {}
    for measure, case in plan.links:
        linked.setdefault(measure, []).append(format_number(int(plan.year[case]), int(plan.seq[case])))
    summaries, bodies, datas = [], [], []
    for index in range(plan.measures):
        kind, title = plan.measure_title(index)
        category = plan.categories[int(plan.m_category[index])]
        numbers = linked.get(index, [])
        status = statuses[int(plan.m_status[index])]
        owner = owners[int(plan.m_owner[index])]
        description = (f"Naar aanleiding van {len(numbers)} klachten over '{category.lower()}'." if numbers else
                       f"Naar aanleiding van de periodieke analyse van '{category.lower()}'.")
        rows.append((
            base + index, kind.value, title, description, owner, due[index], status.value, category, None,
            check[index], CHECK_FINDINGS[int(plan.m_finding[index])] if status is MeasureStatus.EVALUATED else None,
            created[index], staff.manager, 1,
        ))
        summaries.append(f"{KIND_ADJECTIVE[kind].capitalize()} maatregel '{title}' vastgelegd; eigenaar "
                         f"{staff.names[owner]}, uiterlijk {dutch_date(int(plan.m_due[index]))}")
        bodies.append(description)
        datas.append(json.dumps({"maatregel": base + index, "actie": "aangemaakt", "klachten": numbers},
                                ensure_ascii=False, sort_keys=True))
    plan.measure_summaries, plan.measure_bodies = objects(summaries), objects(bodies)
    plan.measure_data = objects(datas)
    loader.insert("measure", MEASURE_COLUMNS, rows)


def _session_texts(plan: Plan, session_base: int, agreement_base: int, person_base: int,
                   pool: dict[str, Any]) -> None:
    """Rows of the sessions, their participants and agreements, and their events' texts (as the planner)."""
    staff = plan.staff
    count = plan.sessions
    cases = plan.s_case
    starts, ends = plan.s_start.astype("datetime64[s]").tolist(), plan.s_end.astype("datetime64[s]").tolist()
    people = np.unique(np.concatenate([plan.complainant[cases]] + [
        plan.person_start[cases] + plan.new_complainant[cases] + r for r in range(3)]))
    people = people[people < plan.people]
    person_names = dict(zip(people.tolist(), plan.person_strings(people, person_base)["name"]))
    created, start_text, end_text = iso_moments(plan.s_plan), iso_moments(plan.s_start), iso_moments(plan.s_end)
    agreements_of: dict[int, list[int]] = {}
    for a, s in enumerate(plan.a_session.tolist()):
        agreements_of.setdefault(s, []).append(a)
    a_due, a_done = iso_days(plan.a_due), iso_moments(plan.a_done)
    next_step = NextStep.SOLUTION_PROPOSED.value
    texts: dict[str, list[Any]] = {key: [] for key in (
        "planned", "participants", "planned_data", "held", "held_body", "held_data", "report", "report_body",
        "report_data", "cancel", "cancel_body", "cancel_data")}
    plan.session_rows, plan.session_participants, plan.agreement_rows = [], [], []
    pool_base = person_base - plan.pool
    for s in range(count):
        case = int(cases[s])
        officer = int(plan.s_officer[s])
        officer_id = staff.officers[officer]
        session_id = session_base + s
        kind = SessionType.ALL_INVOLVED if plan.s_all[s] else SessionType.ONE_ON_ONE
        status = (SessionStatus.PLANNED, SessionStatus.HELD, SessionStatus.CANCELLED)[int(plan.s_status[s])]
        location = "Videoverbinding" if plan.s_video[s] else f"Spreekkamer {officer + 1}"
        start = starts[s].replace(tzinfo=UTC)
        end = ends[s].replace(tzinfo=UTC)
        interval = describe_interval(start, end, year=True)
        respondent = int(plan.respondent[case])
        members = [(staff.officer_persons[officer], "klachtenfunctionaris", staff.names[officer_id]),
                   (person_base + int(plan.complainant[case]), PartyRole.COMPLAINANT.value,
                    person_names[int(plan.complainant[case])]),
                   (pool_base + respondent, PartyRole.RESPONDENT.value, pool["name"][respondent])]
        if kind is SessionType.ALL_INVOLVED:
            colleague = int(plan.colleague[case])
            if colleague >= 0:
                members.append((pool_base + colleague, PartyRole.INVOLVED.value, pool["name"][colleague]))
            first = int(plan.person_start[case]) + int(plan.new_complainant[case])
            members += [(person_base + p, PartyRole.INVOLVED.value, person_names[p])
                        for p in range(first, first + int(plan.relatives[case]))]
        plan.session_participants.append([(person, role) for person, role, _ in members])
        outcome = SESSION_OUTCOMES[int(plan.s_outcome[s])]
        why = CANCEL_REASONS[int(plan.cancel_text[s])]
        plan.session_rows.append((
            session_id, None, kind.value, officer_id, start_text[s], end_text[s], location, status.value,
            why if status is SessionStatus.CANCELLED else None, outcome if status is SessionStatus.HELD else None,
            next_step if status is SessionStatus.HELD else None, created[s], officer_id, 1,
        ))
        made = []
        for a in agreements_of.get(s, []):
            owner_kind = int(plan.a_owner_kind[a])
            owner = (pool["name"][respondent] if owner_kind == 0 else
                     staff.names[staff.handlers[int(plan.handler[case])]] if owner_kind == 1 else
                     staff.names[officer_id])
            description = AGREEMENTS[int(plan.a_text[a])]
            plan.agreement_rows.append((agreement_base + a, session_id, None, description, owner, a_due[a], a_done[a]))
            made.append(f"- {description} (eigenaar: {owner}; uiterlijk {dutch_date(int(plan.a_due[a]))})")
        texts["planned"].append(f"{kind.label.capitalize()} gepland: {interval}, {location}")
        texts["participants"].append("Deelnemers: " + ", ".join(name for _, _, name in members))
        texts["planned_data"].append(json.dumps({
            "gesprek": session_id, "actie": "gepland", "type": kind.value, "begin": start.astimezone(AMSTERDAM).isoformat(),
            "eind": end.astimezone(AMSTERDAM).isoformat(), "locatie": location,
            "deelnemers": [person for person, _, _ in members]}, ensure_ascii=False, sort_keys=True))
        n = len(made)
        texts["held"].append(f"Gesprek van {interval} gehouden; "
                             + (f"{n} {'afspraak' if n == 1 else 'afspraken'}" if n else "geen afspraken")
                             + f"; vervolg: {next_step}")
        texts["held_body"].append("\n".join([*(["Afspraken:", *made] if made else []), f"Vervolg: {next_step}"]))
        texts["held_data"].append(json.dumps({"gesprek": session_id, "actie": "gehouden", "afspraken": n,
                                              "vervolg": next_step}, ensure_ascii=False, sort_keys=True))
        texts["report"].append(f"Verslag van het gesprek van {interval}")
        texts["report_body"].append(outcome)
        texts["report_data"].append(json.dumps({"gesprek": session_id, "actie": "verslag"}, sort_keys=True))
        texts["cancel"].append(f"Gesprek van {interval} geannuleerd")
        texts["cancel_body"].append(f"Reden: {why}")
        texts["cancel_data"].append(json.dumps({"gesprek": session_id, "actie": "geannuleerd", "reden": why},
                                               ensure_ascii=False, sort_keys=True))
    for key, values in texts.items():
        setattr(plan, "s_" + {"planned": "planned_summary", "participants": "participants_text",
                              "held": "held_summary", "report": "report_summary", "cancel": "cancel_summary"
                              }.get(key, key), objects(values))
