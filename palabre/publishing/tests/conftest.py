"""The media tests run on both storages: the local disk and an S3 bucket (moto on loopback).

A test that stores media asks for `media_storage` and runs twice, `[disk]` and `[s3]`:
the same behaviour, whichever storage PALABRE_MEDIA_STORAGE names.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import Storage, storages

from palabre.lib.media_storage import media_storage_options
from palabre.publishing.tests import s3server

DISK = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"
BUCKET = "palabre-media"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[s3server.MotoServer]:
    server = s3server.start(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings, monkeypatch, tmp_path: Path) -> Iterator[Storage]:
    """PALABRE_MEDIA_STORAGE=S3 with its AWS_* settings, as a self-hoster sets them, on an
    empty bucket; MEDIA_ROOT is an empty folder, which must stay so."""
    environment = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_server.endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_S3_ACCESS_KEY_ID": "moto-access-key",
        "AWS_S3_SECRET_ACCESS_KEY": "moto-secret-key",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = _storages(settings, S3, media_storage_options(S3))
    storage = storages["default"]
    # Through the storage's own client: it is made here, not inside a measured upload.
    storage.connection.meta.client.create_bucket(Bucket=BUCKET)
    yield storage
    s3_server.reset()


@pytest.fixture
def disk_storage(settings, tmp_path: Path) -> Storage:
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = _storages(settings, DISK, {})
    return storages["default"]


@pytest.fixture(params=["disk", "s3"])
def media_storage(request: pytest.FixtureRequest) -> Storage:
    """The storage media go to, once the local disk and once an S3 bucket."""
    return request.getfixturevalue(f"{request.param}_storage")


def _storages(settings: Any, backend: str, options: dict[str, Any]) -> dict[str, Any]:
    return {**settings.STORAGES, "default": {"BACKEND": backend, "OPTIONS": options}}


@pytest.fixture
def approval(cast):  # type: ignore[no-untyped-def]
    """The cast's workspace, where posts are approved before they go out."""
    cast.workspace.approval_required = True
    cast.workspace.save()
    return cast
