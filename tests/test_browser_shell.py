"""What a person does in the browser: log in, read the dashboard in French, switch to
English, and meet a 404 on another workspace. The pages before login: axe-core finds no
serious or critical violation, and nothing scrolls sideways at 375 px (every other page,
as every role: test_browser_layout.py)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG
from tests.layout import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANONYMOUS_PAGES = ["/login/", "/password-reset/", "/password-reset/sent/"]


@pytest.fixture
def demo_site(live_server):
    call_command("demo", stdout=StringIO())
    return live_server.url


def _log_in(page, base: str, email: str = "camille@lumiere.example") -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/w/{DEMO_SLUG}/")


def test_owner_logs_in_reads_french_switches_to_english_and_meets_404(
    browser, demo_site, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    _log_in(page, demo_site)
    nav = page.get_by_role("navigation", name="Rubriques")
    assert nav.get_by_role("link", name="Boîte de réception").is_visible()
    assert page.get_by_role("heading", name="Boulangerie Lumière").is_visible()
    page.screenshot(path=screenshot_dir / "dashboard-fr.png", full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    nav = page.get_by_role("navigation", name="Sections")
    assert nav.get_by_role("link", name="Inbox").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=screenshot_dir / "dashboard-en.png", full_page=True)

    response = page.goto(f"{demo_site}/w/librairie-des-quais/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    page.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_pages_before_login_are_accessible_and_fit(
    browser, demo_site, screenshot_dir: Path, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800}, locale="fr-FR")
    axe = Axe()
    problems: dict[str, list[str]] = {}
    for path in ANONYMOUS_PAGES:
        response = page.goto(f"{demo_site}{path}")
        # Each page itself, not the first-run setup a site without anyone redirects to.
        assert response is not None and response.url == f"{demo_site}{path}", path
        found = serious_violations(axe, page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            found.append(f"scrolls sideways by {overflow}px")
        if found:
            problems[path] = found
        name = path.strip("/").replace("/", "_") or "root"
        page.screenshot(path=screenshot_dir / f"{width}-{name}.png", full_page=True)
    page.close()
    assert problems == {}


def test_chromium_reads_the_manifest_a_phone_installs_palabre_from(browser, live_server) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800}, locale="fr-FR")
    page.goto(f"{live_server.url}/login/")
    cdp = page.context.new_cdp_session(page)
    found = cdp.send("Page.getAppManifest")
    assert found["url"].endswith("/manifest.webmanifest")
    assert found["errors"] == [], found["errors"]
    assert json.loads(found["data"])["display"] == "standalone"
    page.close()


def test_signed_out_while_typing_keeps_the_text_and_says_so(
    browser, demo_site, screenshot_dir: Path
) -> None:
    """The session ends while a post is being written (signed out in another tab): the
    composer's live check used to send the page to the sign-in page, and the text was lost.
    An e-mail's link opened signed out asks to sign in, then opens the page."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = context.new_page()
    _log_in(page, demo_site, "ines@lumiere.example")
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/compose/")
    idea = page.get_by_label("L’idée")
    idea.fill("Notre pain du dimanche")
    context.clear_cookies(name="palabre_session")  # signed out elsewhere (CSRF cookie stays)
    idea.press_sequentially(", au levain")
    banner = page.locator("#signed-out")
    banner.wait_for()
    assert "Reconnectez-vous dans un autre onglet" in banner.inner_text()
    assert page.url.endswith("/compose/")
    assert idea.input_value() == "Notre pain du dimanche, au levain"
    page.screenshot(path=screenshot_dir / "signed-out-while-typing.png")
    with page.expect_popup() as opened:
        banner.click()
    login = opened.value
    login.wait_for_load_state()
    assert "/login/?next=" in login.url and "compose" in login.url

    reviewed = f"{demo_site}/w/{DEMO_SLUG}/inbox/"
    page.goto(reviewed)  # an e-mail's link, signed out
    page.get_by_label("Adresse e-mail").fill("camille@lumiere.example")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(reviewed)
    context.close()
