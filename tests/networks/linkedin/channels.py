"""Channels on the LinkedIn double, stored as connecting stores them: for the tests that
need a connected organization without going through the OAuth pages each time."""

from __future__ import annotations

from dataclasses import dataclass

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.networks.linkedin.text import plain
from tests.networks.linkedin.double import LinkedInDouble
from tests.networks.linkedin.state import Member, Organization


@dataclass(frozen=True)
class Connected:
    channel: Channel
    organization: Organization
    admin: Member
    token: str


def linkedin(double: LinkedInDouble, workspace: Workspace, *, followers: int = 1250) -> Connected:
    admin = double.member("Brigitte Boulanger")
    org = double.organization(admin, "Boulangerie Lumière", followers=followers)
    token = double.token(admin)
    channel = Channel.objects.create(
        workspace=workspace,
        network="linkedin",
        connector="linkedin",
        name=org.name,
        handle=org.vanity,
        account_id=org.urn,
    )
    channel.save_credentials({"organization": org.urn, "access_token": token})
    return Connected(channel, org, admin, token)


def brand_texts(double: LinkedInDouble, connected: Connected) -> list[str]:
    """Everything the organization has on LinkedIn, as the double holds it (its posts and
    its comments), as plain text; read from the double's state, never through Palabre."""
    posts = [plain(p.commentary) for p in double.posts_of(connected.organization)]
    comments = [c.text for c in double.comments_by(connected.organization.urn)]
    return posts + comments
