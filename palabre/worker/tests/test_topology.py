"""Palabre as several machines run it: two web processes, two workers and one stream, each
with its own var/ directory, sharing nothing but PostgreSQL (and the keys in the
environment). A worker is killed while 500 posts go out; then 1,000 replies arrive while
members use both web processes. Every post goes out once, every reply is stored once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import httpx
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from palabre.accounts.models import Membership, Role, User, Workspace
from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Interaction
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.publishing.models import Category, Post, PostTarget, PostVariant, TargetStatus
from palabre.worker.tests.processes import STREAM, WORKER, free_port, web_server, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

POSTS = 500
REPLIES = 1000
NETWORKS = ["bluesky", "mastodon", "facebook", "linkedin"]
PASSWORD = "topology horse battery"
FAN = "@topo-fan-"  # the replies' 97 authors


class Topology:
    """The processes, each started with its own var/ directory and log file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.logs: dict[str, Path] = {}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: list[int] = []

    def env(self, name: str) -> dict[str, str]:
        var = self.root / name
        var.mkdir()
        # What the machines share besides the database: the keys (sessions, credentials).
        keys = {
            "SECRET_KEY": settings.SECRET_KEY,
            "PALABRE_ENCRYPTION_KEYS": ",".join(settings.PALABRE_ENCRYPTION_KEYS),
        }
        # Killed worker's rows back after 5 s; each channel polled every second.
        fast = {"WORKER_LEASE_SECONDS": "5", "PALABRE_INBOX_POLL_SECONDS": "1"}
        return worker_env(PALABRE_VAR_DIR=str(var), **keys, **fast)

    def log(self, name: str) -> TextIO:
        self.logs[name] = self.root / f"{name}.log"
        return self.logs[name].open("w")

    def start(self) -> None:
        for n in (1, 2):
            port = free_port()
            with self.log(f"web{n}") as log:
                env = self.env(f"web{n}") | {"DATABASE_CONN_MAX_AGE": "60"}
                self.procs[f"web{n}"] = web_server(port, env=env, workers=1, threads=2, log=log)
            self.ports.append(port)
        for name, command in [("worker1", WORKER), ("worker2", WORKER), ("stream", STREAM)]:
            self.run(name, command)

    def run(self, name: str, command: list[str]) -> None:
        with self.log(name) as log:
            self.procs[name] = subprocess.Popen(
                command, env=self.env(name), stdout=log, stderr=subprocess.STDOUT
            )

    def kill(self, name: str) -> None:
        os.kill(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait(timeout=10)

    def stop(self) -> dict[str, int | None]:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes: dict[str, int | None] = {}
        for name, proc in self.procs.items():
            try:
                codes[name] = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[name] = None
        return codes

    def tail(self) -> str:
        return "\n".join(f"== {n}\n{p.read_text()[-1500:]}" for n, p in self.logs.items())


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    topology = Topology(tmp_path)
    try:
        yield topology
    finally:
        topology.stop()


def _workspace() -> tuple[Workspace, list[Channel], User]:
    workspace = Workspace.objects.create(name="Topologie", slug="topologie")
    # The web processes check the password with the real hasher (the tests' is MD5).
    member = User.objects.create(
        email="topo@example.com",
        name="Topo",
        password=PBKDF2PasswordHasher().encode(PASSWORD, "topologysalt", iterations=1000),
    )
    Membership.objects.create(workspace=workspace, user=member, role=Role.OWNER)
    channels = [
        channel_create_demo(workspace=workspace, network=n, name=f"Topo {n}") for n in NETWORKS
    ]
    return workspace, channels, member


def _due_posts(workspace: Workspace, channels: list[Channel], marker: str) -> None:
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(workspace=workspace, idea="x", category=Category.HELPFUL) for _ in range(POSTS)
    )
    channel_of = [channels[i % len(channels)] for i in range(POSTS)]
    variants = PostVariant.objects.bulk_create(
        PostVariant(post=post, network=channel.network, text=f"Fournée {i} [{marker}]")
        for i, (post, channel) in enumerate(zip(posts, channel_of, strict=True))
    )
    PostTarget.objects.bulk_create(
        PostTarget(
            post=post,
            variant=variant,
            channel=channel,
            publish_at=now,
            next_attempt_at=now,
        )
        for post, variant, channel in zip(posts, variants, channel_of, strict=True)
    )


