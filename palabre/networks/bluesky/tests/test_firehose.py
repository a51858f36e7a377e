"""Reading the repository event stream: what a frame says about the watched accounts."""

from __future__ import annotations

import pytest

from palabre.networks.base import InteractionKind
from palabre.networks.bluesky.firehose import StreamRefused, frame_read
from palabre.networks.bluesky.tests import frames

BRAND = "did:plc:brand"
FAN = "did:plc:fan"
WATCHED = frozenset({BRAND})
OURS = f"at://{BRAND}/app.bsky.feed.post/3kours"
THEIRS = "at://did:plc:other/app.bsky.feed.post/3ktheirs"


def _ref(uri: str) -> dict[str, str]:
    return {"uri": uri, "cid": "bafyreib"}


def _read(record: dict[str, object], *, repo: str = FAN, seq: int = 7):  # type: ignore[no-untyped-def]
    return frame_read(frames.commit(seq, repo, {"app.bsky.feed.post/3kfan": record}), WATCHED)


def test_it_reads_a_reply_to_the_brands_post() -> None:
    event = _read(frames.post("Moi !", reply={"parent": _ref(OURS), "root": _ref(OURS)}))
    assert event.seq == 7
    [match] = event.matches
    item = match.interaction
    assert match.account == BRAND
    assert item.kind is InteractionKind.COMMENT
    assert item.remote_id == f"at://{FAN}/app.bsky.feed.post/3kfan"
    assert (item.in_reply_to, item.root, item.text) == (OURS, OURS, "Moi !")
    assert item.author.remote_id == FAN


def test_it_reads_a_reply_deeper_in_the_brands_thread() -> None:
    reply = frames.post("Et moi", reply={"parent": _ref(THEIRS), "root": _ref(OURS)})
    [match] = _read(reply).matches
    assert match.interaction.kind is InteractionKind.COMMENT
    assert (match.interaction.in_reply_to, match.interaction.root) == (THEIRS, OURS)


def test_a_mention_comes_first_as_the_appview_says() -> None:
    facet = {
        "index": {"byteStart": 0, "byteEnd": 6},
        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": BRAND}],
    }
    record = frames.post(
        "@brand ?", facets=[facet], reply={"parent": _ref(OURS), "root": _ref(OURS)}
    )
    [match] = _read(record).matches
    assert match.interaction.kind is InteractionKind.MENTION
    assert match.interaction.in_reply_to == OURS  # still threaded where it was written


def test_it_reads_quotes_with_and_without_media() -> None:
    plain = {"$type": "app.bsky.embed.record", "record": _ref(OURS)}
    with_media = {
        "$type": "app.bsky.embed.recordWithMedia",
        "record": {"$type": "app.bsky.embed.record", "record": _ref(OURS)},
        "media": {"$type": "app.bsky.embed.images", "images": []},
    }
    for embed in (plain, with_media):
        [match] = _read(frames.post("Regardez", embed=embed)).matches
        assert match.interaction.kind is InteractionKind.QUOTE
        assert (match.interaction.in_reply_to, match.interaction.root) == (OURS, OURS)


def test_it_ignores_others_conversations_and_the_brands_own_posts() -> None:
    elsewhere = frames.post("Rien", reply={"parent": _ref(THEIRS), "root": _ref(THEIRS)})
    assert _read(elsewhere).matches == ()
    own_answer = frames.post("Merci", reply={"parent": _ref(OURS), "root": _ref(OURS)})
    assert _read(own_answer, repo=BRAND).matches == ()
    like = frames.commit(9, FAN, {"app.bsky.feed.like/3k": {"$type": "app.bsky.feed.like"}})
    assert frame_read(like, WATCHED).matches == ()


def test_other_frames_only_move_the_position() -> None:
    assert frame_read(frames.other(11), WATCHED).seq == 11
    assert frame_read(frames.other(12, "#account"), WATCHED).matches == ()


def test_a_refusal_is_raised_by_name() -> None:
    with pytest.raises(StreamRefused) as refused:
        frame_read(frames.error("FutureCursor"), WATCHED)
    assert refused.value.error == "FutureCursor"


def test_a_malformed_commit_is_skipped_not_fatal() -> None:
    import libipld

    body = {
        "seq": 3,
        "repo": FAN,
        "blocks": BRAND.encode() + b"garbage",
        "ops": [{"action": "create", "path": "app.bsky.feed.post/3k", "cid": b"\x01"}],
    }
    data = libipld.encode_dag_cbor({"op": 1, "t": "#commit"}) + libipld.encode_dag_cbor(body)
    assert frame_read(data, WATCHED).seq == 3
