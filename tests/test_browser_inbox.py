"""The inbox in the browser: hostile comments stay inert, and a community manager works
the queue with the keyboard, answers with a saved reply and undoes a hide."""

from __future__ import annotations

import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from palabre.inbox.ingest import channel_sync_poll
from palabre.inbox.models import WAITING, ChannelSync, Interaction, Reply
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.publishing.models import PostTarget
from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG
from palabre.worker import loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<script>window.__xss = 1</script>Bonjour",
    '<img src=x onerror="window.__xss = 1"> une image ?',
    '"><svg onload="window.__xss = 1"> et encore',
    "javascript:window.__xss=1 cliquez",
    'voir https://example.com/"onmouseover="window.__xss=1" merci',
    '<a href="javascript:window.__xss=1">lien</a>',
    "x" * 20000,  # one endless word: the page must not scroll sideways
]


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


def _ingest_payloads() -> list[Interaction]:
    target = (
        PostTarget.objects.filter(status="published", remote_id__startswith="post:")
        .select_related("channel")
        .first()
    )
    assert target is not None
    post = DemoPost.objects.get(pk=int(target.remote_id.removeprefix("post:")))
    rows = [
        DemoActivity.objects.create(
            channel=target.channel,
            kind="comment",
            author_handle=f"@hostile{n}",
            author_name='<b onmouseover="window.__xss=1">Mallory</b>',
            text=text,
            post=post,
        )
        for n, text in enumerate(PAYLOADS)
    ]
    channel_sync_poll(ChannelSync.objects.get(channel=target.channel))
    return [Interaction.objects.get(remote_id=r.remote_id) for r in rows]


