"""The media library keeps its promises: what an approver saw is what goes out, what went
out is never lost, and no file, however hostile, answers 500."""

from __future__ import annotations

import hashlib
import io
import struct
import tracemalloc
import zlib
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from palabre.channels.services import channel_create_demo
from palabre.lib.mediainfo import MediaInfo, TooManyPixels, UnreadableMedia, inspect
from palabre.publishing import workflow
from palabre.publishing.media import MediaRefused, media_upload
from palabre.publishing.models import MediaItem, Post, PostStatus, PostTarget, TargetStatus
from palabre.publishing.rules.media import check_media
from palabre.publishing.services import post_create
from palabre.publishing.tests import media_samples

S = PostStatus


@pytest.fixture
def contributor(client: Client, cast, media_storage) -> Client:
    client.force_login(cast.carl)
    return client


@pytest.fixture
def photo(contributor: Client) -> MediaItem:
    upload = SimpleUploadedFile("miche.jpg", media_samples.image(800, 600))
    contributor.post("/w/lumiere/media/", {"file": upload, "alt_text": "Une miche", "tags": "pain"})
    return MediaItem.objects.get()


def _scheduled_post(cast, photo: MediaItem, idea: str = "Atelier pain samedi à 10 h.") -> Post:
    """An approved post using the photo, scheduled in two days in a workspace needing approval."""
    cast.workspace.approval_required = True
    cast.workspace.save()
    if not cast.workspace.channels.exists():
        channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea=idea,
        category="conversation",
        networks=["mastodon"],
    )
    post.variants.get().media.add(photo)
    post.publish_at = timezone.now() + timedelta(days=2)
    post.save()
    workflow.post_submit(post=post, actor=cast.erin)
    workflow.post_approve(post=post, actor=cast.anna)
    assert Post.objects.get(pk=post.pk).status == S.SCHEDULED
    return post


def _published(post: Post) -> None:
    post.targets.update(status=TargetStatus.PUBLISHED, published_at=timezone.now())
    Post.objects.filter(pk=post.pk).update(status=S.PUBLISHED)


def _status(post: Post) -> str:
    return Post.objects.get(pk=post.pk).status


def test_observation_5_new_alt_text_sends_the_approved_posts_back_to_review(
    contributor: Client, cast, photo: MediaItem
) -> None:
    first = _scheduled_post(cast, photo, "Atelier pain samedi à 10 h.")
    second = _scheduled_post(cast, photo, "Brioche du dimanche.")
    before = contributor.get("/w/lumiere/media/").content.decode()
    response = contributor.post(
        f"/w/lumiere/media/{photo.pk}/", {"alt_text": "Deux miches", "tags": "pain"}, follow=True
    )
    photo.refresh_from_db()
    assert photo.alt_text == "Deux miches"
    assert (_status(first), _status(second)) == (S.IN_REVIEW, S.IN_REVIEW)
    for post in (first, second):  # each one's history says what changed and who changed it
        change = post.changes.get()
        assert change.actor == cast.carl and change.what == {"variants": {"mastodon": ["media"]}}
    assert not PostTarget.objects.filter(status=TargetStatus.SCHEDULED).exists()
    after = response.content.decode()
    assert "retournent en validation" in after
    # The person sees which posts, before and after: by number for the contributor, who
    # may not read the posts; by title for an editor.
    assert "Utilisé par 2 publications" in before
    assert "renvoie les publications validées en validation" in before
    for page in (before, after):
        assert f"#{first.pk}" in page and f"#{second.pk}" in page
        assert "Brioche du dimanche" not in page
    editor = Client()
    editor.force_login(cast.erin)
    page = editor.get("/w/lumiere/media/").content.decode()
    assert "Atelier pain samedi" in page and "Brioche du dimanche" in page


def test_observation_5_deleting_media_sends_the_approved_posts_back_to_review(
    contributor: Client, cast, photo: MediaItem
) -> None:
    post = _scheduled_post(cast, photo)
    response = contributor.post(f"/w/lumiere/media/{photo.pk}/", {"delete": "1"}, follow=True)
    assert not MediaItem.objects.exists()
    assert _status(post) == S.IN_REVIEW
    assert not PostTarget.objects.exists()
    assert "retourne en validation" in response.content.decode()


