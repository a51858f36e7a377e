"""A community manager connects a Bluesky account of the local network from the channel screen,
publishes from the composer, and the post is on the PDS."""

from __future__ import annotations

import threading
from io import StringIO
from pathlib import Path

import pytest
from atproto import Client
from django.core.management import call_command

from palabre.accounts.models import Workspace
from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG
from palabre.worker import loop
from tests.layout import networks_ticked

pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.django_db(transaction=True)]


def test_connect_bluesky_then_publish_from_the_composer(
    browser, live_server, bluesky_network, settings, tmp_path, screenshot_dir: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=StringIO())
    # This path is about the connector; the approval path has its own test.
    Workspace.objects.filter(slug=DEMO_SLUG).update(approval_required=False)
    base, account = live_server.url, bluesky_network.accounts[0]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill("lucas@lumiere.example")  # the community manager
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/w/{DEMO_SLUG}/")

    page.goto(f"{base}/w/{DEMO_SLUG}/settings/channels/")
    page.get_by_role("button", name="Connecter Bluesky").click()
    page.get_by_label("Adresse du service").fill(bluesky_network.pds)
    page.get_by_label("Identifiant").fill(account["handle"])
    page.get_by_label("Mot de passe d’application").fill(account["appPassword"])
    page.screenshot(path=screenshot_dir / "connect-bluesky.png", full_page=True)
    page.get_by_role("button", name="Connecter", exact=True).click()
    page.get_by_text(f"@{account['handle']} est connecté.").wait_for()
    assert account["appPassword"] not in page.content()

    page.get_by_role("navigation", name="Rubriques").get_by_role("link", name="Rédiger").click()
    text = "Premier pain publié depuis Palabre sur un vrai réseau Bluesky #levain"
    page.get_by_label("L’idée").fill(text)
    networks_ticked(page, ("Bluesky",))
    page.get_by_role("button", name="Enregistrer le brouillon").click()  # the idea on every network
    page.wait_for_url("**/posts/*/")
    page.get_by_label(
        "Lumière sur Bluesky", exact=True
    ).uncheck()  # the demo channel: not this time
    page.get_by_role("button", name="Publier maintenant").click()
    page.get_by_text("publication sur 1 canal en cours").wait_for()

    loop.run(
        stop=threading.Event(), until_idle=True
    )  # the worker `make run` starts beside the server
    page.reload()
    row = page.locator('tr[data-target="bluesky"]')
    assert "Publiée" in row.inner_text()
    page.screenshot(path=screenshot_dir / "published-bluesky.png", full_page=True)

    client = Client(base_url=bluesky_network.pds)
    records = client.com.atproto.repo.list_records(
        params={"repo": account["did"], "collection": "app.bsky.feed.post", "limit": 100}
    ).records
    assert [r.value.text for r in records].count(text) == 1
    page.close()
