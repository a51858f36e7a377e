"""Moving the media library from the local disk to the configured storage (a bucket).

Each file under MEDIA_ROOT is copied under the same name, which the rows keep pointing to,
so nothing in the database changes. A file already there with the same size is skipped:
an interrupted move runs again and carries on. The local copies stay unless asked, and a
local copy goes only once the storage holds the whole file.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage
from django.utils.translation import gettext as _

from palabre.lib.media_storage import (
    storage_error_reason,
    storage_errors,
    storage_is_local,
)


class MediaMoveRefused(ValueError):
    """The move cannot start or go on; the message says why, for the person."""


class MediaMoveFailed(MediaMoveRefused):
    """The storage failed mid-way: what was done so far is in `done`."""

    def __init__(self, message: str, done: MediaMove) -> None:
        super().__init__(message)
        self.done = done


class _NotStoredWhole(Exception):
    pass


class _LocalFileError(Exception):
    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(str(path))
        self.path, self.error = path, error


@dataclass
class MediaMove:
    copied: int = 0
    already_there: int = 0  # the same name and size: left as it is
    deleted_local: int = 0


def media_move_to_storage(*, root: Path, storage: Storage, delete_local: bool) -> MediaMove:
    """Copy every file under `root` to `storage`; with `delete_local`, remove each local
    copy the storage holds whole."""
    if storage_is_local(storage):
        raise MediaMoveRefused(
            _(
                "Media are kept on this machine's disk (PALABRE_MEDIA_STORAGE): set it to "
                "storages.backends.s3.S3Storage, with the bucket's AWS_* settings, then run "
                "this command again."
            )
        )
    done = MediaMove()
    try:
        storage.listdir("")  # an unreachable or refusing bucket says so before any copy
        for path in _local_files(root):
            _move_one(path, path.relative_to(root).as_posix(), storage, delete_local, done)
    except _NotStoredWhole as error:
        raise MediaMoveFailed(
            _("“%(name)s” was not stored whole under its own name: nothing more was done.")
            % {"name": error},
            done,
        ) from None
    except _LocalFileError as local:
        raise MediaMoveFailed(
            _(
                "Palabre cannot read or delete %(path)s (%(reason)s): run this command as the "
                "user Palabre runs as."
            )
            % {"path": local.path, "reason": local.error.strerror or local.error},
            done,
        ) from None
    except storage_errors() as error:
        raise MediaMoveFailed(
            _(
                "The media storage cannot be reached or refuses Palabre (%(reason)s): check "
                "AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL and the access key. A local "
                "file is deleted only once the storage holds it whole; run the command again "
                "to carry on."
            )
            % {"reason": storage_error_reason(error)},
            done,
        ) from None
    if delete_local:
        _remove_empty_folders(root)
    return done


def _local_files(root: Path) -> list[Path]:
    # Regular files only: Palabre makes no links, and a link could lead outside MEDIA_ROOT.
    try:
        if not root.is_dir():
            return []
        return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    except OSError as error:
        raise _LocalFileError(root, error) from None


def _move_one(path: Path, name: str, storage: Storage, delete_local: bool, done: MediaMove) -> None:
    try:
        handle = path.open("rb")
    except OSError as error:
        raise _LocalFileError(path, error) from None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        stored = _stored_size(storage, name)
        if stored == size:
            done.already_there += 1
        else:
            _copy(handle, name, size, stored, storage)
            done.copied += 1
    if delete_local:
        try:
            path.unlink()
        except OSError as error:
            raise _LocalFileError(path, error) from None
        done.deleted_local += 1


def _copy(handle: IO[bytes], name: str, size: int, stored: int | None, storage: Storage) -> None:
    if stored is not None:  # a partial copy: replaced, under the same name
        storage.delete(name)
    saved = storage.save(name, File(handle, name=name))
    if saved != name or _stored_size(storage, name) != size:
        raise _NotStoredWhole(name)


def _stored_size(storage: Storage, name: str) -> int | None:
    try:
        return storage.size(name)
    except FileNotFoundError:
        return None


def _remove_empty_folders(root: Path) -> None:
    """The folders the local copies leave empty, deepest first; MEDIA_ROOT itself stays."""
    if not root.is_dir():
        return
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):  # not empty, or not ours: it stays
            folder.rmdir()
