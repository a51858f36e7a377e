"""Connecting LinkedIn organization pages through LinkedIn's sign-in (3-legged OAuth) with
the instance's own app, picking which pages the member administers become channels, and
keeping the token alive: refreshed before its 60 days where LinkedIn granted a refresh
token, otherwise the owners told 7 days before it expires. Against the LinkedIn double."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from palabre.accounts.models import User
from palabre.channels.grants import REFRESH_AHEAD, TELL_AHEAD
from palabre.channels.jobs import JOBS
from palabre.channels.models import Channel, ChannelGrant, ChannelStatus, ConnectPending
from palabre.publishing.models import Notice
from palabre.worker.jobs import claim, run_claimed

CHANNELS = "/w/lumiere/settings/channels/"
PICK = f"{CHANNELS}linkedin/pick/"
REFRESH = next(job for job in JOBS if job.name == "channels-token-refresh")


@pytest.fixture
def owner(client: Client, cast: Any, linkedin_double: Any, settings: Any) -> Client:
    settings.SITE_URL = "https://palabre.example.org"
    User.objects.all().update(language="en")
    client.force_login(cast.alice)
    return client


def sign_in(client: Client, double: Any, member: Any, *, allow: bool = True) -> Any:
    """Palabre's button, LinkedIn's consent page (the double's), back to the callback."""
    started = client.post(f"{CHANNELS}linkedin/")
    assert started.status_code == 302, started
    query = {k: v[0] for k, v in parse_qs(urlsplit(started["Location"]).query).items()}
    consent = {**query, "member": member.urn, "decision": "allow" if allow else "cancel"}
    back = httpx.get(f"{double.login_url}/oauth/v2/consent?{urlencode(consent)}")
    assert back.status_code == 302, back.text
    location = back.headers["location"]
    assert location.startswith(settings.SITE_URL + "/channels/linkedin/callback/?")
    return client.get(location.removeprefix(settings.SITE_URL))


def said(client: Client) -> str:
    return html.unescape(client.get(CHANNELS).content.decode())


def test_the_sign_in_asks_for_the_organization_scopes(owner: Client, linkedin_double: Any) -> None:
    location = owner.post(f"{CHANNELS}linkedin/")["Location"]
    assert location.startswith(f"{linkedin_double.login_url}/oauth/v2/authorization?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["client_id"] == settings.PALABRE_LINKEDIN_CLIENT_ID
    assert query["redirect_uri"] == "https://palabre.example.org/channels/linkedin/callback/"
    assert query["response_type"] == "code" and len(query["state"]) >= 20
    assert query["scope"].split() == [
        "w_organization_social",
        "r_organization_social",
        "rw_organization_admin",
    ]


def test_without_the_apps_settings_the_button_says_what_to_set(
    owner: Client, settings: Any
) -> None:
    settings.PALABRE_LINKEDIN_CLIENT_ID = ""
    page = said(owner)
    assert "PALABRE_LINKEDIN_CLIENT_ID" in page
    response = owner.post(f"{CHANNELS}linkedin/")
    assert response["Location"] == CHANNELS
    assert "LinkedIn cannot be connected yet" in said(owner)


def test_pick_which_administered_pages_become_channels(
    owner: Client, cast: Any, linkedin_double: Any
) -> None:
    admin = linkedin_double.member("Brigitte Boulanger")
    bakery = linkedin_double.organization(admin, "Boulangerie Lumière", vanity="lumiere")
    school = linkedin_double.organization(admin, "École du pain")
    linkedin_double.organization(admin, "Un autre", role="CONTENT_ADMINISTRATOR")
    answer = sign_in(owner, linkedin_double, admin)
    assert answer["Location"] == PICK
    page = html.unescape(owner.get(PICK).content.decode())
    assert "Boulangerie Lumière" in page and "École du pain" in page
    assert "Un autre" not in page  # a content admin cannot connect it
    pending = ConnectPending.objects.get()
    assert admin.urn not in pending.accounts_encrypted  # encrypted at rest
    response = owner.post(PICK, {"organization": [bakery.urn]})
    assert response["Location"] == CHANNELS
    channel = Channel.objects.get()
    assert (channel.workspace, channel.network, channel.connector) == (
        cast.workspace,
        "linkedin",
        "linkedin",
    )
    assert (channel.account_id, channel.name, channel.handle) == (
        bakery.urn,
        "Boulangerie Lumière",
        "lumiere",
    )
    credentials = channel.credentials
    assert credentials["organization"] == bakery.urn
    assert credentials["access_token"].startswith("AQV")
    assert credentials["refresh_token"].startswith("AQX")
    assert not ConnectPending.objects.exists()
    expires = channel.credentials_expire_at
    assert expires is not None
    assert abs((expires - timezone.now()) - timedelta(days=60)) < timedelta(minutes=1)
    grant = ChannelGrant.objects.get()
    assert (grant.app, grant.granted_by) == ("linkedin", admin.urn)
    assert grant.next_attempt_at == expires - REFRESH_AHEAD
    page = said(owner)
    assert "Connected: Boulangerie Lumière." in page
    assert "LinkedIn access until" in page and "renewed by Palabre two weeks before" in page
    assert not Channel.objects.filter(account_id=school.urn).exists()
    # The channel works: the connector reads the organization's followers with it.
    assert channel.get_connector().account_metrics().followers == 0


def test_a_page_of_another_workspace_cannot_be_picked(
    owner: Client, cast: Any, linkedin_double: Any
) -> None:
    admin = linkedin_double.member("Bastien")
    taken = linkedin_double.organization(admin, "Prise ailleurs")
    Channel.objects.create(
        workspace=cast.other_workspace,
        network="linkedin",
        connector="linkedin",
        name="Prise ailleurs",
        account_id=taken.urn,
    )
    sign_in(owner, linkedin_double, admin)
    page = html.unescape(owner.get(PICK).content.decode())
    assert "already a channel of another workspace" in page
    assert "None of these pages can be connected here." in page
    owner.post(PICK, {"organization": [taken.urn]})
    assert not Channel.objects.filter(workspace=cast.workspace).exists()


def test_cancelling_on_linkedin_connects_nothing(owner: Client, linkedin_double: Any) -> None:
    admin = linkedin_double.member("Timide")
    linkedin_double.organization(admin, "Timide SARL")
    sign_in(owner, linkedin_double, admin, allow=False)
    assert "Cancelled in the LinkedIn window; nothing was connected." in said(owner)
    assert not Channel.objects.exists() and not ConnectPending.objects.exists()


def test_a_forged_callback_connects_nothing(owner: Client) -> None:
    owner.post(f"{CHANNELS}linkedin/")
    answer = owner.get("/channels/linkedin/callback/?code=abc&state=forged")
    assert answer["Location"] == "/"
    assert not ConnectPending.objects.exists()


def test_a_refused_code_is_said_plainly(owner: Client, linkedin_double: Any) -> None:
    started = owner.post(f"{CHANNELS}linkedin/")
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    owner.get(f"/channels/linkedin/callback/?code=not-a-code&state={state}")
    assert "LinkedIn did not accept this authorization; start again." in said(owner)
    assert not ConnectPending.objects.exists()


# --- The worker keeps the token alive -------------------------------------------------------


def run_refresh() -> int:
    rows = claim(REFRESH, worker_id="test", limit=10)
    for row in rows:
        run_claimed(REFRESH, row)
    return len(rows)


def _connected(owner: Client, double: Any, name: str) -> Channel:
    admin = double.member(name)
    org = double.organization(admin, f"{name} SAS")
    sign_in(owner, double, admin)
    owner.post(PICK, {"organization": [org.urn]})
    return Channel.objects.get(account_id=org.urn)


def test_a_refresh_token_renews_the_access_before_its_60_days(
    owner: Client, linkedin_double: Any
) -> None:
    channel = _connected(owner, linkedin_double, "Renouvelle")
    assert run_refresh() == 0  # not due yet
    old = channel.credentials["access_token"]
    refresh = channel.credentials["refresh_token"]
    linkedin_double.world.offset += 47 * 86400  # LinkedIn's clock: 47 days later
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    Channel.objects.filter(pk=channel.pk).update(
        credentials_expire_at=timezone.now() + timedelta(days=13)
    )
    assert run_refresh() == 1
    channel.refresh_from_db()
    assert channel.credentials["access_token"] != old
    assert channel.credentials["refresh_token"] == refresh  # LinkedIn gives it back unchanged
    assert channel.credentials_expire_at is not None
    assert channel.credentials_expire_at > timezone.now() + timedelta(days=59)
    assert (
        ChannelGrant.objects.get().next_attempt_at == channel.credentials_expire_at - REFRESH_AHEAD
    )
    assert channel.status == ChannelStatus.ACTIVE
    assert not Notice.objects.exists()


def test_without_a_refresh_token_the_owners_are_told_7_days_before(
    owner: Client, cast: Any, linkedin_double: Any
) -> None:
    linkedin_double.grant_refresh_tokens = False  # most apps get none
    channel = _connected(owner, linkedin_double, "Sans refresh")
    assert "refresh_token" not in channel.credentials
    assert "LinkedIn gives this instance's app no way to renew it" in said(owner)
    expires = channel.credentials_expire_at
    grant = ChannelGrant.objects.get()
    assert grant.next_attempt_at == expires - TELL_AHEAD
    assert run_refresh() == 0
    # Seven days before: told once, then looked at again when it expires.
    Channel.objects.filter(pk=channel.pk).update(
        credentials_expire_at=timezone.now() + timedelta(days=7)
    )
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    assert run_refresh() == 1
    told = Notice.objects.filter(user=cast.alice, text__contains="Sans refresh SAS")
    assert told.count() == 1
    assert "Reconnect the page before then" in told.get().text
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE
    grant.refresh_from_db()
    assert grant.next_attempt_at == channel.credentials_expire_at
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    run_refresh()
    assert told.count() == 1  # not told twice
    # At its expiry the channel needs reconnecting (and the owners hear it again, as such).
    Channel.objects.filter(pk=channel.pk).update(
        credentials_expire_at=timezone.now() - timedelta(seconds=1)
    )
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    run_refresh()
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.NEEDS_RECONNECT
    assert "expired" in channel.status_reason


def test_a_refresh_token_linkedin_refuses_falls_back_to_telling(
    owner: Client, cast: Any, linkedin_double: Any
) -> None:
    channel = _connected(owner, linkedin_double, "Refus")
    credentials = channel.credentials
    channel.save_credentials({**credentials, "refresh_token": "AQX-unknown"})
    Channel.objects.filter(pk=channel.pk).update(
        credentials_expire_at=timezone.now() + timedelta(days=6)
    )
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    run_refresh()
    channel.refresh_from_db()
    assert "refresh_token" not in channel.credentials
    assert channel.credentials["access_token"] == credentials["access_token"]
    assert Notice.objects.filter(user=cast.alice, text__contains="Refus SAS").count() == 1
    assert channel.status == ChannelStatus.ACTIVE


def test_reconnecting_gives_a_fresh_token_and_clears_the_notice_state(
    owner: Client, linkedin_double: Any
) -> None:
    linkedin_double.grant_refresh_tokens = False
    admin = linkedin_double.member("Revient")
    org = linkedin_double.organization(admin, "Revient SAS")
    sign_in(owner, linkedin_double, admin)
    owner.post(PICK, {"organization": [org.urn]})
    channel = Channel.objects.get()
    channel.save_credentials({**channel.credentials, "expiry_told": "x"})
    Channel.objects.filter(pk=channel.pk).update(status=ChannelStatus.NEEDS_RECONNECT)
    sign_in(owner, linkedin_double, admin)
    page = html.unescape(owner.get(PICK).content.decode())
    assert "needs reconnecting: ticked, it is reconnected" in page
    owner.post(PICK, {"organization": [org.urn]})
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE
    assert "expiry_told" not in channel.credentials
    assert Channel.objects.count() == 1


def test_a_refresh_token_in_its_last_days_is_not_used_and_the_owners_are_told(
    owner: Client, cast: Any, linkedin_double: Any
) -> None:
    """A refresh token keeps its first 365 days: near their end, the access it would give
    ends with it, so refreshing gains nothing and the owners are told instead."""
    channel = _connected(owner, linkedin_double, "Fin de bail")
    ends = timezone.now() + timedelta(days=5)
    channel.save_credentials({**channel.credentials, "refresh_expires_at": ends.isoformat()})
    Channel.objects.filter(pk=channel.pk).update(credentials_expire_at=ends)
    old = channel.credentials["access_token"]
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    assert run_refresh() == 1
    channel.refresh_from_db()
    assert channel.credentials["access_token"] == old
    assert Notice.objects.filter(user=cast.alice, text__contains="Fin de bail SAS").count() == 1
    assert ChannelGrant.objects.get().next_attempt_at == ends


def test_what_connecting_and_refreshing_send_fits_linkedins_documented_shapes(
    owner: Client, linkedin_double: Any
) -> None:
    """Palabre's own OAuth exchange, refresh and pick step (networks/linkedin/oauth.py),
    checked strictly by the double's fidelity check against LinkedIn's documented shapes."""
    from tests.networks.linkedin.test_fidelity import fidelity_problems

    start = len(linkedin_double.records)
    channel = _connected(owner, linkedin_double, "Fidèle")
    Channel.objects.filter(pk=channel.pk).update(
        credentials_expire_at=timezone.now() + timedelta(days=10)
    )
    ChannelGrant.objects.update(next_attempt_at=timezone.now())
    assert run_refresh() == 1
    records = [r for r in linkedin_double.records[start:] if r.key != "oauth.consent"]
    keys = [r.key for r in records]
    assert keys.count("oauth.token") == 2  # the code, then the refresh
    assert {"organization_acls", "organizations.get"} <= set(keys)
    assert fidelity_problems(records) == []


@pytest.mark.parametrize(
    ("key", "status", "kind"),
    [
        ("oauth.token", 503, "status"),
        ("oauth.token", 200, "malformed"),
        ("organization_acls", 500, "status"),
    ],
)
def test_linkedin_unavailable_while_connecting_says_try_again(
    owner: Client, linkedin_double: Any, key: str, status: int, kind: str
) -> None:
    admin = linkedin_double.member("Patient")
    linkedin_double.organization(admin, "Patient SAS")
    linkedin_double.fail(key, status, kind=kind)
    sign_in(owner, linkedin_double, admin)
    assert "LinkedIn could not be reached; try again in a moment." in said(owner)
    assert not ConnectPending.objects.exists() and not Channel.objects.exists()


def test_a_token_answer_without_its_lifetime_is_not_taken() -> None:
    from palabre.networks.base import Unavailable
    from palabre.networks.linkedin.oauth import _grant

    with pytest.raises(Unavailable):
        _grant({"access_token": "AQV1"})
    with pytest.raises(Unavailable):
        _grant({"access_token": "AQV1", "expires_in": "5184000"})
    grant = _grant({"access_token": "AQV1", "expires_in": 5184000, "refresh_token": "AQX"})
    assert grant.refresh_token == "AQX" and grant.refresh_expires_at is None
    assert grant.credentials() == {"access_token": "AQV1", "refresh_token": "AQX"}
