"""What a person does in the browser to connect Meta accounts, shared by the browser tests:
log in as the cast's owner, press Palabre's button, go through the double's login dialog
(who logs in, which Pages), tick accounts on Palabre's list. Selectors name forms, fields
and values, never words: the words are translated."""

from __future__ import annotations

from typing import Any

from conftest import PASSWORD
from tests.networks.meta.double import MetaDouble
from tests.networks.meta.state import Person

SLUG = "lumiere"


def log_in(page: Any, base: str, email: str = "alice@example.com") -> None:
    """The cast's owner (alice) by default, landing on her workspace."""
    page.goto(f"{base}/login/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/w/{SLUG}/")


def open_meta_picker(page: Any, base: str, double: MetaDouble, person: Person) -> None:
    """From the channels page to Palabre's list of the accounts Facebook let it reach:
    `person` logs in on the double's dialog and allows every Page they manage."""
    page.goto(f"{base}/w/{SLUG}/settings/channels/")
    page.locator(f'form[action="/w/{SLUG}/settings/channels/meta/"] button').click()
    page.wait_for_url(f"{double.login_url}/**")
    page.locator(f'input[name="person"][value="{person.id}"]').check()
    page.locator('button[value="allow"]').click()
    page.wait_for_url(f"{base}/w/{SLUG}/settings/channels/meta/pick/")


def connect_ticked(page: Any, base: str, accounts: list[str]) -> None:
    """On the list, tick `accounts` ("facebook:<page id>", "instagram:<ig user id>") and
    connect them; back on the channels page."""
    for value in accounts:
        page.locator(f'input[name="account"][value="{value}"]').check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/w/{SLUG}/settings/channels/")
