"""Reply posted on the local Bluesky network → classified in the inbox: seconds, p95.

One `palabre worker` process runs with the default poll interval; another account
replies 40 times under a post Palabre published, one reply every 0.7 s. The delay is
from the network accepting the reply to the inbox row being stored, classified.
Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPLIES = 40


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
        result = _measure(network)
    finally:
        network.stop()
    print(json.dumps(result))


def _measure(network) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from atproto import Client, models

    from palabre.accounts.models import Workspace
    from palabre.channels.models import Channel
    from palabre.inbox.models import Interaction
    from palabre.networks.base import OutgoingPost
    from palabre.networks.bluesky import connector as bluesky

    ours, theirs = network.accounts[0], network.accounts[1]
    workspace, _ = Workspace.objects.get_or_create(slug="bench-inbox", defaults={"name": "Bench"})
    channel = Channel.objects.create(
        workspace=workspace, network="bluesky", connector="bluesky", name="Bench"
    )
    channel.save_credentials(
        bluesky.connect(
            service=network.pds, handle=ours["handle"], app_password=ours["appPassword"]
        )
    )
    post = channel.get_connector().publish(
        OutgoingPost(
            text="Des questions ?",
            idempotency_key=f"bench-{time.time_ns()}",
            created_at=datetime.now(UTC),
        )
    )
    claire = Client(base_url=network.pds)
    claire.login(theirs["handle"], theirs["password"], fetch_bsky_profile=False)
    claire.me = models.AppBskyActorDefs.ProfileViewDetailed(
        did=theirs["did"], handle=theirs["handle"]
    )
    while not claire.get_posts([post.remote_id]).posts:  # the AppView knows our post
        time.sleep(0.2)
    repo, collection, rkey = bluesky.split_uri(post.remote_id)
    parent = claire.com.atproto.repo.get_record(
        params={"repo": repo, "collection": collection, "rkey": rkey}
    )
    ref = models.ComAtprotoRepoStrongRef.Main(uri=parent.uri, cid=parent.cid)
    reply_ref = models.AppBskyFeedPost.ReplyRef(root=ref, parent=ref)

    worker = subprocess.Popen(
        [sys.executable, "-m", "palabre", "worker"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(5)  # the worker is up and has polled once
        posted: dict[str, datetime] = {}
        for i in range(REPLIES):
            sent = claire.send_post(
                f"Question {i} : vous êtes ouverts demain ?", reply_to=reply_ref
            )
            posted[sent.uri] = datetime.now(UTC)
            time.sleep(0.7)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = Interaction.objects.filter(channel=channel, remote_id__in=posted)
            if found.exclude(model_version="").count() == REPLIES:
                break
            time.sleep(0.5)
        rows = list(Interaction.objects.filter(channel=channel, remote_id__in=posted))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    if len(rows) != REPLIES:
        raise RuntimeError(f"only {len(rows)} of {REPLIES} replies reached the inbox")
    delays = sorted((r.received_at - posted[r.remote_id]).total_seconds() for r in rows)
    p95 = delays[min(len(delays) - 1, round(0.95 * len(delays)))]
    return {"name": "ingest_to_inbox_p95_s", "value": round(p95, 2), "unit": "s"}


if __name__ == "__main__":
    sys.exit(main())
