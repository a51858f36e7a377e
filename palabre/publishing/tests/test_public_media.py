"""Media at signed, expiring public addresses: what Instagram and Threads fetch."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from palabre.publishing.media import media_store
from palabre.publishing.public_media import SALT, media_public_token, media_public_url
from palabre.publishing.tests.media_samples import image

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(cast, settings, media_storage):
    settings.SITE_URL = "https://palabre.example"
    return media_store(
        workspace=cast.workspace,
        uploaded_by=cast.bob,
        name="levain.jpg",
        data=image(1080, 1350),
        alt_text="Une miche",
        tags=[],
    )


def _path(url: str) -> str:
    return urlsplit(url).path


def _get(url: str):
    # A network's fetcher: no session, no cookie; a failure must be an answer, not a raise.
    return Client(raise_request_exception=False).get(url)


def test_the_file_is_served_at_its_signed_address_to_anyone(item) -> None:
    url = media_public_url(item)
    assert url.startswith("https://palabre.example/public/media/")
    response = _get(_path(url))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == item.file.open("rb").read()
    assert response["Content-Type"] == "image/jpeg"
    assert int(response["Content-Length"]) == item.size
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_the_address_names_nothing_guessable(item, cast) -> None:
    path = _path(media_public_url(item))
    assert "levain" not in path and "workspaces" not in path and ".jpg" not in path
    assert f"/{item.pk}/" not in path and cast.workspace.slug not in path


def test_forging_an_address_takes_the_instances_secret(item, settings) -> None:
    # The same payload and salt, signed with another key: what an outsider can make.
    real = settings.SECRET_KEY
    settings.SECRET_KEY = "not-the-instance-secret-" + "x" * 40
    forged = media_public_token(item)
    settings.SECRET_KEY = real
    assert forged != media_public_token(item)
    assert _get(f"/public/media/{forged}").status_code == 404
    assert _get(f"/public/media/{media_public_token(item)}").status_code == 200


def test_an_expired_address_is_a_404(item, settings, monkeypatch) -> None:
    path = _path(media_public_url(item))
    later = time.time() + settings.PALABRE_PUBLIC_MEDIA_SECONDS + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert _get(path).status_code == 404


def test_an_address_still_valid_just_before_it_expires(item, settings, monkeypatch) -> None:
    path = _path(media_public_url(item))
    sooner = time.time() + settings.PALABRE_PUBLIC_MEDIA_SECONDS - 30
    monkeypatch.setattr(signing.time, "time", lambda: sooner)
    assert _get(path).status_code == 200


HOSTILE = [
    "abc",
    "a" * 10_000,
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "..%2F..%2Fsecret_key",
    "a%00b",
    "%F0%9F%92%A5",
    "1" * 23,
    "WzEsImFiIl0:1vX:",  # the shape of a token, without a valid signature
]


@pytest.mark.parametrize("token", HOSTILE)
def test_hostile_addresses_are_404_never_500(item, token: str) -> None:
    assert _get(f"/public/media/{token}").status_code in (400, 404)


def test_a_tampered_or_foreign_signature_is_a_404(item) -> None:
    token = media_public_token(item)
    head, _, signature = token.rpartition(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert _get(f"/public/media/{head}:{flipped}").status_code == 404
    # Signed with the instance's key but for another purpose (another salt): refused.
    other = signing.dumps([item.pk, "x"])
    assert _get(f"/public/media/{other}").status_code == 404


@pytest.mark.parametrize("payload", ["x", [True, "x"], {"m": 1}, [1], [1, 2], ["1", "x"], None])
def test_a_well_signed_but_malformed_payload_is_a_404(item, payload) -> None:
    token = signing.dumps(payload, salt=SALT)
    assert _get(f"/public/media/{token}").status_code == 404


def test_a_deleted_item_or_a_replaced_file_is_not_served(item) -> None:
    path = _path(media_public_url(item))
    # Another file under the same id (a database may reuse a deleted item's id).
    type(item).objects.filter(pk=item.pk).update(file="workspaces/1/other.jpg")
    assert _get(path).status_code == 404
    type(item).objects.filter(pk=item.pk).delete()
    assert _get(path).status_code == 404


def test_a_file_gone_from_the_storage_is_a_404(item) -> None:
    path = _path(media_public_url(item))
    item.file.storage.delete(item.file.name)
    assert _get(path).status_code == 404


def test_only_get_and_head(item) -> None:
    path = _path(media_public_url(item))
    client = Client(raise_request_exception=False)
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405
    assert client.delete(path).status_code == 405
