"""Issue 14, observation 19: what Palabre writes to disk is readable by its own user only.

The SQLite database holds every conversation and the encrypted credentials; media are the
brand's unpublished pictures. Other accounts on the machine must not read them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def test_observation_19_the_database_and_var_dir_are_private(tmp_path: Path) -> None:
    """A first `palabre migrate`, as a self-hoster runs it, creates the SQLite files 0600."""
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
    env["PALABRE_VAR_DIR"] = str(var)
    # A write after the migrations, so that SQLite creates its -wal and -shm files.
    write = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'palabre.settings');"
        "django.setup(); from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.db import connection; c = connection.cursor();"
        "c.execute('CREATE TABLE IF NOT EXISTS t (x int)'); c.execute('INSERT INTO t VALUES (1)')"
    )
    # The most permissive umask a host may have: Palabre must not rely on a careful one.
    result = subprocess.run(
        [sys.executable, "-c", f"import os; os.umask(0); exec({write!r})"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    database = var / "palabre.sqlite3"
    assert _mode(var) == "0o700"
    assert _mode(database) == "0o600"
    for suffix in ("-wal", "-shm"):
        side = Path(str(database) + suffix)
        if side.exists():  # SQLite removes them when the last connection closes cleanly
            assert _mode(side) == "0o600", suffix


def test_observation_19_media_files_and_folders_are_private(tmp_path: Path, settings) -> None:
    """A file stored the way the media library stores uploads, under a nested folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    old = os.umask(0o022)  # a usual host umask
    try:
        storage = FileSystemStorage()
        name = storage.save("lumiere/2026/photo.jpg", ContentFile(b"\xff\xd8 a picture"))
    finally:
        os.umask(old)
    stored = Path(storage.path(name))
    assert _mode(stored) == "0o600"
    assert _mode(stored.parent) == "0o700"
    assert _mode(stored.parent.parent) == "0o700"
