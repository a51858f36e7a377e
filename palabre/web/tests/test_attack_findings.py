"""What an attacker's review found on 2026-12-06, kept closed on both databases: each was a
500, and two of them also stalled listening on one post."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from palabre.api.models import Scope
from palabre.api.tokens import token_create
from palabre.channels.services import channel_create_demo
from palabre.listening.models import Heard, Role, Search
from palabre.listening.services import Found, heard_store, search_save
from palabre.networks.base import Author, PublicPost
from palabre.publishing import workflow
from palabre.publishing.models import Post, PostTarget
from palabre.publishing.services import post_create
from palabre.strategy.conversions import webhook_token_new
from palabre.strategy.models import Conversion
from palabre.strategy.services import strategy_for


def _manager(cast: Any) -> Client:
    client = Client()  # raises what a view raises: a 500 fails the test with its cause
    client.force_login(cast.bob)
    return client


def test_a_heard_post_with_a_nul_or_half_an_emoji_or_a_broken_link_is_kept(cast: Any) -> None:
    """One such post from a server failed the whole batch (a NUL on PostgreSQL, a broken
    link everywhere), and the search read the same batch again at every poll."""
    search = search_save(
        search=Search(workspace=cast.workspace, name="Levain", role=Role.TOPIC, terms="levain"),
        seen=None,
    )
    hostile = PublicPost(
        remote_id=f"at://did:plc:x/app.bsky.feed.post/{uuid.uuid4().hex[:8]}\x00",
        url="https://[::1",
        author=Author("did:plc:x\x00", "claire\x00.test", "Cl\ud800aire"),
        text="Le levain\x00 du jour \ud83d",
        created_at=timezone.now() - timedelta(minutes=1),
    )
    plain = replace(hostile, remote_id="at://did:plc:x/app.bsky.feed.post/plain", url="")
    found = [Found(hostile, (search.pk,)), Found(plain, (search.pk,))]
    heard_store(workspace=cast.workspace, network="bluesky", found=found, via="search")
    kept = Heard.objects.get(remote_id__endswith=hostile.remote_id[-9:-1])
    assert kept.text == "Le levain du jour \ufffd" and kept.url == ""
    assert kept.author_handle == "claire.test" and "\x00" not in kept.remote_id
    assert Heard.objects.count() == 2  # the batch's other post too
    heard_store(workspace=cast.workspace, network="bluesky", found=found, via="search")
    assert Heard.objects.count() == 2  # and found again, known by its stored id


@pytest.mark.parametrize("field", ["id", "contact", "link", "network"])
def test_a_conversion_with_half_an_emoji_is_refused_with_a_message(
    cast: Any, client: Client, field: str
) -> None:
    token = webhook_token_new(strategy=strategy_for(cast.workspace))
    body = {"id": "W1", "date": "2026-11-20", field: "ab\ud800"}
    response = client.post(
        "/hooks/lumiere/conversions/",
        json.dumps(body).encode(),  # "\ud800" escaped: valid JSON
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert "cannot be stored" in response.json()["error"]  # a machine's call: in English
    assert not Conversion.objects.exists()


def test_a_form_sent_with_an_idempotency_key_where_json_is_read_is_a_400(cast: Any) -> None:
    _token, secret = token_create(
        workspace=cast.workspace,
        creator=cast.alice,
        name="t",
        kind="personal",
        scopes=list(Scope.values),
        expires_at=timezone.now() + timedelta(days=3),
    )
    body = b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nxx\r\n--b--\r\n'
    for key in ({}, {"Idempotency-Key": "k1"}):
        response = Client().post(
            "/api/v1/posts/validate",
            body,
            content_type="multipart/form-data; boundary=b",
            headers={"Authorization": f"Bearer {secret}", **key},
        )
        assert response.status_code == 400, key
        assert response["Content-Type"] == "application/problem+json"


# A PNG whose header chunk is two bytes short: Pillow raises ValueError, not OSError.
TRUNCATED_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000b494844520000001000000010b003000000253d6d"
    "2200000003504c5445000000a77a3dda0000000c49444154789c6360200d000d"
    "0030000116899ad10000000049454e44ae426082"
)


def test_a_corrupt_logo_is_refused_with_a_message(cast: Any) -> None:
    owner = Client()
    owner.force_login(cast.alice)
    upload = SimpleUploadedFile("logo.png", TRUNCATED_PNG, content_type="image/png")
    response = owner.post("/w/lumiere/settings/logo/", {"logo": upload}, follow=True)
    assert response.status_code == 200
    assert "pas une image que Palabre sait lire" in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    ["x.example:99999", "https://x.example:65536/", "http://x.example:-1", "[::1", "https://[zz]"],
)
def test_a_mastodon_address_with_a_broken_port_or_host_is_refused_with_a_message(
    cast: Any, typed: str
) -> None:
    response = _manager(cast).post(
        "/w/lumiere/settings/channels/mastodon/", {"instance": typed}, follow=True
    )
    assert response.status_code == 200
    assert "une instance Mastodon que Palabre peut joindre" in response.content.decode()


def test_a_post_of_29_february_dragged_past_the_last_year_is_refused(cast: Any) -> None:
    cast.workspace.timezone = "America/New_York"
    cast.workspace.save()
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="P")
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="x",
        category="helpful",
        networks=["mastodon"],
    )
    workflow.post_schedule(
        post=post, actor=cast.erin, publish_at=timezone.now() + timedelta(days=1)
    )
    leap = datetime(2028, 2, 29, 1, 0, tzinfo=UTC)
    Post.objects.filter(pk=post.pk).update(publish_at=leap)
    PostTarget.objects.filter(post=post).update(publish_at=leap, next_attempt_at=leap)
    editor = Client()
    editor.force_login(cast.erin)
    response = editor.post(
        "/w/lumiere/calendar/move/", {"post": post.pk, "date": "9999-12-31"}, follow=True
    )
    assert response.status_code == 200 and "prochaines années" in response.content.decode()
    assert Post.objects.get(pk=post.pk).publish_at == leap


@pytest.mark.parametrize("typed", ["https://[::1", "https://[zz]/@x"])
def test_an_erasure_naming_a_broken_profile_link_finds_no_one(cast: Any, typed: str) -> None:
    manager = _manager(cast)
    for confirm in ("", "True"):
        response = manager.post(
            "/w/lumiere/listening/erase/", {"handle": typed, "confirm": confirm}
        )
        assert response.status_code in (200, 302)
