"""Full-text search and klachtnummer suggestions, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from klachtdesk.errors import PermissionDenied, ValidationError
from klachtdesk.models import Channel, ComplaintKind, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.lists import search
from klachtdesk.services.cases.complaints import CaseFilter, PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from klachtdesk.services.lists.search import MatchCount, Term, parse_query

# -- query normalisation (no database) -----------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["06-12345678", "06 1234 5678", "+31 6 1234 5678", "+31612345678", "0031 6 12345678", "(06) 123-456-78",
     "612345678"],
)
def test_a_phone_number_in_any_format_becomes_its_indexed_digits(typed: str) -> None:
    assert parse_query(typed).terms == (Term(("31612345678",), prefix=False),)


def test_a_partial_phone_number_is_a_prefix_of_the_digits_as_typed() -> None:
    assert parse_query("06-1234").terms == (Term(("061234",), prefix=True),)
    assert parse_query("+31 6 1234").terms == (Term(("3161234",), prefix=True),)
    assert parse_query("0031 6 1234").terms == (Term(("3161234",), prefix=True),)


@pytest.mark.parametrize("typed", ["2026-0042-17", "F-2026-0042", "factuur 2026-0042-17", "23-11-2026"])
def test_other_digit_runs_stay_words(typed: str) -> None:
    assert all(t.prefix or len(t.words[0]) < 2 for t in parse_query(typed).terms)
    assert "20260042" not in {w for t in parse_query(typed).terms for w in t.words}


@pytest.mark.parametrize("typed", ["KL-2026-000123", "kl-2026-123", "KL 2026 123", "2026-123", "2026/123"])
def test_a_klachtnummer_becomes_its_exact_words(typed: str) -> None:
    assert parse_query(typed).terms == (Term(("kl", "2026", "000123"), prefix=False),)


def test_words_are_normalised_like_the_index_and_matched_as_prefixes() -> None:
    query = parse_query("  Émile  DUBOIS,  jan@Example.nl ")
    assert [t.words for t in query.terms] == [("emile",), ("dubois",), ("jan",), ("example",), ("nl",)]
    assert all(t.prefix for t in query.terms)


def test_text_with_a_phone_number_in_it_keeps_both() -> None:
    query = parse_query("jansen 06-12345678")
    assert Term(("31612345678",), prefix=False) in query.terms
    assert Term(("jansen",), prefix=True) in query.terms


def test_a_one_letter_word_is_not_a_prefix() -> None:
    assert parse_query("j jansen").terms == (Term(("j",), prefix=False), Term(("jansen",), prefix=True))


def test_repeated_words_count_once() -> None:
    assert parse_query("jan jan").terms == (Term(("jan",), prefix=True),)


@pytest.mark.parametrize("typed", ["", "   ", "!?!", "—"])
def test_a_query_without_letters_or_digits_is_refused_in_dutch(typed: str) -> None:
    with pytest.raises(ValidationError, match="zoekterm"):
        parse_query(typed)


def test_both_engines_get_the_same_terms() -> None:
    query = parse_query("KL-2026-000123 jansen 06-12345678")
    assert query.fts5() == '"kl 2026 000123" AND "31612345678" AND "jansen"*'
    assert query.tsquery() == "(kl <-> 2026 <-> 000123) & 31612345678 & jansen:*"


# -- search on the database -------------------------------------------------------------


def _register(context: Context, name: str, *, phone: str = "", email: str = "", description: str = "Klacht",
              hours_ago: int = 1, kind: ComplaintKind = ComplaintKind.COMPLAINT,
              channel: Channel = Channel.PHONE) -> complaints.Registered:
    return complaints.register(context, RegistrationInput(
        kind=kind, channel=channel, received_at=context.now() - timedelta(hours=hours_ago),
        complainant=PersonInput(name=name, phone=phone, email=email),
        service_type=context.settings.lists.service_types[0], description=description,
        invoice_number="F-2026-0042" if kind is ComplaintKind.INVOICE_QUESTION else "",
    ))


@pytest.fixture
def cases(context: Context) -> dict[str, complaints.Registered]:
    return {
        "karel": _register(context, "Karel Appel", phone="+31 6 1234 5678", email="karel@example.nl",
                           description="De monteur kwam niet opdagen", hours_ago=50),
        "emile": _register(context, "Émile Dubois", phone="020-5551234", email="e.dubois@voorbeeld.be",
                           description="Factuur dubbel betaald", hours_ago=40,
                           kind=ComplaintKind.INVOICE_QUESTION, channel=Channel.EMAIL),
        "jan": _register(context, "Jan Jansen", phone="06-87654321", description="Monteur was onvriendelijk",
                         hours_ago=30),
        "janneke": _register(context, "Janneke Smit", email="janneke@example.nl",
                             description="Wachttijd aan de telefoon", hours_ago=20, channel=Channel.WEB_FORM),
    }


def numbers(rows: list[complaints.CaseRow]) -> list[str]:
    return [row.number for row in rows]


@pytest.mark.parametrize("typed", ["06-12345678", "+31 6 1234 5678", "0612345678", "0031612345678", "06 1234",
                                   "+31 6 123"])
def test_finds_a_caller_by_phone_number_in_another_format(context: Context, cases: dict, typed: str) -> None:
    assert numbers(search.search_page(context, typed)) == [cases["karel"].number]


@pytest.mark.parametrize(
    ("typed", "who"),
    [("karel", ["karel"]), ("Appel", ["karel"]), ("emile", ["emile"]), ("Émile Dubois", ["emile"]),
     ("e.dubois@voorbeeld.be", ["emile"]), ("voorbeeld", ["emile"]), ("karel@example.nl", ["karel"]),
     ("onvriendelijk", ["jan"]), ("monteur opdagen", ["karel"]), ("F-2026-0042", ["emile"])],
)
def test_finds_names_email_addresses_descriptions_and_invoice_numbers(
    context: Context, cases: dict, typed: str, who: list[str]
) -> None:
    assert numbers(search.search_page(context, typed)) == [cases[w].number for w in who]


def test_every_word_is_a_prefix_and_all_must_match(context: Context, cases: dict) -> None:
    assert numbers(search.search_page(context, "jan")) == [cases["janneke"].number, cases["jan"].number]
    assert numbers(search.search_page(context, "jan smit")) == [cases["janneke"].number]
    assert search.search_page(context, "jan appel") == []


def test_finds_a_klachtnummer_in_its_forms(context: Context, cases: dict) -> None:
    number = cases["jan"].number  # KL-2026-000003
    for typed in (number, number.lower(), "2026-3", "KL 2026 3"):
        assert numbers(search.search_page(context, typed)) == [number], typed


def test_results_are_newest_registered_first_and_page_without_gaps(context: Context, cases: dict) -> None:
    first = search.search_page(context, "example", limit=1)
    second = search.search_page(context, "example", after=first[-1], limit=1)
    third = search.search_page(context, "example", after=second[-1], limit=1)
    assert numbers(first + second) == [cases["janneke"].number, cases["karel"].number]
    assert third == []
    assert numbers(search.search_page(context, "example", before=second[0], limit=5)) == [cases["janneke"].number]
    assert numbers(search.search_page(context, "example", last=True, limit=1)) == [cases["karel"].number]


def test_search_combines_with_filters(context: Context, cases: dict) -> None:
    assert len(search.search_page(context, "monteur")) == 2
    phoned_complaints = CaseFilter(channel=Channel.PHONE, kind=ComplaintKind.COMPLAINT)
    assert numbers(search.search_page(context, "jan", phoned_complaints)) == [cases["jan"].number]
    assert search.search_page(context, "dubois", CaseFilter(kind=ComplaintKind.COMPLAINT)) == []


def test_count_matches_stops_at_the_cap(context: Context, cases: dict) -> None:
    assert search.count_matches(context, "example") == MatchCount(2)
    assert search.count_matches(context, "zzz") == MatchCount(0)
    assert search.count_matches(context, "jan", cap=1) == MatchCount(1, more=True)
    assert search.count_matches(context, "jan", cap=None) == MatchCount(2)


def test_a_changed_description_is_found_under_its_new_words(context: Context, cases: dict) -> None:
    case = complaints.get_case(context, cases["jan"].id, record_view=False)
    complaints.update_fields(context, case.id, case.version, {"description": "Pakket kwam beschadigd aan"})
    assert numbers(search.search_page(context, "beschadigd")) == [cases["jan"].number]
    assert search.search_page(context, "onvriendelijk") == []


def test_directie_may_not_search_personal_data(context: Context, cases: dict, as_user: Callable[..., Context]) -> None:
    directie = as_user("dirk", StaffRole.MANAGEMENT)
    with pytest.raises(PermissionDenied):
        search.search_page(directie, "karel")


# -- klachtnummer suggestions ------------------------------------------------------------


@pytest.fixture
def twelve(context: Context) -> list[complaints.Registered]:
    return [_register(context, f"Klager {i}", email=f"k{i}@example.nl", hours_ago=30 - i) for i in range(12)]


def test_suggests_the_exact_number_first_then_the_longer_ones(context: Context, twelve: list) -> None:
    found = search.suggest_numbers(context, "1")
    assert [s.number for s in found] == ["KL-2026-000001", "KL-2026-000010", "KL-2026-000011", "KL-2026-000012"]
    assert found[0].id == twelve[0].id
    assert found[0].complainant == "Klager 0"


def test_suggestions_for_the_full_and_the_short_form(context: Context, twelve: list) -> None:
    assert [s.number for s in search.suggest_numbers(context, "KL-2026-00001")] == [
        "KL-2026-000010", "KL-2026-000011", "KL-2026-000012"]
    assert [s.number for s in search.suggest_numbers(context, "2026-12")] == ["KL-2026-000012"]
    assert [s.number for s in search.suggest_numbers(context, "KL-2026-", limit=3)] == [
        "KL-2026-000012", "KL-2026-000011", "KL-2026-000010"]
    assert search.suggest_numbers(context, "KL-2025-1") == []


def test_no_suggestions_for_text_or_unknown_numbers(context: Context, twelve: list) -> None:
    assert search.suggest_numbers(context, "jansen") == []
    assert search.suggest_numbers(context, "99") == []
    assert search.suggest_numbers(context, "") == []


def test_jump_finds_each_accepted_form_and_refuses_an_unknown_number(context: Context, twelve: list) -> None:
    from klachtdesk.errors import NotFound

    for typed in ("KL-2026-000007", "2026-7", "7"):
        assert complaints.id_for_number(context, typed) == twelve[6].id
    with pytest.raises(NotFound, match="KL-2026-000099 bestaat niet"):
        complaints.id_for_number(context, "99")


def test_a_long_prefix_gives_the_same_rows_when_the_fast_path_gives_up(
    context: Context, cases: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite reads long prefixes through the 4-letter prefix index, looking at a bounded
    number of candidates; with too few rows among them it falls back to the plain query."""
    from klachtdesk.services.lists import inbox

    _register(context, "Montessori School", email="info@montessori.example", description="Klacht", hours_ago=10)
    want = numbers(search.search_page(context, "montes"))
    assert len(want) == 1
    assert len(search.search_page(context, "mont")) == 3  # monteur (twice) and montessori
    monkeypatch.setattr(inbox, "_window", lambda want, factor=20: 2)  # two candidates at a time
    assert numbers(search.search_page(context, "montes")) == want
    assert numbers(search.search_page(context, "monteur", limit=1)) == [cases["jan"].number]
    assert numbers(search.search_page(context, "monteur", after=search.search_page(context, "monteur", limit=1)[0])
                   ) == [cases["karel"].number]
    assert search.count_matches(context, "montes", cap=5) == MatchCount(1)
    assert search.count_matches(context, "monteur", cap=1) == MatchCount(1, more=True)


