"""Connecting, reconnecting and disconnecting channels."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.accounts.models import Membership, User, Workspace
from palabre.channels.models import Channel, ChannelStatus
from palabre.lib import outbound
from palabre.lib.excerpt import excerpt
from palabre.networks.base import AuthExpired, ConnectorError, Rejected, Unavailable
from palabre.publishing.models import GONE_OUT, Post, PostTarget


class ConnectRefused(ValueError):
    """The network refused or could not be reached; the message is for the person."""


def _unreachable(service: str) -> ConnectRefused:
    return ConnectRefused(
        _("%(service)s could not be reached; check the address and try again.")
        % {"service": service}
    )


def channel_create_demo(*, workspace: Workspace, network: str, name: str) -> Channel:
    """A channel on the built-in demo network, which follows `network`'s rules."""
    handle = "@" + workspace.slug + "." + network + ".demo"
    return Channel.objects.create(
        workspace=workspace, network=network, connector="demo", name=name, handle=handle
    )


def _over_https(address: str) -> None:
    """Credentials travel over HTTPS only: a plain http address is refused in words (a
    server the operator listed, a local one, is let through: lib/outbound.py)."""
    try:
        outbound.credentials_url_check(address)
    except outbound.OutboundRefused:
        raise ConnectRefused(
            _(
                "“%(address)s” is not an https:// address: Palabre sends an account's "
                "password or authorization over HTTPS only."
            )
            % {"address": address[:200]}
        ) from None


def channel_connect_bluesky(
    *,
    workspace: Workspace,
    service: str,
    handle: str,
    app_password: str,
    user: User,
    channel: Channel | None = None,
) -> Channel:
    """Checks the app password against the server, then creates (or reconnects) the channel.
    The account is its DID (a handle can change): a channel reconnects to its own account
    only, or what was approved for it would go out on another (`_bluesky_channel`)."""
    from palabre.networks.bluesky.connector import NotTheirAccount, connect

    _over_https(service)
    try:
        credentials = connect(service=service, handle=handle.lstrip("@"), app_password=app_password)
    except NotTheirAccount:
        raise ConnectRefused(
            _(
                "%(service)s answered for an account whose own server does not confirm it. "
                "Connect through the account's own service (bsky.social for most accounts)."
            )
            % {"service": service}
        ) from None
    except (AuthExpired, Rejected):
        raise ConnectRefused(
            _("%(service)s refused this handle and app password.") % {"service": service}
        ) from None
    except (Unavailable, ConnectorError):
        raise _unreachable(service) from None
    channel = _bluesky_channel(workspace, channel, credentials, user)
    channel.handle = "@" + credentials["handle"]
    channel.account_id = credentials["did"]
    try:
        with transaction.atomic():  # another workspace may have connected it a moment ago
            channel.save()
    except IntegrityError:
        raise _bluesky_held(credentials, user) from None
    channel.save_credentials(credentials)
    channel_reactivate(channel=channel)
    return channel


def _bluesky_channel(
    workspace: Workspace, channel: Channel | None, credentials: dict[str, str], user: User
) -> Channel:
    """The channel these credentials are for: the one being reconnected, if they are its
    account's; the account's channel here, if it has one; else a new one."""
    from palabre.channels.meta import account_holder

    did, handle = credentials["did"], credentials["handle"]
    if len(did) > Channel._meta.get_field("account_id").max_length:  # type: ignore[operator]
        # A did:web names a server the person chose: its name could be any length.
        raise ConnectRefused(_("This account's identifier is too long for Palabre to keep."))
    if channel is not None:
        # Channels connected before the DID was kept know it from their credentials, until
        # they are disconnected (then nothing is known, and the account connected is kept).
        known = channel.account_id or channel.credentials.get("did", "")
        if known and known != did:
            raise ConnectRefused(
                _(
                    "@%(handle)s is not the account of this channel (%(channel)s). Connect it "
                    "as a new channel: what was written and approved for this one must not "
                    "go out on another account."
                )
                % {"handle": handle, "channel": channel.handle}
            )
        return channel
    holder = account_holder(connector="bluesky", account_id=did)
    if holder is not None and holder.workspace_id != workspace.pk:
        raise _bluesky_held(credentials, user)
    return holder or Channel(
        workspace=workspace, network="bluesky", connector="bluesky", name=f"Bluesky {handle}"
    )


def _bluesky_held(credentials: dict[str, str], user: User) -> ConnectRefused:
    from palabre.channels.meta import account_holder, held_elsewhere_text

    holder = account_holder(connector="bluesky", account_id=credentials["did"])
    if holder is None:  # gone meanwhile: the person tries again
        return ConnectRefused(_("Something changed meanwhile; try again."))
    label = "@" + credentials["handle"]
    return ConnectRefused(held_elsewhere_text(holder=holder, user=user, label=label))


