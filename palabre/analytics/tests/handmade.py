"""A small history whose every figure was computed by hand (see test_metrics.py).

June 2026 in Europe/Paris is the period; "now" is 30 June, 12:00 UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from palabre.accounts.models import Workspace
from palabre.analytics.models import ChannelDay, PostStat
from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Contact, Identity, Interaction
from palabre.publishing.models import Post, PostTarget, PostVariant

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class History:
    a: Channel
    b: Channel
    targets: dict[str, PostTarget]
    people: dict[str, Contact]


def published_post(
    ws: Workspace, channel: Channel, when: datetime, category: str, **counts: int | None
) -> PostTarget:
    post = Post.objects.create(workspace=ws, idea=f"post {when:%m-%d}", category=category)
    variant = PostVariant.objects.create(post=post, network=channel.network, text="texte")
    target = PostTarget.objects.create(
        post=post,
        variant=variant,
        channel=channel,
        status="published",
        publish_at=when,
        published_at=when,
        remote_id=f"r-{post.pk}",
    )
    PostStat.objects.create(
        target=target, workspace=ws, channel=channel, published_at=when, category=category, **counts
    )
    return target


def build(ws: Workspace) -> History:
    a = channel_create_demo(workspace=ws, network="mastodon", name="A")
    b = channel_create_demo(workspace=ws, network="bluesky", name="B")
    ChannelDay.objects.create(channel=a, day=date(2026, 5, 31), followers=900)
    ChannelDay.objects.create(channel=a, day=date(2026, 6, 29), followers=1000)
    ChannelDay.objects.create(channel=b, day=date(2026, 6, 30), followers=500)
    ChannelDay.objects.create(channel=a, day=date(2026, 7, 2), followers=5000)  # after the period
    targets = {
        "A0": published_post(ws, a, at(5, 20), "helpful", likes=99, followers=900),
        "A1": published_post(
            ws,
            a,
            at(6, 5),
            "helpful",
            likes=10,
            reposts=2,
            replies=5,
            quotes=1,
            reach=400,
            impressions=600,
            followers=1000,
        ),
        "A2": published_post(
            ws, a, at(6, 8), "promotional", likes=20, replies=3, quotes=1, followers=1000
        ),
        "B1": published_post(
            ws, b, at(6, 9), "helpful", likes=4, reposts=1, reach=100, followers=500
        ),
    }
    people = {
        name: Contact.objects.create(workspace=ws, name=name)
        for name in [
            "Paula",
            "Quentin",
            "Rémi",
            "Sacha",
            "Théo",
            "Ugo",
            "Vera",
            "Wanda",
            "Xavier",
            "Yves",
        ]
    }
    people["Ugo"].tags = ["customer"]
    people["Ugo"].save()
    people["Vera"].tags = ["advocate"]
    people["Vera"].save()
    ids = {
        name: Identity.objects.create(
            workspace=ws, contact=contact, network="mastodon", remote_id=name, handle=name
        )
        for name, contact in people.items()
    }
    n = iter(range(1000))

    def add(
        who: str, kind: str, when: datetime, channel: Channel = a, **extra: object
    ) -> Interaction:
        return Interaction.objects.create(
            workspace=ws,
            channel=channel,
            remote_id=f"i{next(n)}",
            kind=kind,
            identity=ids[who],
            created_at=when,
            **extra,
        )

    t = targets
    # The dialogue of June: Wanda and Xavier write; Yves insults.
    add(
        "Wanda",
        "comment",
        at(6, 10),
        target=t["A1"],
        category="question",
        needs_answer=True,
        answered_at=at(6, 10, 11),
        response_seconds=3600,
        replies_sent=1,
    )
    add(
        "Wanda",
        "comment",
        at(6, 11),
        target=t["A1"],
        category="criticism",
        needs_answer=True,
        answered_at=at(6, 11, 13),
        response_seconds=10800,
        replies_sent=2,
    )
    add("Wanda", "comment", at(6, 12), target=t["A2"], category="praise")
    add(
        "Xavier",
        "mention",
        at(6, 13),
        category="question",
        needs_answer=True,
        answered_at=at(6, 13, 10, 10),
        response_seconds=600,
        replies_sent=1,
    )
    add("Yves", "comment", at(6, 14), target=t["A2"], category="abuse", hidden=True)
    add("Wanda", "like", at(6, 12), target=t["A1"])
    add(
        "Xavier",
        "comment",
        at(6, 14),
        channel=b,
        target=t["B1"],
        category="question",
        needs_answer=True,
    )
    # Relationships over the months.
    add("Paula", "comment", at(3, 10), category="other")
    add("Paula", "like", at(4, 5))
    add("Paula", "repost", at(6, 20))
    add("Quentin", "comment", at(5, 2), category="other")
    add("Quentin", "like", at(6, 1))
    add("Quentin", "like", at(6, 15))
    add("Rémi", "like", at(6, 25))
    add("Sacha", "comment", at(1, 5), category="other")
    add("Sacha", "comment", at(2, 5), category="other")
    add("Sacha", "comment", at(3, 5), category="other")
    add("Théo", "follow", at(6, 2))
    add("Vera", "comment", at(4, 1), category="other")
    add("Vera", "comment", at(5, 1), category="other")
    add("Vera", "like", at(6, 10))
    return History(a, b, targets, people)
