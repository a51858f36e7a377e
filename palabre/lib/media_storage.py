"""Where media files live: the local disk (the default) or an S3-compatible bucket.

`PALABRE_MEDIA_STORAGE` names the Django storage backend; for django-storages' S3 backend,
`media_storage_options` reads the bucket's settings from the environment (docs/media.md).
Palabre never asks a storage for a path or a public address: every byte goes through
`storage.open` and `storage.save`, and Palabre's own views serve the files (the browser's
with a login, the networks' at a signed address: publishing/public_media.py). So the
bucket stays private and the addresses the networks fetch do not change with the storage.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from palabre.lib.env import envstr

if TYPE_CHECKING:
    from django.core.files.storage import Storage

S3_BACKENDS = ("storages.backends.s3.S3Storage", "storages.backends.s3boto3.S3Boto3Storage")
# S3 takes one PUT of up to 5 GiB. Below that an upload goes as one streamed request:
# multipart would hold each part (8 MB, ten at a time) in memory (s3transfer), and an
# upload is never held in memory (publishing/media.py).
SINGLE_PUT_BYTES = 5 * 1024**3
# A file read whole from the bucket (the publisher's, for a network that takes bytes)
# waits in a temporary file past this size, as an upload does (FILE_UPLOAD_MAX_MEMORY_SIZE).
READ_MEMORY_BYTES = 10 * 1024 * 1024


def media_storage_options(backend: str) -> dict[str, Any]:
    """The S3 backend's options, from the environment; none for another backend (the disk
    takes MEDIA_ROOT and its modes from the settings)."""
    if backend not in S3_BACKENDS:
        return {}
    try:
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config
    except ImportError:
        raise ImproperlyConfigured(
            f"PALABRE_MEDIA_STORAGE={backend} needs django-storages and boto3: "
            "pip install 'palabre[s3]'."
        ) from None
    bucket = envstr("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        raise ImproperlyConfigured(
            f"PALABRE_MEDIA_STORAGE={backend} needs AWS_STORAGE_BUCKET_NAME (docs/media.md)."
        )
    return {
        "bucket_name": bucket,
        # Empty: AWS itself, boto3's default region and addressing, and boto3's own search
        # for credentials (AWS_ACCESS_KEY_ID, a role of the machine…).
        "endpoint_url": envstr("AWS_S3_ENDPOINT_URL") or None,
        "region_name": envstr("AWS_S3_REGION_NAME") or None,
        "addressing_style": envstr("AWS_S3_ADDRESSING_STYLE") or None,
        "access_key": envstr("AWS_S3_ACCESS_KEY_ID") or None,
        "secret_key": envstr("AWS_S3_SECRET_ACCESS_KEY") or None,
        "location": envstr("AWS_LOCATION").strip("/"),
        # Private objects; empty for a bucket whose ACLs are disabled (it refuses any).
        "default_acl": envstr("AWS_DEFAULT_ACL", "private") or None,
        # Should anything ask for a URL, it is signed and expires; Palabre asks for none.
        "querystring_auth": True,
        # Names are random (publishing/models.py), so nothing is overwritten by chance; and
        # `palabre media-to-storage` keeps each file's name, which the rows point to.
        "file_overwrite": True,
        "max_memory_size": READ_MEMORY_BYTES,
        "transfer_config": TransferConfig(multipart_threshold=SINGLE_PUT_BYTES, use_threads=False),
        # An unreachable endpoint fails in seconds, not after minutes of retries.
        "client_config": Config(
            connect_timeout=10, read_timeout=60, retries={"mode": "standard", "max_attempts": 3}
        ),
    }


def storage_is_local(storage: Storage) -> bool:
    from django.core.files.storage import FileSystemStorage

    return isinstance(storage, FileSystemStorage)


def storage_stream(storage: Storage, name: str) -> tuple[IO[bytes], int]:
    """The stored file, to be read as it is sent, and its length. From a bucket, the object
    is streamed as it downloads: django-storages' own file would first download it whole
    (a reel may weigh hundreds of MB). A missing file is FileNotFoundError on both."""
    handle = storage.open(name, "rb")
    if not _is_s3(storage):
        return handle, handle.size
    from botocore.exceptions import ClientError

    try:
        answer = handle.obj.get()  # type: ignore[attr-defined]  # S3File's boto3 object
    except ClientError as error:
        if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            raise FileNotFoundError(name) from None  # deleted since open() looked
        raise
    return answer["Body"], int(answer["ContentLength"])


def storage_errors() -> tuple[type[Exception], ...]:
    """What a storage raises when it cannot be reached or refuses: the disk's OSError, and
    boto3's own errors when the S3 backend is installed."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


def storage_error_reason(error: Exception) -> str:
    """A short reason to show a person: S3's error code (NoSuchBucket, AccessDenied…), or
    the error's own sentence. Neither carries the keys."""
    response = getattr(error, "response", None)
    if isinstance(response, dict) and isinstance(response.get("Error"), dict):
        code = response["Error"].get("Code", "")
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
        return f"{code} (HTTP {status})" if status else str(code)
    if isinstance(error, OSError) and error.strerror:
        return error.strerror  # without the file's path on the server
    return str(error)[:300] or type(error).__name__


def _is_s3(storage: Storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:
        return False
    return isinstance(storage, S3Storage)
