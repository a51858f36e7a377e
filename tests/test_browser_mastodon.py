"""A community manager connects a Mastodon account on a real server (Takahē on loopback)
through its own login and consent pages, then answers a customer's private message from the
inbox: the answer reaches the customer privately, mentioned, and nowhere public."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD
from palabre.channels.models import Channel
from palabre.inbox.models import Interaction, Reply, ReplyStatus
from palabre.inbox.tests.helpers import poll
from palabre.networks.base import InteractionKind, Visibility
from palabre.worker import loop
from tests.networks.harness import eventually

pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.django_db(transaction=True)]


def _run_worker() -> None:
    """What the `palabre worker` beside the server does, until nothing is due."""
    loop.run(stop=threading.Event(), until_idle=True)


def test_connect_takahe_by_oauth_then_answer_a_private_message(
    browser,
    live_server,
    settings,
    cast,
    mastodon_network,
    takahe: dict[str, Any],
    takahe_server,
    screenshot_dir: Path,
) -> None:
    settings.SITE_URL = live_server.url  # where the server sends the person back
    base, brand = live_server.url, takahe["accounts"]["brand"]
    # The server's pages use its private authority, as a self-hosted instance's might.
    page = browser.new_page(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", ignore_https_errors=True
    )
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill("alice@example.com")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/w/lumiere/")

    page.goto(f"{base}/w/lumiere/settings/channels/")
    page.get_by_role("button", name="Connecter Mastodon").click()
    page.get_by_label("Votre instance").fill(takahe["base_url"])
    page.screenshot(path=screenshot_dir / "mastodon-connect.png", full_page=True)
    page.get_by_role("button", name="Continuer vers mon instance").click()

    # Takahē's own pages: its login, then its consent.
    page.wait_for_url(f"{takahe['base_url']}/auth/login/**")
    page.locator("input[name=username]").fill(brand["email"])
    page.locator("input[name=password]").fill(brand["password"])
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{takahe['base_url']}/oauth/authorize**")
    page.screenshot(path=screenshot_dir / "mastodon-consent.png", full_page=True)
    page.get_by_role("button", name="Allow").click()

    page.wait_for_url(f"{base}/w/lumiere/settings/channels/")
    page.get_by_text(f"@{brand['acct']} est connecté.").wait_for()
    channel = Channel.objects.get(workspace=cast.workspace, connector="mastodon")
    assert channel.server["software"] == "takahe"
    page.get_by_text("takahe 0.11.0 · 500 caractères · 4 médias").wait_for()  # what it said
    assert channel.credentials["access_token"] not in page.content()
    page.screenshot(path=screenshot_dir / "mastodon-connected.png", full_page=True)

    fan = takahe_server.peer
    fan.message("Bonjour, ma commande 5120 n'est pas arrivée. Pouvez-vous vérifier ?")

    def arrived() -> Interaction | None:
        poll(channel)  # the worker polls every minute or so; the test does not wait for it
        # The server is shared with the other network tests: earlier messages are there too.
        said = Interaction.objects.filter(channel=channel, kind=InteractionKind.MESSAGE)
        return said.filter(text__contains="commande 5120").first()

    message = eventually(arrived)
    assert message.visibility == Visibility.DIRECT
    page.goto(f"{base}/w/lumiere/inbox/")
    row = page.locator(".inbox-row", has_text="commande 5120")
    assert row.locator(".badge", has_text="Message privé").is_visible()
    row.locator("a").click()
    page.wait_for_url(f"**/inbox/{message.pk}/")
    note = page.locator(".audience-note").inner_text()
    assert note.startswith("Seul·e @fan") and note.endswith("verra cette réponse."), note
    page.get_by_label("Votre réponse").fill(
        "Bonjour, nous regardons votre commande 5120 tout de suite."
    )
    page.screenshot(path=screenshot_dir / "mastodon-private-answer.png", full_page=True)
    page.get_by_role("button", name="Répondre en privé").click()
    page.get_by_text("Votre réponse privée est en route.").wait_for()

    _run_worker()
    reply = Reply.objects.get(interaction=message)
    assert (reply.status, reply.error) == (ReplyStatus.SENT, "")
    seen = eventually(lambda: fan.read(reply.remote_id))
    assert seen.visibility == Visibility.DIRECT
    assert fan.account.username in seen.mentions
    assert "commande 5120 tout de suite" in seen.text
    assert reply.remote_id not in fan.public_timeline()
    page.reload()
    page.screenshot(path=screenshot_dir / "mastodon-private-answered.png", full_page=True)
    page.close()
