"""Connecting Facebook Pages, Instagram professional accounts and Threads accounts, and what
Meta tells Palabre afterwards about the person who connected them.

- An account is a channel of one workspace per instance (`Channel.account_id`, the
  `one_channel_per_account` constraint): connecting it in a second workspace connects
  nothing and says where it is, naming that workspace only to its own members (see
  `held_elsewhere_text`). Connecting it again in its own workspace reconnects it.
- Facebook Login for Business lists every Page of the person: they pick. Between the login
  and the pick, the Page tokens wait encrypted in a ConnectPending row for PENDING_FOR; the
  session only holds the row's id, and the user token is never kept (meta/login.py).
- Who connected each channel (their app-scoped id) is kept in its ChannelGrant: Meta's
  deauthorize and data-deletion callbacks name that person, not the Pages (grants.py).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import Membership, User, Workspace
from palabre.channels.grants import refresh_due
from palabre.channels.models import Channel, ChannelGrant, ConnectPending, GrantApp
from palabre.channels.services import ConnectRefused, channel_reactivate
from palabre.lib import crypto
from palabre.lib.storable import storable
from palabre.networks.base import AuthExpired, ConnectorError, Rejected
from palabre.networks.meta.login import Account

log = logging.getLogger("palabre.channels")

PENDING_FOR = timedelta(minutes=15)


class HeldElsewhere(Exception):
    """The account is a channel of another workspace."""

    def __init__(self, holder: Channel) -> None:
        super().__init__(holder.pk)
        self.holder = holder


def _refused(service: str) -> ConnectRefused:
    return ConnectRefused(
        _("%(service)s did not accept this authorization; start again.") % {"service": service}
    )


def _unreachable(service: str) -> ConnectRefused:
    return ConnectRefused(
        _("%(service)s could not be reached; try again in a moment.") % {"service": service}
    )


# --- One workspace per account ----------------------------------------------------------


def account_holder(*, connector: str, account_id: str) -> Channel | None:
    return (
        Channel.objects.filter(connector=connector, account_id=account_id)
        .select_related("workspace")
        .first()
    )


def held_elsewhere_text(*, holder: Channel, user: User, label: str) -> str:
    """Why an account cannot be connected here. The holding workspace is named only to its
    own members: they see its name every day already. To anyone else, a workspace's name
    can be a client's or a project's that its people keep to themselves (an agency's client
    list), and Palabre never tells outsiders that a workspace exists (permissions.py): they
    learn that the account is taken on this instance, which they must know to act, and whom
    to ask."""
    member = Membership.objects.filter(workspace_id=holder.workspace_id, user=user).exists()
    if member:
        return _(
            "%(account)s is already a channel of the workspace “%(workspace)s”: an account "
            "belongs to one workspace only. Work with it from there, or remove it there "
            "first (possible while nothing was published through it)."
        ) % {"account": label, "workspace": holder.workspace.name}
    return _(
        "%(account)s is already a channel of another workspace on this Palabre: an account "
        "belongs to one workspace only. Ask the people who connected it, or the instance's "
        "administrator, to remove it there first."
    ) % {"account": label}


@transaction.atomic
def channel_connect_account(
    *,
    workspace: Workspace,
    connector: str,
    account_id: str,
    name: str,
    handle: str,
    credentials: dict[str, str],
    app: GrantApp,
    granted_by: str,
    expires_at: datetime | None = None,
) -> Channel:
    """Create the account's channel in `workspace`, or reconnect it there (new token, active
    again, held posts released). HeldElsewhere when another workspace has it."""
    holder = account_holder(connector=connector, account_id=account_id)
    if holder is not None and holder.workspace_id != workspace.pk:
        raise HeldElsewhere(holder)
    channel = holder or Channel(
        workspace=workspace, network=connector, connector=connector, account_id=account_id
    )
    # The network's text, made storable (lib/storable.py).
    channel.name, channel.handle = storable(name)[:100], storable(handle)[:255]
    channel.credentials_expire_at = expires_at
    try:
        with transaction.atomic():  # another workspace may have taken it a moment ago
            channel.save()
    except IntegrityError:
        found = account_holder(connector=connector, account_id=account_id)
        if found is None:
            raise
        raise HeldElsewhere(found) from None
    channel.save_credentials(credentials)
    ChannelGrant.objects.update_or_create(
        channel=channel,
        defaults={
            "app": app,
            "granted_by": granted_by,
            "granted_at": timezone.now(),
            "next_attempt_at": refresh_due(expires_at),
            "attempts": 0,
            "last_error": "",
        },
    )
    channel_reactivate(channel=channel)
    channel.refresh_from_db()
    return channel


# --- Facebook Login for Business ---------------------------------------------------------


def meta_connect_start(*, redirect_uri: str, state: str) -> str:
    from palabre.networks.meta import login

    if not login.configured():
        raise ConnectRefused(meta_not_configured_text())
    return login.dialog_url(redirect_uri=redirect_uri, state=state)


def meta_not_configured_text() -> str:
    return _(
        "Facebook and Instagram cannot be connected yet: whoever installed Palabre must "
        "first register it with Meta."
    )


def meta_setup_text() -> str:
    """What whoever installed Palabre sets, in words for them (the page folds it)."""
    return _(
        "Facebook and Instagram: create a Meta app and set PALABRE_META_APP_ID, "
        "PALABRE_META_APP_SECRET and PALABRE_META_CONFIG_ID (docs/networks/meta.md explains "
        "each step)."
    )


def threads_not_configured_text() -> str:
    return _(
        "Threads cannot be connected yet: whoever installed Palabre must first register it "
        "with Meta for Threads."
    )


def threads_setup_text() -> str:
    return _(
        "Threads: add the Threads use case to a Meta app and set PALABRE_THREADS_APP_ID and "
        "PALABRE_THREADS_APP_SECRET (docs/networks/meta.md explains each step)."
    )


def meta_login_finish(
    *, workspace: Workspace, user: User, code: str, redirect_uri: str
) -> ConnectPending:
    """Exchange the code and keep, for PENDING_FOR, the accounts the person may pick."""
    from palabre.networks.meta import login

    try:
        found = login.login_finish(code=code, redirect_uri=redirect_uri)
    except (AuthExpired, Rejected):
        raise _refused("Facebook") from None
    except ConnectorError:
        raise _unreachable("Facebook") from None
    ConnectPending.objects.filter(workspace=workspace, user=user).delete()  # one at a time
    expires_at = timezone.now() + PENDING_FOR
    return ConnectPending.objects.create(
        workspace=workspace,
        user=user,
        granted_by=found.user_id,
        accounts_encrypted=crypto.encrypt(json.dumps([asdict(a) for a in found.accounts])),
        expires_at=expires_at,
        next_attempt_at=expires_at,
    )


def pending_for(*, pending_id: object, workspace: Workspace, user: User) -> ConnectPending | None:
    """The person's own pending pick in this workspace, while it lasts and can be read."""
    if not isinstance(pending_id, int):
        return None
    pending = ConnectPending.objects.filter(
        pk=pending_id, workspace=workspace, user=user, expires_at__gt=timezone.now()
    ).first()
    if pending is None or pending_accounts(pending) is None:
        return None
    return pending


