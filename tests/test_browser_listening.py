"""Listening in the browser: a community manager writes a search and previews it before
saving, filters what was heard, marks a post seen in place and answers another."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.inbox.models import Reply
from palabre.listening.models import Heard, Search
from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEARD = [
    ("bluesky", "Le pain au levain de chez Lumière, le meilleur de Lyon", "question"),
    ("bluesky", "Ma recette de pain au levain du dimanche", "other"),
    ("mastodon", "Quelqu'un connaît un bon pain au levain à Lyon ?", "question"),
    ("bluesky", "Il pleut sur la Croix-Rousse", "other"),
]


@pytest.fixture
def demo_site(live_server):
    call_command("demo", stdout=StringIO())
    # In English: the test reads the page's words, whichever catalogue is compiled.
    User.objects.filter(email="lucas@lumiere.example").update(language="en")
    workspace = Workspace.objects.get(slug=DEMO_SLUG)
    now = timezone.now()
    for n, (network, text, kind) in enumerate(HEARD):
        Heard.objects.create(
            workspace=workspace,
            network=network,
            remote_id=f"at://did:plc:voisin{n}/app.bsky.feed.post/{n}",
            url=f"https://bsky.app/profile/voisin{n}.test/post/{n}",
            author_id=f"did:plc:voisin{n}",
            author_handle=f"voisin{n}.test",
            text=text,
            posted_at=now - timedelta(minutes=5 + n),
            via="search",
            lang="fr",
            kind=kind,
        )
    return live_server.url


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill("lucas@lumiere.example")  # the manager
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/w/{DEMO_SLUG}/")


def test_a_community_manager_previews_a_search_then_works_what_was_heard(
    browser, demo_site, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    _log_in(page, demo_site)
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Listening").click()
    page.wait_for_url(f"**/w/{DEMO_SLUG}/listening/")
    page.get_by_role("link", name="Searches and settings").click()

    page.locator("#id_name").fill("Levain à Lyon")
    page.locator("#id_role").select_option("topic")
    page.locator("#id_terms").fill('"pain au levain"\nlevain lyon')
    page.locator("#id_exclusions").fill("recette")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#search-preview")
    preview.get_by_text("posts heard in the last 90 days match").wait_for()
    assert "le meilleur de Lyon" in preview.inner_text()
    assert "recette" not in preview.inner_text().lower()
    assert not Search.objects.filter(name="Levain à Lyon").exists()  # a preview saves nothing
    page.screenshot(path=screenshot_dir / "listening-preview.png", full_page=True)

    page.locator("#id_terms").fill("levain.*")
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_text("looks like a pattern").first.is_visible()
    assert page.locator("#id_terms").input_value() == "levain.*"  # kept as typed
    page.locator("#id_terms").fill('"pain au levain"\nlevain lyon')
    page.get_by_role("button", name="Preview").click()  # the refused save's error goes
    preview.get_by_text("posts heard in the last 90 days match").wait_for()
    assert page.get_by_text("looks like a pattern").count() == 0
    assert page.locator("#id_terms").get_attribute("aria-invalid") is None  # no longer said
    assert page.locator("#id_terms").input_value() == '"pain au levain"\nlevain lyon'
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Search “Levain à Lyon” saved.").wait_for()
    assert Search.objects.filter(name="Levain à Lyon").exists()

    page.get_by_role("link", name="Heard", exact=True).click()
    page.get_by_label("Network").select_option("bluesky")
    page.get_by_label("Unseen only").check()
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("[data-heard-list] > li")
    assert "Quelqu'un connaît" not in page.locator("[data-heard-list]").inner_text()
    first = rows.filter(has_text="le meilleur de Lyon")
    first.get_by_role("button", name="Mark seen").click()  # htmx: the row alone changes
    first.get_by_role("button", name="Mark unseen").wait_for()
    assert Heard.objects.get(author_handle="voisin0.test").seen_at is not None
    page.screenshot(path=screenshot_dir / "listening.png", full_page=True)

    first.get_by_role("link", name="le meilleur de Lyon").click()
    page.wait_for_url("**/listening/*/")
    page.get_by_label("Your answer").fill("Merci ! Le levain sort du four à 7 h.")
    # A hurried double click: the form's token makes it one answer.
    page.get_by_role("button", name="Answer in the thread").dblclick()
    page.get_by_text("Your answer is on its way to the post.").wait_for()
    assert page.get_by_text("Answer: Sending").first.is_visible()
    reply = Reply.objects.get(text="Merci ! Le levain sort du four à 7 h.")
    assert reply.status == "queued" and reply.interaction.kind == "listened"
    page.screenshot(path=screenshot_dir / "listening-heard.png", full_page=True)

    page.goto(f"{demo_site}/w/{DEMO_SLUG}/listening/searches/")
    page.get_by_role("button", name="Delete… Levain à Lyon", exact=True).click()
    page.screenshot(path=screenshot_dir / "listening-search-delete.png", full_page=True)
    page.get_by_role("button", name="Delete this search").click()  # the one shown
    page.get_by_text("Search “Levain à Lyon” deleted.").wait_for()
    assert not Search.objects.filter(name="Levain à Lyon").exists()
    page.close()

    phone = browser.new_page(viewport={"width": 375, "height": 800}, locale="fr-FR")
    _log_in(phone, demo_site)
    for path, name in (("", "listening-mobile"), ("searches/", "listening-searches-mobile")):
        phone.goto(f"{demo_site}/w/{DEMO_SLUG}/listening/{path}")
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
        phone.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
    phone.close()