def test_observation_5_media_that_went_out_is_never_deleted_nor_rewritten(
    contributor: Client, cast, photo: MediaItem
) -> None:
    post = _scheduled_post(cast, photo)
    _published(post)
    response = contributor.post(f"/w/lumiere/media/{photo.pk}/", {"delete": "1"}, follow=True)
    assert MediaItem.objects.filter(pk=photo.pk).exists()
    assert photo.file.storage.exists(photo.file.name)
    assert "ce qui a été publié est conservé" in response.content.decode()
    contributor.post(f"/w/lumiere/media/{photo.pk}/", {"alt_text": "Autre", "tags": "pain, 2025"})
    photo.refresh_from_db()
    assert (photo.alt_text, photo.tags) == ("Une miche", ["pain", "2025"])  # tags are not content
    assert _status(post) == S.PUBLISHED
    page = contributor.get("/w/lumiere/media/").content.decode()
    assert "conservé tel que publié" in page
    assert 'name="delete"' not in page and "readonly" in page


def test_without_approval_a_new_alt_text_moves_no_post(
    contributor: Client, cast, photo: MediaItem
) -> None:
    post = _scheduled_post(cast, photo)
    cast.workspace.approval_required = False
    cast.workspace.save()
    page = contributor.get("/w/lumiere/media/").content.decode()
    assert "Utilisé par 1 publication" in page and "renvoie" not in page
    response = contributor.post(
        f"/w/lumiere/media/{photo.pk}/", {"alt_text": "Deux miches", "tags": ""}, follow=True
    )
    assert _status(post) == S.SCHEDULED and PostTarget.objects.exists()
    assert "validation" not in response.content.decode().split("<main")[-1]


def test_an_alt_text_too_long_names_the_file_it_was_not_saved_for(
    contributor: Client, photo: MediaItem
) -> None:
    answer = contributor.post(
        f"/w/lumiere/media/{photo.pk}/", {"alt_text": "x" * 2001, "tags": ""}, follow=True
    )
    assert "«\u00a0miche.jpg\u00a0» non enregistré" in answer.content.decode()
    photo.refresh_from_db()
    assert photo.alt_text == "Une miche"


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares a size and holds almost nothing: a decompression bomb's header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _upload(client: Client, name: str, data: bytes):
    return client.post("/w/lumiere/media/", {"file": SimpleUploadedFile(name, data)})


def test_observation_17_a_png_declaring_50000_pixels_square_is_refused_clearly(
    cast, media_storage
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.carl)
    response = _upload(client, "bombe.png", _png_header(50_000, 50_000))
    assert response.status_code == 200
    assert "trop de pixels" in response.content.decode()
    assert not MediaItem.objects.exists()


def _box(name: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), name) + body


FTYP = _box(b"ftyp", b"isom" + bytes(4) + b"isommp41")


@pytest.mark.parametrize(
    "data",
    [
        FTYP + _box(b"moov", _box(b"mvhd", bytes(10))),  # the movie header cut short
        FTYP + _box(b"moov", _box(b"mvhd", b"")),
        b"\x00\x00\x00\x01ftypisom",  # a 64-bit box size cut off
        FTYP + b"\x00\x00\x00\x01moov\x00\x00",
    ],
    ids=["mvhd-cut", "mvhd-empty", "ftyp-64bit-cut", "moov-64bit-cut"],
)
def test_observation_17_a_truncated_mp4_header_is_refused_clearly(
    cast, media_storage, data: bytes
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.carl)
    response = _upload(client, "coupe.mp4", data)
    assert response.status_code == 200
    assert "illisible" in response.content.decode()
    assert not MediaItem.objects.exists()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [9_500, 50_000])  # above Pillow's warning, above its refusal
def test_an_image_with_too_many_pixels_is_refused_before_decoding(side: int) -> None:
    with pytest.raises(TooManyPixels):
        inspect(_png_header(side, side))


SAMPLES = {
    "mp4": media_samples.mp4(),
    "jpeg": media_samples.image(),
    "png": media_samples.image(fmt="PNG"),
    "gif": media_samples.image(fmt="GIF"),
    "webp": media_samples.image(fmt="WEBP"),
}
# PNG's IEND chunk, GIF's last block terminator and trailer: every pixel is there without them
END_MARKERS = {"png": 12, "gif": 2}


