"""The rows of one batch of cases, built as columns: people, parties, the history
(worded as the services word it), sessions, deadlines and the cases themselves."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from klachtdesk.demo.plan import Plan
from klachtdesk.models.types import dump_json
from klachtdesk.services.procedure.workflow import REFERRAL_LINE, extension_data, extension_line
from klachtdesk.demo.values import (
    DAY,
    I64,
    NEVER,
    as_d64,
    as_date,
    clock_strings,
    day_strings,
    from_d64,
    iso_days,
    iso_moments,
    objects,
)
from klachtdesk.demo.words import (
    AGREEMENTS,
    CHANNELS,
    CONFIDENTIAL_NOTES,
    DISPUTE_OUTCOMES,
    KINDS,
    KLACHT_STEPS,
    KLACHT_TIMES,
    QUESTION_STEPS,
    QUESTION_TIMES,
    RELATIONS,
    S,
    STATUSES,
    STATUS_CODE,
    UPDATES,
)
from klachtdesk.models import Acceptance, DeadlineKind, DeadlineUnit, EventType, PartyRole
from klachtdesk.services.cases.numbering import WIDTH, format_number


class Columns:
    """Rows given as columns (lists or object arrays of equal length), so the loader can
    write them as it writes fastest: many rows per statement (SQLite), or row by row (COPY)."""

    def __init__(self, columns: Sequence[Sequence[Any]]) -> None:
        self.columns = [list(c) if isinstance(c, range) else c for c in columns]
        self.size = len(self.columns[0]) if self.columns else 0

    def __len__(self) -> int:
        return self.size

    def flat(self) -> list[Any]:
        """All values row after row, in one list."""
        width = len(self.columns)
        values: list[Any] = [None] * (self.size * width)
        for index, column in enumerate(self.columns):
            values[index::width] = column if isinstance(column, list) else list(column)
        return values

    def rows(self) -> Iterator[tuple[Any, ...]]:
        return zip(*self.columns)


def _ints(values: I64, missing: int = -1) -> list[int | None]:
    return [None if v == missing else v for v in values.tolist()]


class _Events:
    """The events of one batch, added per kind as arrays, then sorted into history order."""

    def __init__(self, now: int) -> None:
        self.now = now
        self.parts: list[dict[str, Any]] = []
        self.size = 0

    def add(self, case: I64, at: I64, order: int, type: EventType, actor: I64, summary: Any,
            body: Any = None, data: Any = None, confidential: bool = False) -> int:
        """Add the events whose moment has come (``at <= now``); returns a handle for ``ids``."""
        keep = at <= self.now
        size = int(keep.sum())

        def pick(value: Any) -> Any:
            if isinstance(value, np.ndarray):
                return value[keep]
            return np.full(size, value, dtype=object)

        self.parts.append({
            "case": case[keep], "at": at[keep], "order": np.full(size, order, dtype=np.int64),
            "type": type.value, "actor": actor[keep], "summary": pick(summary), "body": pick(body),
            "data": pick(data), "confidential": confidential, "offset": self.size,
        })
        self.size += size
        return len(self.parts) - 1

    def finish(self, first_id: int, complaint_base: int) -> Columns:
        parts = self.parts
        case = np.concatenate([p["case"] for p in parts])
        at = np.concatenate([p["at"] for p in parts])
        order = np.concatenate([p["order"] for p in parts])
        # one sort on a packed key (case, moment, order): the moments of a load span a few years
        since = int(at.min()) if at.size else 0
        if at.size and int(at.max()) - since < 2**28 and int(order.max()) < 2**5:
            perm = np.argsort((case << 33) | ((at - since) << 5) | order, kind="stable")
        else:  # pragma: no cover - a span of more than eight years
            perm = np.lexsort((order, at, case))
        rank = np.empty_like(perm)
        rank[perm] = np.arange(perm.size)
        self.ids = first_id + rank
        self.case, self.at = case, at

        def column(key: str) -> npt.NDArray[np.object_]:
            return np.concatenate([p[key] for p in parts])[perm]

        types = np.concatenate([np.full(p["case"].size, p["type"], dtype=object) for p in parts])[perm]
        confidential = np.concatenate([np.full(p["case"].size, p["confidential"]) for p in parts])[perm]
        actors = np.concatenate([p["actor"] for p in parts])[perm]
        return Columns((
            range(first_id, first_id + perm.size), (complaint_base + case[perm]).tolist(), iso_moments(at[perm]),
            actors.tolist(), types.tolist(), column("summary").tolist(), column("body").tolist(),
            column("data").tolist(), confidential.tolist(),
        ))

    def ids_for(self, handle: int) -> tuple[I64, I64, I64]:
        """(case, event id, moment) of the events added under ``handle``."""
        part = self.parts[handle]
        positions = np.arange(part["offset"], part["offset"] + part["case"].size)
        return part["case"], self.ids[positions], part["at"]


class Batch:
    """The rows of cases ``start:stop`` of the plan."""

    def __init__(self, plan: Plan, start: int, stop: int, complaint_base: int, person_base: int,
                 pool: dict[str, list[Any]]) -> None:
        self.plan = plan
        self.start, self.stop = start, stop
        self.n = stop - start
        self.sl = slice(start, stop)
        self.complaint_base = complaint_base
        self.person_base = person_base
        self.pool = pool
        self.now = plan.now
        self.case = np.arange(self.n, dtype=np.int64)

    def col(self, name: str) -> Any:
        return getattr(self.plan, name)[self.sl]

    # -- people and parties --------------------------------------------------------------

    def people(self) -> Columns:
        """The batch's new people (klagers who did not complain before, relatives)."""
        plan = self.plan
        first = int(plan.person_start[self.start])
        last = int(plan.person_start[self.stop - 1] + plan.new_complainant[self.stop - 1]
                   + plan.relatives[self.stop - 1])
        index = np.arange(first, last, dtype=np.int64)
        strings = plan.person_strings(index, self.person_base)
        addresses = plan.person_addresses(index)
        self.first_person, self.person_tokens = first, strings["tokens"]
        owner = np.repeat(np.arange(self.start, self.stop),
                          plan.new_complainant[self.sl].astype(np.int64) + plan.relatives[self.sl])
        created = iso_moments(plan.created[owner])
        return Columns((
            (self.person_base + index).tolist(), strings["name"], strings["phone"], strings["email"],
            [None] * index.size, addresses["street"], addresses["postcode"], addresses["city"], created,
            [None] * index.size,
        ))

    def parties(self, first_id: int) -> Columns:
        """Klager first, then the aangeklaagde, then the betrokkenen (the order of the search text)."""
        plan = self.plan
        pool_base = self.person_base - plan.pool
        respondent, colleague = self.col("respondent"), self.col("colleague")
        relatives = self.col("relatives")
        functions = objects(self.pool["function"])
        cases, people, roles, notes, orders = [self.case], [self.person_base + self.col("complainant")], [], [], []
        roles.append(np.full(self.n, PartyRole.COMPLAINANT.value, dtype=object))
        notes.append(np.full(self.n, None, dtype=object))
        orders.append(np.zeros(self.n, dtype=np.int64))
        for order, (who, role) in enumerate(((respondent, PartyRole.RESPONDENT), (colleague, PartyRole.INVOLVED)), 1):
            has = who >= 0
            cases.append(self.case[has])
            people.append(pool_base + who[has])
            roles.append(np.full(int(has.sum()), role.value, dtype=object))
            notes.append(functions[who[has]])
            orders.append(np.full(int(has.sum()), order))
        rel_start = self.col("person_start") + self.col("new_complainant")
        for r in range(int(relatives.max(initial=0))):
            has = relatives > r
            person = rel_start[has] + r
            cases.append(self.case[has])
            people.append(self.person_base + person)
            roles.append(np.full(int(has.sum()), PartyRole.INVOLVED.value, dtype=object))
            notes.append(objects(RELATIONS)[plan.p_relation[person]])
            orders.append(np.full(int(has.sum()), 3 + r))
        case = np.concatenate(cases)
        perm = np.lexsort((np.concatenate(orders), case))
        return Columns((
            range(first_id, first_id + perm.size), (self.complaint_base + self.start + case[perm]).tolist(),
            np.concatenate(people)[perm].tolist(), np.concatenate(roles)[perm].tolist(),
            np.concatenate(notes)[perm].tolist(),
        ))

    def tokens_of(self, people: I64) -> npt.NDArray[np.object_]:
        """Search tokens of case people: this batch's from ``people``, earlier ones anew."""
        result = np.empty(people.size, dtype=object)
        here = people >= self.first_person
        result[here] = self.person_tokens[people[here] - self.first_person]
        if not here.all():
            result[~here] = self.plan.person_strings(people[~here], self.person_base)["tokens"]
        return result

    def search_texts(self) -> npt.NDArray[np.object_]:
        """``complaints.build_search_text`` for every case of the batch (same words, same order)."""
        plan = self.plan
        year, seq = self.col("year").tolist(), self.col("seq").tolist()
        number = objects([f"{plan.number_prefix} {y} {s:0{WIDTH}d}" for y, s in zip(year, seq)])
        text = number + plan.text_tokens[self.col("text")]
        invoice = self.col("invoice")
        invoice_tokens = objects([
            f" f{y} {i:06d}" if i >= 0 else "" for y, i in zip(self.col("invoice_year").tolist(), invoice.tolist())
        ])
        remedy = self.col("remedy")
        remedy_tokens = np.where(remedy >= 0, plan.remedy_tokens[np.maximum(remedy, 0)], "")
        text = text + invoice_tokens + remedy_tokens.astype(object)
        text = text + " " + self.tokens_of(self.col("complainant"))
        pool_tokens = objects([" " + t for t in self.pool["tokens"]] + [""])
        text = text + pool_tokens[self.col("respondent")] + pool_tokens[self.col("colleague")]
        relatives = self.col("relatives")
        rel_start = self.col("person_start") + self.col("new_complainant")
        for r in range(int(relatives.max(initial=0))):
            has = relatives > r
            tokens = np.full(self.n, "", dtype=object)
            if has.any():
                tokens[has] = " " + self.tokens_of(rel_start[has] + r)
            text = text + tokens
        return text

    # -- events --------------------------------------------------------------------------

    def events(self) -> _Events:
        """The history of every case of the batch, worded as the services word it."""
        plan, staff, case, words = self.plan, self.plan.staff, self.case, self.plan.words
        events = _Events(self.now)
        klacht = self.col("is_klacht")
        kind, channel = self.col("kind").astype(np.int64), self.col("channel").astype(np.int64)
        registrar = np.asarray(staff.customer_service)[self.col("registrar")]
        handler_index = self.col("handler")
        handler = np.asarray(staff.handlers)[handler_index]
        manager = np.full(self.n, staff.manager)
        officer = np.asarray(staff.officers)[self.col("case_officer")]
        by_email = plan.p_email_style[self.col("complainant")] >= 0
        # registration (as complaints.register records it)
        received = self.col("received")
        received_iso = day_strings(received // DAY) + clock_strings()[1][received % DAY] + "+00:00"
        data = ('{"kanaal": "' + words.channels[channel] + '", "ontvangen": "' + received_iso + '", "soort": "'
                + words.kinds[kind] + '", "telt_als": "' + day_strings(self.col("effective")) + '"}')
        events.add(case, self.col("created"), 0, EventType.REGISTERED, registrar,
                   words.registered[kind * len(CHANNELS) + channel], data=data)
        # the ontvangstbevestiging (meets "reactie"); a question is answered and closed by its queue
        reply = np.where(klacht, self.col("reply"), NEVER)
        self.reply_handle = events.add(case, reply, 1, EventType.MESSAGE, manager,
                                       words.sent("Ontvangstbevestiging", by_email))
        # klacht: assignment (status event first, as workflow.assign does), first contact, updates, a note
        assign = self.col("assign")
        self.status_steps(events, handler, manager, officer)
        events.add(case, assign, 3, EventType.ASSIGNED, manager, words.assigned[handler_index],
                   data=words.assigned_data[handler_index])
        first = self.col("first_contact_text")
        self.contact_handle = events.add(case, self.col("contact"), 4, EventType.CONTACT, handler,
                                         words.contact_summary[first], body=words.contact_body[first],
                                         data=words.contact_data[first])
        progress_ = self.col("progress")
        horizon = np.minimum(self.col("solution"), self.now)
        for u in range(2):
            has = klacht & (self.col("updates") > u) & (horizon > progress_ + DAY)
            moment, has = self.during(progress_, horizon, self.col(f"update_at{u}"), has)
            text = (self.col("update_text") + u) % len(UPDATES)
            events.add(case[has], moment[has], 5, EventType.CONTACT, handler[has], words.update_summary[text[has]],
                       body=words.update_body[text[has]], data=words.update_data[text[has]])
        note = self.col("note")
        moment, has = self.during(progress_, horizon, self.col("note_at"), (note >= 0) & (horizon > progress_ + 3600))
        events.add(case[has], moment[has], 6, EventType.NOTE, handler[has], "Notitie", body=words.notes[note[has]])
        # the decision letter (meets "beslissing")
        letter = np.where(self.col("decision_letter"), self.col("decision"), NEVER)
        self.decision_handle = events.add(
            case, letter, 7, EventType.MESSAGE, handler, words.sent("Beslissing op de klacht", by_email),
            body=words.resolutions[self.col("resolution")])
        # the extension of the decision deadline: the notice, then the new due date
        extended = self.col("extended")
        has = extended < NEVER
        self.extension_due = np.full(self.n, -1, dtype=np.int64)
        rule = plan.decision_rule
        if has.any() and rule is not None and rule.extension_to:
            receipt = self.col("receipt_day")[has]
            old = from_d64(plan.statutory.due_in_weeks_bulk(as_d64(receipt), rule.amount))
            due = from_d64(plan.statutory.due_in_weeks_bulk(as_d64(receipt), rule.extension_to))
            self.extension_due[has] = due
            events.add(case[has], extended[has], 8, EventType.MESSAGE, handler[has],
                       words.sent("Verlenging van de beslistermijn", by_email[has]))
            pairs = [(as_date(a), as_date(b)) for a, b in zip(old.tolist(), due.tolist())]
            summary = objects([extension_line(a, b) for a, b in pairs])
            weeks = rule.extension_to - rule.amount
            data = objects([dump_json(extension_data(a, b, weeks)) for a, b in pairs])
            events.add(case[has], extended[has], 9, EventType.DEADLINE, handler[has], summary, data=data)
        self.session_events(events)
        # linked to an improvement measure (as measures.create records it)
        measure = self.col("link_measure")
        has = measure >= 0
        if has.any():
            events.add(case[has], plan.m_created[measure[has]], 11, EventType.MEASURE, manager[has],
                       plan.measure_summaries[measure[has]], body=plan.measure_bodies[measure[has]],
                       data=plan.measure_data[measure[has]])
        return events

    def during(self, start: I64, end: I64, fraction: npt.NDArray[np.float64], mask: npt.NDArray[np.bool_]
               ) -> tuple[I64, npt.NDArray[np.bool_]]:
        """A moment during office hours roughly ``fraction`` of the way from ``start`` to ``end``
        (where ``mask``); the mask drops the ones that do not fall strictly between them."""
        moment = np.full(self.n, NEVER)
        rough = start[mask] + ((end[mask] - start[mask]) * fraction[mask]).astype(np.int64)
        plan = self.plan
        moment[mask] = plan.office(plan.busday(plan.local_day(rough), 0))
        return moment, mask & (moment > start) & (moment < end)

    def session_events(self, events: _Events) -> None:
        """Planned, held (with the confidential report) and cancelled sessions, as the planner words them."""
        plan, staff = self.plan, self.plan.staff
        in_batch = (plan.s_case >= self.start) & (plan.s_case < self.stop)
        self.session_index = np.flatnonzero(in_batch)
        index = self.session_index
        if index.size == 0:
            return
        case = plan.s_case[index] - self.start
        officer = np.asarray(staff.officers)[plan.s_officer[index]]
        events.add(case, plan.s_plan[index], 10, EventType.SESSION, officer, plan.s_planned_summary[index],
                   body=plan.s_participants_text[index], data=plan.s_planned_data[index])
        status = plan.s_status[index]
        held, cancelled = status == 1, status == 2
        end = plan.s_end[index]
        events.add(case[held], end[held], 12, EventType.SESSION, officer[held], plan.s_held_summary[index][held],
                   body=plan.s_held_body[index][held], data=plan.s_held_data[index][held])
        events.add(case[held], end[held], 13, EventType.SESSION, officer[held], plan.s_report_summary[index][held],
                   body=plan.s_report_body[index][held], data=plan.s_report_data[index][held], confidential=True)
        note = held & plan.confidential[index]
        events.add(case[note], end[note] + 1800, 14, EventType.CONFIDENTIAL_NOTE, officer[note],
                   "Vertrouwelijke notitie", body=objects(CONFIDENTIAL_NOTES)[plan.confidential_text[index][note]],
                   confidential=True)
        events.add(case[cancelled], plan.s_cancel_at[index][cancelled], 12, EventType.SESSION, officer[cancelled],
                   plan.s_cancel_summary[index][cancelled], body=plan.s_cancel_body[index][cancelled],
                   data=plan.s_cancel_data[index][cancelled])

    def status_steps(self, events: _Events, handler: I64, manager: I64, officer: I64) -> None:
        """One status event per step that has happened (worded as the workflow words it);
        the current status is the last one."""
        plan, words = self.plan, self.plan.words
        self.close_handles: list[int] = []
        klacht = self.col("is_klacht")
        current = np.where(klacht, STATUS_CODE[S.NEW], STATUS_CODE[S.FORWARDED]).astype(np.int64)
        version = np.ones(self.n, dtype=np.int64)
        closed_at = np.full(self.n, NEVER)
        final = [STATUS_CODE[s] for s in (S.CLOSED, S.REFERRED, S.HANDLED)]
        registrar = np.asarray(plan.staff.customer_service)[self.col("registrar")]
        accepted = np.where(klacht, self.col("accepted"), True).astype(np.int64)
        answer = np.where(klacht, words.resolutions[self.col("resolution")], words.question_answers[self.col("kind")])
        actors = {"assign": manager, "mediation_plan": officer}
        steps = [(status, name, klacht) for status, name in zip(KLACHT_STEPS, KLACHT_TIMES)]
        steps += [(status, name, ~klacht) for status, name in zip(QUESTION_STEPS, QUESTION_TIMES)]
        size = len(STATUSES)
        for status, name, applies in steps:
            at = np.where(applies, self.col(name), NEVER)
            happened = at <= self.now
            to = STATUS_CODE[status]
            code = current * size + to
            body: Any = None
            if status in (S.CLOSED, S.HANDLED):
                summary = words.closed_summary[to * 2 + accepted]
                data = words.closed_data[code * 2 + accepted]
                body = answer
            elif status is S.REOPENED:
                summary, data = words.reopened_summary[current], words.status_data[code]
                body = words.reopen_reasons[self.col("reopen_reason")]
            elif status is S.REFERRED:
                summary, data = REFERRAL_LINE, words.status_data[code]
            else:
                summary, data = words.status_summary[code], words.status_data[code]
            actor = actors.get(name, registrar if name in QUESTION_TIMES else handler)
            handle = events.add(self.case, at, 2 if name == "assign" else 20, EventType.STATUS_CHANGED, actor,
                                summary, body=body, data=data)
            if name in ("closed", "handled"):
                self.close_handles.append(handle)
            current = np.where(happened, to, current)
            version += happened
            if status is not S.REFERRED and to in final:
                closed_at = np.where(happened, at, closed_at)
        self.closed_once = closed_at < NEVER
        self.status = current
        self.version = version
        self.closed_at = np.where(np.isin(current, final), closed_at, NEVER)

    # -- sessions, agreements ---------------------------------------------------------------

    def sessions(self, participant_id: int
                 ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], dict[int, int], int]:
        """The batch's sessions, participants and agreements (prepared by ``_session_texts``)."""
        plan = self.plan
        base = self.complaint_base
        sessions, participants = [], []
        for s in self.session_index.tolist():
            row = plan.session_rows[s]
            sessions.append((row[0], base + int(plan.s_case[s]), *row[2:]))
            for person, role in plan.session_participants[s]:
                participants.append((participant_id, row[0], person, role))
                participant_id += 1
        positions = np.flatnonzero(np.isin(plan.a_session, self.session_index))
        agreements, agreement_ids = [], {}
        for a in positions.tolist():
            row = plan.agreement_rows[a]
            agreements.append((row[0], row[1], base + int(plan.s_case[plan.a_session[a]]), *row[3:]))
            agreement_ids[a] = row[0]
        return sessions, participants, agreements, agreement_ids, participant_id

    # -- deadlines -------------------------------------------------------------------------

    def deadlines(self, events: _Events, first_id: int, agreement_ids: dict[int, int]
                  ) -> tuple[Columns, tuple[I64, npt.NDArray[np.object_]]]:
        plan = self.plan
        kind = self.col("kind")
        closed_at = self.closed_at
        # what meets a deadline, as in the services: any message or the closure gives a reply
        # (messages, workflow.close), the decision letter or the closure the decision
        met_by_handles = {"reactie": [self.reply_handle, self.decision_handle, *self.close_handles],
                          "contact": [self.contact_handle],
                          "beslissing": [self.decision_handle, *self.close_handles]}
        parts: list[dict[str, Any]] = []
        for order, rule in enumerate(plan.settings.deadline_rules):
            applies = np.isin(kind, [KINDS.index(k) for k in rule.applies_to])
            if not applies.any():
                continue
            case = self.case[applies]
            if rule.unit is DeadlineUnit.WORKING_DAYS:
                anchor = self.col("effective")[applies]
                due = from_d64(plan.organisation.due_in_werkdagen_bulk(as_d64(anchor), rule.amount))
            else:
                anchor = self.col("receipt_day")[applies]
                due = from_d64(plan.statutory.due_in_weeks_bulk(as_d64(anchor), rule.amount))
            original = due.copy()
            extended_at = np.full(case.size, NEVER)
            notice = np.full(case.size, None, dtype=object)
            if rule is plan.decision_rule:
                longer = self.extension_due[applies]
                has = longer >= 0
                due[has] = longer[has]
                extended_at[has] = self.col("extended")[applies][has]
                notice[has] = "Brief aan de klager: de beslissing vraagt meer tijd door aanvullend onderzoek."
            met_lookup = np.full(self.n, -1, dtype=np.int64)
            met_time = np.full(self.n, NEVER)
            for handle in met_by_handles[rule.met_by]:
                met_case, met_event, met_at = events.ids_for(handle)
                earlier = met_at < met_time[met_case]
                met_lookup[met_case[earlier]] = met_event[earlier]
                met_time[met_case[earlier]] = met_at[earlier]
            cancelled = np.where((met_time[case] == NEVER) & (closed_at[case] < NEVER), closed_at[case], NEVER)
            parts.append({
                "case": case, "order": np.full(case.size, order), "kind": rule.kind.value,
                "label": rule.description, "unit": rule.unit.value, "amount": np.full(case.size, rule.amount),
                "anchor": anchor, "due": due, "original": original, "extended_at": extended_at, "notice": notice,
                "met_at": met_time[case], "met_by": met_lookup[case], "agreement": np.full(case.size, -1),
                "cancelled": cancelled,
            })
        positions = np.array(sorted(agreement_ids), dtype=np.int64)
        if positions.size:
            case = plan.s_case[plan.a_session[positions]] - self.start
            done = plan.a_done[positions]
            cancelled = np.where((done == NEVER) & (closed_at[case] < NEVER), closed_at[case], NEVER)
            labels = objects([AGREEMENTS[int(t)][:200] for t in plan.a_text[positions].tolist()])
            parts.append({
                "case": case, "order": np.full(case.size, 100) + np.arange(case.size) % 2,
                "kind": DeadlineKind.AGREEMENT.value, "label": labels, "unit": DeadlineUnit.WORKING_DAYS.value,
                "amount": plan.a_amount[positions], "anchor": plan.a_anchor[positions], "due": plan.a_due[positions],
                "original": plan.a_due[positions], "extended_at": np.full(case.size, NEVER),
                "notice": np.full(case.size, None, dtype=object), "met_at": done, "met_by": np.full(case.size, -1),
                "agreement": np.array([agreement_ids[int(a)] for a in positions.tolist()], dtype=np.int64),
                "cancelled": cancelled,
            })

        def cat(key: str) -> Any:
            return np.concatenate([p[key] for p in parts])

        def cat_objects(key: str) -> npt.NDArray[np.object_]:
            return np.concatenate([
                p[key] if isinstance(p[key], np.ndarray) else np.full(p["case"].size, p[key], dtype=object)
                for p in parts
            ])

        case, order = cat("case"), cat("order")
        perm = np.lexsort((order, case))
        case = case[perm]
        ids = np.arange(first_id, first_id + case.size)
        due, met_at, cancelled = cat("due")[perm], cat("met_at")[perm], cat("cancelled")[perm]
        kinds = cat_objects("kind")[perm]
        # next_due: the first open deadline (by due, then id), as deadlines.refresh_next_due keeps it
        open_ = (met_at == NEVER) & (cancelled == NEVER)
        next_due = np.full(self.n, -1, dtype=np.int64)
        next_kind = np.full(self.n, None, dtype=object)
        if open_.any():
            o_case, o_due, o_kind = case[open_], due[open_], kinds[open_]
            first = np.lexsort((ids[open_], o_due, o_case))
            o_case, o_due, o_kind = o_case[first], o_due[first], o_kind[first]
            unique, where = np.unique(o_case, return_index=True)
            next_due[unique] = o_due[where]
            next_kind[unique] = o_kind[where]
        rows = Columns((
            ids.tolist(), (self.complaint_base + self.start + case).tolist(), kinds.tolist(),
            cat_objects("label")[perm].tolist(), cat_objects("unit")[perm].tolist(), cat("amount")[perm].tolist(),
            iso_days(cat("anchor")[perm]), iso_days(due), iso_days(cat("original")[perm]), iso_moments(cat("extended_at")[perm]),
            cat_objects("notice")[perm].tolist(), iso_moments(met_at), _ints(cat("met_by")[perm]),
            _ints(cat("agreement")[perm]), iso_moments(cancelled),
        ))
        return rows, (next_due, next_kind)

    # -- complaints ------------------------------------------------------------------------

    def complaints(self, events: _Events, next_due: tuple[I64, npt.NDArray[np.object_]]) -> Columns:
        plan, staff = self.plan, self.plan.staff
        n = self.n
        kind, year, seq = self.col("kind"), self.col("year"), self.col("seq")
        numbers = [format_number(y, s) for y, s in zip(year.tolist(), seq.tolist())]
        kinds = objects([k.value for k in KINDS])[kind].tolist()
        channels = objects([c.value for c in CHANNELS])[self.col("channel")].tolist()
        services = objects(list(plan.services))[self.col("service")].tolist()
        category = self.col("category")
        categories = np.where(category >= 0, objects(list(plan.categories) + [None])[category], None).tolist()
        texts = plan.texts[self.col("text")].tolist()
        incident = self.col("incident")
        discussed = [None if d < 0 else bool(d) for d in self.col("discussed").tolist()]
        remedy = self.col("remedy")
        remedies = np.where(remedy >= 0, plan.remedies[np.maximum(remedy, 0)], None).tolist()
        invoices = [f"F{y}-{i:06d}" if i >= 0 else None
                    for y, i in zip(self.col("invoice_year").tolist(), self.col("invoice").tolist())]
        queue_names = [plan.lists.queues[k].name if k in plan.lists.queues else None for k in KINDS]
        queues = objects(queue_names)[kind].tolist()
        status_codes = self.status
        statuses = objects([s.value for s in STATUSES])[status_codes].tolist()
        assigned = self.col("assign") <= self.now
        handler = np.where(assigned, np.asarray(staff.handlers)[self.col("handler")], -1)
        klacht = self.col("is_klacht")
        proposed = (self.col("solution") <= self.now) | (self.col("re_solution") <= self.now)
        answer = plan.words.question_answers[kind]
        resolutions = np.where(klacht, np.where(proposed, plan.words.resolutions[self.col("resolution")], None),
                               np.where(self.closed_once, answer, None)).tolist()
        accepted = np.where(self.closed_once, np.where(self.col("accepted") | ~klacht, Acceptance.YES.value,
                                                       Acceptance.NO.value), None).tolist()
        dispute = self.col("dispute")
        disputes = np.where(dispute >= 0, objects(DISPUTE_OUTCOMES)[np.maximum(dispute, 0)], None).tolist()
        due, due_kind = next_due
        # updated_at: the last event of the case
        updated = self.col("created").copy()
        np.maximum.at(updated, events.case, events.at)
        registrar = np.asarray(staff.customer_service)[self.col("registrar")]
        return Columns((
            range(self.complaint_base + self.start, self.complaint_base + self.stop), numbers, year.tolist(),
            seq.tolist(), kinds, channels, iso_moments(self.col("received")), iso_days(self.col("effective")), services,
            categories, texts, iso_days(incident, incident >= 0), discussed, remedies, invoices, queues, statuses,
            (self.person_base + self.col("complainant")).tolist(), _ints(handler), resolutions, accepted, disputes,
            iso_moments(self.closed_at), iso_days(due, due >= 0), due_kind.tolist(), registrar.tolist(),
            iso_moments(self.col("created")), iso_moments(updated), [None] * n, self.version.tolist(),
        ))


    def searches(self) -> Columns:
        """The batch's rows of ``complaint_search``: each case's id and search text."""
        return Columns((range(self.complaint_base + self.start, self.complaint_base + self.stop),
                        self.search_texts().tolist()))
