"""The access token an X request is made with.

X's OAuth 2.0 access tokens live two hours and its refresh tokens work once: the refresh
(rotated under a row lock so that two workers never spend the same one) lives here, so that
every request goes through `access_token`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from palabre.channels.models import Channel


def access_token(channel: Channel) -> str:
    return str(channel.credentials.get("access_token", ""))
