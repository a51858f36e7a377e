"""The publisher under stress, against the real local Bluesky network, with real worker
processes on PostgreSQL: every post goes out, none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

import pytest
from atproto import Client
from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.channels.models import Channel
from palabre.networks.bluesky import connector as bluesky
from palabre.publishing.models import Category, Post, PostTarget, PostVariant, TargetStatus
from palabre.worker.tests.processes import WORKER, worker_env

pytestmark = [pytest.mark.network, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def channel(bluesky_network) -> Channel:
    account = bluesky_network.accounts[0]
    workspace = Workspace.objects.create(name="Fiable", slug=f"fiable-{uuid.uuid4().hex[:6]}")
    channel = Channel.objects.create(
        workspace=workspace,
        network="bluesky",
        connector="bluesky",
        name="Lumière",
        handle=account["handle"],
    )
    channel.save_credentials(
        bluesky.connect(
            service=bluesky_network.pds,
            handle=account["handle"],
            app_password=account["appPassword"],
        )
    )
    return channel


def _due_posts(channel: Channel, count: int) -> str:
    """`count` targets due now, each with its own text tagged with this run's marker."""
    marker = uuid.uuid4().hex[:8]
    author = User.objects.create_user(f"{marker}@example.com", "x")
    now = timezone.now()
    for i in range(count):
        post = Post.objects.create(
            workspace=channel.workspace, author=author, idea="x", category=Category.HELPFUL
        )
        variant = PostVariant.objects.create(
            post=post, network="bluesky", text=f"Fournée {i} [{marker}]"
        )
        PostTarget.objects.create(
            post=post, variant=variant, channel=channel, publish_at=now, next_attempt_at=now
        )
    return marker


def _on_server(network, marker: str) -> list[str]:
    client = Client(base_url=network.pds)
    texts, cursor = [], None
    while True:
        params = {
            "repo": network.accounts[0]["did"],
            "collection": "app.bsky.feed.post",
            "limit": 100,
        }
        page = client.com.atproto.repo.list_records(
            params=params | ({"cursor": cursor} if cursor else {})
        )
        texts += [r.value.text for r in page.records if f"[{marker}]" in r.value.text]
        if not page.cursor or not page.records:
            return texts
        cursor = page.cursor


def _workers(count: int, **env: str) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(
            WORKER, env=worker_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]


def _wait_published(count: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = PostTarget.objects.filter(status=TargetStatus.PUBLISHED).count()
        if done == count:
            return done
        time.sleep(0.5)
    return PostTarget.objects.filter(status=TargetStatus.PUBLISHED).count()


def _stop(workers: list[subprocess.Popen[str]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


def _assert_exactly_once(network, marker: str, count: int) -> None:
    texts = _on_server(network, marker)
    assert len(texts) == count, f"{len(texts)} posts on the server for {count} due"
    assert len(set(texts)) == count  # none twice
    targets = PostTarget.objects.all()
    assert {t.status for t in targets} == {TargetStatus.PUBLISHED}
    assert len({t.remote_id for t in targets}) == count


def test_four_workers_publish_500_due_posts_exactly_once(channel, bluesky_network) -> None:
    marker = _due_posts(channel, 500)
    workers = _workers(4)
    try:
        assert _wait_published(500, timeout=300) == 500
    finally:
        _stop(workers)
    _assert_exactly_once(bluesky_network, marker, 500)


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(channel, bluesky_network) -> None:
    marker = _due_posts(channel, 300)
    workers = _workers(4, WORKER_LEASE_SECONDS="5")
    try:
        while PostTarget.objects.filter(status=TargetStatus.PUBLISHED).count() < 60:
            time.sleep(0.1)
        os.kill(workers[0].pid, signal.SIGKILL)  # whatever it held is claimed, maybe half-sent
        assert _wait_published(300, timeout=300) == 300
    finally:
        _stop(workers)
    assert workers[0].returncode == -signal.SIGKILL
    _assert_exactly_once(bluesky_network, marker, 300)


def test_the_network_unreachable_for_30_seconds(channel, bluesky_network) -> None:
    marker = _due_posts(channel, 100)
    network_pid = bluesky_network.process.pid
    os.kill(network_pid, signal.SIGSTOP)  # connections hang, requests time out
    workers = _workers(2)
    try:
        time.sleep(30)
        assert PostTarget.objects.filter(status=TargetStatus.PUBLISHED).count() == 0
        os.kill(network_pid, signal.SIGCONT)
        assert _wait_published(100, timeout=240) == 100
    finally:
        os.kill(network_pid, signal.SIGCONT)
        _stop(workers)
    _assert_exactly_once(bluesky_network, marker, 100)
