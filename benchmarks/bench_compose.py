"""Preparing a long idea: a 10,000-character idea sent to the seven networks, variants page shown.

Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
`--profile` prints a cProfile of one run instead (the slowest functions first).
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import sys
import time

import django

RUNS = 5
# Sentences with the things the checkers look at (links, mentions, hashtags, emoji, accents),
# repeated to 10,000 characters: a long idea is pasted, not typed.
SENTENCE = (
    "Notre pain au levain bio, pétri chaque matin à la main, arrive en boutique samedi 🥖 ; "
    "merci @claire.m et https://lumiere.fr/levain pour les retours #boulangerie. "
)
IDEA = (SENTENCE * (10_000 // len(SENTENCE) + 1))[:10_000]
NETWORKS = ["x", "mastodon", "bluesky", "threads", "linkedin", "facebook", "instagram"]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, and no mail sent
    call_command("migrate", verbosity=0)
    client, slug = _workspace()
    _prepare(client, slug)  # warm: templates compiled, catalogues read
    if "--profile" in sys.argv:
        profile = cProfile.Profile()
        profile.runcall(_prepare, client, slug)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        _prepare(client, slug)
        timings.append(time.perf_counter() - started)
    value = round(sorted(timings)[len(timings) // 2], 3)
    print(json.dumps({"name": "compose_prepare_10k_s", "value": value, "unit": "s (median)"}))


def _workspace() -> tuple[object, str]:
    from django.test import Client

    from palabre.accounts.models import Membership, Role, User, Workspace
    from palabre.channels.services import channel_create_demo

    workspace, _ = Workspace.objects.get_or_create(slug="bench-compose", defaults={"name": "B"})
    user = User.objects.filter(email="bench-compose@example.com").first()
    if user is None:
        user = User.objects.create_user("bench-compose@example.com", "unused-password-42")
    Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": Role.OWNER})
    for network in NETWORKS:
        if not workspace.channels.filter(network=network).exists():
            channel_create_demo(workspace=workspace, network=network, name=network)
    client = Client()
    client.force_login(user)
    return client, workspace.slug


def _prepare(client: object, slug: str) -> None:
    """The composer's first step, as a person does it: send the idea, land on the variants."""
    from django.test import Client

    assert isinstance(client, Client)
    data = {"idea": IDEA, "category": "helpful", "networks": NETWORKS}
    response = client.post(f"/w/{slug}/compose/", data, follow=True)
    assert response.status_code == 200, response.status_code
    assert len(response.redirect_chain) == 1, "the idea was not accepted"


if __name__ == "__main__":
    sys.exit(main())
