"""The demo's Mastodon channel in the browser: a private message answered privately, and
an insult Mastodon cannot hide, whose author is muted, unmuted and reported instead."""

from __future__ import annotations

import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from palabre.inbox.models import Interaction, ModerationEvent, Reply
from palabre.networks.demo.models import DemoAuthor, DemoPost, DemoReport
from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG
from palabre.worker import loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLAIRE = "@claire.m@piaille.fr"


@pytest.fixture
def demo_site(live_server):
    call_command("demo", stdout=StringIO())
    return live_server.url


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill("lucas@lumiere.example")  # the community manager
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/w/{DEMO_SLUG}/")


def _run_worker() -> None:
    loop.run(stop=threading.Event(), until_idle=True)


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow


def test_a_private_message_is_answered_privately(browser, demo_site, screenshot_dir: Path) -> None:
    waiting = Interaction.objects.get(
        channel__connector="demo_mastodon", visibility="direct", answered_at__isnull=True
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    _log_in(page, demo_site)
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/")
    row = page.locator(".inbox-row", has_text=waiting.text)
    assert row.locator(".badge", has_text="Message privé").is_visible()
    page.screenshot(path=screenshot_dir / "private-inbox.png", full_page=True)
    row.locator("a").click()
    page.wait_for_url(f"**/inbox/{waiting.pk}/")

    conversation = page.locator(".conversation")
    assert page.get_by_text("Conversation privée avec Claire Martin").is_visible()
    said = conversation.inner_text()
    first, answer = "allergique aux fruits à coque", "notre pain au levain n'en contient pas"
    assert said.index(first) < said.index(answer) < said.index("fougasse aux olives")
    assert conversation.locator(".dm.from-brand .badge", has_text="Message privé").is_visible()
    assert page.get_by_text("Seuls votre compte et les comptes qu’il mentionne").is_visible()
    assert page.locator(".audience-note").inner_text() == f"Seul·e {CLAIRE} verra cette réponse."
    assert page.locator("input[name=visibility]").count() == 0  # nothing narrower to choose
    page.screenshot(path=screenshot_dir / "private-conversation.png", full_page=True)

    page.get_by_label("Votre réponse").fill("Oui, la fougasse aux olives n’en contient pas.")
    page.get_by_role("button", name="Répondre en privé").click()
    assert page.get_by_text("Votre réponse privée est en route.").is_visible()
    _run_worker()
    reply = Reply.objects.get(interaction=waiting)
    assert reply.status == "sent" and reply.visibility == ""
    sent = DemoPost.objects.get(pk=int(reply.remote_id.removeprefix("post:")))
    assert (sent.visibility, sent.in_reply_to) == ("direct", waiting.remote_id)
    page.reload()
    said = page.locator(".conversation").inner_text()
    assert said.index("fougasse aux olives en contient") < said.index("Oui, la fougasse")
    page.screenshot(path=screenshot_dir / "private-answered.png", full_page=True)
    page.close()

    phone = browser.new_page(viewport={"width": 375, "height": 800}, locale="fr-FR")
    _log_in(phone, demo_site)
    phone.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/{waiting.pk}/")
    _no_sideways_scroll(phone)
    phone.screenshot(path=screenshot_dir / "private-conversation-375.png", full_page=True)
    phone.close()


def test_an_author_mastodon_cannot_hide_is_muted_unmuted_and_reported(
    browser, demo_site, screenshot_dir: Path
) -> None:
    insult = Interaction.objects.get(
        channel__connector="demo_mastodon", category="abuse", remote_id__startswith="act:"
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    _log_in(page, demo_site)
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/?q=review")
    page.locator(".inbox-row", has_text=insult.text).locator("a").click()
    page.wait_for_url(f"**/inbox/{insult.pk}/")
    assert (
        page.locator(".cannot-hide")
        .inner_text()
        .startswith("Mastodon ne permet pas de masquer les réponses")
    )
    history = page.locator(".events").inner_text()
    assert "le message part donc à l’examen" in history
    # In review, the one way to hide is the verdict (it teaches the model), in Palabre only.
    hide = page.locator('form[data-shortcut="h"] button').first
    assert hide.inner_text().startswith("Abus\u00a0: masquer dans Palabre")
    page.screenshot(path=screenshot_dir / "mastodon-cannot-hide.png", full_page=True)

    page.get_by_label("Pourquoi mettre en sourdine (noté au journal)").fill("Insulte gratuite")
    page.get_by_role("button", name="Mettre en sourdine", exact=True).click()
    assert page.get_by_text("Mise en sourdine en route vers le réseau.").is_visible()
    _run_worker()
    author = insult.identity.remote_id
    assert DemoAuthor.objects.get(author_id=author).muted
    page.reload()
    standing = page.locator(".author-actions").inner_text()
    assert "En sourdine" in standing and "Lucas Garnier" in standing
    assert "Insulte gratuite" in standing and "Fait sur le réseau" in standing
    page.screenshot(path=screenshot_dir / "mastodon-muted.png", full_page=True)

    page.get_by_role("button", name="Lever la sourdine").click()
    assert page.get_by_text("Levée de la sourdine en route vers le réseau.").is_visible()
    _run_worker()
    assert not DemoAuthor.objects.get(author_id=author).muted
    page.reload()
    assert page.get_by_role("button", name="Mettre en sourdine", exact=True).is_visible()

    page.get_by_label("Signaler aux modérateurs").fill("Insulte envers l’équipe, sans raison.")
    page.get_by_role("button", name="Signaler", exact=True).click()
    assert page.get_by_text(
        "Signalement en route vers les modérateurs, avec votre raison."
    ).is_visible()
    _run_worker()
    report = DemoReport.objects.get()
    assert (report.remote_id, report.reason) == (
        insult.remote_id,
        "Insulte envers l’équipe, sans raison.",
    )
    page.reload()
    assert "Signalé" in page.locator(".author-actions").inner_text()
    actions = list(
        ModerationEvent.objects.filter(interaction=insult, actor__isnull=False)
        .order_by("pk")
        .values_list("action", "network_status")
    )
    assert actions == [("mute", "done"), ("unmute", "done"), ("report", "done")]
    page.screenshot(path=screenshot_dir / "mastodon-reported.png", full_page=True)
    page.close()
