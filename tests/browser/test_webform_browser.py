"""The web form in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, installed by ``scripts/browser.sh``) driven by Selenium.

A klager files a klacht, a factuurvraag and an accountvraag, sees the klachtnummer, and
the desk finds each case through the services with the right kind, channel and
deadlines; the keyboard order follows the page; a status link shows the klager their
case; axe-core (vendored by ``scripts/browser.sh``) finds no WCAG 2.1 A/AA violation on
any page. Screenshots of the form and the confirmation are kept in
``tests/browser/artefacts/`` (gitignored).

One browser and one server for the whole module, on one test worker (``xdist_group``). Without Chromium the tests skip and
say why — except in CI (``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from klachtdesk.clock import FixedClock
from klachtdesk.db import open_database
from klachtdesk.models import StaffRole
from klachtdesk.services.cases import complaints
from klachtdesk.services.lists import inbox
from klachtdesk.services.core.context import Context
from klachtdesk.services.identity import staff
from klachtdesk.services.procedure.vocabulary import Channel, ComplaintKind, DeadlineKind
from klachtdesk.services.config.webform import WebFormSettings
from klachtdesk.web.app import create_app
from klachtdesk.web.background import Background
from tests.conftest import FIXED_NOW
from tests.web.webclient import link_token, mails

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = HERE / "vendor" / "axe.min.js"
ARTEFACTS = HERE / "artefacts"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=nl-NL")


def _missing() -> str | None:
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return "Chromium ontbreekt (/usr/bin/chromium, /usr/bin/chromedriver): installeer met scripts/browser.sh"
    if not AXE.exists():
        return "axe-core ontbreekt (tests/browser/vendor/axe.min.js): haal het op met scripts/browser.sh"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium ontbreekt: make .venv/.installed"
    return None


MISSING = _missing()
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"In CI moeten de browsertests draaien: {MISSING}")
pytestmark = [
    pytest.mark.skipif(MISSING is not None, reason=MISSING or ""),
    pytest.mark.xdist_group("browser"),  # one worker runs the module: one browser, in order (make test: loadgroup)
]


# ---------------------------------------------------------------------------------------
# one desk, one server, one browser for the module
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    database = open_database(tmp_path_factory.mktemp("browser") / "klachtdesk.db")
    context = Context(db=database, clock=FixedClock(FIXED_NOW))
    with database.write() as session:
        staff.create_staff(session, context, "tester", "Tess Tester", {StaffRole.ADMIN, StaffRole.HANDLER})
    context.user = staff.sign_in(context, "tester")
    yield context
    database.dispose()


@pytest.fixture(scope="module")
def background() -> Iterator[Background]:
    worker = Background()
    yield worker
    worker.shutdown()


@pytest.fixture(scope="module")
def server(desk: Context, background: Background) -> Iterator[str]:
    import uvicorn

    settings = WebFormSettings(secure_cookies=False, hosts=("127.0.0.1",), proxies=())
    app = create_app(desk, settings, secret=b"browser-test-secret-0123456789", background=background)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port
    sock.listen(32)
    port = sock.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", proxy_headers=False))
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if instance.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager never downloads anything
    profile = tempfile.mkdtemp(prefix="klachtdesk-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(20)
    # axe-core in every page the browser opens (once here rather than 650 kB per check)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": AXE.read_text(encoding="utf-8")})
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(autouse=True)
def _settled(background: Background) -> Iterator[None]:
    yield
    background.join()


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------


def screenshot(driver: Any, name: str) -> Path:
    """A full-page PNG in tests/browser/artefacts/."""
    ARTEFACTS.mkdir(exist_ok=True)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path = ARTEFACTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the page in the browser."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        WCAG,
    )


CHECKED: list[str] = []


def accessible(driver: Any, name: str) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page shown now."""
    assert driver.find_element("tag name", "html").get_attribute("lang") == "nl"
    violations = axe_violations(driver)
    assert violations == [], f"{name}: {violations}"
    CHECKED.append(name)