def channel_connect_mastodon_start(
    *, instance: str, redirect_uri: str, state: str
) -> tuple[int, str]:
    """Registers Palabre on the instance (once) and returns (app id, the authorization URL)."""
    from palabre.networks.mastodon import oauth

    try:
        address = oauth.normalize_instance(instance)
    except Rejected:
        raise ConnectRefused(
            _("“%(instance)s” is not a Mastodon instance Palabre can reach.")
            % {"instance": instance}
        ) from None
    _over_https(address)
    try:
        app = oauth.app_for(address, redirect_uri)
        return app.pk, oauth.authorize_url(app, state=state)
    except ConnectorError:
        # Whatever happened there, one message: it must not tell which addresses answer.
        raise _unreachable(instance) from None


def channel_connect_mastodon_finish(*, workspace: Workspace, app_id: int, code: str) -> Channel:
    from palabre.networks.mastodon import oauth
    from palabre.networks.mastodon.models import MastodonApp

    app = MastodonApp.objects.filter(pk=app_id).first()
    if app is None:  # the session names an app since removed: the sign-in starts again
        raise ConnectRefused(
            _("This authorization is no longer valid; start again from the channels.")
        )
    try:
        account = oauth.exchange(app, code=code)
    except (AuthExpired, Rejected):
        raise ConnectRefused(
            _("%(service)s did not accept this authorization; start again.")
            % {"service": app.instance}
        ) from None
    except (Unavailable, ConnectorError):
        raise _unreachable(app.instance) from None
    channel = Channel.objects.filter(
        workspace=workspace, connector="mastodon", handle=account["acct"]
    ).first()
    if channel is None:
        channel = Channel(
            workspace=workspace,
            network="mastodon",
            connector="mastodon",
            name=f"Mastodon {account['acct']}",
            handle=account["acct"],
        )
    channel.max_chars = account["max_chars"]
    channel.server = account["server"]
    channel.save()
    channel.save_credentials(
        {"instance": account["instance"], "access_token": account["access_token"]}
    )
    channel_reactivate(channel=channel)
    return channel


def channel_server_refresh(*, channel: Channel, force: bool = False) -> bool:
    """Read again what the channel's server says of itself, at most once a day (the worker's
    daily step): an upgraded or replaced server changes the limits and whether it honours
    idempotency keys. Whether anything changed; what cannot be read keeps what was known.
    Only Mastodon-compatible servers differ from one channel to another."""
    if channel.connector != "mastodon":
        return False
    from palabre.networks.mastodon import server

    if not force and not server.due(channel.server):
        return False
    credentials = channel.credentials
    if not credentials.get("instance"):
        return False  # never connected
    found = server.detect(credentials["instance"], access_token=credentials.get("access_token", ""))
    if found is None:
        return False
    changed = not server.same_server(found, channel.server)
    channel.server, channel.max_chars = found, server.max_chars(found)
    Channel.objects.filter(pk=channel.pk).update(server=found, max_chars=channel.max_chars)
    return changed


def channel_inactive_reason(channel: Channel) -> str:
    """Why nothing can be done on the network through this channel now ("" when it can):
    its credentials stopped working, or were forgotten when it was disconnected."""
    if channel.status == ChannelStatus.NEEDS_RECONNECT:
        return _("The channel needs reconnecting.")
    if channel.status != ChannelStatus.ACTIVE:
        return _("The channel is disconnected: connect it again first.")
    return ""


def channel_mark_needs_reconnect(*, channel: Channel, reason: str) -> None:
    """Credentials stopped working: posts hold until a person reconnects (channel_reactivate).
    The people who can reconnect it are told once, when a working channel stops working: the
    publisher, the inbox and the statistics all end here, and a second failure while it
    waits for them tells no one again. `reason` is the network's words, or Palabre's own as
    a gettext_noop msgid: each reader reads that in their language."""
    rows = Channel.objects.filter(pk=channel.pk)
    change = {"status": ChannelStatus.NEEDS_RECONNECT, "status_reason": reason[:500]}
    with transaction.atomic():
        stopped = rows.filter(status=ChannelStatus.ACTIVE).update(**change)
        if not stopped:
            rows.update(**change)
    if stopped:
        channel_owners_tell(channel=channel, **_needs_reconnect_notice(channel, reason))


NEEDS_RECONNECT = gettext_noop(
    "%(channel)s needs reconnecting: the network no longer accepts Palabre's access. Posts "
    "for it wait until someone reconnects it in Settings → Channels."
)
NEEDS_RECONNECT_WHY = gettext_noop(
    "%(channel)s needs reconnecting: the network no longer accepts Palabre's access "
    "(%(reason)s). Posts for it wait until someone reconnects it in Settings → Channels."
)
REASON_QUOTED = 300  # Meta's reasons run to 250 characters


def _needs_reconnect_notice(channel: Channel, reason: str) -> dict[str, Any]:
    params: dict[str, Any] = {"channel": channel_said(channel)}
    if not reason.strip():
        return {"message": NEEDS_RECONNECT, "params": params}
    # Palabre's own reasons are msgids (grants.py), said in the reader's language; a
    # network's own words are not in the catalogue and stay as the network wrote them.
    params["reason"] = {"message": excerpt(reason, REASON_QUOTED)}
    return {"message": NEEDS_RECONNECT_WHY, "params": params}


