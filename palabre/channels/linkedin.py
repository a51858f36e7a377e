"""Connecting LinkedIn organization pages: LinkedIn's sign-in with the instance's own app,
then the person picks which of the organizations they administer become channels.

As with Meta's (channels/meta.py): an organization is a channel of one workspace per
instance; between the sign-in and the pick, the member's token and the organizations found
wait encrypted in a ConnectPending row for PENDING_FOR (the session holds only its id).
Every channel picked keeps the member's token (LinkedIn's tokens are the member's, for every
organization they administer), and, where LinkedIn granted one, its refresh token: the
worker refreshes before the 60 days, or tells the owners 7 days before (grants.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import User, Workspace
from palabre.channels.meta import (
    PENDING_FOR,
    HeldElsewhere,
    Picked,
    _refused,
    _unreachable,
    account_holder,
    channel_connect_account,
    held_elsewhere_text,
)
from palabre.channels.models import Channel, ChannelGrant, ConnectPending, GrantApp
from palabre.channels.services import ConnectRefused
from palabre.lib import crypto
from palabre.networks.base import AuthExpired, ConnectorError, Rejected
from palabre.networks.linkedin import oauth

KIND = "linkedin"  # marks a pending row as LinkedIn's (Meta's hold a list)


def linkedin_not_configured_text() -> str:
    return _(
        "LinkedIn cannot be connected yet: whoever installed Palabre must first register it "
        "with LinkedIn."
    )


def linkedin_setup_text() -> str:
    return _(
        "LinkedIn: create a LinkedIn app with the Community Management API and set "
        "PALABRE_LINKEDIN_CLIENT_ID and PALABRE_LINKEDIN_CLIENT_SECRET "
        "(docs/networks/linkedin.md explains each step)."
    )


def linkedin_connect_start(*, redirect_uri: str, state: str) -> str:
    if not oauth.configured():
        raise ConnectRefused(linkedin_not_configured_text())
    return oauth.authorize_url(redirect_uri=redirect_uri, state=state)


def linkedin_login_finish(
    *, workspace: Workspace, user: User, code: str, redirect_uri: str
) -> ConnectPending:
    """Exchange the code, list the organizations the member administers, and keep both,
    encrypted, for PENDING_FOR while the person picks."""
    try:
        grant = oauth.code_exchange(code=code, redirect_uri=redirect_uri)
        member, organizations = oauth.administered(access_token=grant.access_token)
    except (AuthExpired, Rejected):
        raise _refused("LinkedIn") from None
    except ConnectorError:
        raise _unreachable("LinkedIn") from None
    payload = {
        "kind": KIND,
        "grant": {
            **grant.credentials(),
            "expires_at": grant.expires_at.isoformat(),
        },
        "organizations": [o.as_row() for o in organizations],
    }
    ConnectPending.objects.filter(workspace=workspace, user=user).delete()  # one at a time
    expires_at = timezone.now() + PENDING_FOR
    return ConnectPending.objects.create(
        workspace=workspace,
        user=user,
        granted_by=member[:100],
        accounts_encrypted=crypto.encrypt(json.dumps(payload)),
        expires_at=expires_at,
        next_attempt_at=expires_at,
    )


@dataclass(frozen=True)
class Found:
    credentials: dict[str, str]
    expires_at: datetime
    organizations: list[oauth.Organization]


def linkedin_pending_read(pending: ConnectPending) -> Found | None:
    """What the sign-in found; None when it is not LinkedIn's or can no longer be read
    (the encryption key was rotated away within these minutes)."""
    try:
        payload = json.loads(crypto.decrypt(pending.accounts_encrypted))
        if not isinstance(payload, dict) or payload.get("kind") != KIND:
            return None
        grant = dict(payload["grant"])
        expires_at = datetime.fromisoformat(grant.pop("expires_at"))
        organizations = [oauth.Organization(**row) for row in payload["organizations"]]
    except (crypto.DecryptionError, ValueError, TypeError, KeyError):
        return None
    return Found({str(k): str(v) for k, v in grant.items()}, expires_at, organizations)


def linkedin_pending_for(
    *, pending_id: object, workspace: Workspace, user: User
) -> ConnectPending | None:
    """The person's own pending LinkedIn pick in this workspace, while it lasts."""
    if not isinstance(pending_id, int):
        return None
    pending = ConnectPending.objects.filter(
        pk=pending_id, workspace=workspace, user=user, expires_at__gt=timezone.now()
    ).first()
    if pending is None or linkedin_pending_read(pending) is None:
        return None
    return pending


def organization_label(organization: oauth.Organization) -> str:
    return _("%(name)s (LinkedIn page)") % {"name": organization.name}


@dataclass(frozen=True)
class OrganizationChoice:
    key: str  # the organization's URN, the checkbox's value
    organization: oauth.Organization
    here: Channel | None  # already a channel of this workspace: picking it reconnects it
    elsewhere: str  # why it cannot be picked ("" when it can)


def linkedin_pending_choices(*, pending: ConnectPending, user: User) -> list[OrganizationChoice]:
    found = linkedin_pending_read(pending)
    choices = []
    for organization in found.organizations if found else []:
        holder = account_holder(connector="linkedin", account_id=organization.urn)
        here = holder if holder and holder.workspace_id == pending.workspace_id else None
        elsewhere = ""
        if holder is not None and here is None:
            label = organization_label(organization)
            elsewhere = held_elsewhere_text(holder=holder, user=user, label=label)
        choices.append(OrganizationChoice(organization.urn, organization, here, elsewhere))
    return choices


def linkedin_pending_connect(*, pending: ConnectPending, user: User, keys: set[str]) -> Picked:
    """Connect the organizations picked (their URNs); the pending row goes either way."""
    outcome = Picked([], [])
    found = linkedin_pending_read(pending)
    for organization in found.organizations if found else []:
        if organization.urn not in keys:
            continue
        assert found is not None
        try:
            channel = channel_connect_account(
                workspace=pending.workspace,
                connector="linkedin",
                account_id=organization.urn,
                name=organization.name,
                handle=organization.vanity,
                credentials={**found.credentials, "organization": organization.urn},
                app=GrantApp.LINKEDIN,
                granted_by=pending.granted_by,
                expires_at=found.expires_at,
            )
        except HeldElsewhere as held:
            label = organization_label(organization)
            outcome.refused.append(held_elsewhere_text(holder=held.holder, user=user, label=label))
        else:
            from palabre.channels.grants import linkedin_next_step

            ChannelGrant.objects.filter(channel=channel).update(
                next_attempt_at=linkedin_next_step(channel)
            )
            outcome.connected.append(channel)
    pending.delete()
    return outcome
