"""No Meta secret in a log line or on a page: tokens (the person's, the Pages', Threads'),
the app secrets and their proofs, through what a person and the worker do against the Graph
API double — connecting (Facebook, Instagram, Threads), publishing, polling, measuring,
moderating — and through the network's refusals, with every logger at DEBUG (an instance
run with LOG_LEVEL=DEBUG)."""

from __future__ import annotations

import html
import logging
from typing import Any

import pytest
from django.test import Client

from palabre.accounts.models import User
from palabre.analytics.collect import channel_daily_collect, channel_daily_ensure
from palabre.channels.models import Channel
from palabre.inbox.ingest import channel_sync_ensure, channel_sync_poll
from palabre.networks.base import ConnectorError
from palabre.networks.meta.graph import appsecret_proof
from palabre.networks.registry import connector_class
from palabre.publishing.publisher import post_publish_now, post_target_publish
from palabre.publishing.services import post_create
from tests.networks.meta.double import MetaDouble

pytestmark = pytest.mark.django_db
CHANNELS = "/w/lumiere/settings/channels/"


def _secrets(double: MetaDouble) -> set[str]:
    found = {double.app.secret, double.threads_app.secret}
    for token in double.world.tokens.values():
        found |= {token.value, appsecret_proof(token.value, double.app.secret)}
        found.add(appsecret_proof(token.value, double.threads_app.secret))
    return found


def test_no_secret_in_logs_or_pages(
    client: Client, cast: Any, meta_double: MetaDouble, caplog: Any, settings: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    settings.SITE_URL = "https://palabre.example.org"
    User.objects.all().update(language="en")
    client.force_login(cast.alice)
    pages: list[str] = []

    def seen(path: str) -> None:
        pages.append(html.unescape(client.get(path).content.decode()))

    # Connecting: Facebook Login for Business and the picker, then Threads.
    person = meta_double.person("Brigitte Boulanger")
    page = meta_double.page(person, "Boulangerie Lumière")
    ig = meta_double.instagram(page, "lumiere.boulangerie")
    started = client.post(f"{CHANNELS}meta/")
    back = meta_double.facebook_consent(started["Location"], person=person)
    client.get(back.removeprefix(settings.SITE_URL))
    seen(f"{CHANNELS}meta/pick/")
    client.post(f"{CHANNELS}meta/pick/", {"account": [f"facebook:{page.id}", f"instagram:{ig.id}"]})
    user = meta_double.threads_user("lumiere.threads")
    started = client.post(f"{CHANNELS}threads/")
    back = meta_double.threads_consent(started["Location"], user=user).split("#", 1)[0]
    client.get(back.removeprefix(settings.SITE_URL))
    seen(CHANNELS)
    assert Channel.objects.count() == 3

    # The worker: a post on Facebook and Threads, a comment polled, the day's figures.
    post = post_create(
        workspace=cast.workspace,
        author=cast.alice,
        idea="Le pain du jour est prêt.",
        category="helpful",
        networks=["facebook", "threads"],
    )
    for target in post_publish_now(post=post):
        post_target_publish(target)
    fb = Channel.objects.get(connector="facebook")
    [published] = meta_double.posts(page)
    meta_double.fan("Fanny Fan").comment(published.id, "Miam !")
    for channel in Channel.objects.all():
        channel_sync_poll(channel_sync_ensure(channel))
        channel_daily_collect(channel_daily_ensure(channel))
    seen(f"/w/lumiere/posts/{post.pk}/review/")
    seen("/w/lumiere/inbox/")

    # The network refusing: an expired token, a permission refused, a rate limit.
    connector = connector_class("facebook")(fb)
    for fault in ({"code": 190, "subcode": 463}, {"code": 200}, {"code": 4}):
        meta_double.fail("*", times=1, **fault)  # type: ignore[arg-type]
        with pytest.raises(ConnectorError):
            connector.account_metrics()
    meta_double.revoke(fb.credentials["page_token"])
    channel_sync_poll(channel_sync_ensure(fb))
    seen(CHANNELS)

    logged = caplog.text + "".join(repr(r.__dict__) for r in caplog.records)
    assert any(r.name.startswith("httpcore") for r in caplog.records)  # requests were logged
    leaked = sorted(s[:12] for s in _secrets(meta_double) if s in logged)
    assert not leaked, f"secrets in the logs: {leaked}"
    shown = "".join(pages)
    leaked = sorted(s[:12] for s in _secrets(meta_double) if s in shown)
    assert not leaked, f"secrets on pages: {leaked}"
