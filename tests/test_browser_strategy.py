"""Strategy in the browser, on the demo: the community manager fills the strategy page,
logs time with the timer and afterwards, follows a tracked link as a person would,
imports conversions, and reads the return per network."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Headless Chromium says "HeadlessChrome", which the click counter rightly takes for a
# robot; a person's browser says this.
PERSON_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0 Safari/537.36"
)


@pytest.fixture
def demo_site(live_server):
    call_command("demo", stdout=StringIO())
    return live_server.url


def test_plan_time_links_conversions_and_return(
    browser, demo_site, screenshot_dir: Path, tmp_path: Path
) -> None:
    base, ws = demo_site, f"{demo_site}/w/{DEMO_SLUG}"
    page = browser.new_page(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", user_agent=PERSON_AGENT
    )
    page.goto(f"{base}/login/")
    page.get_by_label("Adresse e-mail").fill("lucas@lumiere.example")  # community manager
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{ws}/")

    # The strategy page: a new network with its budget, an objective, the guidelines.
    page.get_by_role("link", name="Stratégie").first.click()
    page.get_by_text("Choisir un réseau", exact=True).click()
    page.locator("#id_network-network").select_option("linkedin")
    page.locator("#id_network-reason").fill(
        "Les entreprises du quartier commandent pour leurs réunions."
    )
    page.locator("#id_network-weekly_budget_minutes").fill("15")
    page.get_by_role("button", name="Enregistrer le réseau").click()
    page.wait_for_url(re.compile(r".*/strategy/#network$"))
    assert "Réseau enregistré." in page.locator(".messages").inner_text()
    assert "Les entreprises du quartier" in page.locator("#network table").inner_text()
    page.get_by_text("Ajouter un objectif").click()
    page.locator("#id_objective-metric").select_option("conversions")
    page.locator("#id_objective-target").fill("30")
    page.locator("#id_objective-deadline").fill("2031-06-30")
    page.get_by_role("button", name="Ajouter l’objectif").click()
    assert page.locator("article.objective").count() == 5
    assert page.locator("article.objective progress").first.get_attribute("value") is not None
    page.locator("#id_guidelines-words_to_avoid").fill("pas cher\nindustriel\npromo\nsoldes")
    page.get_by_role("button", name="Enregistrer les lignes éditoriales").click()
    assert "Lignes éditoriales enregistrées." in page.locator(".messages").inner_text()
    assert "soldes" in page.locator("#id_guidelines-words_to_avoid").input_value()
    page.screenshot(path=screenshot_dir / "strategy.png", full_page=True)

    # Time: the timer, then an entry logged afterwards.
    page.get_by_role("link", name="Temps passé").first.click()
    # The demo's manager left a timer running on Instagram; its elapsed time is in the header.
    assert "Instagram" in page.locator(".header-timer").inner_text()
    page.get_by_role("button", name="Arrêter le chronomètre").click()
    assert page.locator(".header-timer").count() == 0
    page.locator("#id_timer-network").select_option("linkedin")
    page.locator("#id_timer-activity").select_option("visuals")
    page.get_by_role("button", name="Démarrer le chronomètre").click()
    assert "En cours depuis" in page.locator("main").inner_text()
    page.get_by_role("button", name="Arrêter le chronomètre").click()
    assert "Chronomètre arrêté : 1 min" in page.locator(".messages").inner_text()
    page.locator("#id_entry-network").select_option("linkedin")
    page.locator("#id_entry-activity").select_option("writing")
    page.locator("#id_entry-minutes").fill("45")
    page.get_by_role("button", name="Saisir le temps").click()
    assert "Temps enregistré." in page.locator(".messages").inner_text()
    row = page.locator("tbody tr", has_text="LinkedIn").first
    assert "46 min" in row.inner_text()  # the timer’s minute and the 45 logged
    page.screenshot(path=screenshot_dir / "time.png", full_page=True)

    # A tracked link for LinkedIn, followed as a person would.
    page.goto(f"{ws}/strategy/links/")
    page.locator("#id_destination").fill(f"{base}/login/")
    page.locator("#id_label").fill("Plateaux réunion")
    page.locator("#id_network").select_option("linkedin")
    page.get_by_role("button", name="Créer le lien").click()
    short = page.locator("tbody tr", has_text="Plateaux réunion").locator("code").inner_text()
    page.goto(short)
    assert "/login/" in page.url and "utm_source=linkedin" in page.url
    page.goto(f"{ws}/strategy/links/")
    clicks = page.locator("tbody tr", has_text="Plateaux réunion").locator("td.num").first
    assert clicks.inner_text() == "1"
    code = short.rsplit("/", 1)[-1]

    # Conversions imported from the shop's CSV: two through the LinkedIn link.
    csv = tmp_path / "ventes.csv"
    # Within the return page's 30 days whenever the test runs (fixed dates went out of it).
    first, second = (date.today() - timedelta(days=d) for d in (11, 10))
    csv.write_text(
        "id;date;value;network;link;contact;customer\n"
        f"LI-1;{first:%Y-%m-%d};120,00;;{code};;\n"
        f"LI-2;{second:%Y-%m-%d};80;;{code};;\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Retour par réseau").click()
    page.locator("#id_import-file").set_input_files(csv)
    page.get_by_role("button", name="Importer", exact=True).click()
    assert "2 conversions importées." in page.locator(".messages").inner_text()

    # The return per network: LinkedIn's time, its click and its two conversions.
    spent = page.locator("#returns-in tr[data-network='linkedin'] td").all_inner_texts()
    assert spent[0] == "46 min"  # the timer's minute and the 45 logged
    assert spent[3] == "0,00\u00a0€"  # no ads on LinkedIn; its time costs 46 min × 25 €/h
    assert spent[2] == spent[4] == "19,17\u00a0€"
    results = page.locator("#returns tr[data-network='linkedin'] td").all_inner_texts()
    assert results[1:4] == ["1", "2", "200,00\u00a0€"]  # a click, two conversions worth 200
    # (200 − 19.17) ÷ 19.17 = 943 %, not printed: two conversions are too few to judge.
    assert " ".join(results[-1].split()) == "— Trop peu de conversions pour en juger"
    assert (
        "trop peu pour juger" in page.locator("li[data-verdict]", has_text="LinkedIn").inner_text()
    )
    assert page.locator("li[data-verdict='pays']", has_text="Instagram").count() == 1
    page.screenshot(path=screenshot_dir / "return.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_dir / "return-375.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the return page scrolls sideways on a phone"
