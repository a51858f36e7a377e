"""`palabre --help`: Palabre's own commands first, one short line each, then Django's."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import get_commands


@pytest.mark.parametrize("arguments", [[], ["--help"], ["help"], ["-h"]])
def test_help_lists_palabres_commands_first_one_line_each(arguments: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "palabre", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    ours, _blank, theirs = done.stdout.partition("\n\nDjango's commands:\n")
    lines = ours.split("Palabre's commands:\n")[1].splitlines()
    palabre = sorted(n for n, app in get_commands().items() if app.startswith("palabre."))
    assert [line.split()[0] for line in lines] == palabre
    assert all(len(line) <= 100 for line in lines), lines  # one short line each
    assert {"demo", "worker", "start"} <= set(palabre)
    assert "migrate" in theirs and "migrate" not in ours


def test_a_command_still_runs_and_its_own_help_is_whole() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "palabre", "worker", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.startswith("usage: palabre worker")
    assert "Run background jobs" in done.stdout and "--until-idle" in done.stdout


def test_help_with_broken_settings_says_so_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "palabre", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "no_such_settings"},
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert "no_such_settings" in done.stdout + done.stderr
