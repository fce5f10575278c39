"""Demo data: realistic, fictitious Dutch cases to try klachtdesk with.

``generate(context, count, seed)`` fills the database with ``count`` cases spread
over the two years before ``context.now()``: klachten and the two kinds of
question, every channel, the statuses a real desk would show (old cases mostly
closed, recent ones new or in progress, some referred to the geschillencommissie,
some reopened), parties, staff, a history of events, deadlines computed with the
calendars' bulk functions, mediation sessions, agreements and improvement
measures. The same seed, count, clock and starting database give the same data.

It is built for volume: every value is planned with numpy over all cases first
(the calendars' ``*_bulk`` functions for receipts and deadlines); rows are then
built as tuples in batches of ``BATCH`` cases and written with the DBAPI
``executemany`` (SQLite) or ``COPY`` (PostgreSQL), all inside one
``context.db.write()`` transaction. A bulk load (``BULK_MIN`` cases or more) builds
the randomly keyed indexes afterwards and feeds the full-text index per batch
instead of row by row through its triggers (see ``_SqliteLoader``).

The texts of the history are worded as the services word them (``complaints.register``,
``workflow``, ``messages.send``, the planner, ``measures``), and every derived value is
the one the services would store: ``search_text`` as ``build_search_text``,
``next_due`` as ``refresh_next_due``, deadlines met by the event that meets them.

Contact details are fictitious: e-mail addresses use the domains reserved for
examples (RFC 2606), so no message can reach a real person.
"""

from __future__ import annotations

import gc
import importlib
import json
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import text
from sqlmodel import Session, select

from klachtdesk.clock import AMSTERDAM
from klachtdesk.db import translate_error
from klachtdesk.errors import ValidationError
from klachtdesk.models import (
    Acceptance,
    Channel,
    ComplaintKind,
    ContactMedium,
    DeadlineKind,
    DeadlineUnit,
    Direction,
    EventType,
    MeasureKind,
    MeasureStatus,
    PartyRole,
    Person,
    SessionStatus,
    SessionType,
    Staff,
    StaffRole,
    Status,
)
from klachtdesk.services.identity import staff as staff_service
from klachtdesk.services.time.calendar import amsterdam_dates_bulk
from klachtdesk.services.people.contact_details import search_tokens
from klachtdesk.services.core.context import Context
from klachtdesk.services.time.dutch import format_date
from klachtdesk.services.improvement.measures import KIND_ADJECTIVE
from klachtdesk.services.cases.numbering import PREFIX, WIDTH, format_number, reserve_block
from klachtdesk.services.core.permissions import Permission
from klachtdesk.services.planner.sessions import NextStep, describe_interval

#: cases per batch of rows (bounds memory: about 10 events and 3 deadlines per case)
BATCH = 50_000
#: from this many cases on (and when the load is not small next to what is there) a load
#: is a bulk load: indexes are built after the rows, the full-text index per batch
BULK_MIN = 5_000

DAY = 86_400
NEVER = np.int64(2**62)  # "this step did not happen (yet)" in the arrays of UTC seconds
I64 = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate`` made."""

    count: int
    first_number: str
    last_number: str
    #: (year, first seq, last seq) per year of receipt
    ranges: tuple[tuple[int, int, int], ...]
    persons: int
    staff_created: int
    events: int
    deadlines: int
    sessions: int
    agreements: int
    measures: int
    seconds: float


def is_empty(context: Context) -> bool:
    """True when the database holds no case yet (the app then offers demo data)."""
    with context.db.read() as session:
        return session.execute(text("SELECT 1 FROM complaint LIMIT 1")).first() is None


def generate(context: Context, count: int, seed: int = 2026, progress: Progress | None = None) -> DemoSummary:
    """Add ``count`` demo cases (and the staff, sessions and measures around them)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValidationError("Het aantal zaken moet een positief geheel getal zijn.", field="aantal")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValidationError("De seed moet een geheel getal van 0 of meer zijn.", field="seed")
    context.require(Permission.REGISTER)
    started = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # millions of new tuples: the cycle collector would only slow the load down
    try:
        return _generate(context, count, seed, progress, started)
    finally:
        if collecting:
            gc.enable()