def channel_said(channel: Channel) -> dict[str, str]:
    """A channel, in a notice: its name, and its network's label in the reader's language
    unless the name says where already."""
    return {"channel": channel.name, "network": channel.network}


def channel_owners_tell(*, channel: Channel, message: str, params: dict[str, Any]) -> None:
    """A notice, and an e-mail, to each person of the workspace who may connect channels,
    in their own language, with a link to the channel in Settings → Channels."""
    from palabre.accounts.permissions import ALLOWED, Action
    from palabre.publishing.notices import notice_send

    roles = [role.value for role in ALLOWED[Action.MANAGE_CHANNELS]]
    members = Membership.objects.filter(
        workspace_id=channel.workspace_id, role__in=roles, user__is_active=True
    ).select_related("user", "workspace")
    for member in members:
        url = reverse("channel_list", args=[member.workspace.slug]) + f"#channel-{channel.pk}"
        notice_send(
            workspace=member.workspace, user=member.user, message=message, params=params, url=url
        )


@transaction.atomic
def channel_reactivate(*, channel: Channel) -> None:
    """Working again: posts held while it needed reconnecting go out now."""
    from palabre.publishing.models import PostTarget, TargetStatus

    Channel.objects.filter(pk=channel.pk).update(status=ChannelStatus.ACTIVE, status_reason="")
    PostTarget.objects.filter(channel=channel, status=TargetStatus.HELD).update(
        status=TargetStatus.SCHEDULED, next_attempt_at=timezone.now(), error=""
    )


def channel_disconnect(*, channel: Channel) -> None:
    """Forget the credentials; the channel and its history stay, disabled."""
    channel.credentials_encrypted = ""
    channel.status = ChannelStatus.DISABLED
    channel.save(update_fields=["credentials_encrypted", "status"])


class RemoveRefused(ValueError):
    """The channel cannot be removed; the message is for the person."""


def channels_gone_out(channels: QuerySet[Channel]) -> QuerySet[Channel]:
    """The channels through which something went out: a target published (or maybe
    published), or one the network gave an id. Removing them would delete that record."""
    went_out = PostTarget.objects.filter(
        Q(status__in=GONE_OUT) | ~Q(remote_id=""), channel=OuterRef("pk")
    )
    return channels.filter(Exists(went_out))


def channel_recorded_ids(*, channel: Channel) -> set[str]:
    """Every remote id Palabre recorded as its own on the channel: posts, thread parts, first
    comments, answers. Reconciliation never takes one of them for an interrupted send."""
    from palabre.inbox.models import Reply  # the inbox builds on channels, not the reverse

    recorded: set[str] = set()
    targets = PostTarget.objects.filter(channel=channel)
    for remote_id, part_ids, comment_id in targets.values_list(
        "remote_id", "part_ids", "comment_id"
    ):
        recorded.update([remote_id, comment_id, *part_ids])
    replies = Reply.objects.filter(interaction__channel=channel).exclude(remote_id="")
    recorded.update(replies.values_list("remote_id", flat=True))
    recorded.discard("")
    return recorded


def channel_remove(*, channel: Channel) -> None:
    """What went out is never lost: a channel that published anything is only disconnected
    (channel_disconnect), its history kept."""
    from palabre.publishing.workflow import post_edited  # the workflow builds on channels

    with transaction.atomic():
        locked = Channel.objects.select_for_update().filter(pk=channel.pk)
        if channels_gone_out(locked).exists():
            raise RemoveRefused(
                _(
                    "“%(name)s” cannot be removed: posts went out through it, and removing it "
                    "would erase them and their statistics. Use Disconnect instead: its "
                    "history stays."
                )
                % {"name": channel.name}
            )
        posts = list(Post.objects.filter(variants__channels=channel).distinct())
        channel.delete()
        # Its approved posts now go out elsewhere than approved: they go back to review now,
        # not at their time (the publisher would find the change then, too late to act).
        for post in posts:
            post_edited(
                post=post,
                actor=None,
                reason=_("The channel “%(name)s” was removed.") % {"name": channel.name},
            )


def channel_set_poll_minutes(*, channel: Channel, poll_minutes: int | None) -> None:
    """How often the inbox polls the channel; None: the network's default. A shorter
    interval brings the next poll forward (at most that long after the last one); a longer
    one counts from the poll already planned."""
    from palabre.inbox.ingest import poll_interval  # the inbox builds on channels
    from palabre.inbox.models import ChannelSync

    channel.poll_minutes = poll_minutes
    channel.save(update_fields=["poll_minutes"])
    sync = ChannelSync.objects.filter(channel=channel).first()
    if sync is None or sync.next_attempt_at is None:
        return
    soonest = (sync.last_polled_at or timezone.now()) + poll_interval(channel)
    if soonest < sync.next_attempt_at:
        ChannelSync.objects.filter(pk=sync.pk).update(next_attempt_at=soonest)


def channel_set_planning(
    *, channel: Channel, cadence_per_week: int | None, time_slots: list[str]
) -> None:
    channel.cadence_per_week, channel.time_slots = cadence_per_week, time_slots
    channel.save(update_fields=["cadence_per_week", "time_slots"])