@pytest.mark.parametrize("window", [(1, 0), (1, 3), (2, 100)])
def test_postgres_windows_and_index_give_the_same_pages(
    context: Context, cases: dict, monkeypatch: pytest.MonkeyPatch, window: tuple[int, int]
) -> None:
    """PostgreSQL scans a window of the newest cases first, then a larger window or the
    GIN index; whichever it picks, the pages are the same (on SQLite: the plain path)."""
    from klachtdesk.services.lists import inbox

    def walk(text: str, size: int) -> list[str]:
        seen: list[str] = []
        page = search.search_page(context, text, limit=size)
        while page:
            seen += numbers(page)
            page = search.search_page(context, text, after=page[-1], limit=size)
        backward: list[str] = []
        page = search.search_page(context, text, last=True, limit=size)
        while page:
            backward = numbers(page) + backward
            page = search.search_page(context, text, before=page[0], limit=size)
        assert backward == seen
        return seen

    texts = ["example", "monteur", "jan", "zzz", "06-12345678"]
    want = {text: walk(text, 50) for text in texts}
    monkeypatch.setattr(inbox, "PG_WINDOW", window[0])
    monkeypatch.setattr(inbox, "PG_MAX_WINDOW", window[1])
    for text in texts:
        assert walk(text, 1) == want[text], text
        assert walk(text, 2) == want[text], text


