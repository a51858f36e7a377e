"""Publishing against the local Bluesky network, with real worker processes.

- precision: 100 posts due one per second, 1 worker: lag from due time to the network's
  confirmation (publish_lag_p50_s, publish_lag_p99_s);
- burst: 500 posts due at the same second, 4 workers (publish_burst_per_s_4_workers);
- ceiling: the official SDK creating 500 posts one after another on the same server
  (sdk_create_per_s).
Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    # The local network answers on localhost, refused by the outbound guard unless listed
    # (here and in the worker this starts).
    os.environ.setdefault("PALABRE_OUTBOUND_ALLOWED_HOSTS", "localhost")
    django.setup()
    from django.core.management import call_command

    from tests.bluesky import localnet

    call_command("migrate", verbosity=0)
    network = localnet.start()
    try:
        channel = _channel(network)
        results = _precision(channel) + _burst(channel) + [_sdk_ceiling(network)]
    finally:
        network.stop()
    for result in results:
        print(json.dumps(result))


def _channel(network):  # type: ignore[no-untyped-def]
    from palabre.accounts.models import Workspace
    from palabre.channels.models import Channel
    from palabre.networks.bluesky import connector as bluesky

    account = network.accounts[0]
    workspace, _ = Workspace.objects.get_or_create(slug="bench-publish", defaults={"name": "Bench"})
    channel = Channel.objects.create(
        workspace=workspace,
        network="bluesky",
        connector="bluesky",
        name="Bench",
        handle=account["handle"],
    )
    channel.save_credentials(
        bluesky.connect(
            service=network.pds, handle=account["handle"], app_password=account["appPassword"]
        )
    )
    return channel


def _targets(channel, due_times):  # type: ignore[no-untyped-def]
    from palabre.publishing.models import Post, PostTarget, PostVariant

    author = channel.workspace.memberships.first()
    ids = []
    for i, due in enumerate(due_times):
        post = Post.objects.create(
            workspace=channel.workspace, author=author, idea="x", category="helpful"
        )
        variant = PostVariant.objects.create(
            post=post, network="bluesky", text=f"Bench {time.time_ns()} {i}"
        )
        ids.append(
            PostTarget.objects.create(
                post=post, variant=variant, channel=channel, publish_at=due, next_attempt_at=due
            ).pk
        )
    return ids


def _workers(count: int) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "palabre", "worker"]
    return [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


def _wait(ids: list[int], timeout: float) -> list:  # type: ignore[type-arg]
    from palabre.publishing.models import PostTarget, TargetStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = list(PostTarget.objects.filter(pk__in=ids, status=TargetStatus.PUBLISHED))
        if len(done) == len(ids):
            return done
        time.sleep(0.5)
    raise RuntimeError("not every post was published in time")


def _precision(channel) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    workers = _workers(1)
    start = timezone.now() + timedelta(seconds=8)  # the worker is up and idle by then
    ids = _targets(channel, [start + timedelta(seconds=i) for i in range(100)])
    try:
        done = _wait(ids, timeout=200)
    finally:
        _stop(workers)
    lags = sorted((t.published_at - t.publish_at).total_seconds() for t in done)
    p99 = lags[min(len(lags) - 1, round(0.99 * len(lags)))]
    return [
        {"name": "publish_lag_p50_s", "value": round(statistics.median(lags), 3), "unit": "s"},
        {"name": "publish_lag_p99_s", "value": round(p99, 3), "unit": "s"},
    ]


def _burst(channel) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    workers = _workers(4)
    due = timezone.now() + timedelta(seconds=8)
    ids = _targets(channel, [due] * 500)
    try:
        done = _wait(ids, timeout=400)
    finally:
        _stop(workers)
    last = max(t.published_at for t in done)
    rate = len(done) / (last - due).total_seconds()
    return [{"name": "publish_burst_per_s_4_workers", "value": round(rate, 1), "unit": "posts/s"}]


def _sdk_ceiling(network) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from atproto import Client

    account = network.accounts[1]
    client = Client(base_url=network.pds)
    client.login(account["handle"], account["password"], fetch_bsky_profile=False)
    started = time.perf_counter()
    for i in range(500):
        client.com.atproto.repo.create_record(
            {
                "repo": account["did"],
                "collection": "app.bsky.feed.post",
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": f"SDK {i}",
                    "createdAt": client.get_current_time_iso(),
                },
            }
        )
    rate = 500 / (time.perf_counter() - started)
    return {"name": "sdk_create_per_s", "value": round(rate, 1), "unit": "posts/s"}


if __name__ == "__main__":
    sys.exit(main())
