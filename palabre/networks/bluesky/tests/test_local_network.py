"""The Bluesky connector against a real Bluesky network running on loopback.

Palabre publishes as one account; the other account (the official Python SDK) replies,
mentions and likes. The AppView indexes asynchronously: reads are polled until they agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from atproto import Client, models

from palabre.channels.models import Channel
from palabre.networks.base import InteractionKind, MediaUpload, OutgoingPost, Rejected
from palabre.networks.bluesky import connector as bluesky
from palabre.publishing.tests import media_samples

pytestmark = [pytest.mark.network]
T = TypeVar("T")


def eventually(read: Callable[[], T], ok: Callable[[T], bool], timeout: float = 15) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.fixture
def channel(bluesky_channel: Channel) -> Channel:
    return bluesky_channel


@pytest.fixture
def claire(bluesky_peer: Client) -> Client:
    return bluesky_peer


def _posts_on_server(client: Client, did: str) -> list[Any]:
    return client.com.atproto.repo.list_records(
        params={"repo": did, "collection": "app.bsky.feed.post", "limit": 100}
    ).records


def _threadgate(connector, post_uri: str) -> Any:
    did, _, rkey = bluesky.split_uri(post_uri)
    params = {"repo": did, "collection": "app.bsky.feed.threadgate", "rkey": rkey}
    return connector.client().com.atproto.repo.get_record(params=params).value


def test_connect_refuses_a_wrong_app_password(bluesky_network) -> None:
    from palabre.networks.base import AuthExpired

    with pytest.raises((AuthExpired, Rejected)):
        bluesky.connect(
            service=bluesky_network.pds,
            handle=bluesky_network.accounts[0]["handle"],
            app_password="wrong-wrong-wrong",
        )


def test_publishing_twice_with_one_key_leaves_one_post(channel, claire) -> None:
    connector = channel.get_connector()
    key, created = f"target-{time.time_ns()}", datetime.now(UTC)
    post = OutgoingPost(
        text="Le levain du jour #pain https://lumiere.fr", idempotency_key=key, created_at=created
    )
    first = connector.publish(post)
    second = channel.get_connector().publish(post)
    assert first.remote_id == second.remote_id
    did = channel.credentials["did"]
    ours = [r for r in _posts_on_server(claire, did) if r.uri == first.remote_id]
    assert len(ours) == 1
    record = ours[0].value
    assert [f.features[0].py_type for f in record.facets] == [
        "app.bsky.richtext.facet#tag",
        "app.bsky.richtext.facet#link",
    ]
    assert record.embed.external.uri == "https://lumiere.fr"


def test_mentions_resolve_to_dids_and_images_carry_alt_text(channel, bluesky_network) -> None:
    connector = channel.get_connector()
    claire_handle, claire_did = (
        bluesky_network.accounts[1]["handle"],
        bluesky_network.accounts[1]["did"],
    )
    media = connector.upload_media(
        MediaUpload("pain.jpg", "image/jpeg", media_samples.image(64, 48), "Une miche")
    )
    published = connector.publish(
        OutgoingPost(
            text=f"Merci @{claire_handle} !",
            idempotency_key=f"m-{time.time_ns()}",
            media=(media,),
            created_at=datetime.now(UTC),
        )
    )
    _, _, rkey = bluesky.split_uri(published.remote_id)
    record = (
        connector.client()
        .com.atproto.repo.get_record(
            params={
                "repo": channel.credentials["did"],
                "collection": "app.bsky.feed.post",
                "rkey": rkey,
            }
        )
        .value
    )
    assert record.facets[0].features[0].did == claire_did
    assert record.embed.images[0].alt == "Une miche"


def test_replies_are_ingested_answered_hidden_and_counted(channel, claire) -> None:
    connector = channel.get_connector()
    ours = connector.publish(
        OutgoingPost(
            text="Qui goûte samedi ?",
            idempotency_key=f"p-{time.time_ns()}",
            created_at=datetime.now(UTC),
        )
    )
    cursor = connector.fetch_interactions(cursor=None).next_cursor
    # A reply reaching the AppView before the post it answers gets no notification there:
    # wait until the AppView knows our post, as a real audience's timing would.
    eventually(lambda: claire.get_posts([ours.remote_id]).posts, bool)
    parent = claire.com.atproto.repo.get_record(
        params=dict(
            zip(("repo", "collection", "rkey"), bluesky.split_uri(ours.remote_id), strict=True)
        )
    )
    strong = models.ComAtprotoRepoStrongRef.Main(uri=parent.uri, cid=parent.cid)
    reply = claire.send_post(
        "Moi ! Il reste des places ?",
        reply_to=models.AppBskyFeedPost.ReplyRef(root=strong, parent=strong),
    )
    claire.like(uri=parent.uri, cid=parent.cid)

    wanted = {InteractionKind.COMMENT, InteractionKind.LIKE}
    page = eventually(
        lambda: connector.fetch_interactions(cursor=cursor),
        lambda p: wanted <= {i.kind for i in p.items},
    )
    kinds = {i.kind: i for i in page.items}
    assert kinds[InteractionKind.COMMENT].text == "Moi ! Il reste des places ?"
    assert kinds[InteractionKind.COMMENT].root == ours.remote_id
    assert InteractionKind.LIKE in kinds
    assert connector.fetch_interactions(cursor=page.next_cursor).items == ()

    answer = connector.reply(
        to_remote_id=reply.uri, text="Oui, réservez vite !", idempotency_key=f"r-{time.time_ns()}"
    )
    thread = eventually(
        lambda: claire.get_post_thread(ours.remote_id).thread,
        lambda t: bool(t.replies and t.replies[0].replies),
    )
    assert thread.replies[0].replies[0].post.uri == answer.remote_id

    connector.hide(remote_id=reply.uri)
    assert _threadgate(connector, ours.remote_id).hidden_replies == [reply.uri]
    connector.unhide(remote_id=reply.uri)
    assert not _threadgate(connector, ours.remote_id).hidden_replies

    metrics = eventually(
        lambda: connector.post_metrics(remote_ids=[ours.remote_id]),
        lambda m: m.get(ours.remote_id) is not None and m[ours.remote_id].likes == 1,
    )
    # replyCount counts direct replies: our answer is nested under Claire's.
    assert (metrics[ours.remote_id].likes, metrics[ours.remote_id].replies) == (1, 1)
    assert connector.account_metrics().followers == 0

    connector.delete(remote_id=answer.remote_id)
    assert answer.remote_id not in [
        r.uri for r in _posts_on_server(claire, channel.credentials["did"])
    ]


def test_a_thread_with_its_first_comment_on_the_real_network(cast, channel, claire) -> None:
    from palabre.publishing import publisher
    from palabre.publishing.models import PostTarget
    from palabre.publishing.services import post_create

    post = post_create(
        workspace=cast.workspace,
        author=cast.bob,
        idea="1/2 Le fil du levain",
        category="helpful",
        networks=["bluesky"],
    )
    post.variants.get().channels.set([channel])
    post.variants.update(thread=["2/2 La suite du fil"], first_comment="Le premier commentaire")
    [target] = publisher.post_publish_now(post=post)
    publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))
    target.refresh_from_db()
    part = claire.com.atproto.repo.get_record(
        params=dict(
            zip(("repo", "collection", "rkey"), bluesky.split_uri(target.part_ids[0]), strict=True)
        )
    ).value
    comment = claire.com.atproto.repo.get_record(
        params=dict(
            zip(("repo", "collection", "rkey"), bluesky.split_uri(target.comment_id), strict=True)
        )
    ).value
    assert (part.reply.parent.uri, part.reply.root.uri) == (target.remote_id, target.remote_id)
    assert (comment.text, comment.reply.parent.uri) == ("Le premier commentaire", target.remote_id)
