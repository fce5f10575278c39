"""The demo's vocabulary: fictitious people, realistic wording, the kinds, channels and
status chains the plan draws from, and the history's texts as lookup tables (``Words``),
worded by the services' own functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from klachtdesk.demo.staff import DemoStaff
from klachtdesk.demo.values import objects
from klachtdesk.models import Acceptance, Channel, ComplaintKind, ContactMedium, Direction, MeasureKind, Status
from klachtdesk.models.types import dump_json
from klachtdesk.services.cases.complaints import registration_line
from klachtdesk.services.core.context import Context
from klachtdesk.services.correspondence.messages import posted_line, sent_line
from klachtdesk.services.procedure.workflow import (
    assignment_data,
    assignment_line,
    closing_line,
    contact_data,
    contact_line,
    reopening_line,
    status_data,
    status_line,
)


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
#: per area code above: the town, and the first two digits of its postcodes (a demo klager's address)
AREA_TOWNS = (("Rotterdam", 30), ("Tilburg", 50), ("Delft", 26), ("Amsterdam", 10), ("Haarlem", 20),
              ("Nijmegen", 65), ("Arnhem", 68), ("Utrecht", 35), ("Amersfoort", 38), ("Hilversum", 12),
              ("Zwolle", 80), ("Eindhoven", 56), ("Maastricht", 62), ("Heerlen", 64), ("Sittard", 61),
              ("Groningen", 97), ("Enschede", 75), ("Apeldoorn", 73), ("Leeuwarden", 89), ("Den Haag", 25),
              ("Leiden", 23), ("Alkmaar", 18), ("'s-Hertogenbosch", 52), ("Hengelo", 75), ("Breda", 48),
              ("Venlo", 59), ("Dordrecht", 33), ("Zoetermeer", 27))
STREETS = ("Dorpsstraat", "Kerkstraat", "Molenweg", "Stationsweg", "Schoolstraat", "Julianastraat", "Beatrixlaan",
           "Wilhelminastraat", "Lindelaan", "Eikenlaan", "Nieuwstraat", "Parallelweg", "Marktplein", "Sportlaan")
POSTCODE_LETTERS = ("AB", "BC", "CD", "EK", "GH", "JK", "LM", "NP", "RT", "VW", "XZ", "HG")
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


class Words:
    """The texts of the history, worded as the services word them, as lookup tables."""

    def __init__(self, context: Context, staff: DemoStaff) -> None:
        queues = context.settings.lists.queues
        self.channels = objects([c.value for c in CHANNELS])
        self.kinds = objects([k.value for k in KINDS])
        self.registered = objects([
            registration_line(kind, channel, queues[kind].name if kind in queues else None)
            for kind in KINDS for channel in CHANNELS
        ])
        names = [staff.names[h] for h in staff.handlers]
        self.assigned = objects([assignment_line(None, name) for name in names])
        self.assigned_data = objects([dump_json(assignment_data(None, None, name, h))
                                      for name, h in zip(names, staff.handlers)])

        def contacts(rows: Sequence[tuple[ContactMedium, Direction, str]]) -> tuple[Any, Any, Any]:
            summaries = [contact_line(m, d) for m, d, _ in rows]
            datas = [dump_json(contact_data(m, d, True)) for m, d, _ in rows]
            return objects(summaries), objects([t for _, _, t in rows]), objects(datas)

        self.contact_summary, self.contact_body, self.contact_data = contacts(FIRST_CONTACTS)
        self.update_summary, self.update_body, self.update_data = contacts(UPDATES)
        self.notes = objects(NOTES)
        self.resolutions = objects(RESOLUTIONS)
        self.question_answers = objects(QUESTION_ANSWERS)
        self.reopen_reasons = objects(REOPEN_REASONS)
        # indexed by (from, to) status codes, and for a closure by whether the klager accepted
        answers = (Acceptance.NO, Acceptance.YES)
        self.status_summary = objects([status_line(a, b) for a in STATUSES for b in STATUSES])
        self.status_data = objects([dump_json(status_data(a, b)) for a in STATUSES for b in STATUSES])
        self.closed_summary = objects([closing_line(status, answer) for status in STATUSES for answer in answers])
        self.closed_data = objects([dump_json(status_data(a, b, {"akkoord": answer.value}))
                                    for a in STATUSES for b in STATUSES for answer in answers])
        self.reopened_summary = objects([reopening_line(status) for status in STATUSES])

    @staticmethod
    def sent(label: str, by_email: npt.NDArray[np.bool_]) -> npt.NDArray[np.object_]:
        """``messages.send``'s summary: by e-mail, or a letter marked posted (``posting``)."""
        return np.where(by_email, sent_line(label, "smtp"), posted_line(label)).astype(object)
