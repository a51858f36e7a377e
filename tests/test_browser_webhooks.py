"""Webhooks in the browser, on the demo: the community manager opens them from the settings,
creates one and reads its secret once, then opens the demo's delivery log and sends a refused
event again. axe-core finds no serious or critical violation; nothing scrolls sideways."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from palabre.accounts.models import User
from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG
from palabre.webhooks.models import Subscription
from tests.layout import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MANAGER = "lucas@lumiere.example"


@pytest.fixture
def demo_site(live_server: Any, settings: Any) -> str:
    call_command("demo", stdout=StringIO())
    # Read in English: the page's words are asserted on, whatever the catalogue holds yet.
    User.objects.filter(email=MANAGER).update(language="en")
    # The new webhook's host, trusted as an operator would list it: no DNS lookup in a test.
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["hooks.lumiere.test"]
    return str(live_server.url)


def _problems(page: Any) -> list[str]:
    found = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return found + ([f"scrolls sideways by {overflow}px"] if overflow > 0 else [])


def test_create_a_webhook_see_its_secret_once_and_read_the_demo_log(
    browser: Any, demo_site: str, screenshot_dir: Path
) -> None:
    base, ws = demo_site, f"{demo_site}/w/{DEMO_SLUG}"
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
    log_in(page, base, MANAGER, DEMO_PASSWORD)

    # From the settings' tabs to the list, where the demo's webhook is.
    page.goto(f"{ws}/settings/")
    page.locator("nav.tabs").get_by_role("link", name="Webhooks").click()
    page.wait_for_url(f"{ws}/settings/webhooks/")
    demo_row = page.locator("tbody tr", has_text="n8n")
    assert "Active" in demo_row.inner_text() and "1 event waiting" in demo_row.inner_text()

    # A new one, for two events; its secret is on the next page, and only there.
    page.get_by_role("button", name="Add a webhook").click()
    page.get_by_label("Address that receives the events").fill("https://hooks.lumiere.test/zap")
    page.get_by_label("Description").fill("Zapier: sales sheet")
    page.get_by_label("A post was approved").check()
    page.get_by_label("A conversion was recorded").check()
    page.get_by_role("button", name="Create the webhook").click()
    secret = page.locator("#webhook-secret").inner_text().strip()
    created = Subscription.objects.get(description="Zapier: sales sheet")
    assert secret.startswith("whsec_") and secret == created.secret
    assert created.events == ["post.approved", "conversion.recorded"]
    page.screenshot(path=screenshot_dir / "webhook-created.png", full_page=True)
    assert _problems(page) == []
    page.get_by_role("button", name="Open its delivery log").click()
    assert "Nothing sent yet" in page.locator("main").inner_text()
    assert secret not in page.content()
    page.goto(f"{ws}/settings/webhooks/")
    assert secret not in page.content()
    assert page.locator("tbody tr").count() == 2
    page.screenshot(path=screenshot_dir / "webhooks.png", full_page=True)

    # The demo's log: three delivered, a sale the receiver refused with a 500.
    page.locator("tbody tr", has_text="n8n").get_by_role("link", name="Delivery log").click()
    log = page.locator("#h-log + p + .table-wrap tbody tr")
    assert log.count() == 4
    refused = page.locator("tr[data-status='failed']")
    assert "HTTP 500" in refused.inner_text() and "Quota exceeded" in refused.inner_text()
    assert page.locator("tr[data-status='delivered']").count() == 3
    page.screenshot(path=screenshot_dir / "webhook-log.png", full_page=True)
    assert _problems(page) == []
    refused.get_by_role("button", name="Send again").click()
    assert "sent again in a moment" in page.locator(".messages").inner_text()
    assert page.locator("tr[data-status='pending']").count() == 1
    page.get_by_role("button", name="Send a test event").click()
    assert "Test event queued" in page.locator(".messages").inner_text()
    assert page.locator("tr[data-status='pending']", has_text="webhook.test").count() == 1
    page.screenshot(path=screenshot_dir / "webhook-log-test.png", full_page=True)
    page.get_by_role("button", name="New secret…").click()  # it asks first
    page.get_by_role("button", name="Give it a new secret").click()
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_") and "signed with the new secret and the one before" in (
        page.locator("main").inner_text()
    )
    page.screenshot(path=screenshot_dir / "webhook-new-secret.png", full_page=True)
    page.get_by_role("button", name="Open its delivery log").click()
    assert "The previous secret still signs until" in page.locator("main").inner_text()
    assert secret not in page.content()
    page.screenshot(path=screenshot_dir / "webhook-log-two-secrets.png")

    # On a phone: the table becomes cards, nothing wider than the screen.
    phone = browser.new_page(viewport={"width": 375, "height": 800}, locale="en-GB")
    log_in(phone, base, MANAGER, DEMO_PASSWORD)
    phone.goto(page.url)
    assert _problems(phone) == []
    phone.screenshot(path=screenshot_dir / "webhook-log-phone.png", full_page=True)
