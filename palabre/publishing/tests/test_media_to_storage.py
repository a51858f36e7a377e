"""`palabre media-to-storage`: the media library moves from the disk to a bucket, whole,
under the same names, as often as it is run, and deletes nothing unless asked."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.management import CommandError, call_command
from django.test import Client

from palabre.lib.cli_language import CHOSEN
from palabre.publishing.media import media_store
from palabre.publishing.models import MediaItem
from palabre.publishing.public_media import media_public_url
from palabre.publishing.tests import media_samples
from palabre.publishing.tests.conftest import BUCKET, DISK, S3, _storages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(monkeypatch) -> None:
    monkeypatch.setenv(CHOSEN, "en")


@pytest.fixture
def on_disk(cast, settings, tmp_path) -> list[MediaItem]:
    """Two items stored on the disk, as before the bucket was configured."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = _storages(settings, DISK, {})
    return [
        media_store(
            workspace=workspace,
            uploaded_by=cast.bob,
            name=name,
            data=media_samples.image(fmt=fmt),
            alt_text="",
            tags=[],
        )
        for workspace, name, fmt in (
            (cast.workspace, "miche.jpg", "JPEG"),
            (cast.other_workspace, "brioche.png", "PNG"),
        )
    ]


def _move(*args: str) -> str:
    out = io.StringIO()
    call_command("media-to-storage", *args, stdout=out)
    return out.getvalue().strip()


def _disk(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_every_file_goes_to_the_bucket_under_its_name_and_stays_on_disk(
    on_disk, s3_storage: Storage, settings, tmp_path
) -> None:
    local = _disk(tmp_path)
    assert _move() == "2 files copied. 0 files already there."
    for item in on_disk:
        with s3_storage.open(item.file.name) as stored:
            assert stored.read() == (tmp_path / item.file.name).read_bytes()
    assert _disk(tmp_path) == local  # the local copies stay
    # The rows needed no change: the networks' addresses now serve the bucket's copy.
    settings.SITE_URL = "https://palabre.example"
    item = MediaItem.objects.get(pk=on_disk[0].pk)
    (tmp_path / item.file.name).unlink()
    response = Client().get(media_public_url(item).removeprefix(settings.SITE_URL))
    assert b"".join(response.streaming_content) == media_samples.image()


def test_running_it_again_copies_nothing_twice(on_disk, s3_storage) -> None:
    _move()
    assert _move() == "0 files copied. 2 files already there."


def test_a_partial_copy_in_the_bucket_is_replaced(on_disk, s3_storage, tmp_path) -> None:
    name = on_disk[0].file.name
    s3_storage.save(name, io.BytesIO(b"cut short"))
    assert _move() == "2 files copied. 0 files already there."
    with s3_storage.open(name) as stored:
        assert stored.read() == (tmp_path / name).read_bytes()


def test_delete_local_empties_media_root_once_the_bucket_holds_everything(
    on_disk, s3_storage, tmp_path
) -> None:
    said = _move("--delete-local")
    assert said == "2 files copied. 0 files already there. 2 local copies deleted."
    assert tmp_path.is_dir() and not any(tmp_path.iterdir())
    assert all(s3_storage.exists(item.file.name) for item in on_disk)


def test_an_empty_media_root_says_so(s3_storage, tmp_path) -> None:
    assert _move() == f"Nothing to move: {tmp_path} holds no file."


def test_it_refuses_while_the_storage_is_the_disk(on_disk, tmp_path) -> None:
    assert isinstance(storages["default"], FileSystemStorage)
    with pytest.raises(CommandError, match="PALABRE_MEDIA_STORAGE"):
        _move("--delete-local")
    assert len(_disk(tmp_path)) == 2


def test_a_missing_bucket_is_said_and_nothing_is_deleted(
    on_disk, s3_storage, s3_server, tmp_path
) -> None:
    s3_server.reset()  # the bucket is gone
    with pytest.raises(CommandError, match=r"NoSuchBucket \(HTTP 404\)"):
        _move("--delete-local")
    assert len(_disk(tmp_path)) == 2


def test_a_failure_midway_says_what_was_done_and_keeps_what_was_not_copied(
    on_disk, s3_storage, monkeypatch, tmp_path
) -> None:
    from botocore.exceptions import EndpointConnectionError

    real_save, saves = s3_storage.save, []

    def save_then_lose_the_network(name, content, **kwargs):
        saves.append(name)
        if len(saves) > 1:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:84xx")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(s3_storage, "save", save_then_lose_the_network)
    out = io.StringIO()
    with pytest.raises(CommandError, match="cannot be reached"):
        call_command("media-to-storage", "--delete-local", stdout=out)
    assert out.getvalue().strip() == ("1 file copied. 0 files already there. 1 local copy deleted.")
    assert _disk(tmp_path) == [saves[1]]  # the one not copied stays
    monkeypatch.setattr(s3_storage, "save", real_save)
    assert _move() == "1 file copied. 0 files already there."  # the other one, now


def test_an_unreachable_bucket_is_a_sentence_not_a_traceback(
    on_disk, tmp_path, tmp_path_factory
) -> None:
    """Through the `palabre` command itself, as an administrator runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DATABASE_URL"))}
    env |= {
        "PALABRE_VAR_DIR": str(tmp_path_factory.mktemp("var")),
        "MEDIA_ROOT": str(tmp_path),
        "PALABRE_MEDIA_STORAGE": S3,
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9",  # discard: nothing listens there
        "AWS_S3_ACCESS_KEY_ID": "an-access-key",
        "AWS_S3_SECRET_ACCESS_KEY": "the-secret-key",
    }
    result = subprocess.run(
        [sys.executable, "-m", "palabre", "media-to-storage", "--lang", "en"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "The media storage cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr and "the-secret-key" not in result.stderr
    assert len(_disk(tmp_path)) == 2
