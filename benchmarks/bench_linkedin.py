"""Publishing on LinkedIn through its double, with real worker processes.

interrupted: 100 publishes on an organization page (text, one image with alt text, three
images, in turn), each by a `palabre worker` killed (SIGKILL) right after the double
accepted the post; then workers settle them all by reading the page back
(networks/reconcile.py). Counted on the double's own state: posts there twice
(linkedin_interrupted_duplicates), posts nowhere or not recorded (linkedin_interrupted_lost),
posts left for a person (linkedin_interrupted_for_a_person).

Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
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
INTERRUPTED = int(os.environ.get("BENCH_LINKEDIN_KILLS", "100"))


def main() -> None:
    from tests.networks.linkedin.double import LinkedInDouble

    double = LinkedInDouble().start()
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

    workspace, _ = Workspace.objects.get_or_create(
        slug="bench-linkedin", defaults={"name": "Bench LinkedIn"}
    )
    owner, _ = User.objects.get_or_create(email="linkedin@bench.example")
    Membership.objects.get_or_create(workspace=workspace, user=owner, defaults={"role": Role.OWNER})
    return workspace, owner


def _image(workspace, owner, n):  # type: ignore[no-untyped-def]
    from PIL import Image

    from palabre.publishing.media import media_store

    data = io.BytesIO()
    Image.new("RGB", (800, 800), (210, 160 + n * 20, 90)).save(data, "JPEG")
    return media_store(
        workspace=workspace,
        uploaded_by=owner,
        name=f"fournee-{n}.jpg",
        data=data.getvalue(),
        alt_text=f"Une fournée de pains, photo {n + 1}",
        tags=[],
    )


def _target(channel, owner, text, due, media):  # type: ignore[no-untyped-def]
    from palabre.publishing.models import Post, PostTarget, PostVariant

    post = Post.objects.create(
        workspace=channel.workspace, author=owner, idea=text, category="helpful"
    )
    variant = PostVariant.objects.create(post=post, network=channel.network, text=text)
    variant.media.set(media)
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
    from tests.networks.linkedin import channels

    workspace, owner = _workspace()
    connected = channels.linkedin(double, workspace)
    images = [_image(workspace, owner, n) for n in range(3)]
    media_for = [[], images[:1], images]
    stamp = time.time_ns()
    targets = []
    for n in range(INTERRUPTED):
        text = f"Fournée {stamp}-{n} : le levain (bio) du jour #pain"
        media = media_for[n % len(media_for)]
        targets.append((text, _target(connected.channel, owner, text, timezone.now(), media)))
    killed = 0
    for _text, target in targets:  # one worker killed per publish, each after the send
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
    said = channels.brand_texts(double, connected)
    for text, target in targets:
        target.refresh_from_db()
        found = sum(text in s for s in said)
        duplicates += max(0, found - 1)
        lost += found == 0 or not target.remote_id
        for_a_person += target.status != TargetStatus.PUBLISHED
    return [
        {"name": "linkedin_interrupted_duplicates", "value": duplicates, "unit": "posts"},
        {"name": "linkedin_interrupted_lost", "value": lost, "unit": "posts"},
        {"name": "linkedin_interrupted_for_a_person", "value": for_a_person, "unit": "posts"},
    ]


if __name__ == "__main__":
    sys.exit(main())
