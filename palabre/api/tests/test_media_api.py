"""The media library through the API: uploads inspected as the page does, alt text and
tags, and what went out kept as published."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from palabre.api.tests.conftest import MakeApi
from palabre.channels.services import channel_create_demo
from palabre.publishing import workflow
from palabre.publishing.models import MediaItem, Post, PostStatus, TargetStatus
from palabre.publishing.services import post_create
from palabre.publishing.tests import media_samples


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def carl(cast, make_api: MakeApi):  # type: ignore[no-untyped-def]
    """The contributor (the photographer), whose whole job in Palabre is the library."""
    return make_api(cast.carl, cast.workspace, ["read", "write"])


def _send(api, data: bytes, name: str = "miche.jpg", **fields: str):  # type: ignore[no-untyped-def]
    """Multipart, as a program uploads a file."""
    body = {"file": SimpleUploadedFile(name, data)} | fields
    return api.client.post("/api/v1/media", body, headers={"Authorization": f"Bearer {api.secret}"})


def _approved_post_using(cast, item: MediaItem) -> Post:
    cast.workspace.approval_required = True
    cast.workspace.save()
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Atelier pain samedi.",
        category="conversation",
        networks=["mastodon"],
    )
    post.variants.get().media.add(item)
    post.publish_at = timezone.now() + timedelta(days=2)
    post.save()
    workflow.post_submit(post=post, actor=cast.erin)
    workflow.post_approve(post=post, actor=cast.anna)
    assert Post.objects.get(pk=post.pk).status == PostStatus.SCHEDULED
    return post


def test_an_upload_keeps_the_file_its_alt_text_and_tags(cast, carl) -> None:
    sent = _send(carl, media_samples.image(800, 600), alt_text="Une miche", tags="pain, #levain")
    assert sent.status_code == 201, sent.content
    item = MediaItem.objects.get()
    assert sent["Location"] == f"/api/v1/media/{item.pk}"
    out = sent.json()
    assert (out["kind"], out["width"], out["height"]) == ("image", 800, 600)
    assert (item.alt_text, item.tags) == ("Une miche", ["pain", "levain"])
    assert item.uploaded_by == cast.carl
    assert item.file.storage.exists(item.file.name)
    listed = carl.get("/api/v1/media").json()["items"]
    assert [i["id"] for i in listed] == [item.pk]
    assert carl.get("/api/v1/media", tag="lev").json()["items"][0]["alt_text"] == "Une miche"
    assert carl.get("/api/v1/media", tag="brioche").json()["items"] == []
    assert carl.get(f"/api/v1/media/{item.pk}").json()["tags"] == ["pain", "levain"]


def test_the_library_pages_follow_the_cursor(cast, carl) -> None:
    for n in range(5):
        assert _send(carl, media_samples.image(40 + n, 30), name=f"{n}.jpg").status_code == 201
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = carl.get("/api/v1/media", **params).json()
        seen += [item["name"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"{n}.jpg" for n in reversed(range(5))]


def test_a_file_no_network_takes_is_refused_with_the_pages_words(cast, carl) -> None:
    refused = _send(carl, b"%PDF-1.7 cut short", name="menu.pdf")
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "file" and "PDF" in error["message"]
    page = Client()
    page.force_login(cast.carl)
    shown = page.post(
        "/w/lumiere/media/", {"file": SimpleUploadedFile("menu.pdf", b"%PDF-1.7 cut short")}
    )
    assert error["message"] in html.unescape(shown.content.decode())
    assert not MediaItem.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"alt_text": "nul\x00"},
        {"alt_text": "a" * 2001},
        {"tags": "t" * 301},
    ],
)
def test_bad_fields_are_refused_as_problems(cast, carl, fields: dict[str, str]) -> None:
    answer = _send(carl, media_samples.image(), **fields)
    assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"
    assert not MediaItem.objects.exists()


def test_an_upload_without_a_file_or_as_json_is_refused(cast, carl) -> None:
    assert carl.post("/api/v1/media", {"alt_text": "rien"}).status_code == 422
    without = carl.client.post(
        "/api/v1/media", {"alt_text": "rien"}, headers={"Authorization": f"Bearer {carl.secret}"}
    )
    assert without.status_code == 422 and without.json()["errors"][0]["field"].endswith("file")


def test_a_new_alt_text_sends_the_approved_posts_back_to_review(cast, carl) -> None:
    _send(carl, media_samples.image(800, 600), alt_text="Une miche", tags="pain")
    item = MediaItem.objects.get()
    post = _approved_post_using(cast, item)
    read = carl.get(f"/api/v1/media/{item.pk}").json()
    assert read["approved_posts"] == [post.pk] and read["went_out_with"] == []
    changed = carl.patch(f"/api/v1/media/{item.pk}", {"alt_text": "Deux miches"})
    assert changed.status_code == 200, changed.content
    out = changed.json()
    assert out["back_to_review"] == [post.pk] and out["media"]["alt_text"] == "Deux miches"
    # The contributor may not read posts: named by number, as on the page.
    assert f"#{post.pk}" in out["notices"][0]
    assert Post.objects.get(pk=post.pk).status == PostStatus.IN_REVIEW
    tags_only = carl.patch(f"/api/v1/media/{item.pk}", {"tags": ["pain", "atelier"]})
    assert tags_only.json()["media"]["tags"] == ["pain", "atelier"]
    assert tags_only.json()["media"]["alt_text"] == "Deux miches"


def test_what_went_out_is_kept_neither_deleted_nor_described_again(cast, carl) -> None:
    _send(carl, media_samples.image(800, 600), alt_text="Une miche", tags="pain")
    item = MediaItem.objects.get()
    post = _approved_post_using(cast, item)
    post.targets.update(status=TargetStatus.PUBLISHED, published_at=timezone.now())
    Post.objects.filter(pk=post.pk).update(status=PostStatus.PUBLISHED)
    kept = carl.delete(f"/api/v1/media/{item.pk}")
    assert kept.status_code == 409 and kept.json()["code"] == "media_went_out"
    assert MediaItem.objects.filter(pk=item.pk).exists()
    assert item.file.storage.exists(item.file.name)
    edited = carl.patch(f"/api/v1/media/{item.pk}", {"alt_text": "Autre", "tags": ["2025"]})
    assert edited.status_code == 200
    assert edited.json()["alt_kept"] == [post.pk]
    item.refresh_from_db()
    assert (item.alt_text, item.tags) == ("Une miche", ["2025"])  # tags are not content


def test_an_unused_item_is_deleted_with_its_file(
    cast, carl, django_capture_on_commit_callbacks
) -> None:
    _send(carl, media_samples.image())
    item = MediaItem.objects.get()
    storage, name = item.file.storage, item.file.name
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        gone = carl.delete(f"/api/v1/media/{item.pk}")
    assert gone.status_code == 200 and gone.json()["media"] is None
    assert not MediaItem.objects.exists() and not storage.exists(name)


def test_scopes_roles_and_other_workspaces(cast, carl, make_api: MakeApi) -> None:
    _send(carl, media_samples.image())
    item = MediaItem.objects.get()
    reader = make_api(cast.carl, cast.workspace, ["read"])
    assert reader.get(f"/api/v1/media/{item.pk}").status_code == 200
    refused = _send(reader, media_samples.image())
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    assert reader.delete(f"/api/v1/media/{item.pk}").json()["code"] == "scope_missing"
    analyst = make_api(cast.nina, cast.workspace)
    assert _send(analyst, media_samples.image()).json()["code"] == "forbidden"
    assert analyst.get("/api/v1/media").status_code == 403
    outsider = make_api(cast.charlie, cast.other_workspace)
    assert outsider.get(f"/api/v1/media/{item.pk}").status_code == 404
    assert outsider.patch(f"/api/v1/media/{item.pk}", {"alt_text": "x"}).status_code == 404
    assert outsider.delete(f"/api/v1/media/{item.pk}").status_code == 404
    assert outsider.get("/api/v1/media").json()["items"] == []
    assert carl.get("/api/v1/media/100000000000000000000000").status_code == 404
    assert carl.patch(f"/api/v1/media/{item.pk}", {"tags": "pain"}).status_code == 422
    assert carl.patch(f"/api/v1/media/{item.pk}", {"alt_text": "\x00"}).status_code == 422
    assert MediaItem.objects.count() == 1


def test_a_photo_over_the_form_limit_is_retried_safely_with_a_key(cast, carl, settings) -> None:  # type: ignore[no-untyped-def]
    """The key's fingerprint reads an upload from its parts: a photo larger than Django's
    in-memory body limit is accepted once, and its retry answers the first answer."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    photo = media_samples.image(1600, 1200)
    assert len(photo) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    headers = {"Authorization": f"Bearer {carl.secret}", "Idempotency-Key": "photo-1"}

    def send(data: bytes):  # type: ignore[no-untyped-def]
        body = {"file": SimpleUploadedFile("miche.jpg", data), "alt_text": "Une miche"}
        return carl.client.post("/api/v1/media", body, headers=headers)

    first, again = send(photo), send(photo)
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert MediaItem.objects.count() == 1
    other = send(media_samples.image(1200, 1600))
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
