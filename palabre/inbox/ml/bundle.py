"""A model's directory as one zip (its JSON and numpy arrays: never a pickle), so that a
workspace's retrained model can live in the database (inbox.WorkspaceModel) and reach every
worker and stream process, on whatever machine."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

KEPT = (".json", ".npz")
MAX_UNPACKED = 200 * 1024 * 1024  # a model is a few MB; a larger archive is not ours


def pack(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # npz are compressed
        for path in sorted(directory.iterdir()):
            if path.is_file() and path.suffix in KEPT:
                archive.write(path, path.name)
    return buffer.getvalue()


def unpack(data: bytes, directory: Path) -> None:
    """Write the archive's files into `directory`, all at once: it appears complete or not at
    all (another process may be unpacking the same model at the same moment)."""
    if directory.exists():
        return
    directory.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > MAX_UNPACKED:
            raise ValueError("model archive too large")
        work = Path(tempfile.mkdtemp(dir=directory.parent, prefix=".unpacking-"))
        try:
            for member in members:
                name = Path(member.filename).name  # no directory part, no "..": flat files
                if Path(name).suffix in KEPT:
                    (work / name).write_bytes(archive.read(member))
            work.rename(directory)
        except OSError:
            if not directory.exists():  # not unpacked meanwhile by another process
                raise
        finally:
            shutil.rmtree(work, ignore_errors=True)  # gone already once renamed
