"""Reading what a server says of itself (server.py), from documents servers publish; the
real Takahē and mastodon-mock are read in tests/networks/mastodon/test_server.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from palabre.networks.mastodon import server


@pytest.mark.parametrize(
    ("version", "named"),
    [
        ("takahe/0.11.0", ("takahe", "0.11.0")),
        ("2.7.2 (compatible; Pleroma 2.6.0)", ("pleroma", "2.6.0")),
        ("2.7.2 (compatible; Akkoma 3.13.2)", ("akkoma", "3.13.2")),
        ("4.3.0", ("", "")),  # Mastodon's own says no name: nodeinfo does
        ("", ("", "")),
    ],
)
def test_a_name_in_the_version_string(version: str, named: tuple[str, str]) -> None:
    assert server._named(version) == named


def test_limits_from_v2_and_from_an_older_v1() -> None:
    v2 = {
        "configuration": {
            "statuses": {
                "max_characters": 1000,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            },
            "polls": {"max_options": 5},
        }
    }
    assert server._limits(v2) == {
        "characters": 1000,
        "characters_reserved_per_url": 23,
        "media_attachments": 4,
        "poll_options": 5,
    }
    assert server._limits({"max_toot_chars": 5000}) == {"characters": 5000}  # Pleroma's v1
    assert server._limits({"configuration": {"statuses": {"max_characters": "many"}}}) == {}


def test_only_mastodon_is_trusted_with_idempotency_keys() -> None:
    assert server.honours_idempotency({"software": "mastodon"})
    for other in ("takahe", "pleroma", "gotosocial", ""):
        assert not server.honours_idempotency({"software": other})
    assert not server.honours_idempotency({})


def test_a_description_is_read_again_after_a_day() -> None:
    now = datetime.now(UTC)
    assert server.due({})
    assert not server.due({"checked_at": (now - timedelta(hours=23)).isoformat()}, now=now)
    assert server.due({"checked_at": (now - timedelta(hours=25)).isoformat()}, now=now)
    assert server.due({"checked_at": "yesterday"}, now=now)
    assert server.max_chars(server.unknown()) == server.DEFAULT_MAX_CHARS


def test_only_connected_mastodon_channels_are_read_again(cast) -> None:
    from palabre.channels.models import Channel
    from palabre.channels.services import channel_create_demo, channel_server_refresh

    demo = channel_create_demo(workspace=cast.workspace, network="mastodon", name="Démo")
    never = Channel.objects.create(
        workspace=cast.workspace, network="mastodon", connector="mastodon", name="Jamais"
    )
    assert channel_server_refresh(channel=demo) is False
    assert channel_server_refresh(channel=never) is False
    assert never.server == {} and demo.server == {}
