"""Issue 17's acceptance for LinkedIn, in a browser against the LinkedIn double: a community
manager signs in with LinkedIn (Palabre's button, the double's consent page, back), picks
which of the organization pages she administers becomes a channel, publishes a photo with
its alt text as the organization, a member comments, the inbox receives the comment and says
plainly that LinkedIn cannot hide it (the organization may delete it instead), she answers
as the organization, and reads the post's share statistics in the reports.

Everything a person does goes through Palabre's pages, in French; what the members do and
what LinkedIn counts is set on the double; the worker runs in the test's process (what
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
from palabre.channels.models import Channel, ChannelStatus
from palabre.inbox.models import ChannelSync, Interaction
from palabre.inbox.tests.helpers import run_worker
from palabre.publishing.models import MediaItem, Post, PostStatus, TargetStatus
from tests.layout import no_check_errors, post_figures
from tests.networks.linkedin.double import LinkedInDouble
from tests.networks.linkedin.state import Member, Organization
from tests.networks.linkedin.state import Post as LinkedInPost
from tests.networks.meta.browser import SLUG, log_in

pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.django_db(transaction=True)]

PHOTO = ("equipe.jpg", "#7a8f6b", "L'équipe du fournil en tablier, devant le four à bois.")
TEXT = (
    "Nous recrutons un ou une apprentie boulangère pour la rentrée : deux jours à l'école, "
    "trois au fournil, une équipe de six qui transmet. Écrivez-nous, ou passez nous voir."
)
COMMENT = "Superbe initiative ! Le poste est-il ouvert aux reconversions professionnelles ?"
ANSWER = "Bonjour Fanny, oui, bien sûr : l'apprentissage n'a pas d'âge. Écrivez-nous !"


def _jpeg(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 627), color).save(buffer, "JPEG")
    return buffer.getvalue()


def _shot(page: Any, directory: Path, name: str) -> None:
    # Every image loaded and drawn (wait_for_function would need the eval the CSP refuses).
    page.evaluate("Promise.all([...document.images].map(image => image.decode().catch(() => 0)))")
    page.screenshot(path=directory / f"linkedin-{name}.png", full_page=True)


def _submit(page: Any, button: Any) -> None:
    """Press a form's button and wait for the page it leads to (often the same address)."""
    with page.expect_navigation():
        button.click()


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def _sign_in(page: Any, base: str, double: LinkedInDouble, admin: Member) -> None:
    """Palabre's "Connect LinkedIn pages" button, the double's consent page (who signs in,
    then "Allow"), back on Palabre's list of the pages the member administers."""
    page.goto(f"{base}/w/{SLUG}/settings/channels/")
    page.locator(f'form[action="/w/{SLUG}/settings/channels/linkedin/"] button').click()
    page.wait_for_url(f"{double.login_url}/oauth/v2/authorization?**")
    page.locator(f'input[name=member][value="{admin.urn}"]').check()
    page.locator('button[name=decision][value="allow"]').click()
    page.wait_for_url(f"{base}/w/{SLUG}/settings/channels/linkedin/pick/")


def _tick(page: Any, base: str, pick: Organization) -> Channel:
    """On the list, tick `pick` and connect it; back on the channels page."""
    page.locator(f'input[name=organization][value="{pick.urn}"]').check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/w/{SLUG}/settings/channels/")
    return Channel.objects.get(workspace__slug=SLUG, connector="linkedin")


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


def _compose(page: Any, base: str, channel: Channel, photo: MediaItem) -> Post:
    """The composer: the idea for LinkedIn alone, then its variant with the photo."""
    page.goto(f"{base}/w/{SLUG}/compose/")
    page.locator("textarea[name=post-idea]").fill(TEXT)
    page.locator("select[name=post-category]").select_option("conversation")
    for box in page.locator("input[name=post-networks]").all():
        box.set_checked(box.get_attribute("value") == "linkedin")
    page.locator("main form button[value=save]").click()
    page.wait_for_url(f"{base}/w/{SLUG}/posts/*/")
    post = Post.objects.get(workspace__slug=SLUG)

    panel = page.locator("#panel-linkedin")
    assert panel.locator("textarea[name=linkedin-text]").input_value() == TEXT
    assert panel.locator(f'input[name=linkedin-channels][value="{channel.pk}"]').is_checked()
    panel.locator(f'input[name=linkedin-media_items][value="{photo.pk}"]').check()
    no_check_errors(page, "linkedin")  # the live check, as typed
    return post


def _published(double: LinkedInDouble, org: Organization) -> LinkedInPost:
    """The post on LinkedIn, by the organization, with the photo and its alt text."""
    [published] = double.posts_of(org)
    assert (published.author, published.commentary) == (org.urn, TEXT)
    media = published.body["content"]["media"]
    assert media["id"].startswith("urn:li:image:")
    assert media["altText"] == PHOTO[2]
    asset = double.world.assets[media["id"]]
    assert asset.uploaded and asset.data[:3] == b"\xff\xd8\xff"  # the JPEG itself
    return published


