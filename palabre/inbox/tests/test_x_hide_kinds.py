"""X hides only the replies in the account's own conversations ("You can only hide or unhide
replies to conversations you authored"): a mention or a quote elsewhere is hidden in
Palabre only, says so, and a rule that would hide it sends it to review (played by the demo
network's "demo_x", which hides as X does)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from palabre.inbox.models import EventAction, ModerationEvent, ModerationRule, RuleAction
from palabre.inbox.moderation import interaction_hide
from palabre.inbox.tests.helpers import comment, ingested, poll, published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def target(cast):
    return published(cast.workspace, cast.bob, network="x", connector="demo_x")


def test_a_reply_is_hidden_on_x_and_a_mention_in_palabre_only(cast, target) -> None:
    reply = comment(target, "Des escrocs, ces boulangers.", handle="@aigri")
    mention = comment(target, "@lumiere des escrocs", handle="@aigri2", kind="mention")
    poll(target.channel)
    reply, mention = ingested(reply), ingested(mention)
    assert reply.hides_on_network and not mention.hides_on_network
    assert interaction_hide(interaction=reply, actor=cast.bob, reason="insulte") is True
    assert interaction_hide(interaction=mention, actor=cast.bob, reason="insulte") is False
    logged = ModerationEvent.objects.get(interaction=mention, action=EventAction.HIDE)
    assert logged.reason.startswith("in Palabre only: X hides only replies to the account's")


def test_the_page_says_so_and_offers_hide_in_palabre(bob: Client, cast, target) -> None:
    cast.bob.language = "en"
    cast.bob.save()
    mention = comment(target, "@lumiere vu votre vitrine", handle="@passant", kind="mention")
    poll(target.channel)
    page = bob.get(f"/w/lumiere/inbox/{ingested(mention).pk}/").content.decode()
    assert "X hides only replies to the account's own posts" in page
    # The hide it offers (h: "Hide", or in review the verdict "Abuse: hide") says where.
    offered = page.split('data-shortcut="h"')[1].split("</button>")[0]
    assert "ide in Palabre" in offered


def test_a_rule_that_would_hide_a_mention_sends_it_to_review(cast, target) -> None:
    ModerationRule.objects.create(
        workspace=cast.workspace, name="Arnaques", keywords="crédit rapide", action=RuleAction.HIDE
    )
    mention = comment(target, "@lumiere crédit rapide ici", handle="@spam", kind="mention")
    poll(target.channel)
    item = ingested(mention)
    assert item.in_review and not item.hidden
    refused = ModerationEvent.objects.get(interaction=item, action=EventAction.REFUSED)
    assert "X hides only replies to the account's posts, so it goes to review" in refused.reason
