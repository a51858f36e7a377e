"""What the security review of the API found, each kept from coming back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from palabre.accounts.models import Membership, Role
from palabre.api.models import ApiToken
from palabre.api.tests.conftest import ApiClient, MakeApi
from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Note
from palabre.inbox.tests.helpers import comment, ingested, poll, published
from palabre.publishing.media import media_store
from palabre.publishing.models import Post, PostStatus
from palabre.publishing.tests.media_samples import image
from palabre.webhooks.models import Delivery, Subscription
from palabre.webhooks.services import DISABLED_CREATOR_LEFT, webhook_event_emit
from palabre.webhooks.tests.helpers import subscribe


def _later(days: int = 2) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


@pytest.fixture
def scheduled(cast, make_api: MakeApi, settings, tmp_path):  # type: ignore[no-untyped-def]
    """A post scheduled in a workspace without approvals, carrying a photo."""
    settings.MEDIA_ROOT = tmp_path
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    full = make_api(cast.bob, cast.workspace)
    body = {"idea": "Pain au levain.", "category": "helpful", "networks": ["mastodon"]}
    made = full.post("/api/v1/posts", body | {"publish_at": _later(), "then": "schedule"})
    assert made.status_code == 201, made.content
    post = Post.objects.get(pk=made.json()["id"])
    assert post.status == PostStatus.SCHEDULED
    photo = media_store(
        workspace=cast.workspace,
        uploaded_by=cast.bob,
        name="p.jpg",
        data=image(800, 600),
        alt_text="Une miche",
        tags=[],
    )
    post.variants.get().media.add(photo)
    return post, photo, made["ETag"]


def test_a_write_token_cannot_change_what_a_scheduled_post_sends(
    cast, scheduled, make_api: MakeApi
) -> None:
    post, photo, etag = scheduled
    writer = make_api(cast.bob, cast.workspace, ["read", "write"])
    change = {"variants": {"mastodon": {"text": "Changé par un script"}}}
    refused = writer.patch(f"/api/v1/posts/{post.pk}", change, headers={"If-Match": etag})
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    alt = writer.patch(f"/api/v1/media/{photo.pk}", {"alt_text": "Autre chose"})
    assert alt.status_code == 403 and alt.json()["code"] == "scope_missing"
    assert writer.delete(f"/api/v1/media/{photo.pk}").status_code == 403
    assert post.variants.get().text != "Changé par un script"
    publisher = make_api(cast.bob, cast.workspace, ["read", "write", "publish"])
    moved = publisher.patch(
        f"/api/v1/posts/{post.pk}", {"publish_at": _later(5)}, headers={"If-Match": etag}
    )
    assert moved.status_code == 409 and moved.json()["code"] == "move_in_calendar"
    allowed = publisher.patch(f"/api/v1/posts/{post.pk}", change, headers={"If-Match": etag})
    assert allowed.status_code == 200, allowed.content


def test_a_lone_surrogate_is_refused_and_nothing_is_stored(cast, make_api: MakeApi) -> None:
    target = published(cast.workspace, cast.bob)
    asked = comment(target, "Vous livrez ?")
    poll(target.channel)
    row = ingested(asked)
    api = make_api(cast.bob, cast.workspace)
    raw = '{"text": "a\\ud800b"}'
    answer = api.client.post(
        f"/api/v1/conversations/{row.pk}/notes",
        raw,
        content_type="application/json",
        headers=api._headers(None),
    )
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert not Note.objects.exists()


def test_a_kept_answer_is_not_given_to_a_revoked_token_nor_kept_twice_for_one(
    cast, make_api: MakeApi
) -> None:
    target = published(cast.workspace, cast.bob)
    asked = comment(target, "Vous livrez ?")
    poll(target.channel)
    row = ingested(asked)
    api = make_api(cast.bob, cast.workspace)
    path, key = f"/api/v1/conversations/{row.pk}/notes", {"Idempotency-Key": "k1"}
    assert api.post(path, {"text": "Rappeler"}, headers=key).status_code == 201
    # The same token with its scheme written otherwise is the same token: a replay.
    lower = api.client.post(
        path,
        {"text": "Rappeler"},
        content_type="application/json",
        headers={"Authorization": f"bearer {api.secret}", **key},
    )
    assert lower.status_code == 201 and lower["Idempotent-Replayed"] == "true"
    assert Note.objects.count() == 1
    ApiToken.objects.update(revoked_at=timezone.now())
    replayed = api.post(path, {"text": "Rappeler"}, headers=key)
    assert replayed.status_code == 401 and "Idempotent-Replayed" not in replayed


def test_leaving_revokes_the_tokens_for_good(cast, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace)
    assert api.get("/api/v1/workspace").status_code == 200
    Membership.objects.get(user=cast.bob, workspace=cast.workspace).delete()
    Membership.objects.create(user=cast.bob, workspace=cast.workspace, role=Role.MANAGER)
    assert api.get("/api/v1/workspace").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_a_webhook_stops_when_its_creator_no_longer_manages(cast, settings) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    subscription, _secret = subscribe(cast.workspace, cast.bob, "http://127.0.0.1:9/hook")
    event = {"workspace": cast.workspace, "event": "post.published", "key": "post:1", "data": {}}
    assert len(webhook_event_emit(**event)) == 1
    Membership.objects.filter(user=cast.bob).update(role=Role.EDITOR)
    assert webhook_event_emit(**event) == []
    from palabre.webhooks.delivery import delivery_send

    delivery_send(Delivery.objects.get())  # queued before: not sent, the webhook turned off
    subscription = Subscription.objects.get()
    assert not subscription.active and subscription.disabled_reason == DISABLED_CREATOR_LEFT


@pytest.mark.parametrize("key", [None, {"Idempotency-Key": "big-1"}])
def test_a_body_over_the_limit_is_refused_as_too_large(
    cast, make_api: MakeApi, settings, key
) -> None:
    """413, as documented, with an Idempotency-Key too (whose fingerprint reads the body
    first): a client that waits for 413 to shrink its request gets one."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = make_api(cast.bob, cast.workspace)
    answer = api.client.post(
        "/api/v1/posts",
        '{"idea": "' + "a" * 5000 + '"}',
        content_type="application/json",
        headers=api._headers(key),
    )
    assert answer.status_code == 413 and answer["Content-Type"] == "application/problem+json"
    assert answer.json()["type"].endswith("too_large")
    stranger = ApiClient("palabre_nothing")
    assert (
        stranger.post("/api/v1/posts", {"idea": "x"}, headers={"Idempotency-Key": "z"}).status_code
        == 401
    )
