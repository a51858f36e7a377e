"""Issue 17's acceptance for X, in a browser against the X double: a community manager
connects the bakery's X account (Palabre's button, the double's authorization page, back),
publishes a thread whose first post carries a photo with its alt text, the fans answer, the
inbox receives their replies, she hides an insult (the log says so) and answers a question,
reads the thread's figures in the reports, and sees on the channel screen how many requests
the channel made to X this month and what they cost, estimated.

Everything a person does goes through Palabre's pages, in French; what the fans do and what
X counts is set on the double; the worker runs in the test's process (what `palabre worker`
does beside the server) when the test would otherwise wait for it. Selectors name forms,
fields and values, not words: the words are translated."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from PIL import Image

from palabre.analytics.models import PostStat
from palabre.channels.models import ApiUsage, Channel, ChannelStatus
from palabre.channels.x_cost import channel_x_month
from palabre.inbox.models import ChannelSync, EventAction, Interaction, ModerationEvent
from palabre.inbox.tests.helpers import run_worker
from palabre.publishing.models import MediaItem, Post, PostStatus, TargetStatus
from tests.layout import no_check_errors, post_figures
from tests.networks.meta.browser import SLUG, log_in
from tests.networks.x.double import XDouble
from tests.networks.x.state import Post as XPost
from tests.networks.x.state import User as XUser

pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.django_db(transaction=True)]

PHOTO = ("fournee.jpg", "#c8914f", "Une fournée de baguettes dorées sur une grille, au fournil.")
FIRST = "La fournée du samedi sort du four à 7 h. Un fil sur nos trois pains du week-end 🧵"
SECOND = "1. La baguette de tradition : farine Label Rouge, 24 h de pousse."
THIRD = "2. Le pain aux noix, seulement le samedi. Réservez-le au comptoir !"
QUESTION = "Vous gardez une baguette de côté si je passe à 13 h ?"
INSULT = "Bande d'escrocs, 1,40 € la baguette c'est du vol."
ANSWER = "Bonjour ! Oui, dites votre nom au comptoir, on vous la garde jusqu'à 13 h 30."
REASON = "Insulte"


def _jpeg(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), color).save(buffer, "JPEG")
    return buffer.getvalue()


def _shot(page: Any, directory: Path, name: str) -> None:
    # Every image loaded and drawn (wait_for_function would need the eval the CSP refuses).
    page.evaluate("Promise.all([...document.images].map(image => image.decode().catch(() => 0)))")
    page.screenshot(path=directory / f"x-{name}.png", full_page=True)


def _submit(page: Any, button: Any) -> None:
    """Press a form's button and wait for the page it leads to (often the same address)."""
    with page.expect_navigation():
        button.click()


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def _connect_x(page: Any, base: str, double: XDouble, account: XUser) -> Channel:
    """Palabre's "Connect X" button, the double's authorization page (which account, then
    "Authorize app"), back on the channels page with the channel."""
    page.goto(f"{base}/w/{SLUG}/settings/channels/")
    page.locator(f'form[action="/w/{SLUG}/settings/channels/x/"] button').click()
    page.wait_for_url(f"{double.url}/i/oauth2/authorize?**")
    page.locator("select[name=account]").select_option(account.id)
    page.locator('button[name=decision][value="allow"]').click()
    page.wait_for_url(f"{base}/w/{SLUG}/settings/channels/")
    return Channel.objects.get(workspace__slug=SLUG, connector="x")


def _upload_photo(page: Any, base: str, tmp_path: Path) -> MediaItem:
    name, color, alt = PHOTO
    path = tmp_path / name
    path.write_bytes(_jpeg(color))
    page.goto(f"{base}/w/{SLUG}/media/")
    page.locator("details.upload > summary").click()
    page.locator("input[name=file]").set_input_files(path)
    page.locator("details.upload textarea[name=alt_text]").fill(alt)
    _submit(page, page.locator("details.upload form button[type=submit]"))
    photo = MediaItem.objects.get(workspace__slug=SLUG)
    assert (photo.name, photo.alt_text) == (name, alt)
    return photo