def _wait(until: Callable[[], bool], timeout: float, what: str, topology: Topology) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, f"{what}\n{topology.tail()}"
        time.sleep(0.2)


def _published() -> int:
    return PostTarget.objects.filter(status=TargetStatus.PUBLISHED).count()


def _assert_each_post_once(channels: list[Channel], marker: str) -> None:
    on_network = list(
        DemoPost.objects.filter(channel__in=channels, text__contains=f"[{marker}]").values_list(
            "pk", "text"
        )
    )
    texts = [text for _pk, text in on_network]
    assert len(set(texts)) == POSTS, f"lost: {POSTS - len(set(texts))}"
    assert len(texts) == POSTS, f"duplicated: {len(texts) - len(set(texts))}"
    recorded = set(PostTarget.objects.values_list("remote_id", flat=True))
    assert recorded == {f"post:{pk}" for pk, _text in on_network}
    assert set(PostTarget.objects.values_list("status", flat=True)) == {TargetStatus.PUBLISHED}


def _signed_in(port: int, email: str) -> httpx.Client:
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, timeout=30)
    client.get("/login/")
    form = {"email": email, "password": PASSWORD}
    form["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME]
    answer = client.post("/login/", data=form, headers={"Referer": f"{base}/login/"})
    assert answer.status_code == 302, answer.text[-500:]  # signed in, on to the home page
    assert settings.SESSION_COOKIE_NAME in client.cookies
    return client


def _replies(channels: list[Channel], start: int, count: int) -> list[DemoActivity]:
    posts = list(DemoPost.objects.filter(channel__in=channels, in_reply_to="").order_by("pk"))
    return DemoActivity.objects.bulk_create(
        DemoActivity(
            channel_id=posts[i % len(posts)].channel_id,
            post=posts[i % len(posts)],
            kind="comment",
            author_handle=f"{FAN}{i % 97}",
            author_name=f"Fan {i % 97}",
            text=f"Elle sort à quelle heure, la fournée ? ({i})",
        )
        for i in range(start, start + count)
    )


def test_two_webs_two_workers_a_stream_share_only_postgres(topology: Topology) -> None:
    workspace, channels, member = _workspace()
    marker = uuid.uuid4().hex[:8]
    _due_posts(workspace, channels, marker)
    topology.start()

    # Publishing: a worker killed mid-run; what it held comes back when its lease ends.
    _wait(lambda: _published() >= POSTS // 10, 60, "publishing did not start", topology)
    topology.kill("worker1")
    topology.run("worker3", WORKER)  # its replacement, as a service manager restarts it
    _wait(lambda: _published() == POSTS, 90, "not every post was published", topology)
    assert topology.procs["worker1"].returncode == -signal.SIGKILL
    _assert_each_post_once(channels, marker)

    # Ingest: replies arrive while a member, signed in on one web process, reads the inbox
    # on both (the session is in the database, signed with the shared key).
    client = _signed_in(topology.ports[0], member.email)
    inbox = f"/w/{workspace.slug}/inbox/"
    pages: list[int] = []

    def read_inbox() -> None:  # each web process in turn
        port = topology.ports[len(pages) % 2]
        pages.append(client.get(f"http://127.0.0.1:{port}{inbox}").status_code)

    try:
        sent: list[str] = []
        for start in range(0, REPLIES, 50):
            sent += [f"act:{a.pk}" for a in _replies(channels, start, 50)]
            read_inbox()
        stored = Interaction.objects.filter(channel__in=channels, remote_id__in=sent)

        def all_stored() -> bool:
            read_inbox()
            return stored.count() >= REPLIES

        _wait(all_stored, 90, "not every reply was stored", topology)
    finally:
        client.close()
    assert pages == [200] * len(pages)
    assert stored.count() == REPLIES
    assert sorted(stored.values_list("remote_id", flat=True)) == sorted(sent)

    codes = topology.stop()
    assert codes == {
        "web1": 0,
        "web2": 0,
        "worker1": -signal.SIGKILL,
        "worker2": 0,
        "stream": 0,
        "worker3": 0,
    }, topology.tail()
