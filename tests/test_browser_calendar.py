"""A person drags a post to another day in the calendar; it keeps its time of day."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Dialog

from palabre.accounts.models import Workspace
from palabre.publishing.demo import WORKSHOP
from palabre.publishing.models import Post, PostStatus
from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG
from tests.layout import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_drag_a_post_to_another_day(
    browser, live_server, settings, tmp_path, screenshot_dir: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=StringIO())
    tz = Workspace.objects.get(slug=DEMO_SLUG).tzinfo
    post = Post.objects.get(idea=WORKSHOP)
    before = post.publish_at.astimezone(tz)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    log_in(page, live_server.url, "lucas@lumiere.example", DEMO_PASSWORD)
    page.goto(
        f"{live_server.url}/w/{DEMO_SLUG}/calendar/?view=week&date={before.date().isoformat()}"
    )
    target_day = before.date() + timedelta(days=1)
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:  # the first question refused, the second accepted
        asked.append(dialog.message)
        dialog.accept() if len(asked) > 1 else dialog.dismiss()

    page.on("dialog", answer)
    # The workshop is scheduled and Lucas (a manager) is not the client's approver: moved, it
    # would go back for approval, so the calendar asks first. Refused, nothing moves.
    drag = page.locator(f'[data-post="{post.pk}"]')
    drag.drag_to(page.locator(f'td[data-date="{target_day.isoformat()}"]'))
    assert asked and "validation" in asked[0]
    page.wait_for_timeout(300)  # a request sent anyway would have landed by now
    assert Post.objects.get(pk=post.pk).publish_at == post.publish_at
    drag.drag_to(page.locator(f'td[data-date="{target_day.isoformat()}"]'))
    page.locator(f'td[data-date="{target_day.isoformat()}"] [data-post="{post.pk}"]').wait_for()
    moved = Post.objects.get(pk=post.pk)
    after = moved.publish_at.astimezone(tz)
    assert (after.date(), after.time()) == (target_day, before.time())
    assert moved.status == PostStatus.IN_REVIEW and len(asked) == 2
    assert "Elle retourne en validation" in page.locator(".messages").inner_text()
    page.screenshot(path=screenshot_dir / "calendar-dragged.png", full_page=True)
    page.close()


def test_the_phone_agenda_opens_at_today(browser, live_server, settings, tmp_path) -> None:
    """It opened at the 1st of the month, a long scroll from today (a walk through the
    demo)."""
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=StringIO())
    # A phone as a phone is (touch, its pixel ratio): there the page grew after the first
    # scroll and today ended a screen lower (a walk), where a narrow window was fine.
    page = browser.new_page(
        viewport={"width": 375, "height": 812},
        locale="fr-FR",
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    )
    log_in(page, live_server.url, "lucas@lumiere.example", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/w/{DEMO_SLUG}/calendar/")
    page.wait_for_load_state("load")
    today = page.locator(".agenda .agenda-day.today")
    today.wait_for()
    # Scrolled to it: its top at the window's top (or the page can scroll no further).
    top, at_bottom = page.evaluate(
        "() => [document.querySelector('.agenda-day.today').getBoundingClientRect().top,"
        " window.innerHeight + window.scrollY >= document.body.scrollHeight - 2]"
    )
    assert abs(top) <= 5 or at_bottom
    page.close()
