"""The demo: a French bakery's workspace with one member per role and one channel per network.

Each feature adds its own realistic content here, so that `make run` shows it working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from palabre.accounts.logo import workspace_logo_set
from palabre.accounts.models import Membership, Role, User, Workspace
from palabre.accounts.services import workspace_create
from palabre.analytics.community import community_refresh
from palabre.analytics.demo import demo_analytics
from palabre.api.demo import demo_api
from palabre.channels.models import ApiUsage, Channel
from palabre.channels.services import channel_create_demo
from palabre.channels.usage import this_month
from palabre.inbox.demo import demo_inbox
from palabre.listening.demo import demo_listening
from palabre.networks.base import InteractionKind
from palabre.networks.demo.models import DemoAccount, DemoActivity, DemoPost
from palabre.networks.kinds import NETWORKS
from palabre.publishing.demo import demo_publishing, illustration
from palabre.strategy.demo import demo_strategy
from palabre.webhooks.demo import demo_webhooks

DEMO_SLUG = "boulangerie-lumiere"
DEMO_PASSWORD = "demo-palabre"  # noqa: S105 (printed on purpose: it is the demo)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role


PEOPLE = [
    DemoPerson("camille@lumiere.example", "Camille Moreau", Role.OWNER),
    DemoPerson("lucas@lumiere.example", "Lucas Garnier", Role.MANAGER),
    DemoPerson("ines@lumiere.example", "Inès Haddad", Role.EDITOR),
    DemoPerson("paul@lumiere.example", "Paul Renard", Role.CONTRIBUTOR),
    DemoPerson("helene@lumiere.example", "Hélène Bernard", Role.APPROVER),
    DemoPerson("nora@lumiere.example", "Nora Vidal", Role.ANALYST),
]

CHANNEL_NAMES = {
    "x": "Lumière sur X",
    "mastodon": "Lumière sur Mastodon",
    "bluesky": "Lumière sur Bluesky",
    "threads": "Lumière sur Threads",
    "linkedin": "Boulangerie Lumière (LinkedIn)",
    "facebook": "Page Facebook Boulangerie Lumière",
    "instagram": "@boulangerie.lumiere",
}
# The demo network plays Mastodon as Mastodon is: replies cannot be hidden there, the
# brand's account mutes, blocks or reports their author instead. It plays Meta's networks
# with what only they offer: private replies (Facebook, Instagram) and a daily quota of
# published posts (Instagram, Threads). LinkedIn cannot hide comments either: the
# organization may delete those on its own posts. X bills each request: the demo counts
# them as the X connector does, for the channel's cost estimate.
CONNECTORS = {
    "x": "demo_x",
    "mastodon": "demo_mastodon",
    "facebook": "demo_facebook",
    "instagram": "demo_instagram",
    "threads": "demo_threads",
    "linkedin": "demo_linkedin",
}
FOLLOWERS = {
    "x": 412,
    "mastodon": 138,
    "bluesky": 256,
    "threads": 301,
    "linkedin": 189,
    "facebook": 1204,
    "instagram": 2310,
}

POSTS = [
    (
        "instagram",
        "Le pain au levain bio sort du four à 7 h chaque matin. Qui passe le chercher ?",
        [
            (
                "comment",
                "@claire.m",
                "Claire Martin",
                "Il est à quelle heure le dernier, le samedi ?",
            ),
            ("comment", "@yanis_b", "Yanis Benali", "Le meilleur pain du quartier, merci !"),
        ],
    ),
    (
        "facebook",
        "Cette semaine, atelier pain pour les enfants mercredi à 15 h. Places limitées.",
        [
            (
                "comment",
                "@sophie.lefevre",
                "Sophie Lefèvre",
                "Dommage que ce soit toujours en semaine, on travaille nous…",
            )
        ],
    ),
    (
        "mastodon",
        "Nos farines viennent d'un moulin à 30 km. On vous raconte son histoire ?",
        [
            ("comment", "@hugo.cuisine@piaille.fr", "Hugo Petit", "Oui ! Quel moulin ?"),
            # A threat: hidden where the network can; Mastodon cannot, so it waits for
            # review, where mute, block and report are.
            (
                "comment",
                "@rageux@mastodon.example",
                "Rageux",
                "On s'en fout de ton moulin. Je vais te casser la gueule à la fermeture.",
            ),
        ],
    ),
    (
        "linkedin",
        "Nous recrutons un·e boulanger·ère en CDI à Lyon. Formation au levain assurée.",
        [
            ("comment", "marc-dubois", "Marc Dubois", "Quels horaires pour ce poste ?"),
            # LinkedIn cannot hide it either: it waits for review, where "delete" is.
            (
                "comment",
                "promo-credit",
                "Crédit Express",
                "Crédit rapide sans justificatif, écrivez-moi en privé !!! bit.ly/xx",
            ),
        ],
    ),
]


def demo_exists() -> bool:
    return Workspace.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def demo_create() -> Workspace:
    people = [_person(p) for p in PEOPLE]
    workspace = workspace_create(name="Boulangerie Lumière", owner=people[0])
    assert workspace.slug == DEMO_SLUG, "a workspace already took the demo's short name"
    for person, user in zip(PEOPLE[1:], people[1:], strict=True):
        Membership.objects.create(workspace=workspace, user=user, role=person.role)
    channels = {net: _channel(workspace, net) for net in NETWORKS}
    _conversations(channels)
    _x_month(workspace, channels["x"])
    demo_publishing(workspace, people[2])  # Inès, the editor
    demo_inbox(workspace)
    demo_analytics(workspace, people[2], recipients=[people[0], people[4]])  # Camille, Hélène
    demo_strategy(workspace, people)
    demo_api(workspace, people)  # Camille's n8n token, Inès's revoked trial
    demo_webhooks(workspace, people[1])  # Lucas, the manager, connected the shop's n8n flow
    demo_listening(workspace, people)  # Lucas's searches, a month heard, a spike
    # The strategy's conversions tag some people as customers: today's funnel counts them.
    community_refresh(workspace=workspace)
    # The owner's logo heads the monthly report: the bakery's loaf, drawn.
    workspace_logo_set(
        workspace=workspace,
        data=illustration((600, 200), "#2f5d50", "Boulangerie Lumière", "PNG"),
    )
    _other_workspace()
    return workspace


def _person(person: DemoPerson) -> User:
    return User.objects.create_user(person.email, DEMO_PASSWORD, name=person.name, language="fr")


def _channel(workspace: Workspace, network: str) -> Channel:
    channel = channel_create_demo(workspace=workspace, network=network, name=CHANNEL_NAMES[network])
    if network in CONNECTORS:
        channel.connector = CONNECTORS[network]
        channel.save(update_fields=["connector"])
    DemoAccount.objects.create(channel=channel, followers=FOLLOWERS[network])
    return channel


def _x_month(workspace: Workspace, channel: Channel) -> None:
    """The X channel's requests so far this month (the demo counts each new one as X bills
    it) and a monthly cap on the workspace, so that the channels screen shows both."""
    by_kind = {"post_read": 240, "user_read": 2, "post_create": 6, "media_upload": 2}
    ApiUsage.objects.create(
        channel=channel, month=this_month(), requests=sum(by_kind.values()), by_kind=by_kind
    )
    workspace.x_monthly_cap_usd = Decimal("25.00")
    workspace.save(update_fields=["x_monthly_cap_usd"])


def _conversations(channels: dict[str, Channel]) -> None:
    now = timezone.now()
    for hours_ago, (network, text, replies) in enumerate(POSTS, start=2):
        at = now - timedelta(hours=hours_ago * 5)
        post = DemoPost.objects.create(
            channel=channels[network],
            idempotency_key=f"demo-{network}",
            text=text,
            created_at=at,
            next_attempt_at=now,
        )
        for minutes, (kind, handle, name, reply) in enumerate(replies, start=1):
            DemoActivity.objects.create(
                channel=post.channel,
                kind=InteractionKind(kind),
                author_handle=handle,
                author_name=name,
                text=reply,
                post=post,
                created_at=at + timedelta(minutes=minutes * 17),
            )


def _other_workspace() -> None:
    """A second tenant, so that a person can see that another workspace stays invisible."""
    owner = User.objects.create_user(
        "jeanne@librairie.example", DEMO_PASSWORD, name="Jeanne Lambert", language="fr"
    )
    workspace_create(name="Librairie des Quais", owner=owner)
