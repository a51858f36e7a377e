"""Issue 16's acceptance, in a browser against the Graph API double: a community manager
connects a Page and its Instagram account, publishes a carousel of three photos with their
alt text and a first comment, receives a comment by webhook and another by polling, answers
one, has an insult hidden by a rule of hers (the log says why; she shows it again), and reads
the post's insights in the reports.

Everything a person does goes through Palabre's pages, in French; what the fans do and what
Instagram counts is set on the double; the worker runs in the test's process (what
`palabre worker` does beside the server) when the test would otherwise wait for it.
Selectors name forms, fields and values, not words: the words are translated."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from palabre.analytics.models import PostStat
from palabre.channels.models import Channel
from palabre.inbox.models import ChannelSync, EventAction, Interaction, ModerationEvent
from palabre.inbox.tests.helpers import run_worker
from palabre.publishing.models import MediaItem, Post, PostStatus, TargetStatus
from tests.layout import check_answered, no_check_errors, post_figures
from tests.networks.meta.browser import SLUG, connect_ticked, log_in, open_meta_picker
from tests.networks.meta.double import MetaDouble
from tests.networks.meta.state import IGComment, IGMedia

pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.django_db(transaction=True)]

PHOTOS = [
    ("levain.jpg", "#b5835a", "Une miche de levain dorée, coupée en deux sur une planche."),
    ("croissants.jpg", "#e0b36b", "Six croissants alignés sur une plaque, à la sortie du four."),
    ("vitrine.jpg", "#6b8f71", "La vitrine de la boulangerie au petit matin, lumières allumées."),
]
CAPTION = "Trois raisons de passer ce matin : le levain, les croissants, la vitrine."
FIRST_COMMENT = "Ouvert dès 7 h, du mardi au dimanche. #boulangerie #levain"
QUESTION = "Bonjour, vous ouvrez dimanche ?"  # comes by webhook, and is answered
PRAISE = "Magnifique carrousel, bravo à toute l'équipe !"  # comes by polling
INSULT = "Bande d'escrocs, votre pain est immonde."  # the model lets it through; the rule does not
ANSWER = "Bonjour ! Oui, de 7 h à 13 h le dimanche."
RULE = "Escrocs"


def _jpeg(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), color).save(buffer, "JPEG")
    return buffer.getvalue()


def _shot(page: Any, directory: Path, name: str) -> None:
    # Every image loaded and drawn (wait_for_function would need the eval the CSP refuses).
    page.evaluate("Promise.all([...document.images].map(image => image.decode().catch(() => 0)))")
    page.screenshot(path=directory / f"meta-{name}.png", full_page=True)


def _submit(page: Any, button: Any) -> None:
    """Press a form's button and wait for the page it leads to (often the same address)."""
    with page.expect_navigation():
        button.click()


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def _upload_photos(page: Any, base: str, tmp_path: Path) -> list[MediaItem]:
    """The media library's upload form, once per photo, with its alt text."""
    for name, color, alt in PHOTOS:
        path = tmp_path / name
        path.write_bytes(_jpeg(color))
        page.goto(f"{base}/w/{SLUG}/media/")
        page.locator("details.upload > summary").click()
        page.locator("input[name=file]").set_input_files(path)
        page.locator("details.upload textarea[name=alt_text]").fill(alt)
        _submit(page, page.locator("details.upload form button[type=submit]"))
    items = list(MediaItem.objects.filter(workspace__slug=SLUG).order_by("pk"))
    assert [(i.name, i.alt_text) for i in items] == [(n, a) for n, _c, a in PHOTOS]
    return items


def _compose_carousel(
    page: Any, base: str, instagram: Channel, photos: list[MediaItem]
) -> tuple[Post, list[str]]:
    """The composer: the idea for Instagram alone, then its variant: caption, the three
    photos as a carousel, the first comment. Returns the post and the alt texts in the order
    the composer shows the photos (the library's, newest first), the carousel's order."""
    page.goto(f"{base}/w/{SLUG}/compose/")
    page.locator("textarea[name=post-idea]").fill(CAPTION)
    page.locator("select[name=post-category]").select_option("promotional")
    for box in page.locator("input[name=post-networks]").all():
        box.set_checked(box.get_attribute("value") == "instagram")
    page.locator("main form button[value=save]").click()
    page.wait_for_url(f"{base}/w/{SLUG}/posts/*/")
    post = Post.objects.get(workspace__slug=SLUG)

    panel = page.locator("#panel-instagram")
    assert panel.locator("textarea[name=instagram-text]").input_value() == CAPTION
    assert panel.locator(f'input[name=instagram-channels][value="{instagram.pk}"]').is_checked()
    for photo in photos:
        # Each tick checks the post again, and the check's answer above the photos changes
        # their place ("a photo is required" goes): the next is ticked once it has landed.
        panel.locator(f'input[name=instagram-media_items][value="{photo.pk}"]').check()
        check_answered(page)
    panel.locator("select[name=instagram-instagram_format]").select_option("carousel")
    panel.locator("details.thread > summary").click()
    panel.locator("textarea[name=instagram-first_comment]").fill(FIRST_COMMENT)
    no_check_errors(page, "instagram")  # 3 ≤ 10 items
    shown = panel.locator("input[name=instagram-media_items]").evaluate_all(
        "boxes => boxes.map(box => box.value)"
    )
    alt_texts = {str(photo.pk): photo.alt_text for photo in photos}
    return post, [alt_texts[pk] for pk in shown]


