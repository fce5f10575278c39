"""The plan: every decision for every case of one load, as numpy arrays (the calendars'
``*_bulk`` functions for receipts and deadlines); the strings come per batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlmodel import Session

from klachtdesk.demo.staff import DemoStaff
from klachtdesk.demo.values import (
    DAY,
    I64,
    NEVER,
    as_d64,
    ascii_letters,
    from_d64,
    keyword_index,
    objects,
    offsets,
)
from klachtdesk.demo.words import (
    ACCOUNT_TEXTS,
    AGREEMENTS,
    AREA_CODES,
    AREA_TOWNS,
    CANCEL_REASONS,
    CATEGORY_TEXTS,
    CHANNEL_P,
    CHECK_FINDINGS,
    CONFIDENTIAL_NOTES,
    DISPUTE_OUTCOMES,
    EMAIL_DOMAINS,
    EMAIL_DOMAIN_P,
    FIRST_CONTACTS,
    FIRST_NAMES,
    FUNCTIONS,
    GENERIC_MEASURES,
    GENERIC_TEXTS,
    INVOICE_TEXTS,
    KIND_P,
    MEASURE_TITLES,
    MOBILE_OFFSET,
    MOBILE_SECOND_DIGITS,
    MOBILE_SPACE,
    MOBILE_STEP,
    NOTES,
    POSTCODE_LETTERS,
    RELATIONS,
    REMEDIES,
    REOPEN_REASONS,
    RESOLUTIONS,
    SESSION_OUTCOMES,
    STREETS,
    SURNAMES,
    TEAMS,
    UPDATES,
    WORK_DOMAIN,
    Words,
)
from klachtdesk.models import DeadlineUnit, MeasureKind
from klachtdesk.services.cases.numbering import PREFIX, reserve_block
from klachtdesk.services.core.context import Context
from klachtdesk.services.people.contact_details import search_tokens
from klachtdesk.services.time.calendar import amsterdam_dates_bulk


# =======================================================================================
# the plan: every decision for every case, as numpy arrays
# =======================================================================================


class Plan:
    """All cases of one load, planned at once (cheap arrays; the strings come per batch)."""

    def __init__(self, context: Context, count: int, seed: int, staff: DemoStaff) -> None:
        self.context = context
        self.n = count
        self.rng = np.random.default_rng(seed)
        self.staff = staff
        self.now = int(np.datetime64(context.now().replace(tzinfo=None), "s").astype(np.int64))
        self.today = int(np.datetime64(context.today(), "D").astype(np.int64))
        calendars = context.calendars
        self.organisation = calendars.organisation
        self.statutory = calendars.statutory
        self.busdays = self.organisation.busdaycalendar
        hours = self.organisation.office_hours
        self.open_s = hours.start.hour * 3600 + hours.start.minute * 60
        self.close_s = hours.end.hour * 3600 + hours.end.minute * 60
        self.settings = context.settings
        self.lists = context.settings.lists
        self.words = Words(context, staff)
        self._vocabulary()
        self._receipts()
        self._content()
        self._people()
        self._timeline()
        self._sessions()
        self._closing()
        self._measures()

    # -- time helpers ------------------------------------------------------------------

    def busday(self, days: I64, offset: I64 | int) -> I64:
        """The ``offset``-th werkdag after each day (a day off first rolls forward)."""
        return from_d64(np.busday_offset(as_d64(days), offset, roll="forward", busdaycal=self.busdays))

    def office(self, days: I64, low: float = 0.0, high: float = 1.0) -> I64:
        """A moment (UTC seconds) during office hours on each day, at a random fraction of the day."""
        span = self.close_s - self.open_s - 1800
        fraction = self.rng.uniform(low, high, size=days.shape)
        clock = self.open_s + (fraction * span).astype(np.int64) // 60 * 60
        local = days * DAY + clock
        return local - offsets(days)

    def local_day(self, seconds: I64) -> I64:
        """The Amsterdam date (day number) of UTC moments; NEVER gives a day far in the future."""
        present = seconds < NEVER
        safe = np.where(present, seconds, 0)
        return np.where(present, (safe + offsets(safe // DAY)) // DAY, NEVER // DAY)

    def after(self, previous: I64, werkdagen: I64 | int, minimum: int = 600) -> I64:
        """An office moment ``werkdagen`` werkdagen after each previous moment, never before it
        (NEVER stays NEVER)."""
        result = np.full(previous.shape, NEVER)
        present = previous < NEVER
        before = previous[present]
        offset = werkdagen[present] if isinstance(werkdagen, np.ndarray) else werkdagen
        moment = self.office(self.busday(self.local_day(before), offset))
        jitter = self.rng.integers(0, 3600, size=before.shape)
        result[present] = np.maximum(moment, before + minimum + jitter)
        return result

    def choose(self, values: Sequence[int], p: Sequence[float], size: int) -> I64:
        return self.rng.choice(np.asarray(values, dtype=np.int64), size=size, p=np.asarray(p) / np.sum(p))

    # -- vocabulary --------------------------------------------------------------------

    def _vocabulary(self) -> None:
        self.first_names = objects(FIRST_NAMES)
        self.first_tokens = objects([search_tokens(name) for name in FIRST_NAMES])
        surnames = [f"{tv} {last}" if tv else last for tv, last in SURNAMES]
        self.surnames = objects(surnames)
        self.surname_tokens = objects([search_tokens(name) for name in surnames])
        self.surname_p = 1.0 / (np.arange(len(SURNAMES)) + 8.0)
        self.domains = objects(EMAIL_DOMAINS)
        self.domain_tokens = objects([search_tokens(domain) for domain in EMAIL_DOMAINS])
        self.first_ascii = objects([ascii_letters(name) for name in FIRST_NAMES])
        self.first_initial = objects([ascii_letters(name)[0] for name in FIRST_NAMES])
        self.surname_ascii = objects([ascii_letters(f"{tv} {last}") for tv, last in SURNAMES])
        self.two_digits = objects([f"{i:02d}" for i in range(100)])
        self.area_codes = np.asarray(AREA_CODES, dtype=np.int64)
        services = self.lists.service_types
        categories = self.lists.categories
        self.services = services
        self.categories = categories
        # descriptions: one flat list, an index range per category / question kind
        texts: list[str] = []
        self.category_texts: list[tuple[int, int]] = []
        for category in categories:
            key = next((k for k in CATEGORY_TEXTS if k in category.lower()), None)
            chosen = CATEGORY_TEXTS[key] if key else GENERIC_TEXTS
            self.category_texts.append((len(texts), len(chosen)))
            texts.extend(chosen)
        self.invoice_texts = (len(texts), len(INVOICE_TEXTS))
        texts.extend(INVOICE_TEXTS)
        self.account_texts = (len(texts), len(ACCOUNT_TEXTS))
        texts.extend(ACCOUNT_TEXTS)
        self.texts = objects(texts)
        self.text_tokens = objects([" " + search_tokens(t) for t in texts])
        self.remedies = objects(REMEDIES)
        self.remedy_tokens = objects([" " + search_tokens(t) for t in REMEDIES])
        self.number_prefix = search_tokens(PREFIX)

    # -- receipts ----------------------------------------------------------------------

    def _receipts(self) -> None:
        rng, n = self.rng, self.n
        first_day = self.today - 730
        days = np.arange(first_day, self.today + 1, dtype=np.int64)
        age = (days - first_day) / 730.0
        doy = (days - from_d64(as_d64(days).astype("datetime64[Y]").astype("datetime64[D]"))).astype(float)
        weight = (1.0 + 0.35 * age) * (1.0 + 0.15 * np.cos(2 * np.pi * (doy - 20) / 365.25))
        werkdag = np.is_busday(as_d64(days), busdaycal=self.busdays)
        kind = rng.choice(3, size=n, p=KIND_P).astype(np.int8)
        channel = np.zeros(n, dtype=np.int8)
        for k in range(3):
            mask = kind == k
            channel[mask] = rng.choice(5, size=int(mask.sum()), p=CHANNEL_P[k])
        office_channel = np.isin(channel, (0, 3, 4))  # telefoon, brief, balie: on werkdagen
        day = np.empty(n, dtype=np.int64)
        for mask, w in ((office_channel, weight * werkdag), (~office_channel, weight * np.where(werkdag, 1.0, 0.35))):
            day[mask] = rng.choice(days, size=int(mask.sum()), p=w / w.sum())
        clock = np.empty(n, dtype=np.int64)
        phone_desk = np.isin(channel, (0, 4))
        clock[phone_desk] = (8.5 * 3600 + rng.beta(2, 2, int(phone_desk.sum())) * 9 * 3600).astype(np.int64)
        letter = channel == 3
        clock[letter] = (9 * 3600 + rng.uniform(0, 3 * 3600, int(letter.sum()))).astype(np.int64)
        online = ~office_channel
        size = int(online.sum())
        anytime = rng.uniform(0, DAY, size)
        daytime = 6 * 3600 + rng.beta(2, 2, size) * 18 * 3600
        clock[online] = np.where(rng.random(size) < 0.25, anytime, daytime).astype(np.int64)
        clock = np.minimum(clock, DAY - 1)
        late = day * DAY + clock - offsets(day) > self.now - 60  # later today than now: a day earlier
        day[late] -= 1
        day[office_channel] = from_d64(np.busday_offset(as_d64(day[office_channel]), 0, roll="backward",
                                                         busdaycal=self.busdays))
        received = day * DAY + clock - offsets(day)
        order = np.argsort(received, kind="stable")
        self.kind, self.channel, self.received = kind[order], channel[order], received[order]
        self.is_klacht = self.kind == 0
        moments = self.received.astype("datetime64[s]")
        self.receipt_day = from_d64(amsterdam_dates_bulk(moments))
        self.effective = from_d64(self.organisation.effective_receipt_days_bulk(moments))
        self.year = (as_d64(self.receipt_day).astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int64)
        # registration: calls and visits at once, the rest during the next office hours
        local_clock = (self.received + offsets(self.receipt_day)) % DAY
        in_office = (self.effective == self.receipt_day) & (local_clock >= self.open_s) & (local_clock < self.close_s)
        created = np.where(
            in_office, self.received + rng.integers(600, 7200, n), self.office(self.effective, 0.0, 0.25)
        )
        instant = np.isin(self.channel, (0, 4))
        created[instant] = self.received[instant] + rng.integers(60, 1200, int(instant.sum()))
        created = np.maximum(created, self.received + 60)
        future = created > self.now
        created[future] = self.received[future] + (self.now - self.received[future]) // 2
        self.created = created

    def assign_numbers(self, session: Session) -> None:
        """Klachtnummers per year of receipt, in receipt order, from ``reserve_block``."""
        self.seq = np.zeros(self.n, dtype=np.int64)
        self.ranges: list[tuple[int, int, int]] = []
        years, starts, counts = np.unique(self.year, return_index=True, return_counts=True)
        for year, start, count in zip(years.tolist(), starts.tolist(), counts.tolist()):
            first = reserve_block(session, year, count)
            self.seq[start:start + count] = first + np.arange(count)
            self.ranges.append((year, first, first + count - 1))

    # -- content -----------------------------------------------------------------------

    def _content(self) -> None:
        rng, n = self.rng, self.n
        services, categories = self.services, self.categories
        invoice_service = keyword_index(services, "factu", "abonnement")
        account_service = keyword_index(services, "account", "app")
        service_weights = rng.dirichlet(np.full(len(services), 3.0))
        for index in (invoice_service, account_service):
            if index >= 0 and len(services) > 2:
                service_weights[index] *= 0.3
        service = rng.choice(len(services), size=n, p=service_weights / service_weights.sum()).astype(np.int64)
        for k, index in ((1, invoice_service), (2, account_service)):
            mask = (self.kind == k) & (rng.random(n) < 0.85)
            if index >= 0:
                service[mask] = index
        category_weights = rng.dirichlet(np.full(len(categories), 3.0))
        category = rng.choice(len(categories), size=n, p=category_weights).astype(np.int64)
        category[rng.random(n) < 0.04] = -1  # not (yet) classified
        for k, keywords in ((1, ("financ", "factu")), (2, ("techn", "account"))):
            category[self.kind == k] = keyword_index(categories, *keywords)
        self.service, self.category = service, category
        # description: a text of the category (klacht) or of the question kind
        text = np.empty(n, dtype=np.int64)
        klacht = self.is_klacht
        starts = np.array([s for s, _ in self.category_texts] + [self.category_texts[0][0]])
        sizes = np.array([c for _, c in self.category_texts] + [self.category_texts[0][1]])
        cat = np.where(category >= 0, category, len(categories))
        pick = (rng.random(n) * sizes[cat]).astype(np.int64)
        text[klacht] = (starts[cat] + pick)[klacht]
        for k, (start, size) in ((1, self.invoice_texts), (2, self.account_texts)):
            mask = self.kind == k
            text[mask] = start + rng.integers(0, size, int(mask.sum()))
        self.text = text
        self.incident = np.where(klacht & (rng.random(n) < 0.75),
                                 self.receipt_day - rng.geometric(0.15, n) + 1, -1).astype(np.int64)
        self.discussed = np.where(klacht, rng.choice(3, size=n, p=(0.2, 0.35, 0.45)) - 1, -1).astype(np.int8)
        self.remedy = np.where(klacht & (rng.random(n) < 0.6), rng.integers(0, len(REMEDIES), n), -1)
        invoice = self.kind == 1
        self.invoice = np.where(invoice, rng.integers(1, 10**6, n), -1)
        self.invoice_year = self.year - (rng.random(n) < 0.3)

    # -- people ------------------------------------------------------------------------

    def _people(self) -> None:
        rng, n = self.rng, self.n
        klacht = self.is_klacht
        # the organisation's people a complaint can be about (a pool)
        pool = int(np.clip(n // 40, 12, 4000))
        self.pool = pool
        self.pool_first = rng.integers(0, len(FIRST_NAMES), pool)
        self.pool_surname = rng.choice(len(SURNAMES), size=pool, p=self.surname_p / self.surname_p.sum())
        self.pool_team = rng.integers(0, len(TEAMS), pool)
        self.pool_function = rng.integers(0, len(FUNCTIONS), pool)
        self.pool_area = rng.integers(0, len(AREA_CODES), pool)
        self.pool_phone = rng.integers(2 * 10**6, 10**7, pool)
        self.respondent = np.where(klacht & (rng.random(n) < 0.65), rng.integers(0, pool, n), -1)
        involved = np.where(klacht & (rng.random(n) < 0.3), rng.choice((1, 2, 3), size=n, p=(0.6, 0.3, 0.1)), 0)
        colleague = (involved > 0) & (rng.random(n) < 0.35)
        colleague_index = rng.integers(0, pool, n)
        colleague_index = np.where(colleague_index == self.respondent, (colleague_index + 1) % pool, colleague_index)
        self.colleague = np.where(colleague, colleague_index, -1)
        self.relatives = (involved - colleague).astype(np.int64)
        # case people (complainants and relatives), numbered in case order
        new = np.ones(n, dtype=bool)
        if n > 20:
            new[20:] = rng.random(n - 20) >= 0.07  # one in fourteen complains again
        per_case = new.astype(np.int64) + self.relatives
        self.person_start = np.cumsum(per_case) - per_case
        self.people = int(per_case.sum())
        earlier = (rng.random(n) * np.arange(n)).astype(np.int64)
        pointer = np.where(new, np.arange(n), earlier)
        while True:
            following = pointer[pointer]
            if np.array_equal(following, pointer):
                break
            pointer = following
        self.complainant = self.person_start[pointer]
        self.new_complainant = new
        # attributes of every case person
        p = self.people
        self.p_first = rng.integers(0, len(FIRST_NAMES), p)
        self.p_surname = rng.choice(len(SURNAMES), size=p, p=self.surname_p / self.surname_p.sum())
        is_complainant = np.zeros(p, dtype=bool)
        is_complainant[self.person_start[new]] = True
        person_channel = np.full(p, -1, dtype=np.int64)
        person_channel[self.person_start[new]] = self.channel[new]
        u = rng.random(p)
        has_phone = np.where(is_complainant, u < 0.9, u < 0.7)
        has_email = np.where(is_complainant, rng.random(p) < 0.65, rng.random(p) < 0.35)
        has_phone |= person_channel == 0
        has_email |= np.isin(person_channel, (1, 2))
        has_phone |= is_complainant & ~has_email
        self.p_phone_kind = np.where(has_phone, np.where(rng.random(p) < 0.78, 1, 2), 0).astype(np.int8)
        self.p_area = rng.integers(0, len(AREA_CODES), p)
        self.p_landline = rng.integers(2 * 10**6, 10**7, p)
        self.mobile_offset = MOBILE_OFFSET
        self.p_email_style = np.where(has_email, rng.choice(3, size=p, p=(0.55, 0.25, 0.2)), -1).astype(np.int8)
        self.p_email_number = rng.integers(1, 100, p)
        self.p_domain = rng.choice(len(EMAIL_DOMAINS), size=p, p=EMAIL_DOMAIN_P)
        self.p_relation = rng.integers(0, len(RELATIONS), p)
        # who registered, who handles
        self.registrar = rng.integers(0, len(self.staff.customer_service), n)
        self.handler = rng.integers(0, len(self.staff.handlers), n)

    def person_strings(self, index: I64, global_offset: int) -> dict[str, Any]:
        """Name, phone, e-mail (lists) and search tokens (object array) of case people ``index``.

        ``global_offset`` (the first person id of this load) keeps mobile numbers unique
        across loads. The tokens are ``search_tokens`` of name, e-mail and the digit forms
        of the phone number, exactly as ``complaints.build_search_text`` makes them: the
        name tokens come from ``search_tokens`` per name part; an e-mail local part has only
        letters, digits and dots; a Dutch E.164 number ``+31NNN`` has the forms ``31NNN``,
        ``NNN`` and ``0NNN`` (see ``contact_details.phone_search_forms``).
        """
        first, surname = self.p_first[index], self.p_surname[index]
        names = self.first_names[first] + " " + self.surnames[surname]
        tokens = self.first_tokens[first] + " " + self.surname_tokens[surname]
        kind = self.p_phone_kind[index]
        mobile = ((index + global_offset) * MOBILE_STEP + self.mobile_offset) % MOBILE_SPACE
        mobile_national = 6 * 10**8 + MOBILE_SECOND_DIGITS[mobile // 10**7] * 10**7 + mobile % 10**7
        landline_national = self.area_codes[self.p_area[index]] * 10**7 + self.p_landline[index]
        national = objects(list(map(str, np.where(kind == 1, mobile_national, landline_national).tolist())))
        has_phone = kind > 0
        phones = np.where(has_phone, "+31" + national, None)
        phone_tokens = np.where(has_phone, " 31" + national + " " + national + " 0" + national, "")
        style = self.p_email_style[index]
        given, family = self.first_ascii[first], self.surname_ascii[surname]
        domain = self.p_domain[index]
        dotted = np.where(style == 0, given, self.first_initial[first]) + "." + family
        plain = given + family + self.two_digits[self.p_email_number[index]]
        local = np.where(style == 2, plain, dotted)
        local_tokens = np.where(style == 2, plain, np.where(style == 0, given, self.first_initial[first]) + " " + family)
        has_email = style >= 0
        emails = np.where(has_email, local + "@" + self.domains[domain], None)
        tokens = tokens + np.where(has_email, " " + local_tokens + " " + self.domain_tokens[domain], "") + phone_tokens
        return {"name": names.tolist(), "phone": phones.tolist(), "email": emails.tolist(), "tokens": tokens}

    def person_addresses(self, index: I64) -> dict[str, list[str]]:
        """Street and number, postcode (``1234 AB``) and town of case people ``index``: in
        the town of their area code, where a letter to them goes."""
        towns = [AREA_TOWNS[area] for area in self.p_area[index].tolist()]
        numbers = index.tolist()
        return {
            "street": [f"{STREETS[i % len(STREETS)]} {1 + (i * 13) % 150}" for i in numbers],
            "postcode": [f"{town[1]}{(i * 7) % 100:02d} {POSTCODE_LETTERS[i % len(POSTCODE_LETTERS)]}"
                         for town, i in zip(towns, numbers, strict=True)],
            "city": [town[0] for town in towns],
        }

    def pool_strings(self) -> dict[str, list[Any]]:
        names = (self.first_names[self.pool_first] + " " + self.surnames[self.pool_surname]).tolist()
        emails, phones, tokens = [], [], []
        for name, f, s, area, number in zip(names, self.pool_first.tolist(), self.pool_surname.tolist(),
                                            self.pool_area.tolist(), self.pool_phone.tolist()):
            local = f"{self.first_ascii[f][0]}.{self.surname_ascii[s]}"
            national = AREA_CODES[area] * 10**7 + number
            emails.append(f"{local}@{WORK_DOMAIN}")
            phones.append(f"+31{national}")
            tokens.append(
                f"{self.first_tokens[f]} {self.surname_tokens[s]} {self.first_ascii[f][0]} {self.surname_ascii[s]} "
                f"{search_tokens(WORK_DOMAIN)} 31{national} {national} 0{national}"
            )
        return {"name": names, "phone": phones, "email": emails, "tokens": tokens,
                "team": [TEAMS[t] for t in self.pool_team.tolist()],
                "function": [FUNCTIONS[f] for f in self.pool_function.tolist()]}

    # -- timeline up to the investigation -----------------------------------------------

    def _timeline(self) -> None:
        rng, n = self.rng, self.n
        klacht = self.is_klacht
        stuck = rng.random(n) < 0.02  # cases that get stuck somewhere: the overdue ones
        self.stuck = stuck
        # reply (ontvangstbevestiging / antwoord): mostly within 3 werkdagen
        reply_k = self.choose(range(8), (25, 35, 20, 12, 4, 2, 1, 1), n)
        reply_k = np.where(stuck & ~klacht, reply_k + rng.integers(5, 40, n), reply_k)
        self.reply = np.maximum(self.office(self.busday(self.effective, reply_k)),
                                self.created + rng.integers(900, 5400, n))
        # assignment by the klachtenmanager, first contact by the handler
        assign_k = self.choose(range(4), (50, 35, 12, 3), n)
        self.assign = np.where(klacht, np.maximum(self.office(self.busday(self.effective, assign_k)),
                                                  self.created + rng.integers(300, 3600, n)), NEVER)
        contact_k = self.choose(range(1, 7), (45, 40, 8, 4, 2, 1), n)
        contact_k = np.where(stuck, contact_k + rng.integers(3, 15, n), contact_k)
        contact = np.maximum(self.office(self.busday(self.effective, contact_k)),
                             self.assign + rng.integers(900, 7200, n))
        self.contact = np.where(klacht, contact, NEVER)
        self.progress = np.where(klacht, self.contact + rng.integers(60, 900, n), NEVER)
        self.updates = np.where(klacht, rng.choice(3, size=n, p=(0.7, 0.25, 0.05)), 0)
        self.update_text = rng.integers(0, len(UPDATES), n)
        self.first_contact_text = rng.integers(0, len(FIRST_CONTACTS), n)
        self.note = np.where(klacht & (rng.random(n) < 0.25), rng.integers(0, len(NOTES), n), -1)
        self.note_at = rng.uniform(0.1, 0.9, n)
        self.update_at0 = rng.uniform(0.2, 0.5, n)
        self.update_at1 = rng.uniform(0.6, 0.9, n)
        # questions: answered (handled) by the queue
        question = ~klacht
        self.handled = np.where(question, self.reply + rng.integers(60, 600, n), NEVER)

    # -- mediation sessions (few: two klachtenfunctionarissen, four slots a werkdag) --------

    def _sessions(self) -> None:
        rng, n = self.rng, self.n
        officers = len(self.staff.officers)
        slot_starts = []
        start = self.open_s
        while start + 90 * 60 <= self.close_s:
            slot_starts.append(start)
            start += 120 * 60
        days = np.arange(self.today - 740, self.today + 60, dtype=np.int64)
        werkdagen = days[np.is_busday(as_d64(days), busdaycal=self.busdays)]
        day_position = {int(d): i for i, d in enumerate(werkdagen.tolist())}
        capacity = officers * len(slot_starts) * len(werkdagen)
        eligible = self.is_klacht & (self.respondent >= 0) & (self.progress <= self.now)
        p = min(0.12, 0.5 * capacity / max(1, int(eligible.sum())))
        wanted = eligible & (rng.random(n) < p)
        plan = np.full(n, NEVER)
        plan[wanted] = self.after(self.progress[wanted], rng.integers(1, 5, int(wanted.sum())))
        wanted &= plan <= self.now
        candidates = np.flatnonzero(wanted)
        earliest = self.busday(self.local_day(plan[candidates]), rng.integers(3, 9, candidates.size))
        all_involved = (self.relatives[candidates] + (self.colleague[candidates] >= 0) > 0) & (
            rng.random(candidates.size) < 0.4)
        preferred = rng.integers(0, officers, candidates.size)
        held_roll = rng.random(candidates.size)
        outcome = rng.integers(0, len(SESSION_OUTCOMES), candidates.size)
        video = rng.random(candidates.size) < 0.2
        taken_officer: set[tuple[int, int, int]] = set()
        busy: dict[tuple[int, int], set[int]] = {}
        sessions: list[tuple[int, ...]] = []
        for position in np.argsort(earliest, kind="stable").tolist():
            case = int(candidates[position])
            people = self.session_people(case, bool(all_involved[position]))
            first = day_position.get(int(earliest[position]))
            if first is None:
                continue
            found = None
            for day_index in range(first, min(first + 15, len(werkdagen))):
                for slot in range(len(slot_starts)):
                    taken = busy.get((day_index, slot))
                    if taken is not None and not taken.isdisjoint(people):
                        continue
                    for shift in range(officers):
                        officer = (int(preferred[position]) + shift) % officers
                        if (day_index, slot, officer) not in taken_officer:
                            found = (day_index, slot, officer)
                            break
                    if found:
                        break
                if found:
                    break
            if found is None:
                continue
            day_index, slot, officer = found
            taken_officer.add(found)
            busy.setdefault((day_index, slot), set()).update(people)
            sessions.append((case, int(werkdagen[day_index]), slot_starts[slot], officer,
                             int(all_involved[position]), int(held_roll[position] * 100),
                             int(outcome[position]), int(video[position])))
        sessions.sort()
        count = len(sessions)
        self.sessions = count
        columns = list(zip(*sessions)) if sessions else [()] * 8
        self.s_case = np.array(columns[0], dtype=np.int64)
        s_day = np.array(columns[1], dtype=np.int64)
        s_clock = np.array(columns[2], dtype=np.int64)
        self.s_officer = np.array(columns[3], dtype=np.int64)
        self.s_all = np.array(columns[4], dtype=bool)
        self.s_outcome = np.array(columns[6], dtype=np.int64)
        self.s_video = np.array(columns[7], dtype=bool)
        self.s_start = s_day * DAY + s_clock - offsets(s_day)
        self.s_end = self.s_start + np.where(self.s_all, 90, 60) * 60
        self.s_day = s_day
        self.s_plan = plan[self.s_case]
        roll = np.array(columns[5], dtype=np.int64)
        self.s_status = np.where(self.s_start > self.now, 0, np.where(roll < 7, 2, 1))  # gepland/gehouden/geannuleerd
        self.case_officer = np.zeros(n, dtype=np.int64)
        self.case_officer[self.s_case] = self.s_officer
        self.mediation_plan = np.full(n, NEVER)
        self.mediation_plan[self.s_case] = self.s_plan
        self.session_end = np.full(n, NEVER)
        self.session_end[self.s_case] = self.s_end
        # agreements of held sessions: one or two each
        held = np.flatnonzero(self.s_status == 1)
        per = rng.choice((1, 2), size=held.size, p=(0.6, 0.4))
        self.a_session = np.repeat(held, per)
        m = self.a_session.size
        self.a_text = rng.integers(0, len(AGREEMENTS), m)
        self.a_amount = rng.integers(5, 16, m)
        self.a_anchor = self.s_day[self.a_session]
        self.a_due = from_d64(self.organisation.due_in_werkdagen_bulk(as_d64(self.a_anchor), 0))
        for amount in np.unique(self.a_amount).tolist():
            mask = self.a_amount == amount
            self.a_due[mask] = from_d64(self.organisation.due_in_werkdagen_bulk(as_d64(self.a_anchor[mask]), amount))
        done = self.busday(self.a_due, -rng.integers(0, 4, m))
        done = np.maximum(done, self.a_anchor)
        late = rng.random(m) < 0.12
        done[late] = self.busday(self.a_due[late], rng.integers(1, 6, int(late.sum())))
        done_at = self.office(done)
        done_at = np.maximum(done_at, self.s_end[self.a_session] + 3600)
        self.a_done = np.where((rng.random(m) < 0.95) & (done_at <= self.now), done_at, NEVER)
        self.a_owner_kind = rng.integers(0, 3, m)  # aangeklaagde, behandelaar, klachtenfunctionaris
        self.confidential = rng.random(count) < 0.3
        self.confidential_text = rng.integers(0, len(CONFIDENTIAL_NOTES), count)
        self.cancel_text = rng.integers(0, len(CANCEL_REASONS), count)
        cancel_day = self.busday(self.local_day(self.s_start - rng.integers(DAY // 2, 3 * DAY, count)), 0)
        self.s_cancel_at = np.maximum(self.office(cancel_day), self.s_plan + 600)
        self.s_cancel_at = np.where(self.s_cancel_at < self.s_start, self.s_cancel_at, self.s_start - 1800)

    def session_people(self, case: int, all_involved: bool) -> set[int]:
        """Keys for the people in a session (case people >= 0, pool people < 0)."""
        people = {int(self.complainant[case]), -1 - int(self.respondent[case])}
        if all_involved:
            if self.colleague[case] >= 0:
                people.add(-1 - int(self.colleague[case]))
            start = int(self.person_start[case]) + int(self.new_complainant[case])
            people.update(range(start, start + int(self.relatives[case])))
        return people

    # -- investigation, decision, closure ----------------------------------------------

    def _closing(self) -> None:
        rng, n = self.rng, self.n
        klacht = self.is_klacht
        # the decision (oplossing voorgesteld + beslissing verstuurd), in calendar days
        spread = 7 + rng.gamma(2.0, 8.0, n)
        spread = np.where(self.stuck, rng.uniform(60, 300, n), spread)
        target = self.busday(self.receipt_day + spread.astype(np.int64), 0)
        solution = np.maximum(self.office(target), self.progress + DAY // 2)
        mediated = self.session_end < NEVER
        solution[mediated] = self.after(self.session_end[mediated], rng.integers(1, 8, int(mediated.sum())))
        self.solution = np.where(klacht, solution, NEVER)
        self.decision = np.where(klacht, self.solution + rng.integers(120, 900, n), NEVER)
        # most decisions go out as a letter; otherwise the closure itself gives the decision
        self.decision_letter = klacht & (rng.random(n) < 0.7)
        accepted = rng.random(n) < 0.85
        self.accepted = accepted
        resolved = self.after(self.decision, rng.integers(1, 8, n))
        resolved_step = accepted & (rng.random(n) < 0.7)  # else closed at once from "oplossing voorgesteld"
        self.resolved = np.where(klacht & resolved_step, resolved, NEVER)
        closed = np.where(accepted, self.after(np.where(resolved_step, resolved, self.decision), rng.integers(0, 4, n)),
                          self.after(self.decision, rng.integers(5, 15, n)))
        self.closed = np.where(klacht, closed, NEVER)
        referred = klacht & ~accepted & (rng.random(n) < 0.35)
        self.referred = np.where(referred, self.after(self.closed, rng.integers(3, 25, n)), NEVER)
        self.dispute = np.where(referred & (self.referred + 120 * DAY <= self.now),
                                rng.integers(0, len(DISPUTE_OUTCOMES), n), -1)
        reopen = klacht & accepted & (rng.random(n) < 0.04)
        self.reopen = np.where(reopen, self.after(self.closed, rng.integers(3, 40, n)), NEVER)
        self.re_progress = np.where(reopen, self.after(self.reopen, rng.integers(3, 20, n)), NEVER)
        self.re_solution = np.where(reopen, self.after(self.re_progress, rng.integers(5, 20, n)), NEVER)
        self.re_closed = np.where(reopen, self.after(self.re_solution, rng.integers(1, 5, n)), NEVER)
        self.resolution = rng.integers(0, len(RESOLUTIONS), n)
        self.reopen_reason = rng.integers(0, len(REOPEN_REASONS), n)
        question = ~klacht
        q_reopen = question & (rng.random(n) < 0.03)
        self.q_reopen = np.where(q_reopen, self.after(self.handled, rng.integers(2, 20, n)), NEVER)
        self.q_rehandled = np.where(q_reopen, self.after(self.q_reopen, rng.integers(1, 10, n)), NEVER)
        # the statutory decision deadline, and its extension before it ends
        self.decision_rule = next(
            (r for r in self.settings.deadline_rules
             if r.met_by == "beslissing" and r.unit is DeadlineUnit.WEEKS and r.extension_to), None)
        self.extended = np.full(n, NEVER)
        if self.decision_rule is not None:
            due = from_d64(self.statutory.due_in_weeks_bulk(as_d64(self.receipt_day), self.decision_rule.amount))
            decision_day = self.local_day(np.minimum(self.decision, self.now))
            slow = klacht & ((self.decision > self.now) | (decision_day > due)) & (rng.random(n) < 0.6)
            moment = np.maximum(self.office(self.busday(due, -rng.integers(1, 8, n))), self.progress + 3600)
            ok = slow & (moment <= self.now) & (moment < self.decision) & (self.local_day(moment) <= due)
            self.extended = np.where(ok, moment, NEVER)

    # -- improvement measures -----------------------------------------------------------

    def _measures(self) -> None:
        rng, n = self.rng, self.n
        count = int(np.clip(int(np.sqrt(n) / 5), 2, 200))
        self.measures = count
        start = self.received[0]
        span = max(self.now - 45 * DAY - start, DAY)
        created = np.sort(start + 30 * DAY + (rng.random(count) * span).astype(np.int64))
        created = np.minimum(created, self.now - DAY)
        self.m_created = self.office(self.local_day(created))
        self.m_created = np.minimum(self.m_created, self.now - 3600)
        category_counts = np.bincount(self.category[self.category >= 0], minlength=len(self.categories)) + 1
        self.m_category = rng.choice(len(self.categories), size=count, p=category_counts / category_counts.sum())
        self.m_variant = rng.integers(0, 2, count)
        self.m_owner = rng.integers(0, 3, count)  # manager, directie, a handler
        self.m_due = self.busday(self.local_day(self.m_created) + rng.integers(28, 90, count), 0)  # a werkdag
        age = self.today - self.m_due
        status = np.where(age > 60, np.where(rng.random(count) < 0.6, 3, 2),
                          np.where(age > 0, np.where(rng.random(count) < 0.7, 2, 1),
                                   np.where(rng.random(count) < 0.5, 1, 0)))
        self.m_status = status
        self.m_check = np.where(status == 3, np.minimum(self.m_due + rng.integers(20, 60, count), self.today), -1)
        self.m_finding = rng.integers(0, len(CHECK_FINDINGS), count)
        # linked complaints: of the measure's category, received in the three months before it
        link_measure = np.full(n, -1, dtype=np.int64)
        links: list[tuple[int, int]] = []
        for index in range(count):
            high = int(np.searchsorted(self.received, self.m_created[index]))
            low = int(np.searchsorted(self.received, self.m_created[index] - 90 * DAY))
            if high <= low:
                continue
            pool = np.arange(low, high)
            pool = pool[(self.category[pool] == self.m_category[index]) & (link_measure[pool] < 0)]
            if pool.size == 0:
                continue
            chosen = rng.choice(pool, size=min(pool.size, int(rng.integers(3, 26))), replace=False)
            link_measure[chosen] = index
            links.extend((index, int(c)) for c in np.sort(chosen).tolist())
        self.link_measure = link_measure
        self.links = links

    def measure_title(self, index: int) -> tuple[MeasureKind, str]:
        category = self.categories[int(self.m_category[index])]
        key = next((k for k in MEASURE_TITLES if k in category.lower()), None)
        options = MEASURE_TITLES[key] if key else GENERIC_MEASURES
        return options[int(self.m_variant[index])]
