"""One truth about what waits for an answer (home, the inbox, its count), the audiences a
network lets an answer have, and the line that says what a question answers."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from palabre.inbox.audience import answer_choices
from palabre.inbox.models import Interaction, Reply, ReplyStatus
from palabre.inbox.services import reply_send
from palabre.inbox.tests.helpers import comment, ingested, poll, published
from palabre.inbox.waiting import CONTEXT_CHARS, answered_post, waiting
from palabre.networks.base import Visibility
from palabre.publishing.models import PostVariant

INBOX = "/w/lumiere/inbox/"


@pytest.fixture
def bob(bob: Client, cast) -> Client:
    """The conftest's manager, reading English."""
    cast.bob.language = "en"
    cast.bob.save()
    return bob


def _question(cast, connector: str = "demo", network: str = "mastodon") -> Interaction:
    target = published(cast.workspace, cast.bob, network=network, connector=connector)
    activity = comment(target, "Quels horaires pour ce poste ?", handle="@marc")
    poll(target.channel)
    return ingested(activity)


def _answer_count(page: str) -> int:
    found = re.search(r'href="\?q=answer"[^>]*>[^<]*<span class="badge[^"]*">(\d+)<', page)
    assert found, "no count on the Answer first tab"
    return int(found.group(1))


@pytest.mark.parametrize("connector", ["demo_linkedin", "demo_x", "demo_facebook"])
def test_an_answer_on_a_network_without_audiences_is_just_public(bob, cast, connector) -> None:
    network = connector.removeprefix("demo_")
    item = _question(cast, connector=connector, network=network)
    assert answer_choices(item) == [Visibility.PUBLIC]
    page = bob.get(f"{INBOX}{item.pk}/").content.decode()
    assert "Everyone will see this answer." in page
    assert 'name="visibility"' not in page and "public timelines" not in page
    assert "Only @marc will see this answer." not in page


def test_a_narrower_audience_is_refused_where_the_network_has_none(bob, cast) -> None:
    item = _question(cast, connector="demo_linkedin", network="linkedin")
    response = bob.post(
        f"{INBOX}{item.pk}/reply/", {"text": "De 6 h à 13 h.", "visibility": "direct"}
    )
    assert "This network cannot address an answer to that audience." in response.content.decode()
    assert not Reply.objects.exists()


def test_mastodon_still_offers_its_narrower_audiences(cast) -> None:
    item = _question(cast, connector="demo_mastodon")
    assert answer_choices(item) == list(Visibility)


def test_an_answer_on_its_way_leaves_the_queue_and_its_count_and_says_so(bob, cast) -> None:
    item = _question(cast)
    assert _answer_count(bob.get(INBOX).content.decode()) == 1
    bob.post(f"{INBOX}{item.pk}/reply/", {"text": "De 6 h à 13 h."})
    assert Reply.objects.get().status == ReplyStatus.QUEUED

    queue = bob.get(INBOX).content.decode()
    assert _answer_count(queue) == 0
    assert f'{INBOX}{item.pk}/"' not in queue and "Nobody is waiting for an answer." in queue
    everything = bob.get(f"{INBOX}?q=all").content.decode()
    assert "answer on its way" in everything and "waiting " not in everything
    conversation = bob.get(f"{INBOX}{item.pk}/").content.decode()
    assert "answer on its way" in conversation and 'class="waiting"' not in conversation


def test_home_and_the_inbox_use_the_same_definition(cast) -> None:
    item = _question(cast)
    reply = Reply.objects.create(interaction=item, text="De 6 h à 13 h.")
    rows = Interaction.objects.filter(workspace=cast.workspace)
    assert not waiting(rows).exists()  # queued: on its way
    Reply.objects.filter(pk=reply.pk).update(status=ReplyStatus.FAILED)
    assert list(waiting(rows)) == [item]  # failed: someone has to answer again
    Reply.objects.filter(pk=reply.pk).update(status=ReplyStatus.QUEUED)
    reply_send(Reply.objects.get(pk=reply.pk))
    item.refresh_from_db()
    assert item.answered_at is not None and not waiting(rows).exists()  # sent: answered


def test_what_a_question_answers_is_one_line_cut_between_words(cast) -> None:
    item = _question(cast)
    assert answered_post(item) == "Le pain du jour est prêt."
    variant = PostVariant.objects.get(targets=item.target)
    variant.text = "Nous recrutons un·e boulanger·ère en CDI à Lyon. " * 5
    variant.save()
    line = answered_post(Interaction.objects.get(pk=item.pk))
    assert len(line) <= CONTEXT_CHARS and line.endswith("…") and "\n" not in line
    assert line.removesuffix("…").split()[-1] in variant.text.split()  # a whole word


def test_a_reply_to_a_comment_outside_palabre_quotes_that_comment(cast) -> None:
    item = _question(cast)
    under = Interaction.objects.create(
        workspace=cast.workspace,
        channel=item.channel,
        remote_id="elsewhere",
        kind="comment",
        text="Le poste est à mi-temps ?",
        created_at=item.created_at,
        target=item.target,
        parent=item,
    )
    assert answered_post(under) == "Le pain du jour est prêt."  # the post comes first
    under.target = None  # a post not published through Palabre
    assert answered_post(under) == "Quels horaires pour ce poste ?"
    item.target = None
    assert answered_post(item) == ""  # nothing known: no line