def _published_carousel(double: MetaDouble, ig_user: Any, alt_texts: list[str]) -> IGMedia:
    [album] = double.ig_media(ig_user)
    assert (album.media_type, album.caption) == ("CAROUSEL_ALBUM", CAPTION)
    children = [double.get(child) for child in album.children]
    assert all(isinstance(c, IGMedia) and c.media_type == "IMAGE" for c in children)
    assert [c.alt_text for c in children] == alt_texts  # type: ignore[union-attr]
    return album


def _comments_on(double: MetaDouble, media: IGMedia) -> list[IGComment]:
    return list(double.world.of(IGComment, media_id=media.id))


def _time_for_a_poll(channel: Channel) -> None:
    """The worker polls each channel every minute or so: the test does not wait for it."""
    ChannelSync.objects.filter(channel=channel).update(next_attempt_at=timezone.now())


def _in_inbox(page: Any, base: str, item: Interaction) -> None:
    """The comment is in the inbox, and its page shows it under the post it answers."""
    page.goto(f"{base}/w/{SLUG}/inbox/?q=all")
    row = page.locator(f'.inbox-row[data-href="/w/{SLUG}/inbox/{item.pk}/"]')
    assert item.text in row.inner_text()
    page.goto(f"{base}/w/{SLUG}/inbox/{item.pk}/")
    assert CAPTION in page.locator(".thread-post").inner_text()
    assert item.text in page.locator(".item-text").inner_text()