def test_hostile_comments_are_shown_as_text_and_never_run(
    browser, demo_site, screenshot_dir: Path
) -> None:
    items = _ingest_payloads()
    dialogs: list[str] = []

    def record(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    for width in (1280, 375):
        page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
        page.on("dialog", record)
        _log_in(page, demo_site)
        page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/?q=all")
        page.screenshot(path=screenshot_dir / f"inbox-hostile-{width}.png", full_page=True)
        for item in items:
            page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/{item.pk}/")
            page.hover(".item-text")
            page.hover(".comment.focus header")
            assert page.evaluate("window.__xss") is None
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (item.text[:40], overflow)
        page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/{items[0].pk}/")
        assert "<script>window.__xss = 1</script>Bonjour" in page.locator(".item-text").inner_text()
        page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/{items[4].pk}/")
        link = page.locator(".item-text a")
        assert link.get_attribute("rel") == "nofollow noopener ugc"
        assert link.get_attribute("href") == "https://example.com/"
        page.screenshot(path=screenshot_dir / f"inbox-item-hostile-{width}.png", full_page=True)
        assert dialogs == []
        assert page.evaluate("window.__xss") is None
        page.close()


def test_a_community_manager_works_the_queue_with_the_keyboard(
    browser, demo_site, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    _log_in(page, demo_site)
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/")
    assert (
        page.get_by_role("link", name="À répondre d’abord").get_attribute("aria-current") == "page"
    )
    page.screenshot(path=screenshot_dir / "inbox-answer-first.png", full_page=True)
    first = Interaction.objects.filter(WAITING).order_by("created_at").first()
    assert first is not None

    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/inbox/{first.pk}/")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "text"
    page.get_by_label("Réponse type").select_option(label="Horaires (fr)")
    assert "nous sommes ouverts" in page.get_by_label("Votre réponse").input_value()
    # Counted as its network counts it, as it is typed (the saved reply's length, then more).
    answer = page.get_by_label("Votre réponse").input_value()
    count = page.locator("#reply-count")
    count.get_by_text(f"{len(answer)}/", exact=False).wait_for()
    page.get_by_label("Votre réponse").press_sequentially(" Merci !")
    count.get_by_text(f"{len(answer) + 8}/", exact=False).wait_for()
    page.screenshot(path=screenshot_dir / "inbox-item-counted.png")
    page.get_by_role("button", name="Répondre dans le fil").click()
    assert page.get_by_text("Votre réponse part dans le fil.").is_visible()
    page.screenshot(path=screenshot_dir / "inbox-item-answered.png", full_page=True)

    loop.run(stop=threading.Event(), until_idle=True)
    reply = Reply.objects.get(interaction=first)
    assert reply.status == "sent"
    assert (
        DemoPost.objects.get(pk=int(reply.remote_id.removeprefix("post:"))).in_reply_to
        == first.remote_id
    )
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/")
    assert first.text[:30] not in page.locator("[data-inbox-list]").inner_text()
    # The whole row opens the conversation: its author's name too, not only its text.
    row = page.locator("[data-inbox-list] li").first
    opened = row.locator(".inbox-row-text").get_attribute("href")
    name = row.locator("strong").bounding_box()
    assert name is not None
    page.mouse.click(name["x"] + 5, name["y"] + name["height"] / 2)  # where a person clicks
    page.wait_for_url(f"**{opened}")

    # Undo an automatic hide: the reply shows again on the network.
    # The demo's own thread, not its year of history (whose remote ids start with "seed-").
    insult = Interaction.objects.get(hidden=True, category="abuse", remote_id__startswith="act:")
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/{insult.pk}/")
    with page.expect_navigation():
        page.keyboard.press("u")
    assert page.get_by_text(
        "Réaffiché dans Palabre\u00a0; sur le réseau dans un instant."
    ).is_visible()
    loop.run(stop=threading.Event(), until_idle=True)
    assert not DemoActivity.objects.get(pk=int(insult.remote_id.removeprefix("act:"))).hidden
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/log/")
    page.screenshot(path=screenshot_dir / "inbox-log.png", full_page=True)
    assert page.get_by_role("cell", name="Réaffiché").first.is_visible()
    page.close()


def test_the_review_queue_names_each_kind_of_abuse_and_why(
    browser, demo_site, screenshot_dir: Path
) -> None:
    """Issue 18: what only the second stage reads (a veiled threat, hate without a slur,
    body-shaming) waits for a person, each with its kind and the scores behind it."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    _log_in(page, demo_site)
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/?q=review")
    for badge in ("Abus · Menace", "Abus · Haine ou racisme", "Abus · Insulte"):
        assert page.get_by_text(badge).first.is_visible(), badge
    page.screenshot(path=screenshot_dir / "inbox-review-kinds.png", full_page=True)
    threat = Interaction.objects.get(text__startswith="Ce serait bête qu'un soir")
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/{threat.pk}/")
    meaning = page.locator("dt", has_text="Sens").locator("xpath=following-sibling::dd[1]")
    assert meaning.inner_text().startswith("Menace")
    why = page.locator("dt", has_text="Pourquoi").locator("xpath=following-sibling::dd[1]")
    assert "lu comme menace" in why.inner_text()
    page.screenshot(path=screenshot_dir / "inbox-item-threat.png", full_page=True)
    page.close()


def test_shortcut_letters_show_where_there_is_a_keyboard_only(browser, demo_site) -> None:
    """On a phone, "Mark done d" named a key nobody has (a walk through the demo)."""
    item = Interaction.objects.filter(WAITING).order_by("created_at").first()
    assert item is not None
    for touch, shown in ((False, True), (True, False)):
        context = browser.new_context(
            viewport={"width": 375 if touch else 1280, "height": 812},
            has_touch=touch,
            is_mobile=touch,
            locale="fr-FR",
        )
        page = context.new_page()
        _log_in(page, demo_site)
        page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/{item.pk}/")
        assert page.locator("button kbd").first.is_visible() is shown
        context.close()


def test_a_saved_reply_joins_the_words_typed_never_replaces_them(
    browser, demo_site, screenshot_dir: Path
) -> None:
    """Choosing a saved reply replaced the whole box: "Bonjour Marc," typed first was gone.
    And an English question was offered the French replies first."""
    english = Interaction.objects.filter(WAITING, lang="en").order_by("created_at").first()
    assert english is not None
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    _log_in(page, demo_site)
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/{english.pk}/")
    offered = page.locator("#saved-reply option").all_inner_texts()[1:]
    assert offered[0].endswith("(en)") and offered[-1].endswith("(fr)"), offered
    box = page.get_by_label("Votre réponse")
    box.fill("")
    page.get_by_label("Réponse type").select_option(label="Opening hours (en)")
    hours = box.input_value()
    assert hours.startswith("Hi ") and "7am" in hours
    # Another one: replaced.
    page.get_by_label("Réponse type").select_option(label="Thank you note (en)")
    assert box.input_value().startswith("Thank you so much")
    box.fill("Hello Joanna,")
    page.get_by_label("Réponse type").select_option(label="Opening hours (en)")
    assert box.input_value() == f"Hello Joanna, {hours}"
    page.screenshot(path=screenshot_dir / "inbox-saved-reply-joined.png")
    page.close()


def test_a_filter_chosen_with_a_finger_applies_at_once_not_with_arrow_keys(
    browser, demo_site
) -> None:
    """On a phone, a filter needed a 30 px "Filter" button; with the keyboard, applying at
    each arrow key would reload the page under the person's fingers."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="fr-FR"
    )
    page = context.new_page()
    _log_in(page, demo_site)
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/inbox/?q=all")
    language = page.locator("form.inbox-filters select[name=lang]")
    language.focus()
    page.keyboard.press("ArrowDown")  # a closed select changes with the arrow keys
    page.wait_for_timeout(500)
    assert "lang=" not in page.url
    with page.expect_navigation():
        language.tap()
        language.select_option("en")
    assert "lang=en" in page.url and "q=all" in page.url
    context.close()
