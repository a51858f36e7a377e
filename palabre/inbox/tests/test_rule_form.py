"""A moderation rule says what it looks for, and one that hides must look at something."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from palabre.inbox.models import ModerationRule

pytestmark = pytest.mark.django_db
RULES = "/w/lumiere/inbox/rules/"


@pytest.fixture
def manager(client: Client, cast) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(cast.bob)
    return client


@pytest.mark.parametrize("where", [{}, {"lang": "fr"}])
def test_a_rule_that_would_hide_every_comment_is_refused(manager: Client, where) -> None:  # type: ignore[no-untyped-def]
    data = {"name": "Tout masquer", "action": "hide", "enabled": "on", **where}
    page = html.unescape(manager.post(RULES, data).content.decode())
    assert "sans elle, elle masquerait chaque commentaire" in page
    assert not ModerationRule.objects.exists()


def test_a_rule_that_hides_on_a_word_or_sends_everything_to_review_is_saved(manager) -> None:  # type: ignore[no-untyped-def]
    manager.post(
        RULES, {"name": "Arnaque", "action": "hide", "keywords": "crypto", "enabled": "on"}
    )
    manager.post(RULES, {"name": "Tout relire", "action": "review", "enabled": "on"})
    assert set(ModerationRule.objects.values_list("name", flat=True)) == {"Arnaque", "Tout relire"}
    page = manager.get(RULES).content.decode()
    assert "«\xa0crypto\xa0»" in page and "Chaque commentaire" in page  # said, in French
    assert "Supprimer cette règle" in page  # behind a confirmation


@pytest.mark.parametrize(
    "looks_at", [{"min_abuse": "0"}, {"author": "@"}, {"keywords": " , "}], ids=str
)
def test_a_condition_that_matches_everyone_is_no_condition(manager: Client, looks_at) -> None:  # type: ignore[no-untyped-def]
    data = {"name": "Tout masquer", "action": "hide", "enabled": "on", **looks_at}
    page = html.unescape(manager.post(RULES, data).content.decode())
    assert "sans elle, elle masquerait chaque commentaire" in page
    assert not ModerationRule.objects.exists()
