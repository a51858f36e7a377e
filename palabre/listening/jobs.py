"""Listening's job steps (the worker runs every app's JOBS)."""

from __future__ import annotations

from palabre.worker.jobs import Job

JOBS: list[Job] = []
