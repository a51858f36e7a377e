"""The demo network's simulated audience, so that a demo workspace feels alive."""

from __future__ import annotations

import os
import random
import time
from datetime import datetime, timedelta

from django.utils import timezone

from palabre.networks.base import InteractionKind
from palabre.networks.demo.models import DemoActivity, DemoPost

AUDIENCE = [
    ("@claire.m", "Claire Martin"),
    ("@yanis_b", "Yanis Benali"),
    ("@sophie.lefevre", "Sophie Lefèvre"),
    ("@hugo.cuisine", "Hugo Petit"),
    ("@amelie_rz", "Amélie Roux"),
    ("@thomas.d", "Thomas Dubois"),
]
# A young post keeps attracting likes for a few rounds, then goes quiet.
ROUNDS = 3


def _latency() -> None:
    """A real network takes time to answer; tests and benchmarks can make the demo one slow."""
    seconds = float(os.environ.get("PALABRE_DEMO_LATENCY_SECONDS", "0") or 0)
    if seconds > 0:
        time.sleep(seconds)


def demo_post_react(post: DemoPost) -> datetime | None:
    """One member of the audience likes the post; returns when the next one might."""
    _latency()
    handle, name = random.Random(post.pk * 31 + post.attempts).choice(AUDIENCE)  # noqa: S311
    DemoActivity.objects.create(
        channel_id=post.channel_id,
        kind=InteractionKind.LIKE,
        author_handle=handle,
        author_name=name,
        post=post,
    )
    if post.attempts + 1 >= ROUNDS:
        return None
    return timezone.now() + timedelta(minutes=random.randint(2, 30))  # noqa: S311
