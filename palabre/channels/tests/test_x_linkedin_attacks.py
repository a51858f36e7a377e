"""A hostile member or a hostile page against the X and LinkedIn connect flows and the X
settings: who may do what, another person's authorization, replays, other workspaces."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from palabre.accounts.models import User
from palabre.channels.models import Channel
from palabre.networks.x.tests.consent import x_consent

CHANNELS = "/w/lumiere/settings/channels/"


@pytest.fixture
def site(settings: Any, x_double: Any) -> None:
    settings.SITE_URL = "https://palabre.example.org"
    User.objects.all().update(language="en")


@pytest.mark.parametrize("name", ["erin", "carl", "anna", "nina"])
def test_only_owners_and_managers_connect_or_set_polling(
    client: Client, cast: Any, site: None, name: str
) -> None:
    channel = Channel.objects.create(workspace=cast.workspace, network="x", connector="x", name="X")
    client.force_login(cast.users[name])
    assert client.post(f"{CHANNELS}x/").status_code == 403
    assert client.post(f"{CHANNELS}linkedin/").status_code == 403
    answer = client.post(f"{CHANNELS}{channel.pk}/poll/", {"poll_minutes": "1"})
    assert answer.status_code == 403
    channel.refresh_from_db()
    assert channel.poll_minutes is None


def test_another_workspaces_channel_answers_404(client: Client, cast: Any, site: None) -> None:
    theirs = Channel.objects.create(
        workspace=cast.other_workspace, network="x", connector="x", name="Theirs"
    )
    client.force_login(cast.alice)
    answer = client.post(f"{CHANNELS}{theirs.pk}/poll/", {"poll_minutes": "1"})
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.poll_minutes is None


def test_a_callback_replayed_connects_nothing_more(
    client: Client, cast: Any, site: None, x_double: Any
) -> None:
    client.force_login(cast.alice)
    started = client.post(f"{CHANNELS}x/")
    back = x_consent(started["Location"], user=x_double.user("lumiere")).removeprefix(
        settings.SITE_URL
    )
    client.get(back)
    assert Channel.objects.filter(connector="x").count() == 1
    Channel.objects.filter(connector="x").delete()
    assert client.get(back)["Location"] == "/"  # the state is spent
    assert not Channel.objects.filter(connector="x").exists()


def test_someone_elses_authorization_lands_nowhere(
    client: Client, cast: Any, site: None, x_double: Any
) -> None:
    """Charlie (another workspace) starts connecting and sends alice his way back: alice's
    session holds no such state, so nothing is connected to either workspace."""
    charlie = Client()
    charlie.force_login(cast.charlie)
    started = charlie.post("/w/ailleurs/settings/channels/x/")
    back = x_consent(started["Location"], user=x_double.user("charlie_brand")).removeprefix(
        settings.SITE_URL
    )
    client.force_login(cast.alice)
    client.post(f"{CHANNELS}x/")  # alice has a connect of her own under way
    assert client.get(back)["Location"] == "/"
    assert not Channel.objects.filter(connector="x").exists()
