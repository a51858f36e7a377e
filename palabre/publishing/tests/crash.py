"""The SIGKILL scenarios, for any connected channel.

A real `palabre worker` is killed at a fault point (lib/faults.py); the dead worker's lease
runs out and other workers take over until the row is settled. The network must then hold
each piece exactly once and Palabre its remote id: 0 duplicates, 0 lost, 0 left for a
person.

`count(text)` says how many of the channel's posts on the network contain `text` (its
answers included). The forgetful test network runs them in test_crash.py; a channel on any
other network (Mastodon on Takahē or mastodon-mock) runs the same scenarios, giving the
worker processes what they need in `env` (their environment is the test's, plus this:
PALABRE_OUTBOUND_ALLOWED_HOSTS for a loopback server, its private CA…; settings changed
inside the test process do not reach them). The channel's workspace must not require
approval.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.db.models import Model
from django.utils import timezone

from palabre.accounts.models import User
from palabre.channels.models import Channel
from palabre.inbox.models import Interaction, Reply, ReplyStatus
from palabre.inbox.services import interaction_reply
from palabre.publishing.models import MediaItem, PostTarget, TargetStatus
from palabre.publishing.publisher import post_publish_now
from palabre.publishing.services import post_create
from palabre.worker.tests.processes import WORKER, run_worker

Count = Callable[[str], int]
R = TypeVar("R", PostTarget, Reply)


def publish_through_a_kill(
    channel: Channel,
    count: Count,
    *,
    fault: str,
    parts: int = 0,
    first_comment: bool = False,
    media: Sequence[MediaItem] = (),
    worker: Sequence[str] = WORKER,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> PostTarget:
    """A post (with `parts` thread parts, maybe a first comment, and `media` from the
    channel's workspace library) published on `channel` by a worker killed at `fault`, then
    by others until it is settled."""
    marker = uuid.uuid4().hex[:10]
    texts = [f"Fournée {marker} : le levain du jour."]
    texts += [f"Partie {n} de la fournée {marker}." for n in range(2, parts + 2)]
    comment = f"Recettes de la fournée {marker} : demandez-les en boutique."
    target = _scheduled(channel, texts, comment if first_comment else "", media)

    workers = _Workers(worker, dict(env or {}))
    workers.killed_at(fault)
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHING and target.attempted_at, "killed mid-send"
    _lease_runs_out(target)
    workers.until(target, lambda t: t.status != TargetStatus.PUBLISHING, timeout)

    sent = texts + ([comment] if first_comment else [])
    assert {text: count(text) for text in sent} == dict.fromkeys(sent, 1)  # none twice, none lost
    assert (target.status, target.error) == (TargetStatus.PUBLISHED, "")  # none for a person
    assert target.remote_id and len(target.part_ids) == parts
    assert bool(target.comment_id) == first_comment
    return target


def answer_through_a_kill(
    interaction: Interaction,
    count: Count,
    *,
    fault: str = "reply.after_network",
    worker: Sequence[str] = WORKER,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> Reply:
    """An answer to `interaction` sent by a worker killed at `fault`, then by others until it
    is settled."""
    text = f"Merci pour votre message, réponse {uuid.uuid4().hex[:10]}."
    author = User.objects.create_user(f"crash-{uuid.uuid4().hex[:10]}@example.com", "x")
    reply = interaction_reply(interaction=interaction, actor=author, text=text)

    workers = _Workers(worker, dict(env or {}))
    workers.killed_at(fault)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.QUEUED and reply.attempted_at, "killed mid-send"
    _lease_runs_out(reply)
    workers.until(reply, lambda r: r.status != ReplyStatus.QUEUED, timeout)

    assert count(text) == 1  # not twice to the customer, nor never
    assert (reply.status, reply.error) == (ReplyStatus.SENT, "")
    assert reply.remote_id
    return reply


def _scheduled(
    channel: Channel, texts: list[str], comment: str, media: Sequence[MediaItem] = ()
) -> PostTarget:
    author = User.objects.create_user(f"crash-{uuid.uuid4().hex[:10]}@example.com", "x")
    post = post_create(
        workspace=channel.workspace,
        author=author,
        idea=texts[0],
        category="helpful",
        networks=[channel.network],
    )
    variant = post.variants.get()
    variant.channels.set([channel])  # this channel only, whatever others the workspace has
    variant.thread, variant.first_comment = texts[1:], comment
    variant.instagram_format = "carousel" if len(media) > 1 else "feed"
    variant.save(update_fields=["thread", "first_comment", "instagram_format"])
    variant.media.set(media)
    [target] = post_publish_now(post=post)
    return target


def _lease_runs_out(row: Model) -> None:
    """What time does to a dead worker's claim, without waiting for it."""
    expired = timezone.now() - timedelta(seconds=1)
    type(row)._default_manager.filter(pk=row.pk).update(claimed_until=expired)


@dataclass(frozen=True)
class _Workers:
    command: Sequence[str]
    env: dict[str, str]  # what the network needs (allowed hosts, a private CA)

    def killed_at(self, fault: str) -> None:
        killed = run_worker(worker=self.command, **self.env, PALABRE_FAULT=fault)
        assert killed.returncode == -signal.SIGKILL, (
            f"not killed at {fault}: {killed.stderr[-2000:]}"
        )

    def until(self, row: R, settled: Callable[[R], bool], timeout: float) -> None:
        """Workers, one after another, until `row` is settled; between them, the wait the
        row asked for (a read-back too soon to trust, a backoff)."""
        deadline = time.monotonic() + timeout
        while True:
            done = run_worker(worker=self.command, **self.env)
            assert done.returncode == 0, done.stderr[-2000:]
            row.refresh_from_db()
            if settled(row):
                return
            assert time.monotonic() < deadline, f"not settled: {row.__dict__}"
            due = row.next_attempt_at or timezone.now()
            time.sleep(min(max((due - timezone.now()).total_seconds(), 0.2), 10))
