"""Publishing on X through the X double, with real worker processes.

interrupted: 100 publishes (a text post, a post with an image and its alt text, a two-part
thread, in turn), each by a `palabre worker` killed (SIGKILL) right after the double
accepted the post; then workers settle them all by reading the account back
(networks/reconcile.py). Counted on the double's own state: posts there twice
(x_interrupted_duplicates), posts nowhere or not recorded (x_interrupted_lost), posts left
for a person (x_interrupted_for_a_person).

X takes uploads (no public media address): no web server is needed. Run by
benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
BENCH_X_INTERRUPTED sets how many (100).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKER = [sys.executable, "-m", "palabre", "worker"]
INTERRUPTED = int(os.environ.get("BENCH_X_INTERRUPTED", "100"))


def main() -> None:
    from tests.networks.x.double import XDouble

    double = XDouble().start()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    os.environ.update({k: str(v) for k, v in double.settings().items()})
    os.environ["PALABRE_OUTBOUND_ALLOWED_HOSTS"] = "127.0.0.1"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        results = _interrupted(double)
    finally:
        double.stop()
    for result in results:
        print(json.dumps(result))


def _workspace():  # type: ignore[no-untyped-def]
    from palabre.accounts.models import Membership, Role, User, Workspace

    workspace, _ = Workspace.objects.get_or_create(slug="bench-x", defaults={"name": "Bench X"})
    owner, _ = User.objects.get_or_create(email="x@bench.example")
    Membership.objects.get_or_create(workspace=workspace, user=owner, defaults={"role": Role.OWNER})
    return workspace, owner


def _image(workspace, owner):  # type: ignore[no-untyped-def]
    from PIL import Image

    from palabre.publishing.media import media_store

    data = io.BytesIO()
    Image.new("RGB", (800, 800), (210, 160, 90)).save(data, "JPEG")
    return media_store(
        workspace=workspace,
        uploaded_by=owner,
        name="fournee.jpg",
        data=data.getvalue(),
        alt_text="Une fournée de pains",
        tags=[],
    )


def _target(channel, owner, texts, due, media=None):  # type: ignore[no-untyped-def]
    from palabre.publishing.models import Post, PostTarget, PostVariant

    post = Post.objects.create(
        workspace=channel.workspace, author=owner, idea=texts[0], category="helpful"
    )
    variant = PostVariant.objects.create(
        post=post, network=channel.network, text=texts[0], thread=texts[1:]
    )
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
    from tests.networks.x.channels import brand_texts, connect

    workspace, owner = _workspace()
    brand = connect(double, workspace)
    image = _image(workspace, owner)
    stamp = time.time_ns()
    targets = []
    for n in range(INTERRUPTED):
        texts = [f"Fournée {stamp}-{n} : le levain du jour."]
        if n % 3 == 2:
            texts.append(f"Suite {stamp}-{n} : il a levé toute la nuit.")
        media = image if n % 3 == 1 else None
        targets.append((texts, _target(brand.channel, owner, texts, timezone.now(), media)))
    killed = 0
    for _texts, target in targets:  # one worker killed per publish, each after the send
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
    said = brand_texts(double, brand)
    for texts, target in targets:
        target.refresh_from_db()
        for text in texts:
            found = sum(text in s for s in said)
            duplicates += max(0, found - 1)
            lost += found == 0
        lost += not target.remote_id
        for_a_person += target.status != TargetStatus.PUBLISHED
    return [
        {"name": "x_interrupted_duplicates", "value": duplicates, "unit": "posts"},
        {"name": "x_interrupted_lost", "value": lost, "unit": "posts"},
        {"name": "x_interrupted_for_a_person", "value": for_a_person, "unit": "posts"},
    ]


if __name__ == "__main__":
    sys.exit(main())