def _compose_thread(page: Any, base: str, channel: Channel, photo: MediaItem) -> Post:
    """The composer: the idea for X alone, then its variant: the first post with the photo,
    the two that follow as the thread."""
    page.goto(f"{base}/w/{SLUG}/compose/")
    page.locator("textarea[name=post-idea]").fill(FIRST)
    page.locator("select[name=post-category]").select_option("promotional")
    for box in page.locator("input[name=post-networks]").all():
        box.set_checked(box.get_attribute("value") == "x")
    page.locator("main form button[value=save]").click()
    page.wait_for_url(f"{base}/w/{SLUG}/posts/*/")
    post = Post.objects.get(workspace__slug=SLUG)

    panel = page.locator("#panel-x")
    assert panel.locator("textarea[name=x-text]").input_value() == FIRST
    assert panel.locator(f'input[name=x-channels][value="{channel.pk}"]').is_checked()
    panel.locator(f'input[name=x-media_items][value="{photo.pk}"]').check()
    panel.locator("details.thread > summary").click()
    panel.locator("textarea[name=x-thread]").fill(f"{SECOND}\n---\n{THIRD}")
    no_check_errors(page, "x")  # the live check, as typed
    return post


def _published_thread(double: XDouble, account: XUser) -> list[XPost]:
    """The thread on X, first post first: each part answers the one before."""
    parts = sorted(double.posts_by(account), key=lambda p: int(p.id))
    assert [p.text for p in parts] == [FIRST, SECOND, THIRD]
    assert parts[0].in_reply_to is None
    assert [p.in_reply_to for p in parts[1:]] == [parts[0].id, parts[1].id]
    return parts


def _alt_texts(double: XDouble, post: XPost) -> list[str]:
    media = {m.media_key: m for m in list(double.world.media.values())}
    return [media[key].alt_text for key in post.media_keys]


def _time_for_a_poll(channel: Channel) -> None:
    """X's inbox is polled every 30 minutes by default (it costs): the test does not wait."""
    ChannelSync.objects.filter(channel=channel).update(next_attempt_at=timezone.now())


def _in_inbox(page: Any, base: str, item: Interaction) -> None:
    """The reply is in the inbox, and its page shows it under the post it answers."""
    page.goto(f"{base}/w/{SLUG}/inbox/?q=all")
    row = page.locator(f'.inbox-row[data-href="/w/{SLUG}/inbox/{item.pk}/"]')
    assert item.text in row.inner_text()
    page.goto(f"{base}/w/{SLUG}/inbox/{item.pk}/")
    assert FIRST[:60] in page.locator(".thread-post").inner_text()
    assert item.text in page.locator(".item-text").inner_text()


