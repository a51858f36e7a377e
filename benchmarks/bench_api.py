"""The REST API listing a page of 50 conversations of the demo, as a program calls it.

The demo is built (`palabre demo`), a read token made for its owner, then
GET /api/v1/conversations?queue=all&limit=50 is called through Django's test client (the
time is Palabre's: authentication, the rate window, the query, the serialisation), 20
times to warm up and 200 times measured; p95 in milliseconds.

Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

import django

WARM, RUNS = 20, 200


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from palabre.accounts.models import Membership, Role
    from palabre.api.tokens import token_create
    from palabre.web.demo import DEMO_SLUG, demo_create

    setup_test_environment()  # the test client's host, and no mail sent
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    workspace = demo_create()
    assert workspace.slug == DEMO_SLUG
    owner = Membership.objects.filter(workspace=workspace, role=Role.OWNER).first()
    assert owner is not None
    _token, secret = token_create(
        workspace=workspace,
        creator=owner.user,
        name="bench",
        kind="personal",
        scopes=["read"],
        expires_at=timezone.now() + timedelta(days=1),
    )
    settings.PALABRE_API_RATE_PER_MINUTE = 1_000_000  # the pace is not what is measured
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    path = "/api/v1/conversations?queue=all&limit=50"
    timings = []
    for run in range(WARM + RUNS):
        started = time.perf_counter()
        response = client.get(path, headers={"Accept-Encoding": "identity"})
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["items"]) == 50, "the demo has fewer than 50 conversations"
        if run >= WARM:
            timings.append(elapsed * 1000)
    timings.sort()
    p95 = round(timings[int(len(timings) * 0.95) - 1], 1)
    print(json.dumps({"name": "api_list_p95_ms", "value": p95, "unit": "ms (p95, 50 items)"}))


if __name__ == "__main__":
    main()
