"""A token refreshed in the background is written only over the credentials it was read
with (found by an audit: a Threads refresh under way when Meta's data-deletion request came
wrote the fresh 60-day token back into the channel Palabre had just told Meta it forgot)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from palabre.channels.grants import grants_delete_data
from palabre.channels.jobs import JOBS
from palabre.channels.models import Channel, ChannelGrant, ChannelStatus, GrantApp
from palabre.networks.meta import threads_login
from palabre.worker.jobs import claim, run_claimed

REFRESH = next(job for job in JOBS if job.name == "channels-token-refresh")


def _threads(cast) -> Channel:  # type: ignore[no-untyped-def]
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="threads",
        connector="threads",
        name="Fil",
        handle="@fil",
        status=ChannelStatus.ACTIVE,
        credentials_expire_at=timezone.now() + timedelta(days=10),
    )
    channel.save_credentials({"access_token": "T1", "user_id": "42"})
    ChannelGrant.objects.create(
        channel=channel, app=GrantApp.THREADS, granted_by="777", next_attempt_at=timezone.now()
    )
    return channel


def _refresh_while(monkeypatch, meanwhile) -> None:  # type: ignore[no-untyped-def]
    def refresh(*, access_token):  # type: ignore[no-untyped-def]
        meanwhile()
        return threads_login.Token(f"{access_token}-fresh", timezone.now() + timedelta(days=60))

    monkeypatch.setattr(threads_login, "token_refresh", refresh)
    [row] = claim(REFRESH, worker_id="W", limit=20)
    run_claimed(REFRESH, row)


def test_a_refresh_does_not_bring_back_a_token_meta_asked_forgotten(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    channel = _threads(cast)
    _refresh_while(monkeypatch, lambda: grants_delete_data(app=GrantApp.THREADS, user_id="777"))
    channel = Channel.objects.get(pk=channel.pk)
    assert channel.status == ChannelStatus.DISABLED and channel.credentials == {}


def test_a_refresh_does_not_replace_a_reconnections_token(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    channel = _threads(cast)

    def reconnected() -> None:
        Channel.objects.get(pk=channel.pk).save_credentials({"access_token": "T2", "user_id": "42"})

    _refresh_while(monkeypatch, reconnected)
    assert Channel.objects.get(pk=channel.pk).credentials["access_token"] == "T2"
    # Looked at again at once, from the token as it is now.
    _refresh_while(monkeypatch, lambda: None)
    assert Channel.objects.get(pk=channel.pk).credentials["access_token"] == "T2-fresh"


def test_a_refresh_with_nothing_changed_is_kept(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    channel = _threads(cast)
    _refresh_while(monkeypatch, lambda: None)
    channel = Channel.objects.get(pk=channel.pk)
    assert channel.credentials["access_token"] == "T1-fresh"
    assert channel.credentials_expire_at > timezone.now() + timedelta(days=59)
