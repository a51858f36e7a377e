"""Publishing on the Meta networks through the Graph API double, with real worker processes.

- interrupted: 100 publishes (Facebook, Instagram with an image, Threads, in turn), each by a
  `palabre worker` killed (SIGKILL) right after the double accepted the post; then one
  worker settles them all by reading the accounts back (networks/reconcile.py). Counted on
  the double's own state: posts there twice (meta_interrupted_duplicates), posts nowhere
  or not recorded (meta_interrupted_lost), posts left for a person (meta_interrupted_for_a_person).
- lag: 100 Facebook posts due one per second, 1 worker: from due time to the double's
  confirmation recorded (meta_publish_lag_p50_s, meta_publish_lag_p99_s).

Instagram fetches its image from the instance: Palabre is served by gunicorn on loopback
(SITE_URL) for the signed media addresses. Run by benchmarks/run.py with DATABASE_URL and
PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKER = [sys.executable, "-m", "palabre", "worker"]
INTERRUPTED = 100
LAG_POSTS = 100


def main() -> None:
    from tests.networks.meta.double import MetaDouble

    double = MetaDouble().start()
    port = _free_port()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    os.environ.update({k: str(v) for k, v in double.settings().items()})
    os.environ["PALABRE_OUTBOUND_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["SITE_URL"] = f"http://127.0.0.1:{port}"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    server = _serve(port)
    try:
        results = _interrupted(double) + _lag(double)
    finally:
        server.terminate()
        server.wait(timeout=30)
        double.stop()
    for result in results:
        print(json.dumps(result))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "palabre.wsgi", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "--workers", "2", "--log-level", "warning"])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _workspace():  # type: ignore[no-untyped-def]
    from palabre.accounts.models import Membership, Role, User, Workspace

    workspace, _ = Workspace.objects.get_or_create(slug="bench-meta", defaults={"name": "Bench"})
    owner, _ = User.objects.get_or_create(email="meta@bench.example")
    Membership.objects.get_or_create(workspace=workspace, user=owner, defaults={"role": Role.OWNER})
    return workspace, owner


def _image(workspace, owner):  # type: ignore[no-untyped-def]
    from PIL import Image

    from palabre.publishing.media import media_store

    data = io.BytesIO()
    Image.new("RGB", (1080, 1080), (210, 160, 90)).save(data, "JPEG")
    return media_store(
        workspace=workspace,
        uploaded_by=owner,
        name="fournee.jpg",
        data=data.getvalue(),
        alt_text="Une fournée de pains",
        tags=[],
    )


def _target(channel, owner, text, due, media=None):  # type: ignore[no-untyped-def]
    from palabre.publishing.models import Post, PostTarget, PostVariant

    post = Post.objects.create(
        workspace=channel.workspace, author=owner, idea=text, category="helpful"
    )
    variant = PostVariant.objects.create(post=post, network=channel.network, text=text)
    if media is not None:
        variant.media.set([media])
    return PostTarget.objects.create(
        post=post, variant=variant, channel=channel, publish_at=due, next_attempt_at=due
    )


def _run_worker(**env: str) -> int:
    done = subprocess.run(
        [*WORKER, "--until-idle"],
        env=dict(os.environ, WORKER_POLL_SECONDS="0.1", **env),
        capture_output=True,
        timeout=600,
    )
    return done.returncode


def _interrupted(double) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from palabre.publishing.models import PostTarget, TargetStatus
    from tests.networks.meta import channels

    workspace, owner = _workspace()
    connected = [
        channels.facebook(double, workspace),
        channels.instagram(double, workspace),
        channels.threads(double, workspace),
    ]
    image = _image(workspace, owner)
    stamp = time.time_ns()
    targets = []
    for n in range(INTERRUPTED):
        account = connected[n % len(connected)]
        media = image if account.channel.network == "instagram" else None
        text = f"Fournée {stamp}-{n} : le levain du jour."
        targets.append(
            (account, text, _target(account.channel, owner, text, timezone.now(), media))
        )
    killed = 0
    for _account, _text, target in targets:  # one worker killed per publish, each after the send
        PostTarget.objects.filter(pk=target.pk).update(next_attempt_at=timezone.now())
        others = PostTarget.objects.filter(status=TargetStatus.SCHEDULED).exclude(pk=target.pk)
        held = list(others.values_list("pk", flat=True))
        others.update(next_attempt_at=timezone.now() + timedelta(days=1))
        killed += _run_worker(PALABRE_FAULT="publish.after_network") == -signal.SIGKILL
        PostTarget.objects.filter(pk__in=held).update(next_attempt_at=timezone.now())
        PostTarget.objects.filter(pk=target.pk).update(claimed_until=timezone.now())
    assert killed == INTERRUPTED, f"only {killed} workers were killed after the send"
    deadline = time.monotonic() + 900
    while PostTarget.objects.filter(status__in=["scheduled", "publishing"]).exists():
        assert time.monotonic() < deadline, "not settled in 15 minutes"
        _run_worker()
        time.sleep(1)
    duplicates = lost = for_a_person = 0
    for account, text, target in targets:
        target.refresh_from_db()
        found = sum(text in said for said in channels.brand_texts(double, account))
        duplicates += max(0, found - 1)
        lost += found == 0 or not target.remote_id
        for_a_person += target.status != TargetStatus.PUBLISHED
    return [
        {"name": "meta_interrupted_duplicates", "value": duplicates, "unit": "posts"},
        {"name": "meta_interrupted_lost", "value": lost, "unit": "posts"},
        {"name": "meta_interrupted_for_a_person", "value": for_a_person, "unit": "posts"},
    ]


def _lag(double) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from palabre.publishing.models import PostTarget, TargetStatus
    from tests.networks.meta import channels

    workspace, owner = _workspace()
    account = channels.facebook(double, workspace)
    worker = subprocess.Popen(WORKER, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = timezone.now() + timedelta(seconds=8)  # the worker is up and idle by then
    ids = [
        _target(
            account.channel, owner, f"Lag {time.time_ns()} {n}", start + timedelta(seconds=n)
        ).pk
        for n in range(LAG_POSTS)
    ]
    deadline = time.monotonic() + LAG_POSTS + 120
    try:
        while PostTarget.objects.filter(pk__in=ids, status=TargetStatus.PUBLISHED).count() < len(
            ids
        ):
            assert time.monotonic() < deadline, "not every post was published in time"
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    done = PostTarget.objects.filter(pk__in=ids)
    lags = sorted((t.published_at - t.publish_at).total_seconds() for t in done)
    p99 = lags[min(len(lags) - 1, round(0.99 * len(lags)))]
    return [
        {"name": "meta_publish_lag_p50_s", "value": round(statistics.median(lags), 3), "unit": "s"},
        {"name": "meta_publish_lag_p99_s", "value": round(p99, 3), "unit": "s"},
    ]


if __name__ == "__main__":
    sys.exit(main())
