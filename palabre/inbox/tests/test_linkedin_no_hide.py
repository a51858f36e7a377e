"""Where comments cannot be hidden but the brand may delete them (LinkedIn, played by the
demo network's "demo_linkedin"): the inbox says so plainly, offers "delete" to those who
moderate, the worker carries the deletion, and rules that hide send to review instead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation

from palabre.inbox.models import (
    EventAction,
    Interaction,
    ModerationEvent,
    ModerationRule,
    NetworkStatus,
    RuleAction,
)
from palabre.inbox.moderation import comment_deletable, event_record, moderation_event_apply
from palabre.inbox.tests.helpers import (
    comment,
    ingested,
    poll,
    private_message,
    published,
    run_worker,
)
from palabre.networks.demo.models import DemoActivity, DemoPost

INSULT = "Je vais te tuer."  # a threat: the lexicon hides it where it can


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def bob(bob: Client, cast) -> Client:
    cast.bob.language = "en"
    cast.bob.save()
    return bob


@pytest.fixture
def target(cast):
    return published(cast.workspace, cast.bob, network="linkedin", connector="demo_linkedin")


@pytest.fixture
def item(target) -> Interaction:
    activity = comment(target, "Vos croissants sont trop chers.", handle="grincheux")
    poll(target.channel)
    return ingested(activity)


def _flash(client: Client, response) -> str:
    return client.get(response.url).content.decode()


def test_linkedin_cannot_hide_and_the_channel_says_so(target) -> None:
    assert not target.channel.hides_replies
    assert target.channel.network_label == "LinkedIn"


def test_the_page_says_hiding_is_not_possible_and_offers_delete(bob, item) -> None:
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert "Hiding is not possible on LinkedIn" in page
    assert "Your account may delete this comment on LinkedIn instead" in page
    assert f"/inbox/{item.pk}/delete/" in page
    assert "Delete on LinkedIn" in page
    # Nothing LinkedIn does not have: no mute, block or report.
    for verb in ("mute", "block", "report"):
        assert f"/inbox/{item.pk}/{verb}/" not in page


def test_deleting_on_linkedin_takes_a_second_click(bob, item) -> None:
    """Deletion cannot be undone: the button that deletes sits behind a confirm step, so a
    stray click (or Enter in the reason field of the wrong form) removes nothing."""
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    start = page.index('<details class="confirm">')
    block = page[start : page.index("</details>", start)]
    assert "Delete on LinkedIn…</summary>" in block
    assert f"/inbox/{item.pk}/delete/" in block
    assert "Delete for everyone" in block
    assert page.count(f"/inbox/{item.pk}/delete/") == 1


def test_a_private_message_is_not_offered_delete(bob, target) -> None:
    message = private_message(target.channel, "Bonjour, une question privée")
    poll(target.channel)
    item = ingested(message)
    assert not comment_deletable(item)
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert f"/inbox/{item.pk}/delete/" not in page
    response = bob.post(f"/w/lumiere/inbox/{item.pk}/delete/", {"reason": "non"})
    assert "does not let your account delete this" in _flash(bob, response)
    assert not ModerationEvent.objects.filter(action=EventAction.DELETE).exists()


def test_a_network_that_hides_offers_no_delete(bob, cast) -> None:
    target = published(cast.workspace, cast.bob, network="bluesky")
    activity = comment(target, "Bonjour")
    poll(target.channel)
    item = ingested(activity)
    assert not comment_deletable(item)
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert "Hiding is not possible" not in page and "/delete/" not in page


def test_mastodon_offers_no_delete_of_other_peoples_replies(cast) -> None:
    target = published(cast.workspace, cast.bob, connector="demo_mastodon")
    activity = comment(target, "Bonjour")
    poll(target.channel)
    assert not comment_deletable(ingested(activity))  # DELETE is for its own posts only


def test_delete_reaches_linkedin_and_the_log(bob, item) -> None:
    response = bob.post(f"/w/lumiere/inbox/{item.pk}/delete/", {"reason": "publicité"})
    assert "Deletion on its way to the network" in _flash(bob, response)
    item.refresh_from_db()
    assert item.hidden and not item.in_review and not item.needs_answer
    event = ModerationEvent.objects.get(action=EventAction.DELETE)
    assert event.actor.email == "bob@example.com" and event.reason == "publicité"
    assert event.network_status == NetworkStatus.PENDING
    assert DemoActivity.objects.filter(remote_id_key(item)).exists()
    run_worker()
    event.refresh_from_db()
    assert event.network_status == NetworkStatus.DONE
    assert not DemoActivity.objects.filter(remote_id_key(item)).exists()
    # The brand's own post is still there; the button is gone; a second try is refused.
    assert DemoPost.objects.filter(channel=item.channel).exists()
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert f"/inbox/{item.pk}/delete/" not in page
    assert f"/inbox/{item.pk}/unhide/" not in page  # nothing to show again
    assert "Deleted on LinkedIn" in page
    assert f"/inbox/{item.pk}/reply/" not in page  # nothing left to answer
    assert "Your account may delete this comment" not in page
    response = bob.post(f"/w/lumiere/inbox/{item.pk}/delete/")
    assert "Already deleted" in _flash(bob, response)
    assert ModerationEvent.objects.filter(action=EventAction.DELETE).count() == 1


def remote_id_key(item: Interaction):
    from django.db.models import Q

    return Q(pk=int(item.remote_id.removeprefix("act:")))


def test_a_deletion_linkedin_refuses_fails_with_its_reason(item) -> None:
    DemoActivity.objects.filter(remote_id_key(item)).update(post=None)  # no longer ours
    event = event_record(item, EventAction.DELETE, reason="spam", network=True)
    assert moderation_event_apply(event) is None
    event.refresh_from_db()
    assert event.network_status == NetworkStatus.FAILED
    assert "not allowed to delete" in event.network_error


def test_an_editor_may_not_delete(cast, client: Client, item) -> None:
    client.login(email="erin@example.com", password="correct horse battery")
    assert "/delete/" not in client.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    response = client.post(f"/w/lumiere/inbox/{item.pk}/delete/", {"reason": "non"})
    assert response.status_code == 403
    assert not ModerationEvent.objects.exists()
    assert DemoActivity.objects.filter(remote_id_key(item)).exists()


def test_a_persons_hide_is_in_palabre_only_and_points_to_delete(bob, item) -> None:
    response = bob.post(f"/w/lumiere/inbox/{item.pk}/hide/", {"reason": "hors sujet"})
    flash = _flash(bob, response)
    assert "Hidden in Palabre only: hiding is not possible on LinkedIn" in flash
    assert "To remove it from LinkedIn, delete it" in flash
    event = ModerationEvent.objects.get()
    assert event.action == EventAction.HIDE and event.network_status == ""
    assert event.reason == "in Palabre only: hiding is not possible on LinkedIn · hors sujet"


# --- Rules fall back to review, never a silent no-op -------------------------------------------


def test_the_default_policy_reviews_an_insult_it_cannot_hide(target) -> None:
    insult = comment(target, INSULT, handle="troll")
    poll(target.channel)
    item = ingested(insult)
    assert item.category == "abuse"
    assert item.in_review and not item.hidden
    refused = ModerationEvent.objects.get(interaction=item, action=EventAction.REFUSED)
    assert "hiding is not possible on LinkedIn" in refused.reason
    assert refused.reason.endswith("hiding is not possible on LinkedIn, so it goes to review")
    assert ModerationEvent.objects.filter(interaction=item, action=EventAction.REVIEW).exists()
    assert not ModerationEvent.objects.filter(action=EventAction.HIDE).exists()
    # Nothing was asked of the network, and nothing is deleted by a machine.
    assert not ModerationEvent.objects.exclude(network_status="").exists()
    assert DemoActivity.objects.filter(remote_id_key(item)).exists()


def test_a_rules_hide_becomes_a_review_shown_in_the_queue(bob, cast, target) -> None:
    ModerationRule.objects.create(
        workspace=cast.workspace, name="Concurrents", keywords="painmax", action=RuleAction.HIDE
    )
    activity = comment(target, "Chez PainMax la baguette est à 80 centimes", handle="pub")
    poll(target.channel)
    item = ingested(activity)
    assert item.in_review and not item.hidden
    refused = ModerationEvent.objects.get(interaction=item, action=EventAction.REFUSED)
    assert refused.rule_name == "Concurrents"
    assert refused.reason.startswith("rule “Concurrents”: hiding is not possible on LinkedIn")
    review = ModerationEvent.objects.get(interaction=item, action=EventAction.REVIEW)
    assert review.rule_name == "Concurrents"
    queue = bob.get("/w/lumiere/inbox/?q=review").content.decode()
    assert f"/inbox/{item.pk}/" in queue


def test_the_rules_page_names_the_networks_that_cannot_hide(bob, target) -> None:
    page = bob.get("/w/lumiere/inbox/rules/").content.decode()
    assert "Hiding is not possible on LinkedIn: there, a rule that hides sends to review" in page


def test_the_inbox_names_the_network_beside_the_channel(bob, item) -> None:
    """A brand's X account and LinkedIn page are often both named after it: the inbox's row
    and the conversation's page say which network each comment is on."""
    label = f"{item.channel.name} (LinkedIn) · "
    assert label in bob.get("/w/lumiere/inbox/?q=all").content.decode()
    assert label in bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
