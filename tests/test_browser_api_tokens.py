"""API tokens in the browser, on the demo: the owner opens the page from the settings, makes a
workspace token, reads its secret off the page, calls the API with it over HTTP, sees its last
use, and revokes it; the next call is refused. The page in French and in English, and on a
phone: axe-core finds no serious or critical violation, and nothing scrolls sideways."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    call_command("demo", stdout=StringIO())
    return live_server.url


def _problems(page: Any) -> list[str]:
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return found + ([f"scrolls sideways by {overflow}px"] if overflow > 0 else [])


def _call(base: str, secret: str) -> httpx.Response:
    return httpx.get(
        f"{base}/api/v1/workspace", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )


def test_make_use_and_revoke_a_token(browser, demo_site, screenshot_dir: Path) -> None:
    base, ws = demo_site, f"{demo_site}/w/{DEMO_SLUG}"
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill("camille@lumiere.example")  # the owner
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{ws}/")

    # From the settings' tabs to the token page; the demo's two tokens are listed.
    page.goto(f"{ws}/settings/")
    page.locator("nav.tabs a[href$='/settings/api/']").click()
    page.wait_for_url(f"{ws}/settings/api/")
    agenda = page.locator("#tokens tbody tr", has_text="n8n — agenda")
    assert re.search(r"\d\d/\d\d/\d{4}", agenda.locator("[data-last-used]").inner_text())
    assert agenda.locator("[data-status] .badge.active").count() == 1
    trial = page.locator("#tokens tbody tr", has_text="Essai de script")
    assert trial.locator("[data-status] .badge.disabled").count() == 1
    assert trial.locator("details.confirm").count() == 0  # already revoked
    page.screenshot(path=screenshot_dir / "api-tokens-fr.png", full_page=True)
    assert _problems(page) == []

    # A workspace token, read and write, for 30 days.
    page.locator("#id_name").fill("Tableau de bord")
    page.locator("input[name='kind'][value='workspace']").check()
    page.locator("input[name='scopes'][value='read']").check()
    page.locator("input[name='scopes'][value='write']").check()
    page.locator("input[name='life'][value='30']").check()
    page.locator("#token-form button[type='submit']").click()
    page.wait_for_load_state()
    secret = page.locator("#new-secret").inner_text().strip()
    assert secret.startswith("palabre_")
    assert page.locator("button[data-copy='new-secret']").is_visible()  # copy.js ran
    assert f"Bearer {secret}" in page.locator("#curl-example").inner_text()
    page.screenshot(path=screenshot_dir / "api-token-made-fr.png", full_page=True)

    # The secret works over HTTP, as a program would send it.
    answer = _call(base, secret)
    assert answer.status_code == 200, answer.text
    assert answer.json()["slug"] == DEMO_SLUG
    assert answer.json()["token_scopes"] == ["read", "write"]

    # Never shown again; its last use is.
    page.goto(f"{ws}/settings/api/")
    assert secret not in page.content()
    row = page.locator("#tokens tbody tr", has_text="Tableau de bord")
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", row.locator("[data-last-used]").inner_text())
    assert secret[:14] in row.inner_text()  # its prefix tells it apart

    # Revoked: the next call is refused.
    row.locator("details.confirm summary").click()
    row.locator("details.confirm button[type='submit']").click()
    page.wait_for_url(f"{ws}/settings/api/")
    row = page.locator("#tokens tbody tr", has_text="Tableau de bord")
    assert row.locator("[data-status] .badge.disabled").count() == 1
    assert _call(base, secret).status_code == 401

    # The same page in English, and on a phone.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="API tokens").is_visible()
    page.screenshot(path=screenshot_dir / "api-tokens-en.png", full_page=True)
    assert _problems(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.screenshot(path=screenshot_dir / "375-api-tokens-en.png", full_page=True)
    assert _problems(page) == []
    page.close()
