"""Connecting an X account with the instance's own X app (OAuth 2.0 with PKCE:
networks/x/oauth.py), one workspace per account as for Meta's (channels/meta.py).

The PKCE verifier waits in the person's session with the state until X sends them back; the
tokens are kept only encrypted, on the channel. X's access tokens live two hours and are
refreshed when used (networks/x/tokens.py), so the channel has no expiry date to watch.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from palabre.accounts.models import Workspace
from palabre.channels.meta import _refused, _unreachable, channel_connect_account
from palabre.channels.models import Channel, GrantApp
from palabre.channels.services import ConnectRefused
from palabre.networks.base import AuthExpired, ConnectorError, Rejected


@dataclass(frozen=True)
class XStart:
    url: str  # X's authorization page
    verifier: str  # the PKCE code verifier: the session keeps it until the callback


def x_not_configured_text() -> str:
    return _("X cannot be connected yet: whoever installed Palabre must first register it with X.")


def x_setup_text() -> str:
    return _(
        "X: create an X app with OAuth 2.0 and set PALABRE_X_CLIENT_ID and "
        "PALABRE_X_CLIENT_SECRET (docs/networks/x.md explains each step)."
    )


def x_connect_start(*, redirect_uri: str, state: str) -> XStart:
    from palabre.networks.x import oauth

    if not oauth.configured():
        raise ConnectRefused(x_not_configured_text())
    verifier, challenge = oauth.pkce_pair()
    url = oauth.authorize_url(redirect_uri=redirect_uri, state=state, code_challenge=challenge)
    return XStart(url, verifier)


def x_connect_finish(
    *, workspace: Workspace, code: str, redirect_uri: str, verifier: str
) -> Channel:
    """The X account behind `code` becomes (or reconnects) a channel of `workspace`.
    HeldElsewhere when another workspace has it."""
    from palabre.networks.x import oauth

    try:
        token = oauth.code_exchange(code=code, redirect_uri=redirect_uri, code_verifier=verifier)
        account = oauth.account_me(access_token=token.access_token)
    except (AuthExpired, Rejected):
        raise _refused("X") from None
    except ConnectorError:
        raise _unreachable("X") from None
    return channel_connect_account(
        workspace=workspace,
        connector="x",
        account_id=account.user_id,
        name=account.name,
        handle="@" + account.username,
        credentials={**token.credentials(), "user_id": account.user_id},
        app=GrantApp.X,
        granted_by=account.user_id,
    )
