"""The webhook endpoints as Meta (or anyone) reaches them: the handshake, the signature,
bounded bodies, and deliveries Palabre does not know what to do with."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.test import Client

from palabre.channels.models import Channel, ChannelGrant, GrantApp
from palabre.inbox.models import Interaction
from palabre.networks.meta import webhooks

META_SECRET = "meta-app-secret"  # noqa: S105
THREADS_SECRET = "threads-app-secret"  # noqa: S105


@pytest.fixture(autouse=True)
def _apps(settings) -> None:
    settings.PALABRE_META_APP_SECRET = META_SECRET
    settings.PALABRE_THREADS_APP_SECRET = THREADS_SECRET
    settings.PALABRE_META_WEBHOOK_TOKEN = "verify-me"


def signature(body: bytes, secret: str = META_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client: Client, body: bytes, *, path: str = "/hooks/meta/", secret: str = META_SECRET):
    return client.generic(
        "POST",
        path,
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature(body, secret),
    )


# --- The handshake ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/hooks/meta/", "/hooks/threads/"])
def test_the_subscription_handshake_echoes_the_challenge(client: Client, path: str) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": "verify-me",
        "hub.challenge": "1158201444",
    }
    response = client.get(path, query)
    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "verify-me", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me"},
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "x" * 500},
        {},
    ],
)
def test_a_handshake_that_is_not_ours_is_forbidden(client: Client, query) -> None:
    response = client.get("/hooks/meta/", query)
    assert response.status_code == 403
    assert b"verify-me" not in response.content


def test_no_handshake_succeeds_while_no_verify_token_is_set(client: Client, settings) -> None:
    settings.PALABRE_META_WEBHOOK_TOKEN = ""
    response = client.get(
        "/hooks/meta/", {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    )
    assert response.status_code == 403


# --- Signatures and bodies ----------------------------------------------------------------


def test_an_unsigned_delivery_is_refused(client: Client) -> None:
    response = client.post("/hooks/meta/", b'{"object": "page", "entry": []}', "application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "sha256=" + "0" * 64,
        "sha1=" + hmac.new(META_SECRET.encode(), b"{}", hashlib.sha1).hexdigest(),
        "sha256=",
        "garbage",
        signature(b'{"object": "page", "entry": []}', "another secret"),
    ],
)
def test_a_forged_signature_is_refused(client: Client, header: str) -> None:
    body = b'{"object": "page", "entry": []}'
    response = client.generic(
        "POST",
        "/hooks/meta/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=header,
    )
    assert response.status_code == 403


def test_a_threads_delivery_is_checked_with_the_threads_secret(client: Client, db) -> None:
    body = json.dumps({"values": {"field": "replies", "value": {}}, "target_id": "1"}).encode()
    assert post(client, body, path="/hooks/threads/", secret=META_SECRET).status_code == 403
    assert post(client, body, path="/hooks/threads/", secret=THREADS_SECRET).status_code == 200
    assert post(client, body, path="/hooks/meta/", secret=THREADS_SECRET).status_code == 403


def test_no_delivery_is_believed_while_no_app_secret_is_set(client: Client, settings) -> None:
    settings.PALABRE_META_APP_SECRET = ""
    body = b'{"object": "page", "entry": []}'
    assert post(client, body, secret="").status_code == 403


def test_an_oversized_delivery_is_refused_before_it_is_read(client: Client) -> None:
    body = b'{"object": "page", "entry": [' + b'{"id": "1"},' * 200_000 + b'{"id": "1"}]}'
    assert len(body) > webhooks.MAX_BODY
    assert post(client, body).status_code == 413


@pytest.mark.parametrize("body", [b"[" * 10_000 + b"]" * 10_000, b"{not json", b"\xff\xfe"])
def test_a_signed_body_that_is_not_json_is_a_bad_request(client: Client, body: bytes) -> None:
    assert post(client, body).status_code == 400


@pytest.mark.parametrize(
    "payload",
    [
        {"object": "user", "entry": [{"id": "1", "changes": []}]},
        {"object": "whatsapp_business_account", "entry": [{"id": "1"}]},
        {"object": "page", "entry": "not a list"},
        {"object": "page", "entry": [None, 3, "x", [], {"id": None}, {"id": {"x": 1}}]},
        {"object": ["page"], "entry": []},
        {"object": "threads", "entry": [{"id": "1"}]},  # Threads only on its own endpoint
        [1, 2, 3],
        "page",
        None,
        {},
    ],
)
def test_deliveries_it_does_not_know_are_accepted_and_ignored(
    client: Client, cast, payload
) -> None:
    Channel.objects.create(
        workspace=cast.workspace, network="facebook", connector="facebook", name="P", account_id="1"
    )
    response = post(client, json.dumps(payload).encode())
    assert response.status_code == 200
    assert not Interaction.objects.exists()


def test_other_methods_are_not_allowed(client: Client) -> None:
    assert client.put("/hooks/meta/", b"{}").status_code == 405
    assert client.delete("/hooks/threads/").status_code == 405


# --- What a delivery is read into ---------------------------------------------------------


def test_a_delivery_names_the_accounts_it_concerns_even_without_news() -> None:
    payload = {"object": "instagram", "entry": [{"id": "1784", "time": 1, "changes": []}]}
    delivery = webhooks.delivery_read(payload, app="meta")
    assert delivery.accounts == frozenset({("instagram", "1784")})
    assert delivery.items == ()


def test_a_threads_notification_is_read_as_one_entry() -> None:
    payload: dict[str, object] = {"app_id": "1", "topic": "moderate", "target_id": "7890"}
    assert webhooks.delivery_read(payload, app="threads").accounts == frozenset()
    payload["values"] = {"field": "replies", "value": {}}
    assert webhooks.delivery_read(payload, app="threads").accounts == {("threads", "7890")}
    assert webhooks.delivery_read(payload, app="meta").accounts == frozenset()


def test_a_delivery_records_when_webhooks_last_arrived(client: Client, cast) -> None:
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="instagram",
        connector="instagram",
        name="I",
        account_id="1784",
    )
    grant = ChannelGrant.objects.create(channel=channel, app=GrantApp.META, granted_by="99")
    payload = {"object": "instagram", "entry": [{"id": "1784", "time": 1, "changes": []}]}
    assert post(client, json.dumps(payload).encode()).status_code == 200
    grant.refresh_from_db()
    assert grant.webhook_received_at is not None


# --- Signed, and still hostile (a network that misbehaves, or its app secret leaked) -------


def _threads_reply(timestamp: str, owner: str = "7890") -> bytes:
    reply = {
        "id": f"reply-{len(timestamp)}",
        "username": "fan",
        "text": "Vous ouvrez dimanche ?",
        "timestamp": timestamp,
        "replied_to": {"id": "555"},
        "root_post": {"id": "555", "owner_id": owner, "username": "lumiere"},
    }
    notification = {"app_id": "1", "topic": "moderate", "target_id": owner, "time": 1}
    return json.dumps({**notification, "values": {"field": "replies", "value": reply}}).encode()


@pytest.mark.parametrize(
    ("timestamp", "instant"),
    [
        # An offset PostgreSQL refuses (it takes ±15:59 at most): the same instant in UTC.
        ("2026-03-01T10:00:00+2000", "2026-02-28T14:00:00+00:00"),
        ("2026-03-01T10:00:00-2359", "2026-03-02T09:59:00+00:00"),
        # An instant no date holds once in UTC: read as unknown (the time it arrived).
        ("9999-12-31T23:59:59-2359", None),
        ("0001-01-01T00:00:00+2359", None),
    ],
)
def test_a_time_with_any_offset_is_stored_in_utc(
    client: Client, cast, timestamp: str, instant: str | None
) -> None:
    from datetime import datetime

    from django.utils import timezone

    Channel.objects.create(
        workspace=cast.workspace,
        network="threads",
        connector="threads",
        name="T",
        account_id="7890",
    )
    before = timezone.now()
    body = _threads_reply(timestamp)
    response = post(client, body, path="/hooks/threads/", secret=THREADS_SECRET)
    assert response.status_code == 200
    stored = Interaction.objects.get().created_at
    if instant is None:
        assert before <= stored <= timezone.now()
    else:
        assert stored == datetime.fromisoformat(instant)


@pytest.mark.parametrize("account", ["78\x0090", "7890\x00", "../7890", "7890/x"])
def test_an_account_id_that_is_no_id_is_ignored(client: Client, cast, account: str) -> None:
    """A NUL character in an entry's id reached a database query (PostgreSQL refuses it in
    text: a 500, and Meta delivering the same again for hours)."""
    Channel.objects.create(
        workspace=cast.workspace,
        network="threads",
        connector="threads",
        name="T",
        account_id="7890",
    )
    page = {"object": "page", "entry": [{"id": account, "time": 1, "changes": []}]}
    assert post(client, json.dumps(page).encode()).status_code == 200
    body = _threads_reply("2026-03-01T10:00:00+0000", owner=account)
    assert post(client, body, path="/hooks/threads/", secret=THREADS_SECRET).status_code == 200
    assert not Interaction.objects.exists()
