"""The Mastodon connector where no real server can take part.

Everything a server can show runs against two real ones on loopback, Takahē and
mastodon-mock, in the connector contract suite (tests/networks/test_contract.py: OAuth,
publishing, threads, replies, the inbox, private messages, recent posts, metrics, delete,
mute/block/report, revoked tokens, rate limits, 5xx, unreadable answers, timeouts). What
stays here: address normalization, and the one exchange neither server produces (a video
still being processed: 202, then 206), written from the API documentation and replayed by
vcrpy (a request the cassette does not hold fails the test).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import vcr

from palabre.channels.models import Channel
from palabre.networks.base import (
    AuthExpired,
    Capability,
    MediaUpload,
    Rejected,
    Unavailable,
    Visibility,
)
from palabre.networks.mastodon import connector as mastodon
from palabre.networks.mastodon import oauth
from palabre.networks.mastodon.connector import MastodonConnector

CASSETTES = Path(__file__).with_name("cassettes")

replay = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="none",
    match_on=["method", "scheme", "host", "port", "path"],
)


@pytest.fixture(autouse=True)
def _piaille_is_listed(settings) -> None:
    # The cassettes stand for piaille.fr: listed, its connections use urllib3's own classes,
    # which vcrpy replaces. The guard is tested against real servers (channels/tests).
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["piaille.fr"]


@pytest.fixture
def connector(cast, monkeypatch) -> MastodonConnector:
    monkeypatch.setattr(mastodon, "MEDIA_POLL_SECONDS", 0)
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="mastodon",
        connector="mastodon",
        name="Piaille",
        handle="@lumiere@piaille.fr",
    )
    channel.save_credentials({"instance": "https://piaille.fr", "access_token": "ZA-Yj3aBD8U8Cm7l"})
    return channel.get_connector()  # type: ignore[return-value]


VIDEO = MediaUpload("four.mp4", "video/mp4", b"\x00\x00\x00\x18ftypmp42", "Le four à bois")


def test_a_video_is_attached_once_the_instance_has_processed_it(connector) -> None:
    with replay.use_cassette("media_processing.yaml") as cassette:
        media = connector.upload_media(VIDEO)
        assert cassette.all_played
    assert (media.remote_id, media.alt_text) == ("22348700", "Le four à bois")


def test_a_video_still_processing_after_every_poll_is_a_passing_failure(
    connector, monkeypatch
) -> None:
    monkeypatch.setattr(mastodon, "MEDIA_POLLS", 1)
    with replay.use_cassette("media_processing.yaml"), pytest.raises(Unavailable) as waited:
        connector.upload_media(VIDEO)
    assert waited.value.reason == "the instance is still processing the media"


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("piaille.fr", "https://piaille.fr"),
        ("https://Piaille.fr/@lumiere", "https://piaille.fr"),
        ("mastodon.social/", "https://mastodon.social"),
        ("https://127.0.0.1:3444/", "https://127.0.0.1:3444"),
    ],
)
def test_instance_addresses_are_normalized(typed: str, address: str) -> None:
    assert oauth.normalize_instance(typed) == address


@pytest.mark.parametrize("typed", ["", "localhost", "ftp://piaille.fr", "not an address"])
def test_bad_instance_addresses_are_refused(typed: str) -> None:
    with pytest.raises(Rejected):
        oauth.normalize_instance(typed)


def test_mastodon_declares_no_hide_but_what_a_brand_can_do_instead() -> None:
    capabilities = MastodonConnector.capabilities
    assert not capabilities & Capability.HIDE
    assert Capability.MUTE_AUTHOR | Capability.BLOCK_AUTHOR | Capability.REPORT in capabilities


def test_reading_back_that_cannot_reach_the_moment_is_refused_not_taken_as_complete() -> None:
    """A home timeline busier than the pages read: a post missing from what was read may
    exist, so reconciliation must not take it as never sent (it would post it twice)."""
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    pages: list[int] = []

    def busy(*, max_id: str | None, limit: int) -> list[dict[str, object]]:
        pages.append(1)
        return [{"id": str(len(pages) * 100 + n), "created_at": now} for n in range(limit)]

    with pytest.raises(Rejected, match="cannot read back"):
        MastodonConnector._back_to(busy, now - timedelta(hours=1))

    def quiet(*, max_id: str | None, limit: int) -> list[dict[str, object]]:
        return [{"id": "1", "created_at": now - timedelta(hours=2)}]

    assert len(MastodonConnector._back_to(quiet, now - timedelta(hours=1))) == 1


class _AnsweredBy:
    """A server whose status view shows `author` as the author of status 7."""

    def __init__(self, author: dict, visibility: str | None) -> None:
        self.answered = {"id": "7", "account": author, "mentions": []}
        if visibility is not None:
            self.answered["visibility"] = visibility
        self.posted: list[dict] = []

    def status(self, status_id: str) -> dict:
        return self.answered

    def account_verify_credentials(self) -> dict:
        return {"id": "1"}

    def status_post(self, text: str, **options) -> dict:
        self.posted.append({"text": text, **options})
        return {"id": "99", "url": "https://piaille.fr/@lumiere/99"}


EVE = {"id": "8", "username": "eve @victim@other.example", "acct": "eve@evil.example"}


@pytest.mark.parametrize(
    ("visibility", "chosen"),
    [("direct", None), (None, None), ("public", Visibility.DIRECT)],
    ids=["private-message", "visibility-left-out", "narrowed-to-private"],
)
def test_a_private_answer_to_an_author_it_cannot_mention_is_refused_not_sent(
    connector, monkeypatch, visibility: str | None, chosen: Visibility | None
) -> None:
    """A direct answer reaches only whom it mentions: without its author, nobody (or
    only whom the name smuggled in). A person answers on the network instead."""
    fake = _AnsweredBy(EVE, visibility)
    monkeypatch.setattr(MastodonConnector, "api", lambda self: fake)
    with pytest.raises(Rejected):
        connector.reply(to_remote_id="7", text="Remboursé.", idempotency_key="k", visibility=chosen)
    assert fake.posted == []


def test_a_public_answer_to_an_author_it_cannot_mention_goes_out_without_the_mention(
    connector, monkeypatch
) -> None:
    fake = _AnsweredBy(EVE, "public")
    monkeypatch.setattr(MastodonConnector, "api", lambda self: fake)
    connector.reply(to_remote_id="7", text="Merci !", idempotency_key="k")
    assert [(p["text"], p["visibility"]) for p in fake.posted] == [("Merci !", "public")]


def test_a_disconnected_channel_asks_for_a_reconnection_not_a_key_error(connector) -> None:
    connector.channel.save_credentials({})
    with pytest.raises(AuthExpired):
        connector.api()
