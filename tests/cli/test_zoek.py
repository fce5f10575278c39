"""``klachtdesk zoek TERM``: a klachtnummer prints the case, other text the matching cases
one line each; run in-process through the real ``main`` (only ``zoek`` registered)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

import klachtdesk.cli as cli
from klachtdesk.cli import search_output
from klachtdesk.models import ComplaintKind
from klachtdesk.services.cases import complaints
from klachtdesk.services.cases.complaints import PersonInput, Registered, RegistrationInput
from klachtdesk.services.core.context import Context

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cases(sqlite_context: Context) -> list[Registered]:
    people = [("Karel Appel", "+31 6 1234 5678"), ("Jan Jansen", "020 555 1234"), ("Janneke Smit", ""),
              ("Jantine de Boer", "")]
    return [
        complaints.register(sqlite_context, RegistrationInput(
            kind=ComplaintKind.COMPLAINT, received_at=sqlite_context.now() - timedelta(days=4 - i),
            complainant=PersonInput(name=name, phone=phone, email=f"klant{i}@example.nl"),
            service_type=sqlite_context.settings.lists.service_types[0], description=f"De monteur kwam niet ({i})",
        ))
        for i, (name, phone) in enumerate(people)
    ]


@pytest.fixture
def zoek(sqlite_context: Context, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``klachtdesk zoek --db <the test database> TERM``; (exit code, stdout, stderr)."""
    monkeypatch.setattr(cli, "COMMANDS", ("klachtdesk.cli.zoek",))
    path = str(sqlite_context.db.path)

    def run(term: str) -> tuple[int, str, str]:
        try:
            code = cli.main(["zoek", "--db", path, term])
        except SystemExit as stop:
            code = int(stop.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_a_klachtnummer_prints_that_case(zoek: Run, cases: list[Registered]) -> None:
    code, out, err = zoek(cases[1].number)
    assert code == 0, err
    assert cases[1].number in out
    assert "Jan Jansen" in out


def test_text_prints_one_line_per_matching_case(zoek: Run, cases: list[Registered]) -> None:
    code, out, err = zoek("jan")
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [cases[3].number, cases[2].number, cases[1].number]
    assert "Jantine de Boer" in lines[0] and "klacht" in lines[0] and "nieuw" in lines[0]


def test_a_phone_number_in_another_format_finds_the_caller(zoek: Run, cases: list[Registered]) -> None:
    code, out, _ = zoek("06-12345678")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [cases[0].number]
    assert "Karel Appel" in out


def test_nothing_found_exits_1_with_a_dutch_message(zoek: Run, cases: list[Registered]) -> None:
    code, out, err = zoek("zzzz")
    assert code == 1
    assert out == ""
    assert "geen zaken gevonden voor 'zzzz'" in err


def test_an_unknown_klachtnummer_exits_1(zoek: Run, cases: list[Registered]) -> None:
    code, _, err = zoek("KL-2026-000999")
    assert code == 1
    assert "KL-2026-000999 bestaat niet" in err


def test_a_term_without_letters_or_digits_is_refused(zoek: Run, cases: list[Registered]) -> None:
    code, _, err = zoek("!?!")
    assert code == 2
    assert "zoekterm" in err
    assert "Traceback" not in err


def test_more_matches_than_fit_are_counted(zoek: Run, cases: list[Registered],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_output, "LIMIT", 2)
    code, out, _ = zoek("monteur")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[-1] == "… en nog 2 zaken; maak de zoekterm specifieker."


def test_zoek_prints_every_registered_field(sqlite_context, capsys) -> None:  # type: ignore[no-untyped-def]
    """What the intake registered comes back from the command line, field by field."""
    from datetime import date

    from klachtdesk.cli import main
    from klachtdesk.models import PartyRole
    from klachtdesk.services.cases import complaints
    from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput

    registered = complaints.register(sqlite_context, RegistrationInput(
        complainant=PersonInput(name="Marieke Jansen", phone="06-12345670", email="m.jansen@example.nl"),
        service_type="Teleconsultatie", category="Bejegening", incident_date=date(2026, 11, 20),
        description="Niet teruggebeld na het videoconsult.", discussed_first=False,
        remedy_sought="Excuses en een nieuwe afspraak",
        involved=[PersonInput(name="Dr. P. Bakker", role=PartyRole.RESPONDENT, note="huisarts"),
                  PersonInput(name="Sanne de Wit", role=PartyRole.INVOLVED, phone="+32 470 12 34 56")],
    ))
    assert main(["zoek", registered.number, "--db", str(sqlite_context.db.path), "--gebruiker", "tester"]) == 0
    out = capsys.readouterr().out
    for expected in ("Marieke Jansen", "06 12345670", "m.jansen@example.nl", "Teleconsultatie", "Bejegening",
                     "vrijdag 20 november 2026", "Niet teruggebeld na het videoconsult.", "Eerst besproken        nee",
                     "Excuses en een nieuwe afspraak", "Dr. P. Bakker (huisarts)", "Aangeklaagde",
                     "Sanne de Wit", "+32 470 12 34 56"):
        assert expected in out, expected
