"""An editor types the issue's example text and reads each network's own count, live."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from palabre.publishing.models import MediaItem, Post
from palabre.publishing.tests import media_samples
from palabre.publishing.tests.test_rules import EXAMPLE
from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG
from tests.layout import networks_ticked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=StringIO())
    return live_server.url


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill("ines@lumiere.example")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/w/{DEMO_SLUG}/")


# Sends the field's "change" (as leaving it does) and waits until htmx has swapped the answer
# in; an answer that never settles (an error) fails after 10 s instead of hanging.
_CHANGED_AND_SETTLED = """(field) => new Promise((settled, failed) => {
    document.body.addEventListener("htmx:afterSettle", settled, { once: true });
    setTimeout(() => failed(new Error("no check answer settled in 10 s")), 10000);
    field.dispatchEvent(new Event("change", { bubbles: true }));
})"""


def _counter(page, network: str):
    return page.locator(f'[data-counter="{network}"]')


def test_typing_the_example_shows_each_networks_own_count(
    browser, site, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    _log_in(page, site)
    page.get_by_role("navigation", name="Rubriques").get_by_role("link", name="Rédiger").click()
    page.get_by_label("L’idée").fill("Notre nouveau pain au levain")
    networks_ticked(page, ("X", "Bluesky", "Mastodon"))
    page.get_by_label("Catégorie").select_option("promotional")
    page.get_by_role("button", name="Enregistrer le brouillon").click()  # the idea on every network
    page.wait_for_url("**/posts/*/")

    for label in ("Bluesky", "X", "Mastodon"):
        page.get_by_role("tab", name=label).click()
        box = page.get_by_label(f"Texte pour {label}")
        box.fill("")
        box.press_sequentially(EXAMPLE)
    page.get_by_role("tab", name="Bluesky").click()
    bluesky = _counter(page, "bluesky")
    bluesky.locator("[data-length]").filter(has_text="290").wait_for()
    assert bluesky.locator("[data-bytes]").inner_text() == "322"
    page.locator("#check-bluesky .facets-details summary").click()  # folded: a detail
    facet = page.locator('[data-facet="link 264-282"]')
    facet.wait_for(state="visible")
    # The next live check (leaving a field sends one) replaces the panel: the detail stays open.
    page.get_by_label("Texte pour Bluesky").evaluate(_CHANGED_AND_SETTLED)
    assert facet.is_visible()
    page.screenshot(path=screenshot_dir / "composer-bluesky.png", full_page=True)

    page.get_by_role("tab", name="X").click()
    x = _counter(page, "x")
    assert x.locator("[data-length]").inner_text() == "296"
    assert "over" in (x.get_attribute("class") or "")
    assert page.locator('#check-x [data-code="x.too_long"]').is_visible()
    assert page.locator("#preview-x mark.overflow").is_visible()
    page.screenshot(path=screenshot_dir / "composer-x.png", full_page=True)

    page.get_by_role("tab", name="Mastodon").click()
    assert _counter(page, "mastodon").locator("[data-length]").inner_text() == "295"
    assert page.locator('[data-code="post.same_text_everywhere"]').first.is_visible()

    problems = [
        v["id"]
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert problems == []
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon enregistré.").wait_for()
    page.close()


def test_the_media_library_and_a_demo_draft_look_right(browser, site, screenshot_dir: Path) -> None:
    for width in (1280, 375):
        page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
        _log_in(page, site)
        for name, path in (("media", "media/"), ("compose", "compose/")):
            page.goto(f"{site}/w/{DEMO_SLUG}/{path}")
            problems = [
                v["id"]
                for v in Axe().run(page).response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert problems == [], (name, problems)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, (
                name
            )
            page.screenshot(path=screenshot_dir / f"{width}-{name}.png", full_page=True)
        page.get_by_role("link", name="Nouveauté à la boulangerie").click()
        page.wait_for_url("**/posts/*/")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.screenshot(path=screenshot_dir / f"{width}-demo-draft.png", full_page=True)
        page.close()


def test_a_photo_added_from_the_composer_is_chosen_without_losing_the_text(
    browser, site, tmp_path, screenshot_dir: Path
) -> None:
    """The composer could only pick what the library held: a photo meant leaving the post
    being written. Added from the composer, it is ticked where it was added, offered to the
    other variants, and the post's check reads it at once."""
    photo = tmp_path / "vitrine.jpg"  # Instagram takes JPEG only
    photo.write_bytes(media_samples.image(64, 48))
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    _log_in(page, site)
    page.goto(f"{site}/w/{DEMO_SLUG}/compose/")
    idea = "La vitrine de Noël est installée"
    page.get_by_label("L’idée").fill(idea)
    networks_ticked(page, ("Bluesky", "Instagram"))
    page.get_by_role("tab", name="Instagram").click()
    panel = page.locator('section.variant[data-network="instagram"]')
    required = page.locator('#check-instagram [data-code="instagram.media_required"]')
    page.get_by_label("Texte pour Instagram").evaluate(_CHANGED_AND_SETTLED)
    required.wait_for()
    adding = panel.locator("[data-media-add]")
    adding.get_by_label("Ajouter une photo, une vidéo ou un PDF").set_input_files(photo)
    adding.get_by_label("Texte alternatif").fill("La vitrine décorée, des étoiles en papier")
    with page.expect_response("**/compose/media/") as answer:
        adding.get_by_role("button", name="L’ajouter à cette variante").click()
    item = MediaItem.objects.get(pk=answer.value.json()["id"])
    assert item.alt_text == "La vitrine décorée, des étoiles en papier"
    chosen = panel.locator(f'[data-media-picker] input[value="{item.pk}"]')
    chosen.wait_for()
    assert chosen.is_checked()
    required.wait_for(state="detached")  # checked again with the photo: no longer missing
    assert "ajouté à la médiathèque" in adding.locator("[data-media-said]").inner_text()
    assert page.get_by_label("L’idée").input_value() == idea  # nothing typed was lost
    page.screenshot(path=screenshot_dir / "composer-photo-added.png", full_page=True)
    page.get_by_role("tab", name="Bluesky").click()
    offered = page.locator(f'section[data-network="bluesky"] input[value="{item.pk}"]')
    assert offered.is_visible() and not offered.is_checked()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/posts/*/")
    post = Post.objects.get(idea=idea)
    media = {v.network: list(v.media.all()) for v in post.variants.all()}
    assert media == {"instagram": [item], "bluesky": []}
    page.close()


def test_back_after_saving_then_save_again_keeps_one_post_with_the_new_text(
    browser, site, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    _log_in(page, site)
    before = Post.objects.count()
    page.goto(f"{site}/w/{DEMO_SLUG}/compose/")
    page.get_by_label("L’idée").fill("Galette des rois dès le 2 janvier")
    networks_ticked(page, ("Mastodon",))
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/posts/*/")
    saved = page.url
    page.go_back()  # the browser gives the page back as it was typed
    page.get_by_label("L’idée").fill("Galette des rois dès le 2 janvier, frangipane maison")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/posts/*/")
    assert page.url == saved
    page.get_by_text("Brouillon enregistré.").wait_for()
    assert page.get_by_text("pas une deuxième").is_visible()
    assert Post.objects.count() == before + 1
    post = Post.objects.order_by("-pk").first()
    assert post.idea == "Galette des rois dès le 2 janvier, frangipane maison"
    page.screenshot(path=screenshot_dir / "composer-saved-again-after-back.png", full_page=True)
    page.close()
