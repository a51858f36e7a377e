"""Editor writes, approver requests a change, editor fixes it, approver approves: the post is
in the calendar and goes out at its time."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.networks.demo.models import DemoPost
from palabre.publishing.models import Post, PostStatus
from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG
from palabre.worker import loop
from tests.layout import networks_ticked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(browser, base: str, email: str):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/w/{DEMO_SLUG}/")
    return page


def test_the_approval_path_ends_in_the_calendar_and_on_the_network(
    browser, live_server, settings, tmp_path, screenshot_dir: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=StringIO())
    base = live_server.url
    tz = Workspace.objects.get(slug=DEMO_SLUG).tzinfo
    due = (timezone.now() + timedelta(minutes=1)).astimezone(tz).replace(
        second=0, microsecond=0
    ) + timedelta(minutes=1)

    editor = _log_in(browser, base, "ines@lumiere.example")
    editor.goto(f"{base}/w/{DEMO_SLUG}/compose/")
    editor.get_by_label("L’idée").fill("Portes ouvertes du fournil dimanche matin")
    networks_ticked(editor, ("Mastodon",))
    editor.get_by_role(
        "button", name="Enregistrer le brouillon"
    ).click()  # the idea on every network
    editor.wait_for_url("**/posts/*/")
    post_url = editor.url
    editor.get_by_label("Publier le").fill(due.strftime("%Y-%m-%dT%H:%M"))
    editor.get_by_role("button", name="Soumettre à validation").click()
    editor.get_by_text("Enregistrée et envoyée pour validation.").wait_for()

    approver = _log_in(browser, base, "helene@lumiere.example")
    approver.goto(post_url + "review/")
    approver.get_by_label("Que faut-il changer ?").fill("Ajoutez l’horaire, s’il vous plaît.")
    approver.get_by_role("button", name="Demander des modifications").click()
    approver.get_by_text("Modifications demandées : l’auteur·rice est prévenu·e.").wait_for()

    editor.goto(post_url)
    assert editor.locator("[data-post-status]").inner_text() == "Modifications demandées"
    assert editor.locator(".comment", has_text="Ajoutez l’horaire, s’il vous plaît.").is_visible()
    editor.get_by_role("tab", name="Mastodon").click()
    editor.get_by_label("Texte pour Mastodon").fill(
        "Portes ouvertes du fournil dimanche de 8 h à 11 h !"
    )
    editor.get_by_role("button", name="Soumettre à validation").click()
    editor.get_by_text("Enregistrée et envoyée pour validation.").wait_for()

    approver.goto(post_url + "review/")
    approver.get_by_role("button", name="Valider").click()
    approver.get_by_text("Validée\u00a0: elle part le ").wait_for()
    assert approver.locator("[data-post-status]").inner_text() == "Programmée"
    approver.screenshot(path=screenshot_dir / "approved.png", full_page=True)

    approver.goto(f"{base}/w/{DEMO_SLUG}/calendar/?view=week&date={due.date().isoformat()}")
    entry = approver.locator(".entry", has_text="Portes ouvertes du fournil")
    assert entry.is_visible() and due.strftime("%H:%M") in entry.inner_text()
    approver.screenshot(path=screenshot_dir / "calendar-week.png", full_page=True)

    post = Post.objects.get(idea="Portes ouvertes du fournil dimanche matin")
    deadline = time.monotonic() + 200
    while (
        Post.objects.get(pk=post.pk).status != PostStatus.PUBLISHED and time.monotonic() < deadline
    ):
        loop.run(stop=threading.Event(), until_idle=True)  # the worker `make run` starts
        time.sleep(1)
    published = Post.objects.get(pk=post.pk)
    assert published.status == PostStatus.PUBLISHED
    target = published.targets.get()
    assert due <= target.published_at < due + timedelta(seconds=30)  # at its time, not before
    assert DemoPost.objects.get(idempotency_key=target.idempotency_key).text.startswith(
        "Portes ouvertes du fournil dimanche de 8 h"
    )
    approver.reload()
    assert (
        "Publiée" in approver.locator(".entry", has_text="Portes ouvertes du fournil").inner_text()
    )
    for page in (editor, approver):
        page.close()


def test_an_approved_post_edited_goes_back_and_exactly_the_version_approved_goes_out(
    browser, live_server, settings, tmp_path, screenshot_dir: Path
) -> None:
    """Issue 14, acceptance: on the demo, an editor edits an approved post; it returns to
    review, the approver is told in the app and by e-mail, approves the version shown, and
    exactly that version is published."""
    from django.core import mail

    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=StringIO())
    base = live_server.url
    workshop = Post.objects.get(idea__startswith="Mercredi, atelier pain")
    assert workshop.status == PostStatus.SCHEDULED
    mail.outbox.clear()

    editor = _log_in(browser, base, "ines@lumiere.example")
    editor.goto(f"{base}/w/{DEMO_SLUG}/posts/{workshop.pk}/")
    editor.get_by_role("tab", name="Mastodon").click()
    edited = "Mercredi, atelier pain pour les 6-10 ans, de 14 h à 16 h : places limitées !"
    editor.get_by_label("Texte pour Mastodon").fill(edited)
    assert editor.locator("[data-edits-go-back]").is_visible()  # said before the save
    editor.get_by_role("button", name="Enregistrer", exact=True).click()
    editor.get_by_text("Renvoyée en validation").wait_for()
    assert editor.locator("[data-post-status]").inner_text() == "En validation"
    editor.screenshot(path=screenshot_dir / "sent-back.png", full_page=True)

    helene = "helene@lumiere.example"
    assert any(m.to == [helene] and "/review/" in m.body for m in mail.outbox)
    approver = _log_in(browser, base, helene)
    approver.goto(f"{base}/w/{DEMO_SLUG}/notices/")
    approver.get_by_text("Modifiée après votre validation").first.wait_for()
    approver.goto(f"{base}/w/{DEMO_SLUG}/posts/{workshop.pk}/review/")
    assert edited in approver.locator(".review-previews").inner_text()
    approver.screenshot(path=screenshot_dir / "review-after-edit.png", full_page=True)
    approver.get_by_role("button", name="Valider cette version", exact=True).click()
    approver.get_by_text("Validée\u00a0: elle part le ").wait_for()
    assert approver.locator("[data-post-status]").inner_text() == "Programmée"

    workshop.targets.update(next_attempt_at=timezone.now())  # its time has come
    loop.run(stop=threading.Event(), until_idle=True)
    published = Post.objects.get(pk=workshop.pk)
    assert published.status == PostStatus.PUBLISHED
    for target in published.targets.select_related("variant"):
        sent = DemoPost.objects.get(idempotency_key=target.idempotency_key)
        assert sent.text == target.variant.text  # exactly the approved text
    mastodon = published.targets.get(channel__network="mastodon")
    assert DemoPost.objects.get(idempotency_key=mastodon.idempotency_key).text == edited
    for page in (editor, approver):
        page.close()