def _generate(context: Context, count: int, seed: int, progress: Progress | None, started: float) -> DemoSummary:
    with context.db.write() as session:
        staff = _ensure_staff(session, context)
        loader = _loader_for(session, context)
        bulk = count >= BULK_MIN and count * 2 >= loader.count("complaint")
        # progress in cases; a bulk load's index builds and commit count as a quarter more
        total = count + (count // 4 if bulk else 0)
        plan = _Plan(context, count, seed, staff)
        plan.assign_numbers(session)
        ids = {table: loader.max_id(table) for table in _ID_TABLES}
        loader.begin(bulk)
        try:
            summary = _write(plan, loader, ids, progress, total)
            loader.finish()
        except BaseException:
            loader.abort()  # nothing may still use the connection when the transaction rolls back
            raise
        if progress is not None:
            progress(count + (total - count) // 2, total)
    if progress is not None:
        progress(total, total)
    return DemoSummary(**summary, staff_created=staff.created, seconds=time.perf_counter() - started)


# =======================================================================================
# vocabulary (fictitious people, realistic wording)
# =======================================================================================

FIRST_NAMES = (
    "Jan", "Piet", "Kees", "Henk", "Willem", "Johan", "Peter", "Gerrit", "Hendrik", "Cor", "Bram", "Daan",
    "Sem", "Lucas", "Levi", "Finn", "Milan", "Thijs", "Jesse", "Ruben", "Lars", "Tim", "Bas", "Joost",
    "Maarten", "Sander", "Mark", "Dennis", "Erik", "Frank", "Hans", "Wim", "Ton", "Rob", "Arjen", "Jeroen",
    "Niels", "Stijn", "Koen", "Wouter", "Mohamed", "Youssef", "Ahmet", "Emre", "Sjoerd", "Tjeerd", "Rutger",
    "Floris", "Teun", "Gijs", "Anna", "Emma", "Sophie", "Julia", "Tess", "Sanne", "Lotte", "Fleur", "Eva",
    "Lisa", "Anouk", "Femke", "Iris", "Noor", "Maud", "Sara", "Zoë", "Elif", "Fatima", "Yasmina", "Maria",
    "Johanna", "Cornelia", "Wilhelmina", "Hendrika", "Ingrid", "Marja", "Annemieke", "Petra", "Monique",
    "Esther", "Linda", "Saskia", "Marieke", "Ilse", "Inge", "Karin", "Nicole", "Miriam", "Ria", "Truus",
    "Gerda", "Els", "Joke", "Mieke", "Anneke", "Renée", "Chantal", "Lieke", "Janneke", "Priya", "Mei",
)

#: (tussenvoegsel, achternaam), roughly by frequency
SURNAMES = (
    ("de", "Jong"), ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Janssen"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"),
    ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"),
    ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"),
    ("van den", "Heuvel"), ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"), ("de", "Bruin"),
    ("van der", "Heijden"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"),
    ("van de", "Ven"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"), ("", "Koster"), ("van", "Dam"),
    ("van der", "Wal"), ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("", "Peeters"), ("de", "Jonge"),
    ("", "Kuipers"), ("van", "Veen"), ("", "Post"), ("", "Kuiper"), ("", "Veenstra"), ("", "Kramer"),
    ("van den", "Brink"), ("", "Scholten"), ("van", "Wijk"), ("", "Postma"), ("", "Martens"), ("", "Vink"),
    ("de", "Ruiter"), ("", "Timmermans"), ("", "Groen"), ("", "Gerritsen"), ("", "Jonker"), ("van", "Loon"),
    ("van der", "Velde"), ("", "Willemsen"), ("", "Smeets"), ("de", "Lange"), ("de", "Vos"), ("", "Bosch"),
    ("van", "Dongen"), ("", "Schipper"), ("de", "Koning"), ("van der", "Laan"), ("", "Driessen"),
    ("van", "Doorn"), ("", "Hermans"), ("", "Evers"), ("van den", "Bosch"), ("van der", "Meulen"),
    ("", "Hofman"), ("", "Bosman"), ("", "Wouters"), ("", "Sanders"), ("van der", "Zee"), ("", "Verbeek"),
    ("", "Veldman"), ("", "Pieters"), ("in 't", "Veld"), ("van 't", "Hof"), ("ter", "Horst"), ("ten", "Brink"),
    ("op de", "Beek"), ("van", "Rijn"), ("", "El Amrani"), ("", "Öztürk"), ("", "Yilmaz"), ("", "Nguyen"),
    ("", "Bouzid"), ("", "Kaya"), ("", "Pinas"), ("", "Ramdin"),
)

#: reserved example domains (RFC 2606): realistic-looking, never deliverable
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "post.example.com", "mail.example.net",
                 "thuis.example.org")
EMAIL_DOMAIN_P = (0.3, 0.2, 0.15, 0.15, 0.1, 0.1)
WORK_DOMAIN = "zorg.example.org"

#: two-digit Dutch area codes (geographic numbers are area code + 7 digits)
AREA_CODES = (10, 13, 15, 20, 23, 24, 26, 30, 33, 35, 38, 40, 43, 45, 46, 50, 53, 55, 58, 70, 71, 72, 73, 74,
              76, 77, 78, 79)
MOBILE_SECOND_DIGITS = np.array([1, 2, 3, 4, 5, 8], dtype=np.int64)
MOBILE_SPACE = 6 * 10**7
MOBILE_STEP = 48_271  # a prime not dividing MOBILE_SPACE: i -> (i * step + offset) mod space is a permutation
MOBILE_OFFSET = 12_345_678  # fixed, so later loads (larger person ids) never repeat a number

TEAMS = ("Team Thuiszorg Noord", "Team Thuiszorg Zuid", "Huisartsenpraktijk De Linde", "Huisartsenpraktijk "
         "Het Anker", "Diagnostisch Centrum", "Team Teleconsultatie", "Team Telemonitoring", "Administratie",
         "Klantenservice", "Team Dermatologie", "Planning", "ICT-servicedesk")
FUNCTIONS = ("huisarts", "verpleegkundige", "wijkverpleegkundige", "doktersassistent", "praktijkondersteuner",
             "teamleider", "medewerker planning", "medewerker administratie", "medewerker klantenservice",
             "dermatoloog", "cardioloog", "functieonderzoeker", "helpdeskmedewerker")
RELATIONS = ("partner", "dochter", "zoon", "moeder", "vader", "mantelzorger", "buurvrouw", "broer", "zus")

CATEGORY_TEXTS: dict[str, tuple[str, ...]] = {
    "bejegening": (
        "De medewerker was kortaf en luisterde niet naar mijn uitleg.",
        "Ik voelde me niet serieus genomen tijdens het consult.",
        "De zorgverlener maakte een denigrerende opmerking over mijn klachten.",
        "Aan de telefoon werd ik onvriendelijk te woord gestaan en zonder antwoord doorverbonden.",
        "De thuiszorgmedewerker kwam gehaast binnen en had geen aandacht voor mijn moeder.",
    ),
    "communicatie": (
        "Ik heb geen uitslag ontvangen van het onderzoek, terwijl dat wel was toegezegd.",
        "Er werd mij niet verteld dat de afspraak was verzet.",
        "De uitleg over de behandeling was onduidelijk en tegenstrijdig.",
        "Mijn vragen per e-mail zijn na twee weken nog steeds niet beantwoord.",
        "Ik werd niet teruggebeld, terwijl dat wel was beloofd.",
    ),
    "wachttijd": (
        "Ik heb drie dagen geprobeerd te bellen maar kwam steeds in de wachtrij terecht.",
        "De wachttijd voor een teleconsult was veel langer dan vooraf gemeld.",
        "De beoordeling van mijn ECG duurde ruim twee weken.",
        "Het duurde vier weken voordat ik een afspraak kon maken.",
        "De terugbelafspraak werd niet nagekomen.",
    ),
    "kwaliteit": (
        "De wond is niet goed verzorgd, waardoor een infectie ontstond.",
        "De beoordeling van de huidfoto's was onvolledig; ik moest opnieuw foto's maken.",
        "De meetapparatuur voor telemonitoring werkte niet goed en niemand reageerde op de meldingen.",
        "Mijn medicatie is verkeerd doorgegeven aan de apotheek.",
        "Het spirometrieonderzoek moest worden overgedaan omdat het niet goed was uitgevoerd.",
    ),
    "financ": (
        "Ik heb een factuur ontvangen voor een consult dat niet heeft plaatsgevonden.",
        "Er is twee keer een bedrag afgeschreven voor hetzelfde abonnement.",
        "De eigen bijdrage was hoger dan vooraf was afgesproken.",
        "Na opzegging van mijn abonnement wordt nog steeds geïncasseerd.",
    ),
    "privacy": (
        "Mijn medische gegevens zijn naar een verkeerd adres gestuurd.",
        "Een medewerker besprak mijn situatie waar andere patiënten bij waren.",
        "Ik heb geen toestemming gegeven om mijn gegevens te delen met de verzekeraar.",
        "In mijn dossier staan gegevens van een andere cliënt.",
    ),
    "techniek": (
        "De app valt steeds uit tijdens het videoconsult.",
        "Ik kan niet inloggen; de verificatiecode komt niet aan.",
        "De metingen van mijn bloeddrukmeter komen niet door in de app.",
        "Na de update van de app zijn mijn berichten verdwenen.",
    ),
    "organisatie": (
        "De thuiszorgmedewerker kwam niet op de afgesproken tijd en belde niet af.",
        "Mijn afspraak is drie keer verzet zonder overleg.",
        "Er kwam elke dag een andere medewerker, die niet op de hoogte was van mijn situatie.",
        "Het onderzoek was ingepland op een locatie ver van mijn woonplaats.",
    ),
}
GENERIC_TEXTS = (
    "Ik ben ontevreden over de gang van zaken en wil graag een reactie.",
    "Mijn klacht is eerder gemeld maar er is niets mee gedaan.",
    "Ik verwacht een betere dienstverlening dan ik nu heb gekregen.",
)
INVOICE_TEXTS = (
    "Ik begrijp niet waarvoor dit bedrag op de factuur staat.",
    "Kunt u een kopie van de factuur sturen?",
    "Het factuuradres op de factuur klopt niet.",
    "Wanneer wordt het teveel betaalde bedrag teruggestort?",
    "Kan ik de factuur in termijnen betalen?",
)
ACCOUNT_TEXTS = (
    "Ik ben mijn wachtwoord kwijt en kan het niet herstellen.",
    "Hoe koppel ik mijn nieuwe telefoon aan mijn account?",
    "Mijn e-mailadres moet in mijn account worden gewijzigd.",
    "De app geeft een foutmelding bij het openen.",
    "Hoe kan ik mijn account opheffen?",
)
REMEDIES = (
    "Excuses van de betrokken medewerker", "Een gesprek met de teamleider", "Terugbetaling van het bedrag",
    "Creditering van de factuur", "Een nieuwe afspraak op korte termijn", "Uitleg over wat er is misgegaan",
    "Betere afspraken voor de toekomst", "Een vaste contactpersoon", "Aanpassing van mijn dossier",
    "Een schadevergoeding",
)
RESOLUTIONS = (
    "Excuses aangeboden en afspraken gemaakt over de verdere begeleiding.",
    "Factuur gecrediteerd en het bedrag teruggestort.",
    "Nieuwe afspraak ingepland met een vaste medewerker.",
    "Uitleg gegeven; de klager kan zich vinden in de toelichting.",
    "Werkwijze aangepast en besproken in het teamoverleg.",
    "Dossier gecorrigeerd en een bevestiging gestuurd.",
    "Technisch probleem opgelost; de klager kan weer inloggen.",
    "Terugbelafspraak alsnog nagekomen en een vaste contactpersoon aangewezen.",
)
DISPUTE_OUTCOMES = (
    "Geschillencommissie: klacht ongegrond verklaard.",
    "Geschillencommissie: klacht gedeeltelijk gegrond; tegemoetkoming van € 150.",
    "Geschillencommissie: klacht gegrond; excuses en vergoeding van € 250.",
    "Geschillencommissie: partijen hebben alsnog een schikking getroffen.",
)
#: (medium, direction, what was said): the handler's first contact, and later updates
FIRST_CONTACTS = (
    (ContactMedium.PHONE, Direction.OUT, "Klacht besproken en aanvullende informatie gevraagd."),
    (ContactMedium.PHONE, Direction.OUT, "Verwachte doorlooptijd uitgelegd en vervolgstappen afgesproken."),
    (ContactMedium.EMAIL, Direction.OUT, "Bevestigd dat de klacht in behandeling is en wanneer de klager meer hoort."),
)
UPDATES = (
    (ContactMedium.PHONE, Direction.OUT, "Klager geïnformeerd over de voortgang; het onderzoek loopt nog."),
    (ContactMedium.EMAIL, Direction.OUT, "Voortgang gemeld: navraag bij de betrokken afdeling duurt langer."),
    (ContactMedium.PHONE, Direction.IN, "Klager belde voor de stand van zaken; uitgelegd in welke fase de klacht is."),
)
QUESTION_ANSWERS = ("", "Uitleg over de factuur gegeven.", "Klant geholpen met het account.")
REOPEN_REASONS = (
    "Klager meldt dat de afspraak niet is nagekomen.",
    "Het probleem doet zich opnieuw voor.",
    "Klager heeft nieuwe informatie aangeleverd.",
)
NOTES = (
    "Navraag gedaan bij de betrokken medewerker.", "Dossier opgevraagd bij de praktijk.",
    "Overlegd met de teamleider over een passende oplossing.", "Wacht op reactie van de aangeklaagde.",
    "Klager heeft aanvullende stukken gestuurd.", "Factuurgegevens gecontroleerd bij de administratie.",
    "Logbestanden van de app opgevraagd bij ICT.", "Planning van de afgelopen weken nagekeken.",
)
CONFIDENTIAL_NOTES = (
    "Klager gaf aan zich niet veilig te voelen bij de medewerker; vervolggesprek met extra zorg voorbereiden.",
    "Klager wil vooral erkenning, geen financiële vergoeding.",
    "Aangeklaagde staat open voor een gesprek en wil excuses maken.",
    "Klager overweegt de geschillencommissie als het gesprek niets oplevert.",
)
SESSION_OUTCOMES = (
    "Gesprek in goede sfeer; afspraken gemaakt over de verdere zorg.",
    "Klager en aangeklaagde hebben elkaars standpunt gehoord; excuses aanvaard.",
    "Klager voelt zich gehoord; de behandelaar werkt een oplossing uit.",
)
CANCEL_REASONS = ("Klager afgemeld wegens ziekte.", "Aangeklaagde verhinderd; een nieuw gesprek volgt.")
AGREEMENTS = (
    "Aangeklaagde belt de klager terug over het vervolg van de behandeling.",
    "Teamleider bespreekt de bejegening in het teamoverleg.",
    "Administratie stuurt een gecorrigeerde factuur.",
    "Praktijk plant een nieuwe afspraak met een vaste zorgverlener.",
    "Klachtenfunctionaris evalueert met de klager na vier weken.",
)
MEASURE_TITLES: dict[str, tuple[tuple[MeasureKind, str], ...]] = {
    "bejegening": ((MeasureKind.CORRECTIVE, "Training klantvriendelijkheid voor de telefonische dienst"),
                   (MeasureKind.PREVENTIVE, "Intervisie over bejegening in elk team")),
    "communicatie": ((MeasureKind.CORRECTIVE, "Terugbelafspraken vastleggen in het planningssysteem"),
                     (MeasureKind.PREVENTIVE, "Standaardbrief met uitleg over de uitslagtermijn")),
    "wachttijd": ((MeasureKind.CORRECTIVE, "Extra bezetting van de telefoon tijdens piekuren"),
                  (MeasureKind.PREVENTIVE, "Wachttijden wekelijks bewaken op het dashboard")),
    "kwaliteit": ((MeasureKind.CORRECTIVE, "Protocol wondzorg herzien"),
                  (MeasureKind.PREVENTIVE, "Kwaliteitscontrole op beoordelingen door een tweede lezer")),
    "financ": ((MeasureKind.CORRECTIVE, "Controle op dubbele incasso's"),
               (MeasureKind.PREVENTIVE, "Factuurtekst verduidelijkt")),
    "privacy": ((MeasureKind.CORRECTIVE, "Checklist verzenden medische gegevens"),
                (MeasureKind.PREVENTIVE, "Privacytraining voor alle medewerkers")),
    "techniek": ((MeasureKind.CORRECTIVE, "Monitoring van storingen in de app"),
                 (MeasureKind.PREVENTIVE, "Testplan voor elke app-update")),
    "organisatie": ((MeasureKind.CORRECTIVE, "Vaste teams per wijk in de thuiszorg"),
                    (MeasureKind.PREVENTIVE, "Wijzigingen in afspraken altijd telefonisch melden")),
}
GENERIC_MEASURES = ((MeasureKind.CORRECTIVE, "Werkinstructie aangepast"),
                    (MeasureKind.PREVENTIVE, "Evaluatie van de werkwijze in het teamoverleg"))
CHECK_FINDINGS = ("Maatregel werkt: minder klachten over dit onderwerp.",
                  "Deels effectief; aanvullende training gepland.",
                  "Geen verandering zichtbaar; maatregel wordt herzien.")

#: (username, name, roles): the demo desk
DEMO_STAFF: tuple[tuple[str, str, StaffRole], ...] = (
    ("s.bakker", "Sanne Bakker", StaffRole.CUSTOMER_SERVICE),
    ("m.elidrissi", "Mohamed El Idrissi", StaffRole.CUSTOMER_SERVICE),
    ("l.vandam", "Lotte van Dam", StaffRole.CUSTOMER_SERVICE),
    ("r.kok", "Ruben Kok", StaffRole.CUSTOMER_SERVICE),
    ("j.dekker", "Jeroen Dekker", StaffRole.HANDLER),
    ("e.visser", "Esther Visser", StaffRole.HANDLER),
    ("t.vanleeuwen", "Thijs van Leeuwen", StaffRole.HANDLER),
    ("n.smit", "Noor Smit", StaffRole.HANDLER),
    ("b.mulder", "Bas Mulder", StaffRole.HANDLER),
    ("i.dewit", "Iris de Wit", StaffRole.HANDLER),
    ("k.hendriks", "Koen Hendriks", StaffRole.HANDLER),
    ("f.yilmaz", "Fatma Yılmaz", StaffRole.HANDLER),
    ("m.vandenberg", "Marieke van den Berg", StaffRole.MANAGER),
    ("h.brouwer", "Hanneke Brouwer", StaffRole.OFFICER),
    ("w.schouten", "Willem Schouten", StaffRole.OFFICER),
    ("a.vermeulen", "Anton Vermeulen", StaffRole.MANAGEMENT),
)

KINDS = (ComplaintKind.COMPLAINT, ComplaintKind.INVOICE_QUESTION, ComplaintKind.ACCOUNT_QUESTION)
KIND_P = (0.80, 0.12, 0.08)
CHANNELS = (Channel.PHONE, Channel.EMAIL, Channel.WEB_FORM, Channel.LETTER, Channel.DESK)
CHANNEL_P = {0: (0.38, 0.28, 0.22, 0.06, 0.06), 1: (0.30, 0.45, 0.25, 0.0, 0.0), 2: (0.30, 0.45, 0.25, 0.0, 0.0)}

# status chain of a klacht: every step is one status event (times only ever increase)
S = Status
KLACHT_TIMES = ("assign", "progress", "mediation_plan", "solution", "resolved", "closed", "referred", "reopen",
                "re_progress", "re_solution", "re_closed")
QUESTION_TIMES = ("handled", "q_reopen", "q_rehandled")
KLACHT_STEPS = (S.ASSIGNED, S.IN_PROGRESS, S.IN_MEDIATION, S.SOLUTION_PROPOSED, S.RESOLVED, S.CLOSED,
                S.REFERRED, S.REOPENED, S.IN_PROGRESS, S.SOLUTION_PROPOSED, S.CLOSED)
QUESTION_STEPS = (S.HANDLED, S.REOPENED, S.HANDLED)
STATUSES = tuple(Status)
STATUS_CODE = {status: code for code, status in enumerate(STATUSES)}

_ID_TABLES = ("person", "complaint", "party", "event", "deadline", "mediation_session", "session_participant",
              "agreement", "measure")


# =======================================================================================
# small vectorised helpers
# =======================================================================================


def _ascii_letters(value: str) -> str:
    """``Zoë`` -> ``zoe``, ``in 't Veld`` -> ``intveld``: the letters of an e-mail local part."""
    plain = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in plain.lower() if "a" <= ch <= "z")


def _objects(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def _keyword_index(names: Sequence[str], *keywords: str) -> int:
    """The first name containing any keyword (case-insensitive); -1 when none does."""
    for index, name in enumerate(names):
        if any(word in name.lower() for word in keywords):
            return index
    return -1


@cache
def _clock_strings() -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """For every second of a day: ``" HH:MM:SS.000000"`` (SQLAlchemy's SQLite format) and ``"THH:MM:SS"``."""
    seconds = np.arange(DAY)
    hh, mm, ss = seconds // 3600, seconds // 60 % 60, seconds % 60
    stored = _objects([f" {h:02d}:{m:02d}:{s:02d}.000000" for h, m, s in zip(hh.tolist(), mm.tolist(), ss.tolist())])
    iso = _objects([f"T{h:02d}:{m:02d}:{s:02d}" for h, m, s in zip(hh.tolist(), mm.tolist(), ss.tolist())])
    return stored, iso


def _day_strings(days: I64) -> npt.NDArray[np.object_]:
    """``YYYY-MM-DD`` for int64 day numbers (a lookup table over their range)."""
    if days.size == 0:
        return np.empty(0, dtype=object)
    low = int(days.min())
    table = np.datetime_as_string(np.arange(low, int(days.max()) + 1).astype("datetime64[D]")).astype(object)
    return table[days - low]


def _moments(seconds: I64) -> list[str | None]:
    """Stored form of UTC moments (naive ``YYYY-MM-DD HH:MM:SS.ffffff``); None for NEVER."""
    result = np.full(seconds.shape, None, dtype=object)
    present = seconds < NEVER
    if present.any():
        values = seconds[present]
        result[present] = _day_strings(values // DAY) + _clock_strings()[0][values % DAY]
    return result.tolist()


def _days(days: I64, present: npt.NDArray[np.bool_] | None = None) -> list[str | None]:
    result = np.full(days.shape, None, dtype=object)
    mask = np.ones(days.shape, dtype=bool) if present is None else present
    if mask.any():
        result[mask] = _day_strings(days[mask])
    return result.tolist()


def _as_d64(days: I64) -> npt.NDArray[np.datetime64]:
    return days.astype("datetime64[D]")


def _from_d64(days: npt.NDArray[np.datetime64]) -> I64:
    return days.astype("datetime64[D]").astype(np.int64)


@lru_cache(maxsize=4096)
def _utc_offset(day: int) -> int:
    """Amsterdam's UTC offset (seconds) at noon on a day number."""
    moment = datetime(1970, 1, 1) + timedelta(days=day, hours=12)
    offset = AMSTERDAM.utcoffset(moment)
    assert offset is not None
    return int(offset.total_seconds())


def _offsets(days: I64) -> I64:
    """Amsterdam's UTC offset (seconds) on each day number (a table over their range)."""
    if days.size == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = int(days.min()), int(days.max())
    table = np.array([_utc_offset(d) for d in range(low, high + 1)], dtype=np.int64)
    return table[days - low]


@lru_cache(maxsize=4096)
def _dutch_date(day: int) -> str:
    return format_date(date(1970, 1, 1) + timedelta(days=day))


# =======================================================================================
# staff
# =======================================================================================


@dataclass
class _Staff:
    customer_service: list[int]
    handlers: list[int]
    manager: int
    officers: list[int]
    officer_persons: list[int]
    management: list[int]
    names: dict[int, str]
    created: int


def _ensure_staff(session: Session, context: Context) -> _Staff:
    """The demo desk's staff: created when missing; an existing username is left as it is."""
    rows = {row.username: row for row in session.exec(select(Staff)).all()}
    missing = [entry for entry in DEMO_STAFF if entry[0] not in rows]
    if missing:
        context.require(Permission.MANAGE_STAFF)
    since = context.now() - timedelta(days=731)  # they worked on the two years of cases
    for username, name, role in missing:
        row = staff_service.create_staff(session, context, username, name, {role},
                                         email=f"{username}@klachtdesk.example")
        row.created_at = since
        person = session.get(Person, row.person_id)
        if person is not None:
            person.created_at = since
        rows[username] = row
    session.flush()
    by_role: dict[StaffRole, list[Staff]] = {}
    for username, _name, role in DEMO_STAFF:
        by_role.setdefault(role, []).append(rows[username])

    def ids(role: StaffRole) -> list[int]:
        return [int(row.id or 0) for row in by_role[role]]

    return _Staff(
        customer_service=ids(StaffRole.CUSTOMER_SERVICE),
        handlers=ids(StaffRole.HANDLER),
        manager=ids(StaffRole.MANAGER)[0],
        officers=ids(StaffRole.OFFICER),
        officer_persons=[int(row.person_id or 0) for row in by_role[StaffRole.OFFICER]],
        management=ids(StaffRole.MANAGEMENT),
        names={int(row.id or 0): row.name for row in rows.values()},
        created=len(missing),
    )


class _Words:
    """The texts of the history, worded as the services word them, as lookup tables."""

    def __init__(self, context: Context, staff: _Staff) -> None:
        def dumps(value: Any) -> str:  # as events.record stores data (JSONText)
            return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

        queues = context.settings.lists.queues
        self.channels = _objects([c.value for c in CHANNELS])
        self.kinds = _objects([k.value for k in KINDS])
        registered = []
        for kind in KINDS:
            for channel in CHANNELS:
                summary = f"{kind.value.capitalize()} geregistreerd via {channel.value}"
                if kind in queues:
                    summary += f", doorgestuurd naar {queues[kind].name}"
                registered.append(summary)
        self.registered = _objects(registered)
        names = [staff.names[h] for h in staff.handlers]
        self.assigned = _objects([f"Toegewezen aan {name}" for name in names])
        self.assigned_data = _objects([dumps({"van": None, "van_id": None, "naar": name, "naar_id": h})
                                       for name, h in zip(names, staff.handlers)])

        def contacts(rows: Sequence[tuple[ContactMedium, Direction, str]]) -> tuple[Any, Any, Any]:
            summaries = [f"Contact met de klager: {m.value}, {'inkomend' if d is Direction.IN else 'uitgaand'}"
                         for m, d, _ in rows]
            datas = [dumps({"medium": m.value, "richting": d.value, "door_behandelaar": True}) for m, d, _ in rows]
            return _objects(summaries), _objects([t for _, _, t in rows]), _objects(datas)

        self.contact_summary, self.contact_body, self.contact_data = contacts(FIRST_CONTACTS)
        self.update_summary, self.update_body, self.update_data = contacts(UPDATES)
        self.notes = _objects(NOTES)
        self.resolutions = _objects(RESOLUTIONS)
        self.question_answers = _objects(QUESTION_ANSWERS)
        self.reopen_reasons = _objects(REOPEN_REASONS)
        values = [s.value for s in STATUSES]
        self.status_summary = _objects([f"Status: {a} → {b}" for a in values for b in values])
        self.status_data = _objects([dumps({"van": a, "naar": b}) for a in values for b in values])
        closed: list[str] = []
        for status in STATUSES:
            for accepted in ("nee", "ja"):
                closed.append(f"Zaak gesloten; klager akkoord: {accepted}" if status is S.CLOSED
                              else f"Vraag afgehandeld; akkoord: {accepted}")
        self.closed_summary = _objects(closed)
        self.closed_data = _objects([dumps({"van": a, "naar": b, "akkoord": accepted})
                                     for a in values for b in values for accepted in ("nee", "ja")])
        self.reopened_summary = _objects([f"Heropend (was: {value})" for value in values])

    @staticmethod
    def sent(label: str, by_email: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
        """``messages.send``'s summary: by e-mail, or an .eml to print and post."""
        return np.where(by_email, f"Bericht verstuurd: {label} (per e-mail)",
                        f"Bericht verstuurd: {label} (als .eml in de outbox (geen e-mailadres: per post versturen))"
                        ).astype(object)


# =======================================================================================
# the plan: every decision for every case, as numpy arrays
# =======================================================================================


class _Plan:
    """All cases of one load, planned at once (cheap arrays; the strings come per batch)."""

    def __init__(self, context: Context, count: int, seed: int, staff: _Staff) -> None:
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
        self.words = _Words(context, staff)
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
        return _from_d64(np.busday_offset(_as_d64(days), offset, roll="forward", busdaycal=self.busdays))

    def office(self, days: I64, low: float = 0.0, high: float = 1.0) -> I64:
        """A moment (UTC seconds) during office hours on each day, at a random fraction of the day."""
        span = self.close_s - self.open_s - 1800
        fraction = self.rng.uniform(low, high, size=days.shape)
        clock = self.open_s + (fraction * span).astype(np.int64) // 60 * 60
        local = days * DAY + clock
        return local - _offsets(days)

    def local_day(self, seconds: I64) -> I64:
        """The Amsterdam date (day number) of UTC moments; NEVER gives a day far in the future."""
        present = seconds < NEVER
        safe = np.where(present, seconds, 0)
        return np.where(present, (safe + _offsets(safe // DAY)) // DAY, NEVER // DAY)

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
        self.first_names = _objects(FIRST_NAMES)
        self.first_tokens = _objects([search_tokens(name) for name in FIRST_NAMES])
        surnames = [f"{tv} {last}" if tv else last for tv, last in SURNAMES]
        self.surnames = _objects(surnames)
        self.surname_tokens = _objects([search_tokens(name) for name in surnames])
        self.surname_p = 1.0 / (np.arange(len(SURNAMES)) + 8.0)
        self.domains = _objects(EMAIL_DOMAINS)
        self.domain_tokens = _objects([search_tokens(domain) for domain in EMAIL_DOMAINS])
        self.first_ascii = _objects([_ascii_letters(name) for name in FIRST_NAMES])
        self.first_initial = _objects([_ascii_letters(name)[0] for name in FIRST_NAMES])
        self.surname_ascii = _objects([_ascii_letters(f"{tv} {last}") for tv, last in SURNAMES])
        self.two_digits = _objects([f"{i:02d}" for i in range(100)])
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
        self.texts = _objects(texts)
        self.text_tokens = _objects([" " + search_tokens(t) for t in texts])
        self.remedies = _objects(REMEDIES)
        self.remedy_tokens = _objects([" " + search_tokens(t) for t in REMEDIES])
        self.number_prefix = search_tokens(PREFIX)

    # -- receipts ----------------------------------------------------------------------

    def _receipts(self) -> None:
        rng, n = self.rng, self.n
        first_day = self.today - 730
        days = np.arange(first_day, self.today + 1, dtype=np.int64)
        age = (days - first_day) / 730.0
        doy = (days - _from_d64(_as_d64(days).astype("datetime64[Y]").astype("datetime64[D]"))).astype(float)
        weight = (1.0 + 0.35 * age) * (1.0 + 0.15 * np.cos(2 * np.pi * (doy - 20) / 365.25))
        werkdag = np.is_busday(_as_d64(days), busdaycal=self.busdays)
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
        late = day * DAY + clock - _offsets(day) > self.now - 60  # later today than now: a day earlier
        day[late] -= 1
        day[office_channel] = _from_d64(np.busday_offset(_as_d64(day[office_channel]), 0, roll="backward",
                                                         busdaycal=self.busdays))
        received = day * DAY + clock - _offsets(day)
        order = np.argsort(received, kind="stable")
        self.kind, self.channel, self.received = kind[order], channel[order], received[order]
        self.is_klacht = self.kind == 0
        moments = self.received.astype("datetime64[s]")
        self.receipt_day = _from_d64(amsterdam_dates_bulk(moments))
        self.effective = _from_d64(self.organisation.effective_receipt_days_bulk(moments))
        self.year = (_as_d64(self.receipt_day).astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int64)
        # registration: calls and visits at once, the rest during the next office hours
        local_clock = (self.received + _offsets(self.receipt_day)) % DAY
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
        invoice_service = _keyword_index(services, "factu", "abonnement")
        account_service = _keyword_index(services, "account", "app")
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
            category[self.kind == k] = _keyword_index(categories, *keywords)
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
        national = _objects(list(map(str, np.where(kind == 1, mobile_national, landline_national).tolist())))
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
        werkdagen = days[np.is_busday(_as_d64(days), busdaycal=self.busdays)]
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
        self.s_start = s_day * DAY + s_clock - _offsets(s_day)
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
        self.a_due = _from_d64(self.organisation.due_in_werkdagen_bulk(_as_d64(self.a_anchor), 0))
        for amount in np.unique(self.a_amount).tolist():
            mask = self.a_amount == amount
            self.a_due[mask] = _from_d64(self.organisation.due_in_werkdagen_bulk(_as_d64(self.a_anchor[mask]), amount))
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
            due = _from_d64(self.statutory.due_in_weeks_bulk(_as_d64(self.receipt_day), self.decision_rule.amount))
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
        self.m_due = self.local_day(self.m_created) + rng.integers(28, 90, count)
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


# =======================================================================================
# writing: rows per batch
# =======================================================================================

PERSON_COLUMNS = ("id", "name", "phone", "email", "organisation", "created_at", "anonymised_at")
COMPLAINT_COLUMNS = (
    "id", "number", "year", "seq", "kind", "channel", "received_at", "effective_receipt_day", "service_type",
    "category", "description", "incident_date", "discussed_first", "remedy_sought", "invoice_number", "queue",
    "status", "complainant_id", "handler_id", "resolution", "accepted", "dispute_outcome", "closed_at", "next_due",
    "next_deadline_kind", "search_text", "created_by_id", "created_at", "updated_at", "anonymised_at", "version",
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


class _Columns:
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

    def finish(self, first_id: int, complaint_base: int) -> _Columns:
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
        return _Columns((
            range(first_id, first_id + perm.size), (complaint_base + case[perm]).tolist(), _moments(at[perm]),
            actors.tolist(), types.tolist(), column("summary").tolist(), column("body").tolist(),
            column("data").tolist(), confidential.tolist(),
        ))

    def ids_for(self, handle: int) -> tuple[I64, I64, I64]:
        """(case, event id, moment) of the events added under ``handle``."""
        part = self.parts[handle]
        positions = np.arange(part["offset"], part["offset"] + part["case"].size)
        return part["case"], self.ids[positions], part["at"]


def _write(plan: _Plan, loader: _Loader, ids: dict[str, int], progress: Progress | None, total: int
           ) -> dict[str, Any]:
    """Insert everything; returns the counts for the summary."""
    staff = plan.staff
    counts = {"persons": 0, "events": 0, "deadlines": 0}
    person_base = ids["person"] + 1
    pool = plan.pool_strings()
    moments = _moments(plan.created[:1])
    loader.insert("person", PERSON_COLUMNS, _Columns((
        range(person_base, person_base + plan.pool), pool["name"], pool["phone"], pool["email"], pool["team"],
        [moments[0]] * plan.pool, [None] * plan.pool,
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
        batch = _Batch(plan, start, stop, complaint_base, case_person_base, pool)
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


def _write_measures(plan: _Plan, loader: _Loader, base: int, complaint_base: int) -> None:
    """The measures, and the texts of their events on the linked complaints (as ``measures.create``)."""
    staff = plan.staff
    owners = [staff.manager, staff.management[0], staff.handlers[0]]
    rows = []
    statuses = (MeasureStatus.OPEN, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE, MeasureStatus.EVALUATED)
    created = _moments(plan.m_created)
    due = _days(plan.m_due)
    check = _days(plan.m_check, plan.m_check >= 0)
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
                         f"{staff.names[owner]}, uiterlijk {_dutch_date(int(plan.m_due[index]))}")
        bodies.append(description)
        datas.append(json.dumps({"maatregel": base + index, "actie": "aangemaakt", "klachten": numbers},
                                ensure_ascii=False, sort_keys=True))
    plan.measure_summaries, plan.measure_bodies = _objects(summaries), _objects(bodies)
    plan.measure_data = _objects(datas)
    loader.insert("measure", MEASURE_COLUMNS, rows)


def _session_texts(plan: _Plan, session_base: int, agreement_base: int, person_base: int,
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
    created, start_text, end_text = _moments(plan.s_plan), _moments(plan.s_start), _moments(plan.s_end)
    agreements_of: dict[int, list[int]] = {}
    for a, s in enumerate(plan.a_session.tolist()):
        agreements_of.setdefault(s, []).append(a)
    a_due, a_done = _days(plan.a_due), _moments(plan.a_done)
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
            made.append(f"- {description} (eigenaar: {owner}; uiterlijk {_dutch_date(int(plan.a_due[a]))})")
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
                              }.get(key, key), _objects(values))


class _Batch:
    """The rows of cases ``start:stop`` of the plan."""

    def __init__(self, plan: _Plan, start: int, stop: int, complaint_base: int, person_base: int,
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

    def people(self) -> _Columns:
        """The batch's new people (klagers who did not complain before, relatives)."""
        plan = self.plan
        first = int(plan.person_start[self.start])
        last = int(plan.person_start[self.stop - 1] + plan.new_complainant[self.stop - 1]
                   + plan.relatives[self.stop - 1])
        index = np.arange(first, last, dtype=np.int64)
        strings = plan.person_strings(index, self.person_base)
        self.first_person, self.person_tokens = first, strings["tokens"]
        owner = np.repeat(np.arange(self.start, self.stop),
                          plan.new_complainant[self.sl].astype(np.int64) + plan.relatives[self.sl])
        created = _moments(plan.created[owner])
        return _Columns((
            (self.person_base + index).tolist(), strings["name"], strings["phone"], strings["email"],
            [None] * index.size, created, [None] * index.size,
        ))

    def parties(self, first_id: int) -> _Columns:
        """Klager first, then the aangeklaagde, then the betrokkenen (the order of the search text)."""
        plan = self.plan
        pool_base = self.person_base - plan.pool
        respondent, colleague = self.col("respondent"), self.col("colleague")
        relatives = self.col("relatives")
        functions = _objects(self.pool["function"])
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
            notes.append(_objects(RELATIONS)[plan.p_relation[person]])
            orders.append(np.full(int(has.sum()), 3 + r))
        case = np.concatenate(cases)
        perm = np.lexsort((np.concatenate(orders), case))
        return _Columns((
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
        number = _objects([f"{plan.number_prefix} {y} {s:0{WIDTH}d}" for y, s in zip(year, seq)])
        text = number + plan.text_tokens[self.col("text")]
        invoice = self.col("invoice")
        invoice_tokens = _objects([
            f" f{y} {i:06d}" if i >= 0 else "" for y, i in zip(self.col("invoice_year").tolist(), invoice.tolist())
        ])
        remedy = self.col("remedy")
        remedy_tokens = np.where(remedy >= 0, plan.remedy_tokens[np.maximum(remedy, 0)], "")
        text = text + invoice_tokens + remedy_tokens.astype(object)
        text = text + " " + self.tokens_of(self.col("complainant"))
        pool_tokens = _objects([" " + t for t in self.pool["tokens"]] + [""])
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
        received_iso = _day_strings(received // DAY) + _clock_strings()[1][received % DAY] + "+00:00"
        data = ('{"kanaal": "' + words.channels[channel] + '", "ontvangen": "' + received_iso + '", "soort": "'
                + words.kinds[kind] + '", "telt_als": "' + _day_strings(self.col("effective")) + '"}')
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
            old = _from_d64(plan.statutory.due_in_weeks_bulk(_as_d64(receipt), rule.amount))
            due = _from_d64(plan.statutory.due_in_weeks_bulk(_as_d64(receipt), rule.extension_to))
            self.extension_due[has] = due
            events.add(case[has], extended[has], 8, EventType.MESSAGE, handler[has],
                       words.sent("Verlenging van de beslistermijn", by_email[has]))
            summary = _objects([f"Beslistermijn verlengd van {_dutch_date(a)} tot {_dutch_date(b)}"
                                for a, b in zip(old.tolist(), due.tolist())])
            weeks = rule.extension_to - rule.amount
            data = _objects([
                json.dumps({"termijn": rule.kind.value, "van": a, "tot": b, "weken": weeks}, ensure_ascii=False,
                           sort_keys=True)
                for a, b in zip(_days(old), _days(due))
            ])
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
                   "Vertrouwelijke notitie", body=_objects(CONFIDENTIAL_NOTES)[plan.confidential_text[index][note]],
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
                summary, data = "Doorverwezen naar de geschillencommissie", words.status_data[code]
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
                  ) -> tuple[_Columns, tuple[I64, npt.NDArray[np.object_]]]:
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
                due = _from_d64(plan.organisation.due_in_werkdagen_bulk(_as_d64(anchor), rule.amount))
            else:
                anchor = self.col("receipt_day")[applies]
                due = _from_d64(plan.statutory.due_in_weeks_bulk(_as_d64(anchor), rule.amount))
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
            labels = _objects([AGREEMENTS[int(t)][:200] for t in plan.a_text[positions].tolist()])
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
        rows = _Columns((
            ids.tolist(), (self.complaint_base + self.start + case).tolist(), kinds.tolist(),
            cat_objects("label")[perm].tolist(), cat_objects("unit")[perm].tolist(), cat("amount")[perm].tolist(),
            _days(cat("anchor")[perm]), _days(due), _days(cat("original")[perm]), _moments(cat("extended_at")[perm]),
            cat_objects("notice")[perm].tolist(), _moments(met_at), _ints(cat("met_by")[perm]),
            _ints(cat("agreement")[perm]), _moments(cancelled),
        ))
        return rows, (next_due, next_kind)

    # -- complaints ------------------------------------------------------------------------

    def complaints(self, events: _Events, next_due: tuple[I64, npt.NDArray[np.object_]]) -> _Columns:
        plan, staff = self.plan, self.plan.staff
        n = self.n
        kind, year, seq = self.col("kind"), self.col("year"), self.col("seq")
        numbers = [format_number(y, s) for y, s in zip(year.tolist(), seq.tolist())]
        kinds = _objects([k.value for k in KINDS])[kind].tolist()
        channels = _objects([c.value for c in CHANNELS])[self.col("channel")].tolist()
        services = _objects(list(plan.services))[self.col("service")].tolist()
        category = self.col("category")
        categories = np.where(category >= 0, _objects(list(plan.categories) + [None])[category], None).tolist()
        texts = plan.texts[self.col("text")].tolist()
        incident = self.col("incident")
        discussed = [None if d < 0 else bool(d) for d in self.col("discussed").tolist()]
        remedy = self.col("remedy")
        remedies = np.where(remedy >= 0, plan.remedies[np.maximum(remedy, 0)], None).tolist()
        invoices = [f"F{y}-{i:06d}" if i >= 0 else None
                    for y, i in zip(self.col("invoice_year").tolist(), self.col("invoice").tolist())]
        queue_names = [plan.lists.queues[k].name if k in plan.lists.queues else None for k in KINDS]
        queues = _objects(queue_names)[kind].tolist()
        status_codes = self.status
        statuses = _objects([s.value for s in STATUSES])[status_codes].tolist()
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
        disputes = np.where(dispute >= 0, _objects(DISPUTE_OUTCOMES)[np.maximum(dispute, 0)], None).tolist()
        due, due_kind = next_due
        # updated_at: the last event of the case
        updated = self.col("created").copy()
        np.maximum.at(updated, events.case, events.at)
        search = self.search_texts().tolist()
        registrar = np.asarray(staff.customer_service)[self.col("registrar")]
        return _Columns((
            range(self.complaint_base + self.start, self.complaint_base + self.stop), numbers, year.tolist(),
            seq.tolist(), kinds, channels, _moments(self.col("received")), _days(self.col("effective")), services,
            categories, texts, _days(incident, incident >= 0), discussed, remedies, invoices, queues, statuses,
            (self.person_base + self.col("complainant")).tolist(), _ints(handler), resolutions, accepted, disputes,
            _moments(self.closed_at), _days(due, due >= 0), due_kind.tolist(), search, registrar.tolist(),
            _moments(self.col("created")), _moments(updated), [None] * n, self.version.tolist(),
        ))


# =======================================================================================
# loaders: SQLite (executemany, FTS rebuild) and PostgreSQL (COPY)
# =======================================================================================


def _migration() -> Any:
    return importlib.import_module("klachtdesk.migrations.versions.0001_initial_schema")


class _Loader:
    """Writes rows on the DBAPI connection of the session's transaction.

    Rows are written in the calling thread: a writer thread measured slower, because the
    driver gives the GIL back for every row and the generating thread takes it over.
    (Single long statements are another matter: see ``_SqliteLoader``.) Driver errors
    become ``DatabaseProblem`` (one Dutch sentence).
    """

    driver_errors: tuple[type[BaseException], ...] = ()

    def __init__(self, session: Session) -> None:
        self.session = session
        self.raw = session.connection().connection.driver_connection

    def count(self, table: str) -> int:
        return int(self.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    def max_id(self, table: str) -> int:
        return int(self.session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one())

    def insert(self, table: str, columns: Sequence[str], rows: _Columns | list[tuple[Any, ...]]) -> None:
        if not len(rows):
            return
        try:
            self._insert(table, columns, rows)
        except self.driver_errors as error:
            raise translate_error(error) from error

    def batch_written(self) -> None:
        """A batch is complete (all its rows written)."""

    def abort(self) -> None:
        """Stop whatever still runs on the connection (before the rollback)."""

    def begin(self, bulk: bool) -> None:
        raise NotImplementedError  # pragma: no cover

    def _insert(self, table: str, columns: Sequence[str], rows: _Columns | list[tuple[Any, ...]]) -> None:
        raise NotImplementedError  # pragma: no cover

    def finish(self) -> None:
        raise NotImplementedError  # pragma: no cover


class _SqliteLoader(_Loader):
    """``executemany`` on the sqlite3 connection of the session's transaction.

    A bulk load drops the indexes whose keys it would insert in random order and creates
    them again with their own SQL at the end, writes many rows per statement, and feeds
    the full-text index per batch with one set-based ``INSERT ... SELECT`` instead of the
    per-row triggers, which are dropped and then created again with exactly the SQL of
    the migration (``SQLITE_FTS``). The PRAGMA and FTS5 settings it changes are restored.
    """

    driver_errors = (sqlite3.Error,)  # type: ignore[assignment]
    #: page cache while loading (KiB): a big transaction reads back fewer pages through the WAL
    CACHE_KIB = 1024 * 1024
    TRIGGERS = ("complaint_fts_ai", "complaint_fts_ad", "complaint_fts_au")
    #: a bulk load drops the indexes of these tables and builds them afterwards, except the
    #: ones whose keys arrive in ascending order anyway (a sorted build is much cheaper than a
    #: million scattered inserts, and it keeps the many-row statements' journals small)
    REBUILT_TABLES = ("complaint", "person", "party", "deadline", "event")
    KEPT = frozenset({"ix_event_complaint", "ix_party_complaint_id", "ix_deadline_complaint"})
    #: rows per INSERT statement (a quarter less work per row than one row per statement).
    #: A statement that may fail halfway keeps a statement journal, which stays in memory
    #: only while the statement changes few existing pages: so it needs the indexes above
    #: dropped, and small loads write one row per statement
    ROWS_PER_STATEMENT = 200
    #: FTS5 settings while loading, and their defaults (restored afterwards)
    FTS_BULK = {"automerge": (0, 4), "crisismerge": (2000, 16), "hashsize": (256 * 1024 * 1024, 1024 * 1024)}

    def begin(self, bulk: bool) -> None:
        self.bulk = bulk
        self.fts_pending: list[tuple[int, int]] = []
        self.fts_thread: threading.Thread | None = None
        self.fts_error: BaseException | None = None
        cursor = self.raw.cursor()
        self.cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size=-{self.CACHE_KIB}")  # for this load only (index builds sort in it)
        self.fts = bulk and bool(cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'complaint_fts'").fetchone()[0])
        self.fts_config: dict[str, Any] = {}
        self.indexes: list[tuple[str, str]] = []
        if bulk:
            marks = ", ".join("?" for _ in self.REBUILT_TABLES)
            self.indexes = [
                (name, sql) for name, sql in cursor.execute(
                    f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    f"AND tbl_name IN ({marks}) ORDER BY name", self.REBUILT_TABLES).fetchall()
                if name not in self.KEPT
            ]
            for name, _sql in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        if self.fts:
            for name in self.TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            self.fts_config = dict(cursor.execute(
                "SELECT k, v FROM complaint_fts_config WHERE k IN ('automerge', 'crisismerge', 'hashsize')"
            ).fetchall())
            for key, (value, _default) in self.FTS_BULK.items():
                cursor.execute("INSERT INTO complaint_fts(complaint_fts, rank) VALUES (?, ?)", (key, value))
        cursor.close()

    def _insert(self, table: str, columns: Sequence[str], rows: _Columns | list[tuple[Any, ...]]) -> None:
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        one = "(" + ", ".join("?" for _ in columns) + ")"
        per = self.ROWS_PER_STATEMENT if self.bulk else 1
        if not isinstance(rows, _Columns) or per == 1:
            self.raw.executemany(insert + one, rows.rows() if isinstance(rows, _Columns) else rows)
        else:
            per = max(1, min(per, self.raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns)))
            flat, width = rows.flat(), len(columns)
            full = len(rows) // per * per * width
            if full:
                step = per * width
                self.raw.executemany(insert + ", ".join([one] * per), [flat[i:i + step] for i in range(0, full, step)])
            if full < len(flat):
                self.raw.executemany(insert + one, [flat[i:i + width] for i in range(full, len(flat), width)])
        if table == "complaint" and self.fts:
            self.fts_pending.append((rows.columns[0][0], rows.columns[0][-1]))

    def insert(self, table: str, columns: Sequence[str], rows: _Columns | list[tuple[Any, ...]]) -> None:
        self.wait_for_index()
        super().insert(table, columns, rows)

    def batch_written(self) -> None:
        """Index the batch's complaints for full-text search in a thread of its own: one
        statement that holds no GIL, so it overlaps with building the next batch in Python.
        Nothing else uses the connection until ``wait_for_index``."""
        if not self.fts_pending:
            return
        first, last = self.fts_pending[0][0], self.fts_pending[-1][1]
        self.fts_pending.clear()

        def index() -> None:
            try:
                self.raw.execute("INSERT INTO complaint_fts(rowid, search_text) SELECT id, search_text FROM complaint "
                                 "WHERE id BETWEEN ? AND ?", (first, last))
            except BaseException as error:  # handed to the loading thread
                self.fts_error = error

        self.fts_thread = threading.Thread(target=index, name="klachtdesk-demo-fts", daemon=True)
        self.fts_thread.start()

    def abort(self) -> None:
        if self.fts_thread is not None:
            self.raw.interrupt()
            self.fts_thread.join()
            self.fts_thread = None

    def wait_for_index(self) -> None:
        if self.fts_thread is not None:
            self.fts_thread.join()
            self.fts_thread = None
        if self.fts_error is not None:
            error, self.fts_error = self.fts_error, None
            if isinstance(error, sqlite3.Error):
                raise translate_error(error) from error
            raise error

    def finish(self) -> None:
        self.batch_written()
        self.wait_for_index()
        cursor = self.raw.cursor()
        for _name, sql in self.indexes:
            cursor.execute(sql)
        if self.fts:
            for key, (_value, default) in self.FTS_BULK.items():
                cursor.execute("INSERT INTO complaint_fts(complaint_fts, rank) VALUES (?, ?)",
                               (key, self.fts_config.get(key, default)))
            for statement in _migration().SQLITE_FTS:
                if statement.startswith("CREATE TRIGGER"):
                    cursor.execute(statement)
        cursor.execute(f"PRAGMA cache_size={int(self.cache_size)}")
        cursor.close()


class _PostgresLoader(_Loader):
    """``COPY ... FROM STDIN`` through psycopg, inside the session's transaction."""

    def __init__(self, session: Session) -> None:
        import psycopg

        super().__init__(session)
        self.driver_errors = (psycopg.Error,)

    def begin(self, bulk: bool) -> None:
        tables = ", ".join((*_ID_TABLES, "measure_complaint"))
        self.session.execute(text(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE"))
        self.gin = bulk
        if bulk:
            self.session.execute(text("DROP INDEX IF EXISTS ix_complaint_search"))

    def _insert(self, table: str, columns: Sequence[str], rows: _Columns | list[tuple[Any, ...]]) -> None:
        with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows.rows() if isinstance(rows, _Columns) else rows:
                copy.write_row(row)

    def finish(self) -> None:
        if self.gin:
            for statement in _migration().POSTGRES_FTS:
                self.session.execute(text(statement))
        for table in _ID_TABLES:
            self.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            ))
        if self.gin:
            for table in ("person", "complaint", "party", "event", "deadline"):
                self.session.execute(text(f"ANALYZE {table}"))


def _loader_for(session: Session, context: Context) -> _Loader:
    dialect = context.db.dialect
    if dialect == "sqlite":
        return _SqliteLoader(session)
    if dialect == "postgresql":
        return _PostgresLoader(session)
    raise ValidationError(f"Demodata laden kan op SQLite en PostgreSQL, niet op {dialect}.")
