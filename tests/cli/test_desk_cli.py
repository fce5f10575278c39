"""The desk's own commands: medewerker, opschonen/inzage/vergeet/verzoeken, backup/herstel.

Cases are set up through the services with a clock in 2015 (so their retention period
has passed whatever day the test runs); the commands themselves run on the real clock.
"""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from klachtdesk.cli import main
from klachtdesk.clock import AMSTERDAM, FixedClock
from klachtdesk.db import open_database
from klachtdesk.models import Acceptance, ComplaintKind, PartyRole, StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.identity import staff
from klachtdesk.services.procedure import workflow
from klachtdesk.services.cases.complaints import PersonInput, RegistrationInput
from klachtdesk.services.core.context import Context
from tests.conftest import demo_database

LONG_AGO = datetime(2015, 3, 2, 10, 0, tzinfo=AMSTERDAM)


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A desk database: beheerder 'bea', an old closed question of Jan, an open complaint
    of Jan with Els as witness."""
    path = tmp_path / "desk.db"
    clock = FixedClock(LONG_AGO)
    context = Context(db=open_database(demo_database(path)), clock=clock)
    context.user = staff.sign_in(context, "bea")
    staff.set_roles(context, "bea", {*context.user.roles, StaffRole.HANDLER})
    context.user = staff.sign_in(context, "bea")
    old = complaints.register(context, RegistrationInput(
        kind=ComplaintKind.INVOICE_QUESTION, complainant=PersonInput(name="Jan de Vries", email="jan@example.nl"),
        service_type="Facturatie en abonnement", invoice_number="F-2015-1", description="Dubbel afgeschreven"))
    workflow.close(context, old.id, complaints.get_case(context, old.id).version, "Terugbetaald", Acceptance.YES)
    complaints.register(context, RegistrationInput(
        complainant=PersonInput(name="Jan de Vries", email="jan@example.nl", phone="06-12345678"),
        service_type="Thuiszorg", description="De thuiszorg kwam niet.",
        involved=[PersonInput(name="Els Getuige", email="els@example.nl", role=PartyRole.INVOLVED)]))
    context.db.dispose()
    return path


# -- medewerker -----------------------------------------------------------------------------------


def test_medewerker_commands(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = str(demo_database(tmp_path / "nieuw.db"))
    code, out, _ = run(capsys, "medewerker", "toevoegen", "karin", "--naam", "Karin Klant", "--rol", "klantenservice",
                       "--email", "karin@example.nl", "--db", path, "--gebruiker", "bea")
    assert code == 0 and out == "Toegevoegd: karin — Karin Klant: klantenservice."
    code, out, _ = run(capsys, "medewerker", "--db", path, "lijst", "--gebruiker", "bea")  # options before the action too
    assert code == 0 and "bea bea beheerder ja" in out and "karin Karin Klant klantenservice karin@example.nl ja" in out
    code, out, _ = run(capsys, "medewerker", "rollen", "karin", "--rol", "behandelaar", "--rol", "klachtenmanager",
                       "--db", path, "--gebruiker", "bea")
    assert code == 0 and out == "Rollen gewijzigd: karin — Karin Klant: behandelaar, klachtenmanager."
    code, out, _ = run(capsys, "medewerker", "uit", "karin", "--db", path, "--gebruiker", "bea")
    assert code == 0 and out.startswith("Uitgezet: karin — Karin Klant (uit)")
    code, out, _ = run(capsys, "medewerker", "lijst", "--db", path, "--gebruiker", "bea")
    assert "karin" not in out
    code, out, _ = run(capsys, "medewerker", "lijst", "--alle", "--db", path, "--gebruiker", "bea")
    assert "karin Karin Klant behandelaar, klachtenmanager karin@example.nl nee" in out
    code, _, err = run(capsys, "medewerker", "lijst", "--db", path, "--gebruiker", "karin")
    assert code == 2 and err == "klachtdesk: Gebruiker 'karin' is niet meer actief."
    code, out, _ = run(capsys, "medewerker", "aan", "karin", "--db", path, "--gebruiker", "bea")
    assert code == 0 and out == "Weer aangezet: karin — Karin Klant: behandelaar, klachtenmanager."


def test_medewerker_refusals_are_dutch_sentences(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = str(demo_database(tmp_path / "nieuw.db"))
    run(capsys, "medewerker", "toevoegen", "karin", "--naam", "Karin", "--rol", "klantenservice", "--db", path,
        "--gebruiker", "bea")
    code, _, err = run(capsys, "medewerker", "toevoegen", "x", "--naam", "X", "--rol", "directie", "--db", path,
                       "--gebruiker", "karin")
    assert code == 2 and err.startswith("klachtdesk: U (Karin, klantenservice) mag niet: medewerkers en rollen beheren")
    code, _, err = run(capsys, "medewerker", "lijst", "--db", path, "--gebruiker", "onbekend")
    assert code == 2 and "geen medewerker in deze database" in err
    with pytest.raises(SystemExit) as exit_:
        main(["medewerker", "toevoegen", "x", "--naam", "X", "--rol", "baas", "--db", path])
    assert exit_.value.code == 2 and "ongeldige keuze" in capsys.readouterr().err
    code, _, err = run(capsys, "medewerker", "uit", "bea", "--db", path, "--gebruiker", "bea")
    assert code == 2 and "uzelf" in err
    code, _, err = run(capsys, "medewerker", "toevoegen", "piet", "--naam", "Piet", "--rol", "behandelaar",
                       "--email", "geen-adres", "--db", path, "--gebruiker", "bea")
    assert code == 2 and "geen geldig e-mailadres" in err


# -- privacy ----------------------------------------------------------------------------------------


def test_opschonen_dry_then_for_real(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "opschonen", "--droog", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "KL-2015-000001" in out and "1 zaak" in out and "niets gewijzigd" in out
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT anonymised_at FROM complaint WHERE seq = 1 AND year = 2015").fetchone() == (None,)
    code, out, _ = run(capsys, "opschonen", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "1 zaak" in out and "geanonimiseerd" in out
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT anonymised_at, invoice_number, description FROM complaint "
                                 "WHERE number = 'KL-2015-000001'").fetchone()
        assert row[0] is not None and row[1:] == (None, None)
        # Jan still has his open complaint: his record stays, the old case no longer points to it
        assert connection.execute("SELECT count(*) FROM person WHERE name = 'Jan de Vries'").fetchone() == (1,)
    code, out, _ = run(capsys, "opschonen", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "0 zaken" in out


def test_inzage_to_a_file_and_to_the_screen(db: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "inzage-jan.json"
    code, out, err = run(capsys, "inzage", "jan@example.nl", "--uit", str(target), "--ontvangen", "2026-01-05",
                         "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and out == ""
    assert "inzageverzoek 1 afgehandeld: 2 zaken in" in err and "Controleer de uitvoer" in err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["verzoek"]["uiterlijk"] == "2026-02-05"
    assert {case["klachtnummer"] for case in data["zaken"]} == {"KL-2015-000001", "KL-2015-000002"}
    assert target.stat().st_mode & 0o777 == 0o600  # personal data: only for the one who made it
    code, out, _ = run(capsys, "inzage", "els@example.nl", "--db", str(db), "--gebruiker", "bea")
    data = json.loads(out)
    assert code == 0 and data["zaken"][0]["rol"] == "betrokkene" and "Jan" not in out
    code, _, err = run(capsys, "inzage", "niemand@example.nl", "--db", str(db), "--gebruiker", "bea")
    assert code == 1 and "niets vastgelegd" in err


def test_vergeet_asks_first(db: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "vergeet", "els@example.nl", "--db", str(db), "--gebruiker", "bea", stdin="nee\n",
                       monkeypatch=monkeypatch)
    assert code == 1 and "Te vergeten: Els Getuige" in err and "niets gewijzigd" in err
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM person WHERE name = 'Els Getuige'").fetchone() == (1,)
    code, out, err = run(capsys, "vergeet", "els@example.nl", "--db", str(db), "--gebruiker", "bea", stdin="j\n",
                         monkeypatch=monkeypatch)
    assert code == 0 and "Zaken waaruit naam en contactgegevens verdwijnen: KL-2015-000002" in err
    assert out.startswith("Verzoek 1 afgehandeld")
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM person WHERE name = 'Els Getuige'").fetchone() == (0,)
    code, _, err = run(capsys, "vergeet", "jan@example.nl", "--ja", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "Let op: nog open: KL-2015-000002" in err


def test_verzoeken(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "verzoeken", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and out == "Geen open AVG-verzoeken."
    code, out, _ = run(capsys, "verzoeken", "nieuw", "inzage", "Jan de Vries", "--ontvangen", "2026-01-05",
                       "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and out == "Verzoek 1 (inzage) vastgelegd; uiterlijk af op donderdag 5 februari 2026."
    code, out, _ = run(capsys, "verzoeken", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and "1 inzage Jan de Vries" in out and "donderdag 5 februari 2026" in out and "te laat" in out
    code, _, err = run(capsys, "verzoeken", "verleng", "1", "--db", str(db), "--gebruiker", "bea")
    assert code == 2 and "al verstreken" in err
    code, out, _ = run(capsys, "verzoeken", "nieuw", "vergetelheid", "els@example.nl", "--db", str(db),
                       "--gebruiker", "bea")
    assert code == 0
    code, out, _ = run(capsys, "verzoeken", "verleng", "2", "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and out.startswith("Verzoek 2 verlengd tot")
    code, _, _ = run(capsys, "vergeet", "els@example.nl", "--verzoek", "2", "--ja", "--db", str(db), "--gebruiker", "bea")
    assert code == 0
    code, out, _ = run(capsys, "verzoeken", "--alle", "--db", str(db), "--gebruiker", "bea")
    assert "(verlengd)" in out and "afgehandeld" in out


# -- backup / herstel ------------------------------------------------------------------------------


def test_backup_and_herstel(db: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "kopie.db"
    code, out, _ = run(capsys, "backup", str(copy), "--db", str(db), "--gebruiker", "bea")
    assert code == 0 and out.startswith(f"Back-up gemaakt: {copy} (2 zaken, schemaversie")
    code, _, err = run(capsys, "backup", str(copy), "--db", str(db), "--gebruiker", "bea")
    assert code == 2 and "bestaat al" in err
    run(capsys, "opschonen", "--db", str(db), "--gebruiker", "bea")
    code, _, err = run(capsys, "herstel", str(copy), "--db", str(db), "--gebruiker", "bea", stdin="\n",
                       monkeypatch=monkeypatch)
    assert code == 1 and "wordt vervangen door de back-up" in err and "niets teruggezet" in err
    code, out, err = run(capsys, "herstel", str(copy), "--db", str(db), "--gebruiker", "bea", stdin="ja\n",
                         monkeypatch=monkeypatch)
    assert code == 0 and "Back-up teruggezet" in out and "voor-herstel" in out
    # the backup predates 'opschonen': the erasure register anonymises the old case again, and says so (stderr)
    assert "vergeetregister (2 regels) is opnieuw toegepast: 1 persoon en 1 zaak uit de back-up" in err
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT anonymised_at FROM complaint WHERE seq = 1").fetchone() != (None,)
    garbage = tmp_path / "rommel.db"
    garbage.write_text("geen database", encoding="utf-8")
    code, _, err = run(capsys, "herstel", str(garbage), "--ja", "--db", str(db), "--gebruiker", "bea")
    assert code == 2 and "geen SQLite-database" in err


def test_backup_needs_the_beheerder(db: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    run(capsys, "medewerker", "toevoegen", "karin", "--naam", "Karin", "--rol", "klantenservice", "--db", str(db),
        "--gebruiker", "bea")
    code, _, err = run(capsys, "backup", str(tmp_path / "kopie.db"), "--db", str(db), "--gebruiker", "karin")
    assert code == 2 and "mag niet: back-up maken en terugzetten" in err
    code, _, err = run(capsys, "herstel", str(tmp_path / "kopie.db"), "--ja", "--db", str(db), "--gebruiker", "karin")
    assert code == 2
