"""Rows claimed and handled per second by one worker loop (the demo network's job).

Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

import django

ROWS = 5000


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from palabre.accounts.models import Workspace
    from palabre.channels.services import channel_create_demo
    from palabre.networks.demo.models import DemoPost
    from palabre.worker import loop
    from palabre.worker.housekeeping import set_aside_housekeeping

    call_command("migrate", verbosity=0)
    DemoPost.objects.all().delete()
    workspace, _ = Workspace.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    channel = channel_create_demo(workspace=workspace, network="x", name="Bench")
    now = timezone.now()
    DemoPost.objects.bulk_create(
        DemoPost(channel=channel, idempotency_key=f"b{i}", text="t", next_attempt_at=now)
        for i in range(ROWS)
    )
    set_aside_housekeeping()  # only the demo posts are counted
    started = time.perf_counter()
    stats = loop.run(stop=threading.Event(), until_idle=True)
    elapsed = time.perf_counter() - started
    assert stats.handled == ROWS, stats
    name = f"worker_claims_per_s_{connection.vendor.replace('postgresql', 'postgres')}"
    print(json.dumps({"name": name, "value": round(ROWS / elapsed, 1), "unit": "rows/s"}))


if __name__ == "__main__":
    sys.exit(main())
