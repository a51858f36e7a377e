"""Post created on the local Bluesky network → heard by a saved search: seconds, p95.

`palabre stream` runs, listening through the PDS's event stream (PALABRE_BLUESKY_RELAY=pds);
a workspace with a Bluesky channel has a saved search; another account posts 30 times a text
containing its term, one post every 0.7 s, while a third posts about other things ten times
a second (a network in use: bench_ingest.py's chatter, every post of which the matcher reads
too): `listen_stream_lag_p95_s`, from the network accepting the post to the Heard row being
stored (classified).

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
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
POSTS = 30


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    # The local network answers on localhost, refused by the outbound guard unless listed
    # (here and in the process this starts); the stream reads its PDS's event stream.
    os.environ.setdefault("PALABRE_OUTBOUND_ALLOWED_HOSTS", "localhost")
    os.environ["PALABRE_BLUESKY_RELAY"] = "pds"
    django.setup()
    from django.core.management import call_command

    from tests.bluesky import localnet

    call_command("migrate", verbosity=0)
    network = localnet.start()
    try:
        delays = _measure(network)
    finally:
        network.stop()
    print(json.dumps({"name": "listen_stream_lag_p95_s", "value": _p95(delays), "unit": "s"}))


def _p95(delays: list[float]) -> float:
    delays = sorted(delays)
    return round(delays[min(len(delays) - 1, round(0.95 * len(delays)))], 2)


def _measure(network: Any) -> list[float]:
    from atproto import Client, models
    from bench_ingest import _Chatter  # the same network in use

    from palabre.accounts.models import Workspace
    from palabre.channels.models import Channel
    from palabre.listening.models import Heard, Search, StreamLease
    from palabre.listening.services import search_save
    from palabre.networks.bluesky import connector as bluesky

    ours, theirs = network.accounts[0], network.accounts[1]
    workspace, _ = Workspace.objects.get_or_create(slug="bench-listen", defaults={"name": "Bench"})
    Channel.objects.filter(workspace=workspace).delete()  # an earlier run's, on its network
    Search.objects.filter(workspace=workspace).delete()
    StreamLease.objects.filter(network="bluesky").delete()  # its position on that network
    channel = Channel.objects.create(
        workspace=workspace, network="bluesky", connector="bluesky", name="Bench"
    )
    channel.save_credentials(
        bluesky.connect(
            service=network.pds, handle=ours["handle"], app_password=ours["appPassword"]
        )
    )
    term = f"fougasse{time.time_ns() % 10**6}"
    search_save(
        search=Search(workspace=workspace, name="Bench", role="topic", terms=term), seen=None
    )
    claire = Client(base_url=network.pds)
    claire.login(theirs["handle"], theirs["password"], fetch_bsky_profile=False)
    claire.me = models.AppBskyActorDefs.ProfileViewDetailed(
        did=theirs["did"], handle=theirs["handle"]
    )
    stream = subprocess.Popen(
        [sys.executable, "-m", "palabre", "stream"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    posted: dict[str, datetime] = {}
    try:
        with _Chatter(network):
            deadline = time.monotonic() + 60
            while not StreamLease.objects.filter(network="bluesky", live=True).exists():
                if time.monotonic() > deadline:
                    raise RuntimeError("the stream did not subscribe")
                time.sleep(0.2)
            for i in range(POSTS):
                sent = claire.send_post(f"Une {term} tiède ce matin, numéro {i} !")
                posted[sent.uri] = datetime.now(UTC)
                time.sleep(0.7)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if Heard.objects.filter(remote_id__in=posted).count() == POSTS:
                    break
                time.sleep(0.5)
    finally:
        stream.send_signal(signal.SIGTERM)
        stream.wait(timeout=60)
    rows = list(Heard.objects.filter(remote_id__in=posted, via="stream"))
    if len(rows) != POSTS:
        raise RuntimeError(f"only {len(rows)} of {POSTS} posts were heard")
    return [(r.heard_at - posted[r.remote_id]).total_seconds() for r in rows]


if __name__ == "__main__":
    main()
