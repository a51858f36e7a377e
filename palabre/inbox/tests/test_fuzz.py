"""Malformed network payloads: the parsers never crash, and nothing usable is lost."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palabre.inbox.models import Interaction
from palabre.networks.base import IncomingInteraction
from palabre.networks.bluesky import parse as bluesky
from palabre.networks.mastodon import parse as mastodon

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
maybe = st.one_of(junk, st.text())
uri = st.text(min_size=1, max_size=600)

bluesky_notification = st.fixed_dictionaries(
    {"uri": uri, "reason": st.sampled_from(list(bluesky.KINDS))},
    optional={
        "author": st.fixed_dictionaries(
            {}, optional={"did": maybe, "handle": maybe, "displayName": maybe}
        )
        | junk,
        "record": st.fixed_dictionaries(
            {},
            optional={
                "text": st.text(max_size=3000) | junk,
                "createdAt": maybe,
                "reply": st.fixed_dictionaries({}, optional={"parent": junk, "root": junk}) | junk,
            },
        )
        | junk,
        "indexedAt": st.sampled_from(["2026-11-21T10:00:00.000Z", "2026-13-45", ""]) | maybe,
        "reasonSubject": maybe,
    },
)

mastodon_notification = st.fixed_dictionaries(
    {"id": st.integers(min_value=1, max_value=10**12) | st.text(min_size=1, max_size=20)},
    optional={
        "type": st.sampled_from(["mention", "favourite", "reblog", "follow", "poll"]) | maybe,
        "account": st.fixed_dictionaries(
            {}, optional={"id": maybe, "acct": maybe, "display_name": maybe}
        )
        | junk,
        "status": st.fixed_dictionaries(
            {},
            optional={
                "id": st.integers(min_value=1) | maybe,
                "content": st.text(max_size=2000) | maybe,
                "visibility": maybe,
                "in_reply_to_id": maybe,
            },
        )
        | junk,
        "created_at": maybe,
    },
)


@given(st.lists(junk, max_size=8))
def test_bluesky_parser_survives_anything(payloads: list[Any]) -> None:
    for payload in payloads:
        result = bluesky.notification(payload)
        assert result is None or isinstance(result, IncomingInteraction)
    bluesky.page({"notifications": payloads, "cursor": payloads[:1]})


@given(bluesky_notification)
def test_a_bluesky_item_with_an_address_and_a_known_kind_is_kept(raw: dict[str, Any]) -> None:
    parsed = bluesky.notification(raw)
    assert parsed is not None
    assert parsed.remote_id == raw["uri"]
    assert parsed.created_at.tzinfo is not None
    assert isinstance(parsed.text, str) and isinstance(parsed.author.handle, str)


@given(st.lists(junk, max_size=8))
def test_mastodon_parser_survives_anything(payloads: list[Any]) -> None:
    for payload in payloads:
        result = mastodon.notification(payload)
        assert result is None or isinstance(result, IncomingInteraction)
        mastodon.sort_key(payload)


@given(mastodon_notification)
def test_a_mastodon_item_is_kept_whenever_it_can_be_addressed(raw: dict[str, Any]) -> None:
    parsed = mastodon.notification(raw)
    kind = raw.get("type")
    status = raw.get("status") if isinstance(raw.get("status"), dict) else {}
    status_id = status.get("id")
    addressable = (
        isinstance(status_id, int | str) and not isinstance(status_id, bool) and status_id != ""
    )
    if kind == "mention":
        assert (parsed is not None) == addressable
    elif isinstance(kind, str) and kind in mastodon.KINDS:
        assert parsed is not None
    else:
        assert parsed is None


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(bluesky_notification, min_size=1, max_size=6))
def test_ingesting_malformed_pages_stores_each_usable_item_once(
    cast, raw: list[dict[str, Any]]
) -> None:
    from palabre.channels.services import channel_create_demo
    from palabre.inbox.ingest import interactions_ingest

    channel = channel_create_demo(workspace=cast.workspace, network="bluesky", name="B")
    items = [i for i in map(bluesky.notification, raw) if i is not None]
    interactions_ingest(channel=channel, items=items, cursor="x" * 900)
    interactions_ingest(channel=channel, items=items, cursor=None)  # the same page again
    stored = Interaction.objects.filter(channel=channel)
    # An id that is nothing once NUL characters are dropped identifies nothing: skipped.
    expected = {i.remote_id.replace("\x00", "") for i in items} - {""}
    assert stored.count() == len(expected)
    channel.delete()