def fill(driver: Any, values: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for field, value in values.items():
        element = driver.find_element(By.ID, field)
        if element.tag_name == "select":
            Select(element).select_by_visible_text(value)
        elif element.get_attribute("type") == "radio":
            driver.find_element(By.CSS_SELECTOR, f"input[name='{field}'][value='{value}']").click()
        else:
            element.clear()
            element.send_keys(value)


def click_to_next_page(driver: Any, element: Any) -> None:
    """Click, and wait until the browser shows the page that follows."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    # while the old page is being replaced Chromium may answer "Node with given id does not
    # belong to the document" instead of "stale" (it failed once so under load): look again
    WebDriverWait(driver, 10, ignored_exceptions=[WebDriverException]).until(expected_conditions.staleness_of(page))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def choose(driver: Any, server: str, kind: str) -> None:
    """The klager's way in: the start page, the kind, 'Verder'."""
    from selenium.webdriver.common.by import By

    driver.get(server + "/")
    if "start" not in CHECKED:
        accessible(driver, "start")
    driver.find_element(By.CSS_SELECTOR, f"input[name='soort'][value='{kind}']").click()
    click_to_next_page(driver, driver.find_element(By.CSS_SELECTOR, "button[type='submit']"))


def submit(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    click_to_next_page(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type='submit']"))


KINDS = {
    "klacht": {
        "name": "Anna Bos", "email": "anna@example.nl", "phone": "06 23456789",
        "service_type": "Huisartsenzorg", "incident_date": "20-11-2026",
        "description": "De assistente was onvriendelijk aan de telefoon.",
        "involved-1-name": "De assistente van de praktijk", "discussed_first": "nee",
        "remedy_sought": "Een gesprek.",
    },
    "factuurvraag": {"name": "Bart Claes", "email": "bart@example.nl", "service_type": "Facturatie en abonnement",
                     "invoice_number": "F2026-777"},
    "accountvraag": {"name": "Cor Dijk", "phone": "020 1234567", "service_type": "Online account en app",
                     "description": "De app vraagt steeds opnieuw om mijn wachtwoord."},
}
DEADLINES = {
    "klacht": {DeadlineKind.REPLY, DeadlineKind.FIRST_CONTACT, DeadlineKind.DECISION},
    "factuurvraag": {DeadlineKind.REPLY},
    "accountvraag": {DeadlineKind.REPLY},
}


# ---------------------------------------------------------------------------------------
# the tests
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_klager_files_each_kind_and_the_desk_finds_it(browser: Any, server: str, desk: Context, kind: str) -> None:
    from selenium.webdriver.common.by import By

    choose(browser, server, kind)
    fill(browser, KINDS[kind])
    screenshot(browser, f"formulier-{kind}")
    accessible(browser, f"formulier {kind}")
    submit(browser)
    number = browser.find_element(By.ID, "klachtnummer").text
    assert number.startswith("KL-2026-")
    assert "U ontvangt uiterlijk donderdag 26 november een reactie van ons." in browser.find_element(By.ID, "termijn").text
    screenshot(browser, f"bevestiging-{kind}")
    accessible(browser, f"bevestiging {kind}")
    case = complaints.get_case(desk, complaints.id_for_number(desk, number), record_view=False)
    assert case.kind is ComplaintKind(kind) and case.channel is Channel.WEB_FORM
    assert {d.kind for d in case.deadlines} == DEADLINES[kind]
    assert case.complainant is not None and case.complainant.name == KINDS[kind]["name"]
    row = next(r for r in inbox.fetch_page(desk) if r.number == number)  # in the desk's inbox
    assert row.channel is Channel.WEB_FORM and row.next_due is not None


def test_the_keyboard_follows_the_page_and_errors_are_summarised(browser: Any, server: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/?soort=klacht")
    order = []
    for _ in range(40):
        ActionChains(browser).send_keys(Keys.TAB).perform()  # as a person presses Tab
        element = browser.switch_to.active_element
        order.append(element.get_attribute("id") or element.tag_name)
        if element.tag_name == "button":
            break
    fields = ["name", "email", "phone", "address-street", "address-postcode", "address-city", "address-country",
              "service_type", "incident_date", "category", "description", "involved-1-name", "involved-1-role",
              "involved-1-note"]
    positions = [order.index(field) for field in fields]
    assert positions == sorted(positions), order
    assert "website" not in order  # the honeypot is never reached by keyboard
    submit(browser)
    summary = browser.switch_to.active_element
    assert "error-summary" in (summary.get_attribute("class") or "")  # focus lands on the summary
    links = summary.find_elements(By.TAG_NAME, "a")
    assert [link.text for link in links][:2] == ["De naam van de klager is verplicht.",
                                                "Vul een telefoonnummer of e-mailadres in, of een postadres, zodat we kunnen "
                                                "reageren."]
    assert browser.title.startswith("Fout: ")
    screenshot(browser, "formulier-met-fouten")
    accessible(browser, "formulier met fouten")
    links[0].click()
    assert browser.execute_script("return location.hash") == "#name"


def test_address_errors_are_shown_at_their_fields_and_the_input_kept(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    choose(browser, server, "klacht")
    typed = {"name": "Dirk Eng", "service_type": "Thuiszorg", "description": "Niemand kwam.",
             "address-street": "Dorpsstraat", "address-postcode": "12345", "address-city": "Ons Dorp"}
    fill(browser, typed)
    submit(browser)
    summary = browser.switch_to.active_element
    assert "error-summary" in (summary.get_attribute("class") or "")
    assert [link.get_attribute("href").rsplit("#", 1)[1] for link in summary.find_elements(By.TAG_NAME, "a")] == [
        "address-street", "address-postcode"]
    for field in ("address-street", "address-postcode"):
        element = browser.find_element(By.ID, field)
        assert element.get_attribute("aria-invalid") == "true"
        assert f"{field}-fout" in element.get_attribute("aria-describedby").split()
    assert "aria-invalid" not in (browser.find_element(By.ID, "address-city").get_attribute("outerHTML") or "")
    for field, value in typed.items():  # nothing typed is lost
        if field != "service_type":
            assert browser.find_element(By.ID, field).get_attribute("value") == value, field
    screenshot(browser, "formulier-met-adresfouten")
    accessible(browser, "formulier met adresfouten")


def test_a_klager_without_email_gets_the_acknowledgement_by_post(browser: Any, server: str, desk: Context) -> None:
    from selenium.webdriver.common.by import By

    choose(browser, server, "accountvraag")
    fill(browser, {"name": "Els Post", "service_type": "Online account en app", "description": "Inloggen lukt niet.",
                   "address-street": "Kerkweg 3a", "address-postcode": "9876 zy", "address-city": "Ergens"})
    submit(browser)
    number = browser.find_element(By.ID, "klachtnummer").text
    assert "per post" in browser.find_element(By.ID, "bevestiging").text
    assert "Kerkweg 3a, 9876 ZY Ergens" in browser.find_element(By.ID, "bevestiging").text
    assert "Online volgen kan alleen met een e-mailadres" in browser.find_element(By.ID, "volgen").text
    screenshot(browser, "bevestiging-per-post")
    accessible(browser, "bevestiging per post")
    case = complaints.get_case(desk, complaints.id_for_number(desk, number), record_view=False)
    assert case.complainant is not None and case.complainant.address == "Kerkweg 3a, 9876 ZY Ergens"


def test_the_status_link_shows_the_klager_their_case(browser: Any, server: str, desk: Context,
                                                    background: Background) -> None:
    from selenium.webdriver.common.by import By

    number = next(r.number for r in inbox.fetch_page(desk) if r.kind is ComplaintKind.COMPLAINT)
    browser.get(server + "/status")
    accessible(browser, "waar staat mijn klacht")
    fill(browser, {"klachtnummer": number, "email": "anna@example.nl"})
    submit(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kijk in uw e-mail"
    accessible(browser, "link aangevraagd")
    background.join()
    token = link_token(mails()[-1])
    browser.get(f"{server}/status/{token}")
    accessible(browser, "link openen")
    submit(browser)
    assert browser.find_element(By.ID, "klachtnummer").text == number
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Uw klacht is geregistreerd" in page and "uiterlijk donderdag 26 november" in page
    assert "assistente" not in page  # the description and the people involved are not shown
    screenshot(browser, "status")
    accessible(browser, "stand van de klacht")
    browser.get(f"{server}/status/{token}")  # the link worked once
    assert browser.find_element(By.TAG_NAME, "h1").text == "Deze link werkt niet meer"
    accessible(browser, "link verlopen")


def test_axe_does_find_violations(browser: Any) -> None:
    """The check can fail: a page without a language and with an unlabelled field."""
    browser.get("data:text/html,<html><body><input type='text'><a href='#'></a></body></html>")
    found = {violation["id"] for violation in axe_violations(browser)}
    assert {"html-has-lang", "label"} <= found


def test_every_page_was_checked_with_axe() -> None:
    """The checks above ran axe-core on each page a klager can meet."""
    assert {"start", "formulier klacht", "formulier factuurvraag", "formulier accountvraag", "bevestiging klacht",
            "formulier met fouten", "formulier met adresfouten", "bevestiging per post", "waar staat mijn klacht", "link aangevraagd", "link openen",
            "stand van de klacht", "link verlopen"} <= set(CHECKED)
