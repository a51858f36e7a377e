"""Issue 14 (trust), observation 8 on the strategy page: two people edit the guidelines or
the same chosen network; the later save, based on what the page showed before the other's,
is refused, with its input kept and what the other person saved shown beside it."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from palabre.strategy.models import NetworkPlan, Strategy

pytestmark = pytest.mark.django_db
PAGE = "/w/lumiere/strategy/"
STALE = "Someone saved this meanwhile"


def _client(user) -> Client:
    user.language = "en"
    user.save()
    client = Client()
    client.force_login(user)
    return client


def _version(page: str, prefix: str) -> str:
    """The version the page's form was opened at ("" when it has none)."""
    found = re.search(rf'name="{prefix}-version" value="(\d*)"', page)
    return found.group(1) if found else ""


def _saved(page: str, kind: str) -> str:
    """What the page shows as the other person's saved values."""
    found = re.search(rf'<aside class="stale" data-stale="{kind}">(.*?)</aside>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def _guidelines(tone: str, version: str) -> dict[str, str]:
    return {
        "kind": "guidelines",
        "guidelines-version": version,
        "guidelines-tone": tone,
        "guidelines-words_to_avoid": "",
        "guidelines-max_promotional_percent": "20",
        "guidelines-weekly_minimum_minutes": "30",
        "guidelines-hourly_cost": "30",
        "guidelines-currency": "EUR",
    }


def test_observation_8_guidelines_saved_meanwhile_are_not_erased(cast) -> None:
    alice, bob = _client(cast.alice), _client(cast.bob)
    seen_by_alice = _version(alice.get(PAGE).content.decode(), "guidelines")
    seen_by_bob = _version(bob.get(PAGE).content.decode(), "guidelines")
    assert alice.post(PAGE, _guidelines("Chaleureux", seen_by_alice)).status_code == 302
    response = bob.post(PAGE, _guidelines("Espiègle", seen_by_bob))
    page = response.content.decode()
    assert response.status_code == 200 and STALE in page
    assert "Espiègle" in html.unescape(page)  # Bob's input is still on the form
    assert "Chaleureux" in _saved(page, "guidelines")  # and Alice's is shown beside it
    assert Strategy.objects.get(workspace=cast.workspace).tone == "Chaleureux"
    # Saving again from that page, having seen Alice's, keeps Bob's.
    again = bob.post(PAGE, _guidelines("Espiègle", _version(page, "guidelines")))
    assert again.status_code == 302
    assert Strategy.objects.get(workspace=cast.workspace).tone == "Espiègle"
    # A form without its version, or with a forged one, is told to reload; nothing is saved.
    for forged in ("", "x", "-1", "99999999999999999999"):
        page = bob.post(PAGE, _guidelines("Forgé", forged)).content.decode()
        assert "This form is out of date" in page
    assert Strategy.objects.get(workspace=cast.workspace).tone == "Espiègle"


def _network(reason: str, version: str) -> dict[str, str]:
    return {
        "kind": "network",
        "network-version": version,
        "network-network": "instagram",
        "network-reason": reason,
        "network-weekly_budget_minutes": "60",
    }


def test_observation_8_a_network_chosen_or_changed_meanwhile_is_not_erased(cast) -> None:
    alice, bob = _client(cast.alice), _client(cast.bob)
    # Both choose Instagram from the empty form: the second learns it was chosen meanwhile.
    assert alice.post(PAGE, _network("Photos du fournil", "")).status_code == 302
    response = bob.post(PAGE, _network("Les reels", ""))
    page = response.content.decode()
    assert response.status_code == 200 and STALE in page
    assert "Les reels" in page and "Photos du fournil" in _saved(page, "network")
    assert NetworkPlan.objects.get().reason == "Photos du fournil"
    # Both open the same network to change it: the later save is refused.
    edit = f"{PAGE}?network=instagram"
    seen_by_alice = _version(alice.get(edit).content.decode(), "network")
    seen_by_bob = _version(bob.get(edit).content.decode(), "network")
    assert seen_by_alice == seen_by_bob != ""
    assert alice.post(PAGE, _network("Le fournil", seen_by_alice)).status_code == 302
    page = bob.post(PAGE, _network("Les reels", seen_by_bob)).content.decode()
    assert STALE in page and "Le fournil" in _saved(page, "network")
    assert NetworkPlan.objects.get().reason == "Le fournil"
    assert bob.post(PAGE, _network("Les reels", _version(page, "network"))).status_code == 302
    assert NetworkPlan.objects.get().reason == "Les reels"
    # The form opened to change Instagram saves Instagram, whatever network is sent with it.
    seen = _version(bob.get(edit).content.decode(), "network")
    bob.post(edit, _network("Ailleurs", seen) | {"network-network": "facebook"})
    assert [(p.network, p.reason) for p in NetworkPlan.objects.all()] == [("instagram", "Ailleurs")]
