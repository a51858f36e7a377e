"""The reports in the browser, on the demo: an approver (the client) reads the figures,
finds a definition, and downloads the monthly PDF, which is drawn and not blank."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pypdfium2
import pytest
from django.core.management import call_command
from PIL import ImageStat

from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    call_command("demo", stdout=StringIO())
    return live_server.url


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/w/{DEMO_SLUG}/")


def test_the_client_reads_the_reports_and_downloads_the_pdf(
    browser, demo_site, screenshot_dir: Path, tmp_path: Path
) -> None:
    page = browser.new_page(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", accept_downloads=True
    )
    _log_in(page, demo_site, "helene@lumiere.example")  # the approver
    page.get_by_role("link", name="Rapports", exact=True).click()
    page.wait_for_url(f"{demo_site}/w/{DEMO_SLUG}/reports/")
    dialogue = page.locator("#table-dialogue")
    assert "Taux de réponse" in dialogue.inner_text()
    rate = dialogue.locator("tbody tr").first.locator("td").first.inner_text()
    assert rate.endswith("%") and rate != "–"  # the demo's year of history is measured
    # A "?" shows its definition, in French, on a tap or the keyboard's focus (a title
    # showed it on hover only: nothing on a phone).
    dialogue.locator(".tip").first.focus()
    bubble = page.get_by_role("tooltip")
    assert "réponse de la marque" in bubble.inner_text()
    page.keyboard.press("Escape")
    assert bubble.count() == 0
    assert page.locator("svg.chart").count() >= 4
    alert = page.locator(".report-alerts")
    assert "portée quotidienne" in alert.inner_text()  # the demo's Instagram dip
    assert page.locator("#table-insights tbody tr").count() > 0
    page.screenshot(path=screenshot_dir / "reports.png", full_page=True)

    scope = page.locator("form.report-scope")
    scope.locator("[name=month]").fill("2026-10")
    assert scope.locator("[name=period]").input_value() == ""  # the month, not a period too
    scope.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**month=2026-10**")
    assert "Du 01/10/2026 au 31/10/2026." in page.locator("main").inner_text()
    scope.locator("[name=period]").select_option("90")
    assert scope.locator("[name=month]").input_value() == ""  # a period empties the month
    scope.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**period=90**")
    assert scope.locator("[name=period]").input_value() == "90"

    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name.startswith(f"palabre-{DEMO_SLUG}-") and saved.suffix == ".pdf"
    document = pypdfium2.PdfDocument(saved.read_bytes())
    assert len(document) >= 2
    first = document[0].render(scale=1.5).to_pil()
    first.save(screenshot_dir / "report-pdf-page1.png")
    gray = first.convert("L")
    assert ImageStat.Stat(gray).stddev[0] > 10
    assert sum(gray.histogram()[:128]) > 0.005 * gray.width * gray.height

    with page.expect_download() as info:
        page.locator("#table-channels a[download]").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads the accents right
    rows = list(csv.reader(StringIO(text.removeprefix("\ufeff")), delimiter=";"))  # French
    assert rows[0][:3] == ["Canal", "Réseau", "Abonnés"]  # text cells quoted, read back as text
    assert len(rows) == 8  # a header and the demo's seven channels
    page.close()


def test_the_analyst_sees_people_ranked_by_relationship(
    browser, demo_site, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800}, locale="fr-FR")
    _log_in(page, demo_site, "nora@lumiere.example")
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/community/")
    badges = page.locator("tbody tr .badge").all_inner_texts()
    assert badges and badges[0] == "Ambassadeur"  # advocates first
    page.get_by_role("link", name="En train de s’éloigner").click()
    page.wait_for_url("**show=drifting")
    assert page.locator("tbody tr").count() > 0
    page.screenshot(path=screenshot_dir / "community-375.png", full_page=True)
    page.close()


def test_a_definition_opens_on_a_phone_with_a_tap_inside_the_screen(
    browser, demo_site, screenshot_dir: Path
) -> None:
    """The "?" showed its definition on hover only: on a phone, none could be read."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    page = context.new_page()
    _log_in(page, demo_site, "helene@lumiere.example")
    page.goto(f"{demo_site}/w/{DEMO_SLUG}/reports/")
    # (A column's "?" is in its table's header row, folded away on a phone's stacked
    # tables: the figures', the tables' and the rows' are the ones a thumb reaches.)
    tips = page.locator(".figure-label .tip, h3 .tip, tbody .tip").locator("visible=true")
    for index in (0, tips.count() - 1):  # the first, and the last (near the right edge)
        tips.nth(index).scroll_into_view_if_needed()
        tips.nth(index).tap()
        bubble = page.get_by_role("tooltip")
        box = bubble.bounding_box()
        assert box is not None and bubble.inner_text().strip()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    page.screenshot(path=screenshot_dir / "reports-phone-definition.png")
    context.close()