@pytest.mark.parametrize("kind", SAMPLES)
def test_media_cut_at_any_offset_is_unreadable_never_a_crash(kind: str) -> None:
    data = SAMPLES[kind]
    whole = inspect(data)
    for end in range(len(data)):
        try:
            info = inspect(data[:end])
        except UnreadableMedia:
            continue
        # Only a file missing nothing but its end marker may pass, and then as itself.
        assert end >= len(data) - END_MARKERS.get(kind, 0), (kind, end)
        assert (info.kind, info.width, info.height) == (whole.kind, whole.width, whole.height)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("kind", SAMPLES)
def test_media_with_any_byte_changed_is_read_or_unreadable_never_a_crash(kind: str) -> None:
    data = SAMPLES[kind]
    for position in range(len(data)):
        for value in (0x00, 0x01, 0x7F, 0xFF):
            changed = data[:position] + bytes([value]) + data[position + 1 :]
            try:
                inspect(changed)
            except UnreadableMedia:
                pass


class _ReadInPieces(TemporaryUploadedFile):
    """An upload on disk that fails the test if anything reads it whole."""

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and size >= 0, "the upload was read whole into memory"
        return self.file.read(size)


def _on_disk(name: str, data: bytes) -> _ReadInPieces:
    upload = _ReadInPieces(name, "application/octet-stream", len(data), None)
    upload.file.write(data)
    upload.file.seek(0)
    return upload


def _mp4_with_media_data(megabytes: int) -> bytes:
    """A camera's layout: ftyp, the media data, then the moov box at the end."""
    sample = media_samples.mp4(30, 1920, 1080)
    ftyp_size = struct.unpack(">I", sample[:4])[0]
    mdat = _box(b"mdat", bytes(megabytes * 1_000_000))
    return sample[:ftyp_size] + mdat + sample[ftyp_size:]


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("camera.mp4", _mp4_with_media_data(20), "video"),
        ("photo.jpg", media_samples.image(2400, 1600), "image"),
    ],
    ids=["mp4-20MB", "jpeg"],
)
def test_a_large_upload_is_inspected_and_kept_without_reading_it_whole(
    cast, media_storage, name: str, data: bytes, kind: str
) -> None:
    upload = _on_disk(name, data)
    tracemalloc.start()
    item = media_upload(
        workspace=cast.workspace, uploaded_by=cast.carl, upload=upload, alt_text="", tags=[]
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    upload.close()  # as Django does after the request: the file was moved into place
    assert (item.kind, item.size) == (kind, len(data))
    with item.file.open("rb") as kept:
        assert hashlib.sha256(kept.read()).digest() == hashlib.sha256(data).digest()
    if kind == "video":
        assert item.duration == 30 and peak < 5_000_000  # 20 MB never sat in memory


def test_the_size_limit_reads_the_stream_not_the_declared_size(
    cast, settings, media_storage
) -> None:
    settings.PALABRE_MAX_UPLOAD_MB = 1
    data = _mp4_with_media_data(2)
    lying = InMemoryUploadedFile(io.BytesIO(data), "file", "x.mp4", "video/mp4", 10, None)
    with pytest.raises(MediaRefused):
        media_upload(
            workspace=cast.workspace, uploaded_by=cast.carl, upload=lying, alt_text="", tags=[]
        )
    assert not MediaItem.objects.exists()


def _picture(width: int, height: int, kind: str = "image") -> MediaInfo:
    content_type = "video/mp4" if kind == "video" else "image/jpeg"
    return MediaInfo(kind, content_type, 100_000, width, height, 10.0, alt_text="Une miche")


@pytest.mark.parametrize(
    ("network", "fits", "too_many"),
    [
        ("x", (8192, 8192), (8192, 8193)),  # 8192 a side
        ("mastodon", (7680, 4320), (7681, 4320)),  # the image matrix limit
        ("linkedin", (6000, 6025), (6016, 6016)),  # under 36,152,320 pixels
        ("bluesky", (7680, 4320), (7681, 4320)),  # none documented: the strictest figure
        ("facebook", (7680, 4320), (7681, 4320)),
    ],
)
def test_each_network_has_a_pixel_limit(network: str, fits: tuple, too_many: tuple) -> None:
    errors, _warnings = check_media(network, [("a.jpg", _picture(*fits))])
    assert not errors
    errors, _warnings = check_media(network, [("a.jpg", _picture(*too_many))])
    assert [e.code.split(".")[1] for e in errors] in (["media_pixels"], ["media_side"])
    assert f"{too_many[0]} × {too_many[1]}" in errors[0].message


def test_mastodon_takes_videos_up_to_3840_by_2160() -> None:
    assert not check_media("mastodon", [("v.mp4", _picture(3840, 2160, "video"))])[0]
    errors = check_media("mastodon", [("v.mp4", _picture(3840, 2161, "video"))])[0]
    assert [e.code for e in errors] == ["mastodon.media_pixels"]
    assert "8,3 millions de pixels" in errors[0].message


def test_an_upload_past_the_limit_stops_being_kept_while_it_arrives(
    contributor: Client, settings
) -> None:
    settings.PALABRE_MAX_UPLOAD_MB = 1
    kept = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data: bytes, start: int):
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    data = _mp4_with_media_data(12)  # past FILE_UPLOAD_MAX_MEMORY_SIZE: a temporary file
    with mock.patch.object(TemporaryFileUploadHandler, "receive_data_chunk", spy):
        response = _upload(contributor, "long.mp4", data)
    assert "1 Mo" in response.content.decode()
    assert not MediaItem.objects.exists()
    assert 0 < sum(kept) <= 1_000_000  # not 12 MB written to disk first


