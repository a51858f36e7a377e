"""Each role's morning, in the browser, on a wide screen and on a phone: the manager
answers the oldest question from home, the approver approves a post from home after its
previews, the editor writes a post on one page and takes the next free slot."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from palabre.inbox.models import WAITING, Interaction, Reply
from palabre.publishing.models import Post, PostStatus
from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG
from tests.layout import DEMO_PEOPLE, log_in, networks_ticked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 375]


@pytest.fixture
def demo_site(live_server):
    call_command("demo", stdout=StringIO())
    return live_server.url


def _open(browser, width: int):  # type: ignore[no-untyped-def]
    return browser.new_page(viewport={"width": width, "height": 860}, locale="fr-FR")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_manager_answers_the_oldest_question_from_home(
    browser, demo_site, screenshot_dir: Path, width: int
) -> None:
    oldest = Interaction.objects.filter(WAITING).order_by("created_at").first()
    assert oldest is not None
    page = _open(browser, width)
    log_in(page, demo_site, DEMO_PEOPLE["manager"], DEMO_PASSWORD)
    first = page.locator("[data-waiting]").first
    assert first.get_attribute("data-waiting") == str(oldest.pk)  # oldest on top
    assert first.locator(".waiting").is_visible()  # with its waiting time
    page.screenshot(path=screenshot_dir / f"morning-manager-{width}.png", full_page=True)
    first.locator("textarea").fill("Bonjour, oui : nous ouvrons à 7 h 30 tous les jours.")
    first.get_by_role("button", name="Envoyer la réponse").click()
    # Back at the questions, not the top of the page, what happened said there in view.
    page.wait_for_url(f"{demo_site}/w/{DEMO_SLUG}/?at=waiting#h-waiting")
    said = page.locator('[data-home="waiting"] .messages')
    assert said.is_visible() and said.evaluate("e => e.getBoundingClientRect().top") >= 0
    assert said.evaluate("e => e.getBoundingClientRect().bottom <= window.innerHeight")
    page.screenshot(path=screenshot_dir / f"morning-manager-answered-{width}.png")
    assert Reply.objects.get(interaction=oldest).text.startswith("Bonjour, oui")
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_approver_approves_from_home_after_the_previews(
    browser, demo_site, screenshot_dir: Path, width: int
) -> None:
    post = Post.objects.filter(workspace__slug=DEMO_SLUG, status=PostStatus.IN_REVIEW).first()
    assert post is not None
    page = _open(browser, width)
    log_in(page, demo_site, DEMO_PEOPLE["approver"], DEMO_PASSWORD)
    card = page.locator(f'[data-approval="{post.pk}"]')
    networks = {v.network for v in post.variants.all()}
    for network in networks:  # each network's preview, before the button
        assert card.locator(f".preview-{network}").is_visible()
    page.screenshot(path=screenshot_dir / f"morning-approver-{width}.png", full_page=True)
    card.get_by_role("button", name="Valider cette version").click()
    page.wait_for_url(f"{demo_site}/w/{DEMO_SLUG}/?at=approvals#h-approvals")
    assert page.locator('[data-home="approvals"] .messages').is_visible()
    post.refresh_from_db()
    assert post.status in (PostStatus.APPROVED, PostStatus.SCHEDULED)
    assert not page.locator(f'[data-approval="{post.pk}"]').count()
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_editor_writes_sees_each_counter_and_takes_the_next_free_slot(
    browser, demo_site, screenshot_dir: Path, width: int
) -> None:
    page = _open(browser, width)
    log_in(page, demo_site, DEMO_PEOPLE["editor"], DEMO_PASSWORD)
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/compose/")
    networks_ticked(page, ("X", "Bluesky", "Mastodon"))
    idea = "Pain aux figues ce samedi, sortie du four à 9 h !"
    page.get_by_label("L’idée").press_sequentially(idea)
    for label, key in (("X", "x"), ("Bluesky", "bluesky"), ("Mastodon", "mastodon")):
        page.get_by_role("tab", name=label).click()  # every ticked network counts the idea
        counter = page.locator(f'[data-counter="{key}"] [data-length]')
        counter.filter(has_text=str(len(idea))).wait_for()
    page.get_by_role("tab", name="X").click()
    page.get_by_label("Texte pour X").fill("Pain aux figues samedi 9 h #boulangerie")
    page.locator('[data-counter="x"] [data-length]').filter(has_text="39").wait_for()
    slot = page.locator("[data-fill-slot]").get_attribute("data-fill-slot")
    page.locator("[data-fill-slot]").click()
    assert page.locator('input[name="post-publish_at"]').input_value() == slot
    assert page.url.endswith("/compose/")  # all of it without leaving the page
    page.screenshot(path=screenshot_dir / f"morning-editor-{width}.png", full_page=True)
    page.get_by_role("button", name="Soumettre à validation").click()
    page.wait_for_url(f"{demo_site}/w/{DEMO_SLUG}/posts/*/")
    post = Post.objects.get(idea=idea)
    assert post.status == PostStatus.IN_REVIEW
    assert post.publish_at is not None
    local = post.publish_at.astimezone(post.workspace.tzinfo).strftime("%Y-%m-%dT%H:%M")
    assert local == slot
    assert post.variants.get(network="x").text == "Pain aux figues samedi 9 h #boulangerie"
    assert post.variants.get(network="bluesky").text == idea
    page.close()


def test_an_answer_typed_beside_the_one_sent_is_asked_about_before_it_is_lost(
    browser, demo_site
) -> None:
    """A new user's walk: an answer sent from home reloaded the page, and the answer typed
    in the next box was gone. The browser now asks before leaving it behind."""
    page = _open(browser, 1280)
    log_in(page, demo_site, DEMO_PEOPLE["manager"], DEMO_PASSWORD)
    first, second = page.locator("[data-waiting]").nth(0), page.locator("[data-waiting]").nth(1)
    second.locator("textarea").fill("Une réponse à garder")
    first.locator("textarea").fill("Bonjour, oui !")
    asked: list[str] = []

    def stay(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.once("dialog", stay)
    first.get_by_role("button", name="Envoyer la réponse").click()
    page.wait_for_timeout(1000)
    assert asked == ["beforeunload"]
    assert second.locator("textarea").input_value() == "Une réponse à garder"
    # With nothing typed elsewhere, an answer goes without a question.
    second.locator("textarea").fill("")
    first.get_by_role("button", name="Envoyer la réponse").click()
    page.wait_for_url(f"{demo_site}/w/{DEMO_SLUG}/?at=waiting#h-waiting")
    assert asked == ["beforeunload"]
    page.close()