def test_connect_x_publish_a_thread_then_hide_answer_measure_and_count(
    browser: Any,
    live_server: Any,
    settings: Any,
    cast: Any,
    x_double: XDouble,
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    settings.SITE_URL = base = live_server.url  # where X sends the person back
    settings.MEDIA_ROOT = tmp_path / "media"
    account = x_double.user("lumiere", "Boulangerie Lumière", followers=1200)
    fan = x_double.user("fanny", "Fanny Fan")
    troll = x_double.user("grincheux", "Grincheux")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")

    # 1. Connect the X account through X's authorization page.
    log_in(page, base)
    channel = _connect_x(page, base, x_double, account)
    assert (channel.account_id, channel.handle, channel.status) == (
        account.id,
        f"@{account.username}",
        ChannelStatus.ACTIVE,
    )
    assert channel.credentials["access_token"] not in page.content()
    page.locator(f"#channel-{channel.pk}").wait_for()
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "1-connected")

    # 2. A photo with its alt text, a thread of three posts, published now.
    photo = _upload_photo(page, base, tmp_path)
    post = _compose_thread(page, base, channel, photo)
    _shot(page, screenshot_dir, "2-composer")
    _submit(page, page.locator('button[name=action][value="publish"]'))
    run_worker()
    first, second, third = _published_thread(x_double, account)
    assert _alt_texts(x_double, first) == [PHOTO[2]]
    assert second.media_keys == [] and third.media_keys == []
    page.reload()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert page.locator("[data-post-status]").get_attribute("data-post-status") == "published"
    target_row = page.locator('tr[data-target="x"]')
    assert target_row.locator(f".badge.{TargetStatus.PUBLISHED}").count() == 1
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "2-published")

    # 3. The fans answer the thread's first post; the next poll brings both into the inbox.
    question = x_double.post(fan, f"@{account.username} {QUESTION}", reply_to=first.id)
    insult = x_double.post(troll, f"@{account.username} {INSULT}", reply_to=first.id)
    _time_for_a_poll(channel)
    run_worker()
    asked = Interaction.objects.get(channel=channel, remote_id=question.id)
    rude = Interaction.objects.get(channel=channel, remote_id=insult.id)
    for item in (asked, rude):
        assert item.target is not None and item.target.post_id == post.pk
    # The brand's own thread parts are its posts, not messages to answer.
    assert not Interaction.objects.filter(channel=channel, remote_id__in=[second.id, third.id])
    page.goto(f"{base}/w/{SLUG}/inbox/?q=all")
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "3-inbox")
    _in_inbox(page, base, asked)
    _in_inbox(page, base, rude)
    _shot(page, screenshot_dir, "3-inbox-item")

    # 4. The insult hidden from its page, on X too (its author still sees it there), logged.
    # (The form the h key sends: "Hide", or in review the verdict "Abuse: hide".)
    hide = page.locator('form[data-shortcut="h"]')
    hide.locator("input[name=reason]").fill(REASON)
    _submit(page, hide.locator("button[type=submit]").first)
    run_worker()
    assert insult.hidden  # the double's own record of it
    rude.refresh_from_db()
    assert rude.hidden
    [event] = ModerationEvent.objects.filter(interaction=rude, action=EventAction.HIDE)
    assert event.actor == cast.alice
    page.goto(f"{base}/w/{SLUG}/inbox/{rude.pk}/")
    assert page.locator(f'form[action="/w/{SLUG}/inbox/{rude.pk}/unhide/"]').count() == 1
    _shot(page, screenshot_dir, "4-hidden")
    page.goto(f"{base}/w/{SLUG}/inbox/log/")
    logged = page.locator(
        f'tr[data-action="{EventAction.HIDE}"]',
        has=page.locator(f'a[href="/w/{SLUG}/inbox/{rude.pk}/"]'),
    )
    assert REASON in logged.inner_text()
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "4-log")

    # 5. The question answered from its page; the worker carries the answer under it on X.
    page.goto(f"{base}/w/{SLUG}/inbox/{asked.pk}/")
    reply_form = page.locator(f'form[action="/w/{SLUG}/inbox/{asked.pk}/reply/"]')
    reply_form.locator("textarea[name=text]").fill(ANSWER)
    _submit(page, reply_form.locator("button[type=submit]"))
    run_worker()
    answers = [p for p in x_double.posts_by(account) if p.in_reply_to == question.id]
    assert [(a.author_id, a.text) for a in answers] == [(account.id, ANSWER)]
    page.goto(f"{base}/w/{SLUG}/inbox/{asked.pk}/")
    assert ANSWER in page.locator(".brand-reply").inner_text()
    _shot(page, screenshot_dir, "5-answered")

    # 6. X's figures for the thread's first post, read by the worker's next collection.
    first.likes, first.reposts, first.impressions, first.bookmarks = 34, 5, 2150, 3
    x_double.post(fan, f"Le pain aux noix 😍 https://x.com/{account.username}", quote_of=first.id)
    stat = PostStat.objects.get(target__post=post)
    # Its first reading is an hour after publishing: the test does not wait for it.
    PostStat.objects.filter(pk=stat.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    run_worker()
    replies = sum(1 for p in x_double.world.live_posts() if p.in_reply_to == first.id)
    page.goto(f"{base}/w/{SLUG}/reports/")
    assert page.locator("#table-posts tbody tr", has_text=FIRST[:40]).is_visible()
    found = post_figures(page, base, SLUG, FIRST[:40])
    figures = {c: found[c] for c in ("likes", "shares", "comments", "impressions", "saves")}
    assert (
        figures
        == {
            "likes": "34",
            "shares": "6",  # 5 reposts and a quote
            "comments": str(replies),  # as X counts them: the thread's next part, the fans' replies
            "impressions": "2150",  # a number, as a spreadsheet reads it; X shows them to the account only
            "saves": "3",
        }
    )
    assert channel.name in found["channel"]
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "6-reports")

    # 7. The channel screen: the requests made to X this month and their estimated cost.
    usage = ApiUsage.objects.get(channel=channel)
    month = channel_x_month(channel)
    assert month.requests == usage.requests > 0 and month.usd > 0
    page.goto(f"{base}/w/{SLUG}/settings/channels/")
    counted = page.locator(f"#channel-{channel.pk} [data-x-month]")
    assert counted.get_attribute("data-x-month") == str(usage.requests)
    with translation.override("fr"):
        usd = floatformat(month.usd, 2)
    said = counted.inner_text()
    assert str(usage.requests) in said and f"{usd}" in said and "$" in said
    # The workspace's month, all its X channels together (one here), above the list.
    workspace_month = page.locator("[data-x-workspace-month]")
    assert workspace_month.get_attribute("data-x-workspace-month") == str(usage.requests)
    # The poll interval, cheap by default, is the channel's own setting.
    assert page.locator(f"#poll-{channel.pk}").get_attribute("placeholder") == "30"
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "7-channel-cost")
    page.close()