# -- inside words: Dutch compounds (issue 15, item 9) ------------------------------------------


@pytest.fixture
def compounds(context: Context) -> dict[str, complaints.Registered]:
    return {
        "whole": _register(context, "Anna Vriendt", phone="0611111111", description="Niet vriendelijk geholpen", hours_ago=30),
        "inside": _register(context, "Bram Bos", phone="0622222222", description="De thuiszorgmedewerker was onvriendelijk", hours_ago=20),
        "name": _register(context, "Carla Medewerkersma", email="carla@example.nl", description="Klacht", hours_ago=10),
    }


def test_a_word_is_found_inside_compounds_after_the_whole_word_matches(context: Context, compounds: dict) -> None:
    rows = search.search_page(context, "vriendelijk")
    assert numbers(rows) == [compounds["whole"].number, compounds["inside"].number]  # whole words rank first
    assert [row.inside_word for row in rows] == [False, True]
    assert numbers(search.search_page(context, "medewerker")) == [compounds["name"].number,
                                                                  compounds["inside"].number]
    assert numbers(search.search_page(context, "zorgmedewerker onvriend")) == [compounds["inside"].number]
    assert search.count_matches(context, "vriendelijk") == MatchCount(2)
    assert search.count_matches(context, "vriendelijk", cap=1) == MatchCount(1, more=True)


