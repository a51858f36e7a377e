"""Every page of the demo, as every role, at 1280 and 375 px: no element wider than the
screen (so nothing scrolls sideways), no word cut across two lines; a screenshot of each
page as the owner, and of any other role's page that fails, to look at. Every page as the
owner (who opens them all), and the 404 page: axe-core finds no serious or critical
violation (the pages before login: test_browser_shell.py)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from palabre.web.demo import DEMO_PASSWORD
from tests.layout import (
    BROKEN_WORDS_JS,
    DEMO_PEOPLE,
    OVERFLOW_JS,
    PAGES,
    demo_ids,
    log_in,
    serious_violations,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    call_command("demo", stdout=StringIO())
    return live_server.url


@pytest.mark.parametrize("width", [1280, 375])
def test_no_page_is_wider_than_the_screen_or_cuts_a_word_for_any_role(
    browser, demo_site, screenshot_dir: Path, width: int
) -> None:
    ids = demo_ids()
    axe = Axe()
    problems: dict[str, list[str]] = {}
    broken_words: dict[str, list[str]] = {}
    inaccessible: dict[str, list[str]] = {}
    opened = 0
    for role, email in DEMO_PEOPLE.items():
        page = browser.new_page(viewport={"width": width, "height": 800}, locale="fr-FR")
        log_in(page, demo_site, email, DEMO_PASSWORD)
        for path in PAGES:
            response = page.goto(demo_site + path.format(**ids))
            assert response is not None
            if response.status == 403:  # not this role's page
                continue
            assert response.status == 200, (role, path, response.status)
            opened += 1
            found = page.evaluate(OVERFLOW_JS)
            scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if scroll > 0:
                found.append(f"the page scrolls sideways by {scroll}px")
            if found:
                problems[f"{role} {path}"] = found
            # In the same visit: a column too narrow for a word shows as a cut word.
            if broken := page.evaluate(BROKEN_WORDS_JS):
                broken_words[f"{role} {path}"] = broken
            if role == "owner" and (violations := serious_violations(axe, page)):
                inaccessible[path] = violations
            # Every page as the owner, who sees them all; another role's where it went wrong
            # (a third of this test's time went to screenshots no one opened).
            key = f"{role} {path}"
            if role == "owner" or key in problems or key in broken_words:
                name = path.format(**ids).strip("/").replace("/", "_").replace("?", "-") or "root"
                page.screenshot(
                    path=screenshot_dir / f"layout-{width}-{role}-{name}.png", full_page=True
                )
        page.close()
    page = browser.new_page(viewport={"width": width, "height": 800}, locale="fr-FR")
    log_in(page, demo_site, DEMO_PEOPLE["owner"], DEMO_PASSWORD)
    response = page.goto(f"{demo_site}/w/librairie-des-quais/")  # another workspace's
    assert response is not None and response.status == 404
    if violations := serious_violations(axe, page):
        inaccessible["404"] = violations
    if page.evaluate("document.documentElement.scrollWidth - window.innerWidth") > 0:
        problems["owner 404"] = ["the page scrolls sideways"]
    page.screenshot(path=screenshot_dir / f"layout-{width}-owner-404.png", full_page=True)
    page.close()
    assert opened > 100  # every role opened its pages: the walk itself did not go wrong
    assert problems == {}
    assert broken_words == {}, "words cut across two lines"
    assert inaccessible == {}, "serious or critical accessibility violations"