def test_the_limit_is_the_requests_not_each_files(contributor: Client, settings) -> None:
    """Twelve files of 0.9 MB each passed a 1 MB limit, and were all kept in temporary files
    before the login or the CSRF check looked (an attacker's review)."""
    settings.PALABRE_MAX_UPLOAD_MB = 1
    kept = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data: bytes, start: int):  # type: ignore[no-untyped-def]
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every part to a temporary file, as large ones go
    files = {f"file{n}": SimpleUploadedFile(f"{n}.mp4", bytes(900_000)) for n in range(4)}
    with mock.patch.object(TemporaryFileUploadHandler, "receive_data_chunk", spy):
        contributor.post("/w/lumiere/media/", files)
    assert 0 < sum(kept) <= 1_000_000
    assert not MediaItem.objects.exists()


def test_a_request_with_many_files_is_refused(contributor: Client) -> None:
    files = {f"file{n}": SimpleUploadedFile(f"{n}.jpg", b"x") for n in range(6)}
    contributor.raise_request_exception = False
    response = contributor.post("/w/lumiere/media/", files)
    assert response.status_code == 400
    assert not MediaItem.objects.exists()


def test_an_image_too_heavy_for_any_network_is_refused_before_it_is_opened(
    cast, media_storage
) -> None:
    webp = media_samples.image(fmt="WEBP")
    heavy = _on_disk("lourd.webp", webp + bytes(51_000_000))  # Pillow reads a WebP whole
    with pytest.raises(MediaRefused, match="plus de 50 Mo"):
        media_upload(
            workspace=cast.workspace, uploaded_by=cast.carl, upload=heavy, alt_text="", tags=[]
        )
    heavy.close()


def test_only_the_four_image_formats_are_opened() -> None:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30)).save(buffer, "TIFF")
    with pytest.raises(UnreadableMedia):
        inspect(buffer.getvalue())


def test_an_uploaded_photo_is_kept_without_where_it_was_taken(cast, media_storage) -> None:
    """Served at its public address and sent to the networks as kept (lib/mediameta.py)."""
    from palabre.lib.tests.test_mediameta import PLACE, _jpeg

    photo = _jpeg(orientation=6)
    item = media_upload(
        workspace=cast.workspace,
        uploaded_by=cast.carl,
        upload=_on_disk("gps.jpg", photo),
        alt_text="",
        tags=[],
    )
    with item.file.open("rb") as kept:
        stored = kept.read()
    assert PLACE.encode() not in stored and item.size == len(stored)
    assert (item.width, item.height) == (64, 48)


def test_a_file_is_stored_under_what_it_is_not_what_it_was_called(cast, media_storage) -> None:
    """A GIF named "evil.html" was stored as ….html: a bucket or a CDN serving the files
    directly would send it as a web page from the file's origin (an attacker's review)."""
    gif = media_samples.image(fmt="GIF") + b"<script>alert(1)</script>"
    item = media_upload(
        workspace=cast.workspace,
        uploaded_by=cast.carl,
        upload=SimpleUploadedFile("evil.html", gif, "text/html"),
        alt_text="",
        tags=[],
    )
    assert item.file.name.endswith(".gif") and item.content_type == "image/gif"
