"""The Mastodon connector against exchanges written from the official API documentation
(tests/cassettes), replayed by vcrpy: a request the cassette does not hold fails the test."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import vcr

from palabre.channels.models import Channel
from palabre.networks.base import (
    AuthExpired,
    InteractionKind,
    MediaUpload,
    OutgoingPost,
    RateLimited,
    Rejected,
    Unavailable,
)
from palabre.networks.mastodon import oauth
from palabre.networks.mastodon.connector import MastodonConnector

CASSETTES = Path(__file__).with_name("cassettes")


def _same_idempotency_key(live, stored) -> None:  # noqa: ANN001 (vcrpy's matcher signature)
    expected = stored.headers.get("Idempotency-Key")
    assert expected is None or live.headers.get("Idempotency-Key") == expected


replay = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="none",
    match_on=["method", "scheme", "host", "port", "path", "idempotency"],
)
replay.register_matcher("idempotency", _same_idempotency_key)


@pytest.fixture(autouse=True)
def _piaille_is_listed(settings) -> None:
    # The cassettes stand for piaille.fr: listed, its connections use urllib3's own classes,
    # which vcrpy replaces. The guard is tested against real servers (channels/tests).
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["piaille.fr"]


@pytest.fixture
def connector(cast) -> MastodonConnector:
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="mastodon",
        connector="mastodon",
        name="Piaille",
        handle="@lumiere@piaille.fr",
    )
    channel.save_credentials({"instance": "https://piaille.fr", "access_token": "ZA-Yj3aBD8U8Cm7l"})
    return channel.get_connector()  # type: ignore[return-value]


def test_oauth_registers_exchanges_and_reads_the_instance_limit(db) -> None:
    redirect = "http://127.0.0.1:8000/channels/mastodon/callback/"
    with replay.use_cassette("connect.yaml") as cassette:
        app = oauth.app_for("https://piaille.fr", redirect)
        url = oauth.authorize_url(app, state="s7")
        account = oauth.exchange(app, code="qDFUEaYrRK5c")
        assert cassette.all_played
    assert url.startswith("https://piaille.fr/oauth/authorize?") and "state=s7" in url
    assert account == {
        "instance": "https://piaille.fr",
        "access_token": "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0",
        "acct": "@lumiere@piaille.fr",
        "display_name": "Boulangerie Lumière",
        "max_chars": 1000,
    }
    assert "ZEaFUFmF" not in app.client_secret_encrypted  # the app's secret is stored encrypted
    assert oauth.app_for("https://piaille.fr", redirect) == app  # registered once per instance


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("piaille.fr", "https://piaille.fr"),
        ("https://Piaille.fr/@lumiere", "https://piaille.fr"),
        ("mastodon.social/", "https://mastodon.social"),
    ],
)
def test_instance_addresses_are_normalized(typed: str, address: str) -> None:
    assert oauth.normalize_instance(typed) == address


@pytest.mark.parametrize("typed", ["", "localhost", "ftp://piaille.fr", "not an address"])
def test_bad_instance_addresses_are_refused(typed: str) -> None:
    with pytest.raises(Rejected):
        oauth.normalize_instance(typed)


def test_publish_with_media_alt_text_and_an_idempotency_key(connector) -> None:
    with replay.use_cassette("publish.yaml") as cassette:
        media = connector.upload_media(
            MediaUpload("pain.jpg", "image/jpeg", b"\xff\xd8\xff", "Une miche de pain")
        )
        post = OutgoingPost(
            text="Le levain du jour #pain",
            idempotency_key="target-7f3a",
            media=(media,),
            content_warning="nourriture",
        )
        first = connector.publish(post)
        again = connector.publish(post)  # a retry: the same key, the same status
        assert cassette.all_played
        sent = cassette.requests  # what the cassette matched against
    assert media.remote_id == "22348641"
    assert first == again
    assert (first.remote_id, first.url) == ("113512", "https://piaille.fr/@lumiere/113512")
    assert sent[1].headers["Idempotency-Key"] == "target-7f3a"


def test_notifications_become_interactions_with_a_cursor(connector) -> None:
    with replay.use_cassette("notifications.yaml"):
        page = connector.fetch_interactions(cursor=None)
        assert connector.fetch_interactions(cursor=page.next_cursor).items == ()
    kinds = [i.kind for i in page.items]
    assert kinds == [
        InteractionKind.COMMENT,
        InteractionKind.MESSAGE,
        InteractionKind.LIKE,
        InteractionKind.FOLLOW,
    ]
    comment, message = page.items[0], page.items[1]
    assert comment.text == "Il est à quelle heure, le dernier\xa0?\nMerci !"
    assert (comment.in_reply_to, comment.author.handle) == ("113512", "@claire@framapiaf.org")
    assert message.text == "@lumiere Vous livrez à domicile\xa0?"
    assert page.next_cursor == "3004"


def test_metrics_and_delete(connector) -> None:
    with replay.use_cassette("metrics.yaml") as cassette:
        metrics = connector.post_metrics(remote_ids=["113512"])["113512"]
        followers = connector.account_metrics().followers
        connector.delete(remote_id="113512")
        assert cassette.all_played
    assert (metrics.likes, metrics.reposts, metrics.replies, followers) == (12, 3, 4, 138)


@pytest.mark.parametrize(
    ("cassette", "error"),
    [
        ("error_401.yaml", AuthExpired),
        ("error_422.yaml", Rejected),
        ("error_503.yaml", Unavailable),
    ],
)
def test_failures_map_to_the_four_errors(connector, cassette: str, error: type) -> None:
    with replay.use_cassette(cassette), pytest.raises(error) as raised:
        connector.publish(OutgoingPost(text="Le levain", idempotency_key="k1"))
    if error is Rejected:
        assert raised.value.reason == "Validation failed: Text character limit of 500 exceeded"


def test_429_becomes_rate_limited_with_retry_after(connector) -> None:
    with replay.use_cassette("error_429.yaml"), pytest.raises(RateLimited) as raised:
        connector.publish(OutgoingPost(text="Le levain", idempotency_key="k1"))
    assert raised.value.retry_after == 120


def test_timeouts_are_unavailable(connector, monkeypatch) -> None:
    def timeout(*args, **kwargs):  # noqa: ANN002,ANN003
        raise requests.exceptions.ReadTimeout("read timed out")

    monkeypatch.setattr(requests.Session, "send", timeout)
    with pytest.raises(Unavailable):
        connector.publish(OutgoingPost(text="Le levain", idempotency_key="k1"))


def test_mastodon_declares_no_hide() -> None:
    from palabre.networks.base import Capability

    assert not MastodonConnector.capabilities & Capability.HIDE
