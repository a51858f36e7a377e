"""Running real `palabre worker` processes against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

from django.conf import settings
from django.db import connection

WORKER = [sys.executable, "-m", "palabre", "worker"]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    """The test's database and keys, so that a worker reads what the test wrote."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DATABASE_URL": database_url(),
        "WORKER_POLL_SECONDS": "0.1",
        "PALABRE_VAR_DIR": str(settings.VAR_DIR),
    }
    return env | extra


def run_worker(
    timeout: float = 120, worker: Sequence[str] = WORKER, **extra: str
) -> subprocess.CompletedProcess[str]:
    """One worker until it finds nothing due; `worker`: the command (tests may register a
    test network first), `extra`: environment variables."""
    return subprocess.run(
        [*worker, "--until-idle"],
        env=worker_env(**extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
