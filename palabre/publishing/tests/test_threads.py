from __future__ import annotations

import html

import pytest
from django.test import Client

from palabre.channels.services import channel_create_demo
from palabre.networks.demo.models import DemoPost
from palabre.publishing import publisher, workflow
from palabre.publishing.models import PostTarget, TargetStatus
from palabre.publishing.rules import check_text
from palabre.publishing.services import post_create


@pytest.fixture
def post(cast):
    channel_create_demo(workspace=cast.workspace, network="bluesky", name="B")
    draft = post_create(
        workspace=cast.workspace,
        author=cast.bob,
        idea="1/3 Le levain, c'est quoi ?",
        category="helpful",
        networks=["bluesky"],
    )
    draft.variants.update(
        thread=["2/3 Un mélange de farine et d'eau qui fermente.", "3/3 Il donne du goût."],
        first_comment="Toutes nos recettes : https://lumiere.fr/levain",
    )
    return draft


def _chain() -> dict[str, DemoPost]:
    return {p.text[:3]: p for p in DemoPost.objects.all()}


def test_a_thread_goes_out_part_after_part_with_its_first_comment(post) -> None:
    [target] = publisher.post_publish_now(post=post)
    publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))
    target.refresh_from_db()
    assert (
        target.status == TargetStatus.PUBLISHED and len(target.part_ids) == 2 and target.comment_id
    )
    posts = _chain()
    assert posts["2/3"].in_reply_to == target.remote_id
    assert posts["3/3"].in_reply_to == posts["2/3"].remote_id
    assert posts["Tou"].in_reply_to == target.remote_id
    assert target.part_ids == [posts["2/3"].remote_id, posts["3/3"].remote_id]


def test_a_thread_interrupted_halfway_resumes_without_duplicates(post) -> None:
    [target] = publisher.post_publish_now(post=post)
    publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))
    done = PostTarget.objects.get(pk=target.pk)
    # As if the worker had died after part 2: part 3 and the comment not recorded.
    PostTarget.objects.filter(pk=target.pk).update(
        status=TargetStatus.PUBLISHING, part_ids=done.part_ids[:1], comment_id=""
    )
    publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))
    assert DemoPost.objects.count() == 4  # post, two parts, comment: nothing twice
    assert PostTarget.objects.get(pk=target.pk).part_ids == done.part_ids


def test_an_invalid_part_blocks_scheduling(post) -> None:
    post.variants.update(thread=["é" * 301])
    with pytest.raises(workflow.PublishRefused) as refusal:
        publisher.post_publish_now(post=post)
    assert "Partie 2" in refusal.value.problems[0]


def test_the_composer_splits_an_over_long_text(client: Client, cast) -> None:
    channel_create_demo(workspace=cast.workspace, network="x", name="X")
    long_text = "Le levain travaille toute la nuit. " * 20
    draft = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea=long_text,
        category="helpful",
        networks=["x"],
    )
    client.force_login(cast.erin)
    variant = draft.variants.get()
    data = {
        "post-idea": long_text,
        "post-category": "helpful",
        "post-networks": ["x"],
        "x-text": long_text,
        "x-channels": [c.pk for c in variant.channels.all()],
        "post-version": draft.version,
        "action": "split-x",
    }
    response = client.post(f"/w/lumiere/posts/{draft.pk}/", data, follow=True)
    assert "Découpé en fil" in html.unescape(response.content.decode())
    variant.refresh_from_db()
    assert variant.thread and all(check_text("x", p).valid for p in [variant.text, *variant.thread])
    assert f"({1 + len(variant.thread)}/{1 + len(variant.thread)})" in variant.thread[-1]
    split = draft.changes.last()  # the history says so, and who split it
    assert split.actor == cast.erin and split.what == {"variants": {"x": ["text", "thread"]}}