def test_connect_linkedin_publish_an_image_then_answer_a_comment_and_measure(
    browser: Any,
    live_server: Any,
    settings: Any,
    cast: Any,
    linkedin_double: LinkedInDouble,
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    settings.SITE_URL = base = live_server.url  # where LinkedIn sends the person back
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = linkedin_double.member("Brigitte Boulanger")
    bakery = linkedin_double.organization(admin, "Boulangerie Lumière", followers=860)
    linkedin_double.organization(admin, "École du pain")  # administered, left unticked
    fan = linkedin_double.member("Fanny Fan")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")

    # 1. Sign in with LinkedIn, then pick the bakery's page among those Brigitte administers.
    log_in(page, base)
    _sign_in(page, base, linkedin_double, admin)
    assert not page.locator(f'input[name=organization][value="{bakery.urn}"]').is_checked()
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "1-pick")
    channel = _tick(page, base, bakery)
    assert (channel.account_id, channel.name, channel.status) == (
        bakery.urn,
        "Boulangerie Lumière",
        ChannelStatus.ACTIVE,
    )
    assert Channel.objects.filter(workspace=cast.workspace).count() == 1
    assert channel.credentials["access_token"] not in page.content()
    page.locator(f"#channel-{channel.pk}").wait_for()
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "1-connected")

    # 2. A photo with its alt text, published now as the organization.
    photo = _upload_photo(page, base, tmp_path)
    post = _compose(page, base, channel, photo)
    _shot(page, screenshot_dir, "2-composer")
    _submit(page, page.locator('button[name=action][value="publish"]'))
    run_worker()
    published = _published(linkedin_double, bakery)
    page.reload()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert page.locator("[data-post-status]").get_attribute("data-post-status") == "published"
    target_row = page.locator('tr[data-target="linkedin"]')
    assert target_row.locator(f".badge.{TargetStatus.PUBLISHED}").count() == 1
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "2-published")

    # 3. A member comments; the next poll brings it into the inbox.
    comment = linkedin_double.comment(published.urn, fan, COMMENT)
    ChannelSync.objects.filter(channel=channel).update(next_attempt_at=timezone.now())
    run_worker()
    item = Interaction.objects.get(channel=channel, remote_id=comment.urn)
    assert item.target is not None and item.target.post_id == post.pk
    page.goto(f"{base}/w/{SLUG}/inbox/?q=all")
    row = page.locator(f'.inbox-row[data-href="/w/{SLUG}/inbox/{item.pk}/"]')
    assert COMMENT in row.inner_text()
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "3-inbox")

    # 4. Its page: LinkedIn cannot hide it, said plainly; the organization may delete it.
    page.goto(f"{base}/w/{SLUG}/inbox/{item.pk}/")
    assert TEXT[:60] in page.locator(".thread-post").inner_text()
    assert COMMENT in page.locator(".item-text").inner_text()
    notice = page.locator(".cannot-hide")
    assert "LinkedIn" in notice.inner_text()
    assert page.locator(f'form[action="/w/{SLUG}/inbox/{item.pk}/delete/"]').count() == 1
    _shot(page, screenshot_dir, "4-no-hide")

    # 5. The answer, as the organization, under the member's comment.
    reply_form = page.locator(f'form[action="/w/{SLUG}/inbox/{item.pk}/reply/"]')
    reply_form.locator("textarea[name=text]").fill(ANSWER)
    _submit(page, reply_form.locator("button[type=submit]"))
    run_worker()
    answers = [c for c in linkedin_double.comments_by(bakery.urn) if c.parent == comment.urn]
    assert [(a.post, a.text) for a in answers] == [(published.urn, ANSWER)]
    assert not comment.deleted
    page.goto(f"{base}/w/{SLUG}/inbox/{item.pk}/")
    assert ANSWER in page.locator(".brand-reply").inner_text()
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "5-answered")

    # 6. LinkedIn's share statistics for the post, read by the worker's next collection.
    linkedin_double.stats(published.urn, impressions=640, unique=410, clicks=37, likes=52, shares=4)
    stat = PostStat.objects.get(target__post=post)
    # Its first reading is an hour after publishing: the test does not wait for it.
    PostStat.objects.filter(pk=stat.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=1)
    )
    run_worker()
    page.goto(f"{base}/w/{SLUG}/reports/")
    assert page.locator("#table-posts tbody tr", has_text=TEXT[:40]).is_visible()
    found = post_figures(page, base, SLUG, TEXT[:40])
    figures = {c: found[c] for c in ("likes", "shares", "comments", "impressions", "clicks")}
    assert figures == {
        "likes": "52",
        "shares": "4",
        "comments": "2",  # as LinkedIn counts them: the member's comment and the answer
        "impressions": "640",
        "clicks": "37",
    }
    assert channel.name in found["channel"]
    _no_sideways_scroll(page)
    _shot(page, screenshot_dir, "6-reports")
    page.close()
