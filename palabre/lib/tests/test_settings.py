"""Start-up configuration, tried in fresh processes as a self-hoster would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

PRODUCTION = {
    # The documented production configuration (README, .env.example).
    "SECRET_KEY": "a-long-random-value-" + "x" * 50,
    "PALABRE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgres://palabre@127.0.0.1:5432/palabre",
    "ALLOWED_HOSTS": "palabre.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://palabre.example.org",
    "SITE_URL": "https://palabre.example.org",
    "PALABRE_HTTPS": "True",
}


def _palabre(*args: str, env: dict[str, str], var: Path) -> subprocess.CompletedProcess[str]:
    dropped = {*PRODUCTION, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    full = clean | {"PALABRE_VAR_DIR": str(var)} | env
    return subprocess.run(
        [sys.executable, "-m", "palabre", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_passes_in_the_documented_production_configuration(tmp_path: Path) -> None:
    result = _palabre("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, var=tmp_path)
    assert result.returncode == 0, result.stderr


def test_first_run_generates_secret_and_encryption_keys_into_var(tmp_path: Path) -> None:
    result = _palabre("check", env={}, var=tmp_path)
    assert result.returncode == 0, result.stderr
    secret, key = tmp_path / "secret_key", tmp_path / "encryption_key"
    assert len(secret.read_text().strip()) >= 50
    Fernet(key.read_text().strip().encode())  # a valid key
    assert oct(secret.stat().st_mode & 0o777) == "0o600"
    first = secret.read_text()
    _palabre("check", env={}, var=tmp_path)
    assert secret.read_text() == first  # kept, not regenerated


def test_a_bad_boolean_stops_start_up_with_a_clear_message(tmp_path: Path) -> None:
    result = _palabre("check", env={"DEBUG": "maybe"}, var=tmp_path)
    assert result.returncode != 0
    assert "DEBUG='maybe'" in result.stderr and "True or False" in result.stderr


def test_debug_is_off_unless_asked(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = _palabre("shell", "--no-imports", "-c", code, env={}, var=tmp_path)
    assert result.stdout.strip() == "False"