def pending_accounts(pending: ConnectPending) -> list[Account] | None:
    """The accounts found; None when they can no longer be read (the encryption key was
    rotated away within these minutes: `rotate-keys` leaves these rows to expire), and the
    person logs in again."""
    try:
        rows = json.loads(crypto.decrypt(pending.accounts_encrypted))
        return [Account(**row) for row in rows]
    except (crypto.DecryptionError, ValueError, TypeError):
        return None


@dataclass(frozen=True)
class Choice:
    """One account of the picker, and where it stands on this instance."""

    key: str  # "<connector>:<account id>", the checkbox's value
    account: Account
    here: Channel | None  # already a channel of this workspace: picking it reconnects it
    elsewhere: str  # why it cannot be picked ("" when it can)


def account_label(account: Account) -> str:
    network = "Instagram" if account.connector == "instagram" else _("Facebook Page")
    return f"{account.handle if account.connector == 'instagram' else account.name} ({network})"


def pending_choices(*, pending: ConnectPending, user: User) -> list[Choice]:
    choices = []
    for account in pending_accounts(pending) or []:
        holder = account_holder(connector=account.connector, account_id=account.account_id)
        here = holder if holder and holder.workspace_id == pending.workspace_id else None
        elsewhere = ""
        if holder is not None and here is None:
            elsewhere = held_elsewhere_text(holder=holder, user=user, label=account_label(account))
        key = f"{account.connector}:{account.account_id}"
        choices.append(Choice(key, account, here, elsewhere))
    return choices


@dataclass
class Picked:
    connected: list[Channel]
    refused: list[str]


def pending_connect(*, pending: ConnectPending, user: User, keys: set[str]) -> Picked:
    """Connect the accounts picked (`keys`, as in Choice.key); nothing picked connects
    nothing. The pending row goes either way: its tokens are not kept a moment longer."""
    from palabre.networks.meta import login

    outcome = Picked([], [])
    subscribed: dict[str, bool] = {}  # page id → whether its webhooks are on
    for account in pending_accounts(pending) or []:
        if f"{account.connector}:{account.account_id}" not in keys:
            continue
        try:
            channel = channel_connect_account(
                workspace=pending.workspace,
                connector=account.connector,
                account_id=account.account_id,
                name=account.name,
                handle=account.handle,
                credentials=account.credentials(),
                app=GrantApp.META,
                granted_by=pending.granted_by,
            )
        except HeldElsewhere as held:
            label = account_label(account)
            outcome.refused.append(held_elsewhere_text(holder=held.holder, user=user, label=label))
        else:
            outcome.connected.append(channel)
            if account.page_id not in subscribed:
                subscribed[account.page_id] = login.page_subscribe(
                    page_id=account.page_id, page_token=account.page_token
                )
            ChannelGrant.objects.filter(channel=channel).update(
                webhook_subscribed=subscribed[account.page_id]
            )
    pending.delete()
    return outcome


def connect_pending_expire(pending: ConnectPending) -> None:
    """The worker's step: a pick never made is forgotten when it expires."""
    ConnectPending.objects.filter(pk=pending.pk, expires_at__lte=timezone.now()).delete()
    return None


# --- Threads -----------------------------------------------------------------------------


def threads_connect_start(*, redirect_uri: str, state: str) -> str:
    from palabre.networks.meta import threads_login

    if not threads_login.configured():
        raise ConnectRefused(threads_not_configured_text())
    return threads_login.authorize_url(redirect_uri=redirect_uri, state=state)


def threads_connect_finish(*, workspace: Workspace, code: str, redirect_uri: str) -> Channel:
    """The Threads account behind `code` becomes (or reconnects) a channel of `workspace`.
    HeldElsewhere when another workspace has it."""
    from palabre.networks.meta import threads_login

    try:
        account = threads_login.login_finish(code=code, redirect_uri=redirect_uri)
    except (AuthExpired, Rejected):
        raise _refused("Threads") from None
    except ConnectorError:
        raise _unreachable("Threads") from None
    return channel_connect_account(
        workspace=workspace,
        connector="threads",
        account_id=account.user_id,
        name=account.name,
        handle="@" + account.username,
        credentials=account.credentials(),
        app=GrantApp.THREADS,
        granted_by=account.user_id,
        expires_at=account.token.expires_at,
    )
