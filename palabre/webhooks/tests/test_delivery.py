"""The worker sends each event to a real receiver on loopback, signed, in order, until it
arrives; a receiver that fails for 24 hours gets its webhook disabled and its people told."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from standardwebhooks import Webhook, WebhookVerificationError

from palabre.accounts.models import User
from palabre.publishing.models import Notice
from palabre.webhooks import delivery as sending
from palabre.webhooks.jobs import JOBS
from palabre.webhooks.models import Delivery, DeliveryStatus, Subscription
from palabre.webhooks.services import (
    DISABLED_FAILING,
    delivery_send_again,
    subscription_enable,
    subscription_secret_replace,
    subscription_test_send,
    webhook_event_emit,
)
from palabre.webhooks.tests.helpers import (
    Clock,
    Receiver,
    run_worker_round,
    subscribe,
)
from palabre.worker.jobs import claim
from tests.ports import free_port


def _emit(workspace: Any, key: str, seq: int, event: str = "post.published") -> None:
    webhook_event_emit(workspace=workspace, event=event, key=key, data={"seq": seq})


def _verified(receiver: Receiver, secret: str) -> list[dict[str, Any]]:
    """Every request as the receiver reads it, each signature checked by the reference
    library (which also refuses a timestamp more than five minutes off)."""
    return [Webhook(secret).verify(r.body, r.headers) for r in receiver.received]


def test_a_receiver_on_loopback_verifies_every_signature(cast, receiver: Receiver) -> None:
    subscription, secret = subscribe(cast.workspace, cast.bob, receiver.url)
    for seq in range(3):
        _emit(cast.workspace, f"post:{seq}", seq)
    assert run_worker_round() == 3
    payloads = _verified(receiver, secret)
    assert sorted(p["data"]["seq"] for p in payloads) == [0, 1, 2]
    assert {p["type"] for p in payloads} == {"post.published"}
    sent = {r.headers["webhook-id"] for r in receiver.received}
    assert sent == set(subscription.deliveries.values_list("message_id", flat=True))
    for row in subscription.deliveries.all():
        assert (row.status, row.response_status, row.attempts) == ("delivered", 200, 1)
        assert row.response_excerpt == '{"ok":true}' and row.delivered_at is not None
    assert receiver.received[0].headers["content-type"] == "application/json"


def test_a_receiver_down_for_ten_minutes_gets_every_event_once_in_order(
    cast, settings, clock: Clock
) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    receiver = Receiver(port=free_port())  # not started: nothing listens there
    subscription, secret = subscribe(cast.workspace, cast.bob, receiver.url)
    keys = ["post:1", "post:2", "conversation:7:ab"]
    emitted: dict[str, list[int]] = defaultdict(list)
    seq = 0
    for minute in range(10):  # events keep happening while it is down
        for key in keys[minute % 3 :] + keys[: minute % 3]:
            _emit(cast.workspace, key, seq)
            emitted[key].append(seq)
            seq += 1
        for _step in range(4):
            clock.advance(seconds=15)
            run_worker_round()
    assert receiver.received == []
    assert not subscription.deliveries.filter(status=DeliveryStatus.DELIVERED).exists()
    receiver.start()
    try:
        for _step in range(400):  # up to 100 minutes of the worker's rounds
            clock.advance(seconds=15)
            run_worker_round()
            if not subscription.deliveries.exclude(status=DeliveryStatus.DELIVERED).exists():
                break
    finally:
        receiver.stop()
    payloads = _verified(receiver, secret)
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == seq  # none lost, none twice
    arrived: dict[str, list[int]] = defaultdict(list)
    for payload, request in zip(payloads, receiver.received, strict=True):
        key = Delivery.objects.get(message_id=request.headers["webhook-id"]).key
        arrived[key].append(payload["data"]["seq"])
    assert arrived == emitted  # in order per key
    subscription.refresh_from_db()
    assert subscription.active and subscription.failing_since is None


def test_an_event_waits_behind_an_older_one_of_its_key_only(cast, receiver: Receiver) -> None:
    subscription, _secret = subscribe(cast.workspace, cast.bob, receiver.url)
    for seq, key in enumerate(["post:1", "post:1", "post:2", "post:1"]):
        _emit(cast.workspace, key, seq)
    claimed = claim(JOBS[0], worker_id="w1", limit=20)
    assert [(row.key, row.payload["data"]["seq"]) for row in claimed] == [
        ("post:1", 0),
        ("post:2", 2),
    ]
    assert claim(JOBS[0], worker_id="w2", limit=20) == []  # the next ones wait for these


def test_a_failure_is_retried_with_backoff_and_the_answer_logged(
    cast, receiver: Receiver, clock: Clock
) -> None:
    subscribe(cast.workspace, cast.bob, receiver.url)
    receiver.status, receiver.answer = 503, b"<h1>Maintenance</h1>" + b"x" * 5000
    _emit(cast.workspace, "post:1", 0)
    run_worker_round()
    row = Delivery.objects.get()
    assert (row.status, row.response_status, row.attempts) == ("failed", 503, 1)
    assert row.last_error == sending.NOT_2XX
    assert row.response_excerpt.startswith("<h1>Maintenance</h1>")
    assert len(row.response_excerpt) <= 1000
    assert 24 <= (row.next_attempt_at - clock.now).total_seconds() <= 36  # 30 s ± 20%
    assert run_worker_round() == 0  # not due yet
    receiver.status = 204
    clock.advance(seconds=40)
    assert run_worker_round() == 1
    row.refresh_from_db()
    assert (row.status, row.response_status, row.attempts, row.last_error) == (
        "delivered",
        204,
        2,
        "",
    )


def test_after_24_hours_of_failures_it_is_disabled_and_the_owner_told(
    cast, receiver: Receiver, clock: Clock
) -> None:
    subscription, secret = subscribe(cast.workspace, cast.bob, receiver.url)  # bob: manager
    receiver.status = 500
    for seq in range(3):
        _emit(cast.workspace, "post:1", seq)
    hours = 0.0
    while Subscription.objects.get(pk=subscription.pk).active and hours < 30:
        clock.advance(minutes=10)
        hours += 1 / 6
        run_worker_round()
    subscription.refresh_from_db()
    assert not subscription.active and 24 <= hours <= 25.5
    assert subscription.disabled_reason == DISABLED_FAILING
    told = Notice.objects.filter(workspace=cast.workspace)
    assert sorted(n.user.email for n in told) == ["alice@example.com", "bob@example.com"]
    assert "échoué pendant 24\u00a0heures" in told.first().text  # in their language (French)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    # Kept while disabled: nothing is sent, nothing is dropped.
    attempts = len(receiver.received)
    clock.advance(hours=2)
    assert run_worker_round() == 0 and len(receiver.received) == attempts
    assert subscription.deliveries.filter(status=DeliveryStatus.DELIVERED).count() == 0
    # Enabled again once the receiver is fixed: everything waiting arrives, in order.
    receiver.status, receiver.received = 200, []
    assert subscription_enable(subscription=subscription) == 3
    for _round in range(3):
        run_worker_round()
    assert [p["data"]["seq"] for p in _verified(receiver, secret)] == [0, 1, 2]
    assert Notice.objects.filter(workspace=cast.workspace).count() == 2  # told once


def test_the_guard_refuses_a_loopback_address_at_delivery(
    cast, receiver: Receiver, settings
) -> None:
    """Allowed when it was created, no longer when it is sent (the address, or the list of
    allowed hosts, changed): the guard checks each connection."""
    subscribe(cast.workspace, cast.bob, receiver.url)
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = []
    _emit(cast.workspace, "post:1", 0)
    run_worker_round()
    row = Delivery.objects.get()
    assert receiver.received == []
    assert (row.status, row.response_status, row.last_error) == (
        "failed",
        None,
        sending.GUARDED,  # said as such: the fix is the operator's list
    )


def test_a_name_that_does_not_resolve_is_not_called_a_private_network(
    cast, receiver: Receiver, settings
) -> None:
    """A new user's walk: a receiver whose name did not resolve was logged as "leads to a
    local or private network". The guard tells the two apart to nobody; the words now
    say either."""
    hook = subscribe(cast.workspace, cast.bob, receiver.url)[0]
    Subscription.objects.filter(pk=hook.pk).update(url="https://nowhere.invalid/hook")
    _emit(cast.workspace, "post:1", 0)
    run_worker_round()
    row = Delivery.objects.get()
    assert row.last_error == sending.GUARDED and "name is unknown" in row.last_error


def test_a_redirect_is_not_followed(cast, receiver: Receiver) -> None:
    subscribe(cast.workspace, cast.bob, receiver.url)
    receiver.status = 307
    _emit(cast.workspace, "post:1", 0)
    run_worker_round()
    assert len(receiver.received) == 1
    assert Delivery.objects.get().status == "failed"


def test_send_again_sends_a_delivered_event_once_more_with_its_id(cast, receiver: Receiver) -> None:
    subscription, secret = subscribe(cast.workspace, cast.bob, receiver.url)
    _emit(cast.workspace, "post:1", 0)
    run_worker_round()
    row = Delivery.objects.get()
    delivery_send_again(delivery=row)
    row.refresh_from_db()
    assert (row.status, row.response_status, row.delivered_at) == ("pending", None, None)
    run_worker_round()
    assert [r.headers["webhook-id"] for r in receiver.received] == [row.message_id] * 2
    assert len(_verified(receiver, secret)) == 2
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 2)


def test_a_subscription_disabled_by_a_person_keeps_what_waits(cast, receiver: Receiver) -> None:
    from palabre.webhooks.services import subscription_disable

    subscription, _secret = subscribe(cast.workspace, cast.bob, receiver.url)
    subscription_disable(subscription=subscription)
    _emit(cast.workspace, "post:1", 0)  # not recorded: it is off
    Delivery.objects.create(
        subscription=subscription,
        message_id="msg_waiting",
        event="post.published",
        key="post:1",
        payload={"type": "post.published", "timestamp": "2026-12-04T09:00:00Z", "data": {}},
        next_attempt_at=subscription.disabled_at,
    )
    assert run_worker_round() == 0 and receiver.received == []
    subscription_enable(subscription=subscription)
    assert run_worker_round() == 1
    assert [r.headers["webhook-id"] for r in receiver.received] == ["msg_waiting"]


@pytest.mark.parametrize("answer", [b"", b"\x00\xff not utf-8 \x00"])
def test_an_odd_answer_body_is_logged_safely(cast, receiver: Receiver, answer: bytes) -> None:
    subscribe(cast.workspace, cast.bob, receiver.url)
    receiver.answer = answer
    _emit(cast.workspace, "post:1", 0)
    run_worker_round()
    row = Delivery.objects.get()
    assert row.status == "delivered" and "\x00" not in row.response_excerpt


def test_the_log_forgets_what_was_delivered_30_days_ago_never_what_waits(
    cast, receiver: Receiver, clock: Clock
) -> None:
    subscription, _secret = subscribe(cast.workspace, cast.bob, receiver.url)
    _emit(cast.workspace, "post:1", 0)
    run_worker_round()
    receiver.status = 500
    _emit(cast.workspace, "post:2", 1)
    run_worker_round()
    clock.advance(days=31)
    receiver.status = 200
    _emit(cast.workspace, "post:3", 2)
    run_worker_round()  # the failed one is retried and delivered, and post:3 too
    kept = sorted(subscription.deliveries.values_list("key", flat=True))
    assert kept == ["post:2", "post:3"]


@pytest.mark.parametrize(
    ("attempts", "low", "high"), [(1, 24, 36), (3, 96, 144), (500, 2880, 4320)]
)
def test_retries_double_up_to_an_hour(attempts: int, low: int, high: int) -> None:
    assert low <= sending.retry_delay(attempts).total_seconds() <= high


def test_a_test_event_asked_on_the_log_page_reaches_the_receiver_signed(
    client, cast, receiver: Receiver
) -> None:
    """n8n or Zapier builds its flow on an event it received: "Send a test event" sends one
    to this webhook alone, even one that wants no event yet, and logs what came back."""
    subscription, secret = subscribe(cast.workspace, cast.bob, receiver.url, ["post.failed"])
    other, _other_secret = subscribe(cast.workspace, cast.bob, receiver.url)
    User.objects.filter(pk=cast.bob.pk).update(language="en")
    client.login(email="bob@example.com", password="correct horse battery")
    log = reverse("workspace_settings_webhook", args=["lumiere", subscription.pk])
    assert "Send a test event" in client.get(log).content.decode()
    answer = client.post(
        reverse("workspace_settings_webhook_test", args=["lumiere", subscription.pk]), follow=True
    )
    assert answer.status_code == 200 and answer.redirect_chain[-1][0] == log
    assert run_worker_round() == 1
    [payload] = _verified(receiver, secret)
    assert payload["type"] == "webhook.test"
    assert payload["data"] == {"workspace": "lumiere", "events": ["post.failed"]}
    [row] = subscription.deliveries.all()
    assert (row.event, row.status, row.response_status) == ("webhook.test", "delivered", 200)
    assert not other.deliveries.exists()
    page = client.get(log).content.decode()
    assert row.message_id in page and "webhook.test" in page


def test_test_events_wait_one_at_a_time(cast, receiver: Receiver) -> None:
    """A click held down (or a thousand) queues one: the one waiting is sent again."""
    subscription, _secret = subscribe(cast.workspace, cast.bob, receiver.url)
    receiver.status = 500
    first = subscription_test_send(subscription=subscription)
    run_worker_round()  # refused: it waits for its retry
    for _ in range(50):
        assert subscription_test_send(subscription=subscription).pk == first.pk
    assert subscription.deliveries.count() == 1
    receiver.status = 200
    assert run_worker_round() == 1
    assert subscription_test_send(subscription=subscription).pk != first.pk  # delivered: anew


def test_after_a_new_secret_the_receiver_verifies_with_either_for_a_day(
    cast, receiver: Receiver
) -> None:
    subscription, old = subscribe(cast.workspace, cast.bob, receiver.url)
    new = subscription_secret_replace(subscription=subscription)
    _emit(cast.workspace, "post:1", 1)
    assert run_worker_round() == 1
    assert _verified(receiver, old) == _verified(receiver, new)  # both verify
    Subscription.objects.filter(pk=subscription.pk).update(previous_secret_until=None)
    receiver.received.clear()
    _emit(cast.workspace, "post:2", 2)
    assert run_worker_round() == 1
    assert _verified(receiver, new)[0]["data"] == {"seq": 2}
    with pytest.raises(WebhookVerificationError):
        _verified(receiver, old)