def test_two_letters_are_not_searched_inside_words(context: Context, compounds: dict) -> None:
    assert search.search_page(context, "zo") == []  # "thuiszorg" does not start with zo


def test_rows_say_where_the_text_was_found(context: Context, compounds: dict) -> None:
    found = {row.number: row.found_in for row in search.search_page(context, "medewerker")}
    assert found == {compounds["name"].number: "klager", compounds["inside"].number: "omschrijving"}
    [row] = search.search_page(context, "carla@example.nl")
    assert row.found_in == "klager, e-mail"  # carla is in her name too
    [row] = search.search_page(context, compounds["whole"].number)
    assert row.found_in == "klachtnummer"


def test_pages_run_on_from_the_whole_words_into_the_compounds(context: Context, compounds: dict) -> None:
    first = search.search_page(context, "vriendelijk", limit=1)
    second = search.search_page(context, "vriendelijk", after=first[-1], limit=1)
    assert numbers(first + second) == [compounds["whole"].number, compounds["inside"].number]
    assert search.search_page(context, "vriendelijk", after=second[-1], limit=1) == []
    assert numbers(search.search_page(context, "vriendelijk", before=second[0], limit=5)) == [
        compounds["whole"].number]
    assert numbers(search.search_page(context, "vriendelijk", last=True, limit=1)) == [compounds["inside"].number]