def test_publish_a_carousel_then_collect_answer_moderate_and_measure(
    browser: Any,
    live_server: Any,
    settings: Any,
    cast: Any,
    meta_double: MetaDouble,
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    # The double fetches the photos from their signed addresses on this live server.
    settings.SITE_URL = base = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    person = meta_double.person("Brigitte Boulanger")
    fb = meta_double.page(person, "Boulangerie Lumière", followers=1200)
    ig_user = meta_double.instagram(fb, "lumiere.carrousel", followers=800)
    fan = meta_double.fan("Fanny Fan")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")

    # 1. Connect the Page and its Instagram account.
    log_in(page, base)
    open_meta_picker(page, base, meta_double, person)
    connect_ticked(page, base, [f"facebook:{fb.id}", f"instagram:{ig_user.id}"])
    instagram = Channel.objects.get(workspace=cast.workspace, connector="instagram")
    assert instagram.account_id == ig_user.id
    _shot(page, screenshot_dir, "1-connected")

    # 2. Three photos with their alt text, a carousel with a first comment, published now.
    photos = _upload_photos(page, base, tmp_path)
    _shot(page, screenshot_dir, "2-media")
    post, alt_texts = _compose_carousel(page, base, instagram, photos)
    _shot(page, screenshot_dir, "2-composer")
    _submit(page, page.locator('button[name=action][value="publish"]'))
    run_worker()
    album = _published_carousel(meta_double, ig_user, alt_texts)
    [first] = _comments_on(meta_double, album)
    assert (first.by, first.text, first.parent_id) == (ig_user.id, FIRST_COMMENT, None)
    page.reload()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert page.locator("[data-post-status]").get_attribute("data-post-status") == "published"
    target_row = page.locator('tr[data-target="instagram"]')
    assert target_row.locator(f".badge.{TargetStatus.PUBLISHED}").count() == 1
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "2-published")

    # 5 (before anything is collected). The manager's rule: "escroc" is hidden at once.
    page.goto(f"{base}/w/{SLUG}/inbox/rules/")
    form = page.locator("form.rule-form")
    form.locator("input[name=name]").fill(RULE)
    form.locator("input[name=keywords]").fill("escroc")
    form.locator("select[name=channel]").select_option(str(instagram.pk))
    form.locator("select[name=action]").select_option("hide")
    _submit(page, form.locator("button[type=submit]"))
    assert page.locator(f'a[href^="/w/{SLUG}/inbox/rules/"]', has_text=RULE).count() == 1
    _shot(page, screenshot_dir, "5-rule")

    # 3. A question by webhook (Meta calls the instance), a compliment and an insult by polling.
    question = fan.ig_comment(album.id, QUESTION)
    delivery = meta_double.send_webhook(f"{base}/hooks/meta/", meta_double.webhook_for(question))
    assert delivery.status_code == 200, delivery.text
    by_webhook = Interaction.objects.get(channel=instagram, remote_id=question.id)
    praise = fan.ig_comment(album.id, PRAISE)
    insult = fan.ig_comment(album.id, INSULT)
    _time_for_a_poll(instagram)
    run_worker()
    by_polling = Interaction.objects.get(channel=instagram, remote_id=praise.id)
    hidden = Interaction.objects.get(channel=instagram, remote_id=insult.id)
    assert Interaction.objects.filter(channel=instagram, remote_id=question.id).count() == 1
    for item in (by_webhook, by_polling, hidden):
        assert item.target is not None and item.target.post_id == post.pk
    page.goto(f"{base}/w/{SLUG}/inbox/?q=all")
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "3-inbox")
    _in_inbox(page, base, by_polling)
    _in_inbox(page, base, by_webhook)
    _shot(page, screenshot_dir, "3-inbox-item")

    # 4. The answer, from the comment's page; the worker carries it under that comment.
    reply_form = page.locator(f'form[action="/w/{SLUG}/inbox/{by_webhook.pk}/reply/"]')
    reply_form.locator("textarea[name=text]").fill(ANSWER)
    _submit(page, reply_form.locator("button[type=submit]"))
    run_worker()
    answers = [c for c in _comments_on(meta_double, album) if c.parent_id == question.id]
    assert [(a.by, a.text) for a in answers] == [(ig_user.id, ANSWER)]
    page.goto(f"{base}/w/{SLUG}/inbox/{by_webhook.pk}/")
    assert ANSWER in page.locator(".brand-reply").inner_text()
    _shot(page, screenshot_dir, "4-answered")

    # 5. The insult: hidden by the rule when collected, on the network too, and logged.
    assert hidden.hidden
    assert insult.hidden  # the double's own record of it
    [event] = ModerationEvent.objects.filter(interaction=hidden, action=EventAction.HIDE)
    assert (event.rule_name, event.actor) == (RULE, None)
    page.goto(f"{base}/w/{SLUG}/inbox/log/")
    logged = page.locator(
        f'tr[data-action="{EventAction.HIDE}"]',
        has=page.locator(f'a[href="/w/{SLUG}/inbox/{hidden.pk}/"]'),
    )
    assert RULE in logged.inner_text()
    assert f"règle «\u00a0{RULE}\u00a0»" in logged.inner_text()  # the stored reason, read in French
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "5-log")
    # It can be undone: shown again, here and on Instagram.
    page.goto(f"{base}/w/{SLUG}/inbox/{hidden.pk}/")
    _shot(page, screenshot_dir, "5-hidden")
    _submit(page, page.locator(f'form[action="/w/{SLUG}/inbox/{hidden.pk}/unhide/"] button'))
    run_worker()
    assert not insult.hidden
    hidden.refresh_from_db()
    assert not hidden.hidden
    page.goto(f"{base}/w/{SLUG}/inbox/log/")
    assert page.locator(f'tr[data-action="{EventAction.UNHIDE}"]').count() == 1

    # 6. Instagram's insights for the carousel, read by the worker's next collection.
    album.like_count = 58
    album.stats.update(reach=420, views=910, shares=7, saved=23)
    comments = len(_comments_on(meta_double, album))
    stat = PostStat.objects.get(target__post=post)
    # Its first reading is an hour after publishing: the test does not wait for it.
    PostStat.objects.filter(pk=stat.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    run_worker()
    page.goto(f"{base}/w/{SLUG}/reports/")
    assert page.locator("#table-posts tbody tr", has_text=CAPTION[:40]).is_visible()
    found = post_figures(page, base, SLUG, CAPTION[:40])
    figures = {
        c: found[c] for c in ("likes", "shares", "comments", "reach", "impressions", "saves")
    }
    assert figures == {
        "likes": "58",
        "shares": "7",
        "comments": str(comments),
        "reach": "420",
        "impressions": "910",
        "saves": "23",
    }
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "6-reports")
    page.close()
