"""The composer's "Add a photo, a video or a PDF": a file sent from the post's page goes to
the media library and comes back as a choice, the typed post untouched (a walk through the
demo found the composer could only pick what the library already held)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from palabre.inbox.tests.helpers import published
from palabre.lib.tests.test_mediameta import PLACE, _jpeg
from palabre.publishing.models import MediaItem
from palabre.publishing.tests import media_samples


def _send(client: Client, name: str, data: bytes, alt: str = "") -> object:
    return client.post(
        "/w/lumiere/compose/media/", {"file": SimpleUploadedFile(name, data), "alt_text": alt}
    )


def test_a_photo_added_from_the_composer_is_in_the_library_with_its_alt_text(
    client: Client, cast, disk_storage
) -> None:
    client.force_login(cast.carl)  # the photographer (a contributor) adds to the library
    response = _send(client, "vitrine.jpg", _jpeg(orientation=6), alt="La vitrine de Noël")
    assert response.status_code == 201, response.content
    answer = response.json()
    item = MediaItem.objects.get(pk=answer["id"])
    assert (item.workspace, item.alt_text, item.kind) == (
        cast.workspace,
        "La vitrine de Noël",
        "image",
    )
    assert answer["url"] == f"/w/lumiere/media/{item.pk}/file/"
    assert answer["name"] == item.name and "ajouté" in answer["added"]
    with item.file.open("rb") as kept:
        assert PLACE.encode() not in kept.read()  # where it was taken: out, as in the library


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("notes.txt", b"pas une image", "illisible"),
        ("vide.jpg", b"", "vide"),
    ],
)
def test_a_file_no_network_takes_is_refused_in_words_nothing_kept(
    client: Client, cast, disk_storage, name, data, said
) -> None:
    client.force_login(cast.carl)
    response = _send(client, name, data)
    assert response.status_code == 400
    assert said in response.json()["error"].lower()
    assert not MediaItem.objects.exists()


def test_past_the_size_limit_it_says_so(client: Client, cast, disk_storage, settings) -> None:
    settings.PALABRE_MAX_UPLOAD_MB = 1
    client.force_login(cast.carl)
    response = _send(client, "grand.jpg", media_samples.image() + bytes(1_100_000))
    assert response.status_code == 400 and "1 Mo" in response.json()["error"]
    assert not MediaItem.objects.exists()


def test_the_composer_offers_it_where_media_may_change(client: Client, cast) -> None:
    client.force_login(cast.erin)
    page = client.get("/w/lumiere/compose/").content.decode()
    assert page.count("data-media-add=") == page.count("data-media-picker=") > 0
    target = published(cast.workspace, cast.bob)  # what went out is read-only
    page = client.get(f"/w/lumiere/posts/{target.post_id}/").content.decode()
    # Its media read-only: nothing offered to add, and the page's script adds nothing there.
    assert 'class="media-picker"' in page
    assert "data-media-picker=" not in page and "data-media-add=" not in page
    client.force_login(cast.nina)  # an analyst neither composes nor adds media
    assert client.post("/w/lumiere/compose/media/", {}).status_code == 403
