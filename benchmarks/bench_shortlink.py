"""The short-link redirect under load: gunicorn serving Palabre as `palabre start` does
(2 workers × 4 threads, DATABASE_CONN_MAX_AGE=60 as .env.example advises for
PostgreSQL), a load generator (httpx, asyncio) on loopback keeping 32 requests in flight
for 15 s, each a browser's GET counted as a click (one row written per request). The
generator shares the machine's 2 cores with the server.

Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time

import django

CONCURRENCY = 32
SECONDS = 15
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def load(url: str) -> tuple[int, list[float], int]:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a log line per request slows the load
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + SECONDS
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, headers={"User-Agent": BROWSER}) as client:

        async def one_client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                begin = time.perf_counter()
                response = await client.get(url, follow_redirects=False)
                latencies.append((time.perf_counter() - begin) * 1000)
                if response.status_code != 302:
                    errors += 1

        await asyncio.gather(*(one_client() for _ in range(CONCURRENCY)))
    return len(latencies), latencies, errors


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from palabre.accounts.models import User, Workspace
    from palabre.strategy.links import link_create
    from palabre.strategy.models import Click

    call_command("migrate", verbosity=0)
    owner, _ = User.objects.get_or_create(email="links@bench.example")
    workspace, _ = Workspace.objects.get_or_create(slug="links", defaults={"name": "Links"})
    link = link_create(workspace=workspace, actor=owner, destination="https://example.com/x")
    vendor = connection.vendor.replace("postgresql", "postgres")
    connection.close()
    port = free_port()
    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1,localhost", DATABASE_CONN_MAX_AGE="60")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "palabre.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/l/{link.code}"
        count, latencies, errors = asyncio.run(load(url))
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    counted = Click.objects.filter(link=link).count()
    assert errors == 0, f"{errors} answers were not redirects"
    assert counted == count, (counted, count)  # every browser request counted, once
    rows = [
        ("shortlink_rps", round(count / SECONDS, 1), f"redirects/s ({vendor})"),
        (
            "shortlink_p99_ms",
            round(latencies[int(0.99 * (len(latencies) - 1))], 1),
            f"ms ({vendor})",
        ),
    ]
    for name, value, unit in rows:
        print(json.dumps({"name": name, "value": value, "unit": unit}))


if __name__ == "__main__":
    sys.exit(main())
