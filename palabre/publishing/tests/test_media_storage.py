"""Media on an S3-compatible bucket: configured from the environment, private, streamed.

The library's behaviour on both storages is tested by the media tests themselves
(`media_storage` in conftest.py); here, what only the bucket has.
"""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.views.debug import SafeExceptionReporterFilter

from palabre.lib.media_storage import media_storage_options
from palabre.publishing.media import MediaRefused, media_store
from palabre.publishing.models import MediaItem
from palabre.publishing.public_media import media_public_url
from palabre.publishing.tests import media_samples
from palabre.publishing.tests.conftest import BUCKET, S3

pytestmark = pytest.mark.django_db


def _store(cast, name: str = "levain.jpg", data: bytes | None = None) -> MediaItem:
    return media_store(
        workspace=cast.workspace,
        uploaded_by=cast.bob,
        name=name,
        data=data or media_samples.image(1080, 1350),
        alt_text="",
        tags=[],
    )


def test_media_go_to_the_bucket_private_and_never_to_the_disk(cast, s3_storage, tmp_path) -> None:
    item = _store(cast)
    client = s3_storage.connection.meta.client
    stored = client.get_object(Bucket=BUCKET, Key=item.file.name)
    assert stored["Body"].read() == media_samples.image(1080, 1350)
    grants = client.get_object_acl(Bucket=BUCKET, Key=item.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner's only
    assert not any(tmp_path.rglob("*"))  # MEDIA_ROOT


def test_the_library_shows_a_file_from_either_storage(client: Client, cast, media_storage) -> None:
    client.force_login(cast.erin)
    data = media_samples.image(fmt="PNG")
    client.post("/w/lumiere/media/", {"file": SimpleUploadedFile("Miche.png", data)})
    item = MediaItem.objects.get()
    response = client.get(f"/w/lumiere/media/{item.pk}/file/")
    assert b"".join(response.streaming_content) == data
    assert (response["Content-Type"], response["Content-Length"]) == ("image/png", str(len(data)))
    assert response["Content-Disposition"] == f'inline; filename="{Path(item.file.name).name}"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_gone_from_the_storage_is_a_404_in_the_library(
    client: Client, cast, media_storage
) -> None:
    client.force_login(cast.erin)
    item = _store(cast)
    media_storage.delete(item.file.name)
    assert client.get(f"/w/lumiere/media/{item.pk}/file/").status_code == 404


def test_a_reel_is_streamed_to_the_network_never_held_whole(cast, media_storage, settings) -> None:
    settings.SITE_URL = "https://palabre.example"
    reel = media_samples.mp4() + bytes(20_000_000)  # what follows the header is not read
    item = _store(cast, "reel.mp4", reel)
    path = media_public_url(item).removeprefix(settings.SITE_URL)
    tracemalloc.start()
    response = Client().get(path)
    received = sum(len(chunk) for chunk in response.streaming_content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert received == len(reel) == int(response["Content-Length"])
    assert peak < 5_000_000  # not downloaded from the bucket first, nor read whole


def test_the_keys_never_show_in_an_error_report(s3_storage) -> None:
    shown = str(SafeExceptionReporterFilter().get_safe_settings()["STORAGES"])
    assert "moto-secret-key" not in shown and "moto-access-key" not in shown
    assert BUCKET in shown  # the rest stays readable


def test_the_keys_never_reach_the_logs_even_at_debug(cast, s3_storage, caplog) -> None:
    caplog.set_level(logging.DEBUG)  # LOG_LEVEL=DEBUG
    _store(cast)
    assert "moto-access-key" not in caplog.text and "moto-secret-key" not in caplog.text


def test_s3_without_a_bucket_stops_start_up(monkeypatch) -> None:
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        media_storage_options(S3)
    assert media_storage_options("django.core.files.storage.FileSystemStorage") == {}


def test_the_bucket_settings_come_from_the_environment(monkeypatch) -> None:
    environment = {
        "AWS_STORAGE_BUCKET_NAME": "lumiere-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
        "AWS_S3_REGION_NAME": "fr-par",
        "AWS_S3_ADDRESSING_STYLE": "virtual",
        "AWS_LOCATION": "/palabre/",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_DEFAULT_ACL", raising=False)
    options = media_storage_options(S3)
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "lumiere-media",
        "https://s3.fr-par.scw.cloud",
        "fr-par",
    )
    assert (options["addressing_style"], options["location"]) == ("virtual", "palabre")
    assert (options["default_acl"], options["querystring_auth"]) == ("private", True)
    monkeypatch.setenv("AWS_DEFAULT_ACL", "")  # a bucket whose ACLs are disabled takes none
    assert media_storage_options(S3)["default_acl"] is None


def test_palabre_starts_with_the_s3_storage_and_says_what_is_missing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"PALABRE_VAR_DIR": str(tmp_path), "PALABRE_MEDIA_STORAGE": S3}
    command = [sys.executable, "-m", "palabre", "check"]
    missing = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0 and "AWS_STORAGE_BUCKET_NAME" in missing.stderr
    env["AWS_STORAGE_BUCKET_NAME"] = BUCKET
    fine = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert fine.returncode == 0, fine.stderr


def _bucket_gone(storage) -> None:
    client = storage.connection.meta.client
    for found in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=found["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_a_bucket_that_refuses_the_upload_is_a_message_not_a_500(
    client: Client, cast, s3_storage
) -> None:
    _bucket_gone(s3_storage)  # NoSuchBucket: as a bucket renamed, or keys that lost the right
    client.force_login(cast.erin)
    data = media_samples.image(fmt="PNG")
    page = client.post("/w/lumiere/media/", {"file": SimpleUploadedFile("Miche.png", data)})
    assert page.status_code == 200
    assert (
        "NoSuchBucket" in page.content.decode() and "rien n’a été ajouté" in page.content.decode()
    )
    assert not MediaItem.objects.exists()


def test_a_bucket_that_cannot_be_read_is_a_503_a_network_tries_again(
    client: Client, cast, s3_storage
) -> None:
    item = _store(cast)
    client.force_login(cast.erin)
    # What a bucket answers when the keys lost the right to read (403 AccessDenied).
    from botocore.exceptions import ClientError
    from django.conf import settings

    def refused(*args: object, **kwargs: object) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDenied"}, "ResponseMetadata": {"HTTPStatusCode": 403}},
            "GetObject",
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("palabre.publishing.views.storage_stream", refused)
        response = client.get(f"/w/lumiere/media/{item.pk}/file/")
        public = client.get(media_public_url(item).removeprefix(settings.SITE_URL))
    assert response.status_code == 503 and public.status_code == 503
    assert public["Retry-After"] == "30"
    assert "AccessDenied" not in response.content.decode()  # the reason is in the log


class _DiskFull(ContentFile):
    """A copy that fills the disk after its first kilobyte."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield self.read(1000)
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_disk_full_mid_copy_leaves_no_part_of_the_file(cast, disk_storage, monkeypatch) -> None:
    monkeypatch.setattr("palabre.publishing.media.ContentFile", _DiskFull)
    with pytest.raises(MediaRefused, match="No space left on device") as refused:
        _store(cast)
    assert str(disk_storage.location) not in str(refused.value)  # no path of the server
    assert not MediaItem.objects.exists()
    assert not [p for p in Path(disk_storage.location).rglob("*") if p.is_file()]
