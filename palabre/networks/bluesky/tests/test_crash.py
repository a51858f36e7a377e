"""Acceptance: the publishing process dies (SIGKILL) right after Bluesky accepted the post and
before Palabre recorded it. The retry leaves exactly one post on the server, and Palabre
records its remote id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from atproto import Client
from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.channels.models import Channel
from palabre.networks.bluesky import connector as bluesky
from palabre.publishing import publisher
from palabre.publishing.models import PostTarget, TargetStatus
from palabre.publishing.services import post_create
from palabre.worker.tests.processes import run_worker

pytestmark = [pytest.mark.network, pytest.mark.django_db(transaction=True)]


def _posts_with_key(network, rkey: str) -> list[str]:
    account = network.accounts[0]
    client = Client(base_url=network.pds)
    records = client.com.atproto.repo.list_records(
        params={"repo": account["did"], "collection": "app.bsky.feed.post", "limit": 100}
    ).records
    return [r.uri for r in records if r.uri.endswith("/" + rkey)] + [
        r.uri
        for r in records
        if "Levain du jour (crash test)" in r.value.text and not r.uri.endswith("/" + rkey)
    ]


def test_a_publisher_killed_after_the_network_accepted_publishes_exactly_once(
    bluesky_network,
) -> None:
    account = bluesky_network.accounts[0]
    workspace = Workspace.objects.create(name="Crash", slug="crash")
    author = User.objects.create_user("crash@example.com", "x")
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
    post = post_create(
        workspace=workspace,
        author=author,
        idea="Levain du jour (crash test)",
        category="helpful",
        networks=["bluesky"],
    )
    [target] = publisher.post_publish_now(post=post)

    killed = run_worker(PALABRE_FAULT="publish.after_network")
    assert killed.returncode == -9, killed.stderr[-2000:]
    target.refresh_from_db()
    assert (target.status, target.remote_id) == (TargetStatus.PUBLISHING, "")
    rkey = bluesky.tid_for(target.idempotency_key, target.created_at)
    assert len(_posts_with_key(bluesky_network, rkey)) == 1  # the network has it

    # The dead worker's lease runs out; another worker takes the target over.
    PostTarget.objects.filter(pk=target.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    retried = run_worker()
    assert retried.returncode == 0, retried.stderr[-2000:]
    target.refresh_from_db()
    on_server = _posts_with_key(bluesky_network, rkey)
    assert on_server == [target.remote_id]
    assert target.status == TargetStatus.PUBLISHED
