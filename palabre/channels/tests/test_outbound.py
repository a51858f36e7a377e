"""Issue 14, observation 12: a connection form must not make the server reach loopback or
private addresses, nor tell which ports answer; nor may the worker, later, with the stored
address. Real servers on 127.0.0.1 tell what was reached."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from palabre.channels.models import Channel
from palabre.channels.tests.loopback import closed_port, http_server, silent_port
from palabre.networks.base import ConnectorError, OutgoingPost
from palabre.networks.bluesky import connector as bluesky
from palabre.networks.mastodon import connector as mastodon

BLUESKY = "/w/lumiere/settings/channels/bluesky/"
MASTODON = "/w/lumiere/settings/channels/mastodon/"


@pytest.fixture
def owner(client: Client, cast: Any, monkeypatch: pytest.MonkeyPatch) -> Client:
    monkeypatch.setattr(bluesky, "TIMEOUT", 1)
    monkeypatch.setattr(mastodon, "TIMEOUT", 1)
    client.force_login(cast.alice)
    return client


def _bluesky_error(client: Client, service: str) -> str:
    data = {"service": service, "handle": "lumiere.bsky.social", "app_password": "abcd-efgh"}
    response = client.post(BLUESKY, data)
    assert response.status_code == 200
    assert not Channel.objects.exists()
    errors = " ".join(response.context["form"].non_field_errors())
    return html.unescape(errors).replace(service, "ADDRESS")


def _mastodon_error(client: Client, instance: str) -> str:
    response = client.post(MASTODON, {"instance": instance})
    assert response.status_code == 200
    return html.unescape(" ".join(response.context["form"].errors["instance"])).replace(
        instance, "ADDRESS"
    )


def test_observation_12_bluesky_connect_reaches_no_loopback_and_tells_no_port(
    owner: Client, settings: Any
) -> None:
    """Observation 12: 127.0.0.1 and a name that resolves to it are refused before any
    connection; an open and a closed port get the same message."""
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = []
    with http_server() as server:
        opened = _bluesky_error(owner, f"http://127.0.0.1:{server.port}")
        by_name = _bluesky_error(owner, f"http://localhost:{server.port}")
        assert server.paths == []
    closed = _bluesky_error(owner, f"http://127.0.0.1:{closed_port()}")
    assert opened == closed == by_name
    assert "a refusé" not in opened


def test_observation_12_mastodon_connect_reaches_no_loopback_and_tells_no_port(
    owner: Client, settings: Any
) -> None:
    """Observation 12: the same for a Mastodon instance address."""
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = []
    with http_server() as server:
        opened = _mastodon_error(owner, f"http://127.0.0.1:{server.port}")
        assert server.paths == []
    assert opened == _mastodon_error(owner, f"http://127.0.0.1:{closed_port()}")


def test_observation_12_an_allowed_host_still_tells_nothing_of_what_answered(
    owner: Client, settings: Any
) -> None:
    """Observation 12: even where the address may be reached (tests, a local network), a
    closed port, a port that never answers and a web server that is no API read the same."""
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    with http_server() as web, silent_port() as silent:
        bluesky_messages = {
            _bluesky_error(owner, f"http://localhost:{port}")
            for port in (closed_port(), web.port, silent)
        }
        mastodon_messages = {
            _mastodon_error(owner, f"http://127.0.0.1:{port}")
            for port in (closed_port(), web.port, silent)
        }
    assert len(bluesky_messages) == 1, bluesky_messages
    assert len(mastodon_messages) == 1, mastodon_messages


def test_observation_12_a_redirect_to_a_refused_address_is_not_followed(
    owner: Client, settings: Any
) -> None:
    """Observation 12: an allowed server that redirects to loopback gets Palabre nowhere."""
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["localhost"]
    with http_server() as inside:
        target = f"http://127.0.0.1:{inside.port}"
        with http_server("redirect", location=target) as outside:
            _bluesky_error(owner, f"http://localhost:{outside.port}")
            assert outside.paths  # the allowed server was asked
        assert inside.paths == []


def test_observation_12_the_worker_does_not_reach_a_stored_loopback_address(
    cast: Any, settings: Any
) -> None:
    """Observation 12: a stored address that now points inside (changed, or resolved
    differently) is refused when the worker calls it as well."""
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = []
    with http_server() as server:
        sky = Channel.objects.create(
            workspace=cast.workspace, network="bluesky", connector="bluesky", name="B"
        )
        sky.save_credentials(
            {
                "service": f"http://127.0.0.1:{server.port}",
                "handle": "lumiere.bsky.social",
                "did": "did:plc:lumiere",
                "app_password": "abcd-efgh",
            }
        )
        toot = Channel.objects.create(
            workspace=cast.workspace, network="mastodon", connector="mastodon", name="M"
        )
        toot.save_credentials(
            {"instance": f"http://127.0.0.1:{server.port}", "access_token": "token"}
        )
        post = OutgoingPost(text="Le pain du jour", idempotency_key="k1")
        for channel in (sky, toot):
            with pytest.raises(ConnectorError):
                channel.get_connector().publish(post)
        assert server.paths == []


def test_an_allowed_host_is_reached(owner: Client, settings: Any) -> None:
    """A host listed in PALABRE_OUTBOUND_ALLOWED_HOSTS is reached, and its API's own refusal
    is told as such."""
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["localhost"]
    with http_server("xrpc-refusal") as pds:
        message = _bluesky_error(owner, f"http://localhost:{pds.port}")
        assert pds.paths == ["/xrpc/com.atproto.server.createSession"]
    assert "a refusé cet identifiant" in message


@pytest.mark.parametrize("address", ["http://bsky.example", "HTTP://piaille.example:8080"])
def test_credentials_go_over_https_only(owner: Client, settings: Any, address: str) -> None:
    """An app password or an OAuth exchange over plain http crosses the Internet readable
    (an attacker's review): refused in words, before anything is sent."""
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = []
    said = "n’est pas une adresse https://"
    assert said in _bluesky_error(owner, address)
    assert said in _mastodon_error(owner, address.replace("HTTP", "http"))


def test_a_server_the_operator_listed_may_answer_over_http(owner: Client, settings: Any) -> None:
    """A local instance, or a test's: PALABRE_OUTBOUND_ALLOWED_HOSTS trusts it."""
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    with http_server() as server:
        error = _bluesky_error(owner, f"http://127.0.0.1:{server.port}")
        assert server.paths  # it was asked
    assert "https://" not in error
