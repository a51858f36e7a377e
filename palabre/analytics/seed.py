"""A realistic history for a workspace: follower counts, published posts with their
counts, people and their interactions, the brand's replies and moderation, the community
funnel day by day. `palabre bench seed` builds a large one for the benchmarks; the demo
builds a small one so the reports are full.

Rows are written in bulk (COPY on PostgreSQL, executemany on SQLite): five million
interactions would take the ORM most of an hour.

The history's post targets carry HISTORY_KEY in their idempotency key, which no one sees and
nothing sends once a post is out: that is how tests (and people reading the database) tell
the history from posts published for real.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from django.db import connection, models, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from palabre.accounts.models import Membership, Role, User, Workspace
from palabre.analytics.community import (
    DRIFT_DAYS,
    ENGAGED_DAYS,
    MEMBER_INTERACTIONS,
    MEMBER_MONTHS,
    NOT_COUNTED,
    SHARE_KINDS,
    YEAR_DAYS,
    community_refresh,
)
from palabre.analytics.metrics import people_ranks_refresh
from palabre.analytics.models import ChannelDay, CommunityDay, PostStat
from palabre.analytics.rollup import month_stats_refresh
from palabre.analytics.seed_texts import PostText, PostTexts
from palabre.analytics.talk import talk_hours_refresh
from palabre.channels.models import Channel
from palabre.inbox.models import (
    Contact,
    EventAction,
    Identity,
    Interaction,
    ModerationEvent,
    NetworkStatus,
    Reply,
    ReplyStatus,
)
from palabre.lib.businesshours import business_seconds
from palabre.networks.bluesky.tid import tid_for
from palabre.networks.kinds import NETWORKS
from palabre.publishing.models import Category as PostCategory
from palabre.publishing.models import Post, PostStatus, PostTarget, PostVariant, TargetStatus
from palabre.publishing.planning import local_moment

KINDS = ["like", "repost", "quote", "follow", "comment", "mention", "message"]
KIND_SHARES = [0.55, 0.08, 0.02, 0.05, 0.22, 0.06, 0.02]
TALK = {"quote", "comment", "mention", "message"}
CATEGORIES = ["question", "criticism", "praise", "other", "abuse", "spam"]
CATEGORY_SHARES = [0.2, 0.08, 0.25, 0.4, 0.04, 0.03]
FORMATS = ["text", "link", "image", "video", "thread"]
# What this imagined audience likes: evenings, videos, helpful posts (insights find it).
FORMAT_EFFECT = {"text": 0.8, "link": 0.9, "image": 1.1, "video": 1.5, "thread": 1.0}
CATEGORY_EFFECT = {"helpful": 1.3, "entertaining": 1.1, "conversation": 1.2, "promotional": 0.7}
TEXTS = {
    "question": [
        "Vous êtes ouverts dimanche ?",
        "Il reste des baguettes tradition ce soir ?",
        "Do you take card payments?",
        "Vous faites des gâteaux sur commande ?",
    ],
    "criticism": [
        "Pas terrible la dernière fois, dommage.",
        "Trop d'attente ce matin, 15 minutes pour un pain.",
        "The croissants were a bit dry on Sunday.",
    ],
    "praise": [
        "Merci, c'était parfait !",
        "Le meilleur pain du quartier.",
        "Lovely sourdough, thank you!",
        "Bravo pour la brioche 👏",
    ],
    "other": [
        "On en parlait justement hier.",
        "Je passe demain matin.",
        "Ma grand-mère faisait pareil.",
    ],
    "abuse": ["Bande de nuls."],
    "spam": ["Gagnez 500 € par jour, lien en bio"],
}
FIRST = [
    "Maëlle",
    "Léa",
    "Hugo",
    "Nadia",
    "Yanis",
    "Sophie",
    "Marc",
    "Inès",
    "Louis",
    "Emma",
    "Sam",
    "Joanna",
    "Paul",
    "Chloé",
    "Karim",
    "Julie",
    "Tom",
    "Zoé",
    "Malik",
    "Anna",
]
LAST = [
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Kaci",
    "Lefèvre",
    "Roux",
    "Fournier",
    "Benali",
    "Rivers",
    "Baker",
    "Vidal",
    "Garnier",
    "Faure",
]


@dataclass(frozen=True)
class Plan:
    months: int = 12
    interactions: int = 5_000_000
    posts_per_week: float = 4.0
    answered_share: float = 0.7
    open_days: int = 14  # unanswered messages younger than this stay in the queue
    per_person: int = 12  # interactions per person, on average (a few people do most)
    seed: int = 7


def history_seed(
    *,
    workspace: Workspace,
    channels: Sequence[Channel],
    author: User,
    plan: Plan,
    now: datetime | None = None,
    followers: dict[int, int] | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, int]:
    """Build the history (followers: each channel's count today, drawn when not given);
    returns how many rows of each kind were written."""
    rng = np.random.default_rng(plan.seed)
    now = now or timezone.now()
    start = now - timedelta(days=round(plan.months * 30.44))
    drawn = {c.pk: int(rng.lognormal(7.5, 1.0)) + 100 for c in channels}
    followers = {**drawn, **(followers or {})}
    with transaction.atomic():
        days = _channel_days(channels, followers, start, now, rng)
        progress(f"{days} channel days")
        posts = _posts(workspace, channels, author, followers, start, now, plan, rng)
        progress(f"{sum(len(p) for p in posts.values())} posts")
    weights = np.array([followers[c.pk] for c in channels], dtype=float) ** 0.7
    per_channel = rng.multinomial(plan.interactions, weights / weights.sum())
    counts = {"channel_days": days, "posts": sum(len(p) for p in posts.values())}
    for key in ("interactions", "replies", "contacts", "moderation_events"):
        counts[key] = 0
    funnel = FunnelHistory(workspace, start, now)
    for channel, n in zip(channels, per_channel, strict=True):
        with transaction.atomic():
            made = _interactions(
                workspace, channel, int(n), posts[channel.pk], start, now, plan, rng, funnel
            )
        for key, value in made.items():
            counts[key] += value
        progress(f"{channel.name}: {made['interactions']} interactions")
    _fix_sequences([Contact, Identity, Interaction, Reply])
    progress("monthly totals and community stages")
    counts["community_days"] = funnel.write(workspace, channels)
    month_stats_refresh(workspace=workspace, since=start.astimezone(workspace.tzinfo).date())
    talk_hours_refresh(workspace=workspace, now=now)
    community_refresh(workspace=workspace, now=now)
    people_ranks_refresh(workspace=workspace, now=now)
    return counts


def history_marked(prefix: str = "") -> Q:
    """The history's post targets; `prefix` reaches them through a relation ("targets__")."""
    return Q(**{f"{prefix}idempotency_key__startswith": HISTORY_KEY})


def _channel_days(
    channels: Sequence[Channel],
    followers: dict[int, int],
    start: datetime,
    now: datetime,
    rng: np.random.Generator,
) -> int:
    rows = []
    total_days = (now.date() - start.date()).days
    for channel in channels:
        growth = rng.uniform(0.0003, 0.0012)
        count = followers[channel.pk] / (1 + growth) ** total_days
        for offset in range(total_days + 1):
            count *= 1 + growth + rng.normal(0, 0.0008)
            day = start.date() + timedelta(days=offset)
            drawn = int(count * rng.uniform(0.2, 0.4))  # drawn always: the same history
            reach = drawn if NETWORKS[channel.network].account_reach else None
            rows.append(ChannelDay(channel=channel, day=day, followers=int(count), reach=reach))
        followers[channel.pk] = int(count)
    ChannelDay.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def _posts(
    workspace: Workspace,
    channels: Sequence[Channel],
    author: User,
    followers: dict[int, int],
    start: datetime,
    now: datetime,
    plan: Plan,
    rng: np.random.Generator,
) -> dict[int, list[tuple[datetime, int]]]:
    """Published posts, one per channel each, with their counts; (time, target id) sorted."""
    tz = workspace.tzinfo
    found: dict[int, list[tuple[datetime, int]]] = {}
    categories = [c.value for c in PostCategory]
    texts = PostTexts(plan.seed)
    for channel in channels:
        weeks = (now - start).days / 7
        n = int(rng.poisson(plan.posts_per_week * weeks))
        offsets = np.sort(rng.uniform(0, (now - start).total_seconds() - 7200, n))
        specs = []
        for offset in offsets:
            moment = start + timedelta(seconds=float(offset))
            local = moment.astimezone(tz)
            # People post in the day; shift night times to the evening.
            # (Never into the future: a night near now moves to the evening before.)
            if local.hour < 7:
                later = moment + timedelta(hours=12)
                moment = later if later < now - timedelta(hours=2) else moment - timedelta(hours=12)
            category = str(rng.choice(categories, p=[0.4, 0.2, 0.2, 0.2]))
            fmt = str(rng.choice(FORMATS, p=[0.25, 0.15, 0.35, 0.15, 0.1]))
            length = int(rng.integers(30, 400))
            specs.append((moment, category, fmt, length))
        chosen = [texts.deal(channel, category, length) for _m, category, _f, length in specs]
        targets = _published(workspace, channel, author, specs, chosen)
        stats = []
        base = followers[channel.pk]
        network = NETWORKS[channel.network]
        for target, (moment, category, fmt, _length) in zip(targets, specs, strict=True):
            local = moment.astimezone(tz)
            effect = FORMAT_EFFECT[fmt] * CATEGORY_EFFECT[category]
            effect *= 1.25 if 17 <= local.hour < 21 else 1.0
            engaged = base * 0.02 * effect
            reach = int(base * rng.uniform(0.15, 0.35) * effect)
            stats.append(
                PostStat(
                    target=target,
                    workspace=workspace,
                    channel=channel,
                    published_at=moment,
                    likes=int(rng.poisson(engaged * 0.7)),
                    reposts=int(rng.poisson(engaged * 0.1)),
                    replies=int(rng.poisson(engaged * 0.15)),
                    quotes=int(rng.poisson(engaged * 0.05)) * network.counts_quotes,
                    **_network_counts(channel.network, fmt, reach),
                    followers=base,
                    collections=6,
                    collected_at=now,
                    weekday=local.weekday(),
                    hour=local.hour,
                    media_format=fmt,
                    # As the collector records it; in the band drawn (PostTexts.deal).
                    length=len(target.variant.text),
                    category=category,
                )
            )
        PostStat.objects.bulk_create(stats, batch_size=1000)
        found[channel.pk] = sorted((t.published_at, t.pk) for t in targets)  # type: ignore[misc]
    return found


def _published(
    workspace: Workspace,
    channel: Channel,
    author: User,
    specs: list[tuple[datetime, str, str, int]],
    texts: list[PostText],
) -> list[PostTarget]:
    """One channel's posts as the composer and the publisher leave them: the post, its
    variant for the channel (linked to it, which the calendar's filters read), and the
    target published there with the network's kind of id."""
    posts = Post.objects.bulk_create(
        [
            Post(
                workspace=workspace,
                author=author,
                idea=text.idea,
                category=category,
                status=PostStatus.PUBLISHED,
                publish_at=moment,
                created_at=moment - timedelta(days=2),
            )
            for (moment, category, _f, _l), text in zip(specs, texts, strict=True)
        ],
        batch_size=1000,
    )
    variants = PostVariant.objects.bulk_create(
        [
            PostVariant(post=post, network=channel.network, text=text.for_network(channel.network))
            for post, text in zip(posts, texts, strict=True)
        ],
        batch_size=1000,
    )
    link = PostVariant.channels.through
    link.objects.bulk_create(
        [link(postvariant_id=v.pk, channel_id=channel.pk) for v in variants], batch_size=1000
    )
    return PostTarget.objects.bulk_create(
        [
            _published_target(post, variant, channel, spec[0], number)
            for number, (post, variant, spec) in enumerate(zip(posts, variants, specs, strict=True))
        ],
        batch_size=1000,
    )


def _published_target(
    post: Post, variant: PostVariant, channel: Channel, moment: datetime, number: int
) -> PostTarget:
    key = HISTORY_KEY + uuid.uuid4().hex
    remote_id = _remote_id(channel, moment, number, key)
    return PostTarget(
        post=post,
        variant=variant,
        channel=channel,
        status=TargetStatus.PUBLISHED,
        publish_at=moment,
        published_at=moment,
        idempotency_key=key,
        remote_id=remote_id,
        remote_url=_demo_address(channel, remote_id),
        created_at=moment - timedelta(days=2),
    )


# What marks the history's targets (see the module's docstring).
HISTORY_KEY = "history-"
X_EPOCH_MS = 1_288_834_974_657  # where X's ids ("snowflakes") count time from
META_MEDIA_PREFIX = {"instagram": 17, "threads": 18}  # Meta's 17-digit media ids


def _remote_id(channel: Channel, moment: datetime, number: int, key: str) -> str:
    """The post's id in the form the network's connector records it: time-ordered, as the
    networks make theirs, and unique through `number`, the post's rank on the channel."""
    ms = int(moment.timestamp() * 1000)
    network = channel.network
    if network == "bluesky":
        return f"at://{_did(channel)}/app.bsky.feed.post/{tid_for(key, moment)}"
    if network == "x":
        return str(((ms - X_EPOCH_MS) << 22) | number % 4096)
    if network == "mastodon":
        return str((ms << 16) | number % 65536)
    if network == "linkedin":
        return f"urn:li:share:{(ms << 22) | number % 4096}"
    if network == "facebook":
        return f"{_page_id(channel)}_{ms * 100 + number % 100}"
    prefix = META_MEDIA_PREFIX.get(network, 17)
    return str(prefix * 10**15 + (ms * 100 + number % 100) % 10**15)


def _did(channel: Channel) -> str:
    """A did:plc for the channel's account: 24 characters of base32, as PLC makes them."""
    digest = int.from_bytes(hashlib.sha256(f"did {channel.pk}".encode()).digest()[:15], "big")
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return "did:plc:" + "".join(alphabet[(digest >> (5 * i)) & 31] for i in range(24))


def _page_id(channel: Channel) -> int:
    """A Facebook page's id for the channel's account: 15 digits."""
    digest = int.from_bytes(hashlib.sha256(f"page {channel.pk}".encode()).digest()[:8], "big")
    return 10**14 + digest % (9 * 10**14)


def _demo_address(channel: Channel, remote_id: str) -> str:
    """The demo network's kind of address, as its own posts have ("which no browser opens",
    publisher.LINKABLE): a made-up address on the real network could open a stranger's post."""
    return f"demo://{channel.pk}/{remote_id.rsplit('/', 1)[-1].rsplit(':', 1)[-1]}"


def _network_counts(network: str, fmt: str, reach: int) -> dict[str, int | None]:
    """Reach, views, saves, video views and clicks where the network tells them (kinds.py):
    drawn from the reach, with no random draw, so that every other figure of a seeded
    history stays what it was."""
    figures: dict[str, int | None] = {
        "reach": reach,
        "impressions": int(reach * 1.3),
        "saves": reach // (25 if network == "instagram" else 60),
        "video_views": int(reach * 1.6) if fmt == "video" else None,
        "clicks": reach // 40,
    }
    return NETWORKS[network].told(figures)


def _interactions(
    workspace: Workspace,
    channel: Channel,
    n: int,
    posts: list[tuple[datetime, int]],
    start: datetime,
    now: datetime,
    plan: Plan,
    rng: np.random.Generator,
    funnel: FunnelHistory,
) -> dict[str, int]:
    """One channel's people and their interactions, in bulk, vectorised where it counts."""
    people = max(n // plan.per_person, 5)
    identity_ids = _people(workspace, channel, people, start, now, rng)
    span = (now - start).total_seconds()
    # More activity as the account grows: times drawn from a rising density.
    moments = np.sort(start.timestamp() + span * np.sqrt(rng.uniform(0, 1, n)))
    kinds = rng.choice(len(KINDS), size=n, p=KIND_SHARES)
    if not NETWORKS[channel.network].counts_quotes:  # a share with words is a share there
        kinds[kinds == KINDS.index("quote")] = KINDS.index("repost")
    authors = (people * rng.uniform(0, 1, n) ** 3).astype(int)  # a few people do a lot
    categories = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_SHARES)
    answered = rng.uniform(0, 1, n) < plan.answered_share
    delays = rng.lognormal(8.3, 1.1, n)  # median about 70 minutes
    back = rng.geometric(0.5, n) - 1  # most reactions go to the latest post
    post_times = np.array([p[0].timestamp() for p in posts])
    post_ids = [p[1] for p in posts]
    at = np.searchsorted(post_times, moments, side="right") - 1 - back if posts else None
    stamps = _stamps(moments)
    ids = _next_ids(Interaction, n)
    template = Template(Interaction)
    rows: list[list[Any]] = []
    replies: list[list[Any]] = []
    reply_template = Template(Reply, with_id=False)
    tz = workspace.tzinfo
    hours = (workspace.business_start, workspace.business_end, workspace.business_days)
    horizon = now.timestamp()
    moderation = HistoryModeration(workspace, channel, horizon=horizon)
    for i in range(n):
        kind = KINDS[kinds[i]]
        row = template.row(
            id=ids[i],
            workspace_id=workspace.pk,
            channel_id=channel.pk,
            remote_id=f"seed-{channel.pk}-{i}",
            kind=kind,
            identity_id=identity_ids[authors[i]],
            created_at=stamps[i],
            received_at=stamps[i],
        )
        if at is not None and kind in TARGETED and at[i] + back[i] >= 0:
            template.set(row, target_id=post_ids[max(int(at[i]), 0)])
        if kind in TALK:
            category = CATEGORIES[categories[i]]
            _talk(template, row, i, category, plan, horizon, float(moments[i]))
            if category in READINGS:  # never answered: hidden, or reviewed and left
                arrived = float(moments[i])
                judged = arrived + float(delays[i])
                moderation.decide(template, row, kind, category, arrived=arrived, judged=judged)
            elif answered[i]:
                answer = float(moments[i] + delays[i])
                if answer < horizon:
                    asked = datetime.fromtimestamp(float(moments[i]), tz=UTC)
                    replied = datetime.fromtimestamp(answer, tz=UTC)
                    template.set(
                        row,
                        answered_at=_stamp(replied),
                        replies_sent=1,
                        done_at=None,
                        response_seconds=int(delays[i]),
                        response_business_seconds=business_seconds(
                            asked, replied, tz=tz, opens=hours[0], closes=hours[1], days=hours[2]
                        ),
                    )
                    replies.append(
                        reply_template.row(
                            interaction_id=ids[i],
                            text="Merci pour votre message !",
                            idempotency_key=uuid.uuid4().hex,
                            status=ReplyStatus.SENT,
                            remote_id=f"seed-reply-{ids[i]}",
                            created_at=_stamp(replied),
                            sent_at=_stamp(replied),
                        )
                    )
        rows.append(row)
        if len(rows) >= 50_000:
            template.insert(rows)
            rows = []
    template.insert(rows)
    reply_template.insert(replies)
    moderation.insert()
    funnel.add(authors, moments, *_relationship_kinds(kinds, categories))
    return {
        "interactions": n,
        "replies": len(replies),
        "contacts": people,
        "moderation_events": len(moderation.rows),
    }


TARGETED = {"like", "repost", "quote", "comment"}


def _relationship_kinds(kinds: np.ndarray, categories: np.ndarray) -> tuple[np.ndarray, ...]:
    """Which interactions make a relationship (community.counted_interactions: no follow, no
    abuse or spam, which only talk has), and which of them share the brand's posts."""
    talk = np.isin(kinds, [KINDS.index(k) for k in TALK])
    unwanted = np.isin(categories, [CATEGORIES.index(c) for c in NOT_COUNTED])
    counted = (kinds != KINDS.index("follow")) & ~(talk & unwanted)
    shares = np.isin(kinds, [KINDS.index(k) for k in SHARE_KINDS])
    return counted, shares


def _talk(
    template: Template,
    row: list[Any],
    i: int,
    category: str,
    plan: Plan,
    horizon: float,
    moment: float,
) -> None:
    texts = TEXTS[category]
    template.set(
        row,
        text=texts[i % len(texts)],
        category=category,
        lang="fr",
        needs_answer=category in ("question", "criticism"),
    )
    if horizon - moment > plan.open_days * 86400:  # closed without a reply, unless answered
        template.set(row, done_at=_stamp(datetime.fromtimestamp(moment + 3 * 86400, tz=UTC)))


def _people(
    workspace: Workspace,
    channel: Channel,
    people: int,
    start: datetime,
    now: datetime,
    rng: np.random.Generator,
) -> list[int]:
    contact_ids = _next_ids(Contact, people)
    identity_ids = _next_ids(Identity, people)
    contacts, identities = Template(Contact), Template(Identity)
    firsts = rng.integers(0, len(FIRST), people)
    lasts = rng.integers(0, len(LAST), people)
    contact_rows, identity_rows = [], []
    for index, (cid, iid) in enumerate(zip(contact_ids, identity_ids, strict=True)):
        name = f"{FIRST[firsts[index]]} {LAST[lasts[index]]}"
        handle = f"@{name.lower().replace(' ', '.')}.{index}"
        contact_rows.append(contacts.row(id=cid, workspace_id=workspace.pk, name=name))
        identity_rows.append(
            identities.row(
                id=iid,
                workspace_id=workspace.pk,
                contact_id=cid,
                network=channel.network,
                remote_id=f"seed-{channel.pk}-{index}",
                handle=handle,
                display_name=name,
                first_seen=_stamp(start),
                last_seen=_stamp(now),
            )
        )
    contacts.insert(contact_rows)
    identities.insert(identity_rows)
    return identity_ids


# --- What the bakery posted -----------------------------------------------------------------


# --- Moderation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What the classifier said of a text, as the inbox keeps it."""

    abuse_kind: str
    abuse: float
    action: str  # "hide" or "review"
    reason: str


# How the classifier reads the history's abuse and spam (TEXTS; palabre/inbox/tests/
# test_two_stage.py holds it to these actions): spam is hidden as it arrives, an insult
# waits for a person.
READINGS = {
    "abuse": Reading("insult", 0.81, "review", "insult 0.97, abuse score 0.81"),
    "spam": Reading("", 0.01, "hide", "spam: spam words, meaning"),
}


class HistoryModeration:
    """The history's abuse and spam, decided and logged as inbox/moderation.py does: what
    the default rules hide is hidden where the network hides that kind; what they send to
    review, the manager later judges abusive and hides there. Where the network cannot hide
    it (Mastodon, LinkedIn, a mention on X), it stays visible, reviewed. So every hidden item
    has its hide in the log, which "Show again" undoes, and nothing else is logged hidden."""

    def __init__(self, workspace: Workspace, channel: Channel, *, horizon: float) -> None:
        self.template = Template(ModerationEvent, with_id=False)
        self.rows: list[list[Any]] = []
        self.workspace_id = workspace.pk
        self.horizon = horizon
        self.hides = {k for k in TALK if Interaction(channel=channel, kind=k).hides_on_network}
        self.moderator = _moderator(workspace)
        # Palabre's words are stored in English and said in the reader's language when
        # shown, as decision_apply and interaction_judge store them (inbox/reasons.py).
        self.rules = "default rules"

    def decide(
        self,
        interactions: Template,
        row: list[Any],
        kind: str,
        category: str,
        *,
        arrived: float,
        judged: float,
    ) -> None:
        reading = READINGS[category]
        interactions.set(
            row,
            abuse_kind=reading.abuse_kind,
            abuse=reading.abuse,
            suggested_action=reading.action,
            scores=json.dumps({"reason": reading.reason}),
        )
        pk, hides = row[interactions.index["id"]], kind in self.hides
        if reading.action == "hide" and hides:
            self._log(pk, EventAction.HIDE, arrived, reading, reason=reading.reason)
            interactions.set(row, hidden=True)
            return
        self._log(pk, EventAction.REVIEW, arrived, reading, reason=reading.reason)
        if hides and self.moderator is not None and judged < self.horizon:
            # interaction_judge: "abuse", then the hide it brings.
            self._log(pk, EventAction.IS_ABUSE, judged, reading, actor=self.moderator)
            reason = "judged abusive"
            self._log(pk, EventAction.HIDE, judged, reading, actor=self.moderator, reason=reason)
            interactions.set(row, hidden=True)
        elif row[interactions.index["done_at"]] is None:
            interactions.set(row, in_review=True)

    def _log(
        self,
        interaction_id: int,
        action: str,
        at: float,
        reading: Reading,
        *,
        actor: int | None = None,
        reason: str = "",
    ) -> None:
        carried = action == EventAction.HIDE  # and done: the history is long settled
        self.rows.append(
            self.template.row(
                workspace_id=self.workspace_id,
                interaction_id=interaction_id,
                action=action,
                actor_id=actor,
                rule_name="" if actor else self.rules,
                reason=reason,
                score=reading.abuse,
                network_status=NetworkStatus.DONE if carried else NetworkStatus.NOT_NEEDED,
                created_at=_stamp(datetime.fromtimestamp(at, tz=UTC)),
            )
        )

    def insert(self) -> None:
        self.template.insert(self.rows)


def _moderator(workspace: Workspace) -> int | None:
    """Who worked the review queue: the workspace's first manager, else its owner."""
    for role in (Role.MANAGER, Role.OWNER):
        members = Membership.objects.filter(workspace=workspace, role=role).order_by("pk")
        found = members.values_list("user_id", flat=True).first()
        if found is not None:
            return found
    return None


# --- The community funnel, day by day --------------------------------------------------------

STAGES = ("engaged", "members", "advocates", "drifting")
CELLS = 1 << 20  # people × days counted at once: a few megabytes, whatever the history's size


class FunnelHistory:
    """The funnel of each day before today, as the hourly refresh would have recorded it
    (community.py's definitions), counted from the interactions as they are drawn: reading
    millions back from the database would take longer than writing them. Every seeded
    person has one identity, on one channel, so the channels add up.

    A day is seen at today's time of day; an interaction counts from the first such moment
    after it, and so belongs to that day's calendar month (TruncMonth reads its own: the two
    differ only for what came after that time on a month's last day). Nobody was a customer
    or tagged "recommends us": people are tagged by hand, after the history.
    """

    def __init__(self, workspace: Workspace, start: datetime, now: datetime) -> None:
        tz = workspace.tzinfo
        first, today = start.astimezone(tz).date(), workspace.local_date(now)
        self.days = [first + timedelta(days=n) for n in range((today - first).days)]
        clock = now.astimezone(tz).time()
        self.ends = np.array([local_moment(d, clock, tz).timestamp() for d in self.days])
        months = np.array([d.year * 12 + d.month for d in self.days], dtype=np.int64)
        self.month = months - months[0] if len(months) else months  # 0: the first month
        numbers = np.arange(int(self.month.max(initial=-1)) + 1)
        self.month_first = np.searchsorted(self.month, numbers, side="left")
        self.month_last = np.searchsorted(self.month, numbers, side="right") - 1
        self.totals = {stage: np.zeros(len(self.days), dtype=np.int64) for stage in STAGES}

    def add(
        self, authors: np.ndarray, moments: np.ndarray, counted: np.ndarray, shares: np.ndarray
    ) -> None:
        """One channel's interactions: who (an index among its people), when (seconds),
        whether each makes a relationship, and whether it shares the brand's posts."""
        day = np.searchsorted(self.ends, moments[counted], side="left")
        kept = day < len(self.days)  # today's are community_refresh's
        who, day, shared = authors[counted][kept], day[kept], shares[counted][kept]
        order = np.argsort(who, kind="stable")
        who, day, shared = who[order], day[order], shared[order]
        people = int(who[-1]) + 1 if len(who) else 0
        step = max(1, CELLS // (len(self.days) + 1))
        for first in range(0, people, step):
            lo, hi = np.searchsorted(who, [first, first + step])
            rows = min(step, people - first)
            self._count(who[lo:hi] - first, day[lo:hi], shared[lo:hi], rows)

    def _count(self, who: np.ndarray, day: np.ndarray, shared: np.ndarray, rows: int) -> None:
        running = self._running(who, day, rows)
        engaged = self._within(running, ENGAGED_DAYS) > 0
        year = self._within(running, YEAR_DAYS)
        regular = (year >= MEMBER_INTERACTIONS) & (self._months(running) >= MEMBER_MONTHS)
        members = engaged & regular
        sharing = self._within(self._running(who[shared], day[shared], rows), YEAR_DAYS) > 0
        self.totals["engaged"] += engaged.sum(axis=0)
        self.totals["members"] += members.sum(axis=0)
        self.totals["advocates"] += (members & sharing).sum(axis=0)
        self.totals["drifting"] += (regular & (self._within(running, DRIFT_DAYS) == 0)).sum(axis=0)

    def _running(self, who: np.ndarray, day: np.ndarray, rows: int) -> np.ndarray:
        """[person, d]: their interactions on the days before d (column 0: none yet)."""
        width = len(self.days)
        daily = np.bincount(who * width + day, minlength=rows * width).reshape(rows, width)
        running = np.zeros((rows, width + 1), dtype=np.int32)
        np.cumsum(daily, axis=1, out=running[:, 1:])
        return running

    def _within(self, running: np.ndarray, span: int) -> np.ndarray:
        """[person, day]: their interactions in the `span` days up to that day."""
        day = np.arange(len(self.days))
        return self._between(running, np.maximum(day + 1 - span, 0), day)

    @staticmethod
    def _between(running: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """[person, day]: their interactions from day first[day] to day last[day]."""
        return running[:, last + 1] - running[:, first]

    def _months(self, running: np.ndarray) -> np.ndarray:
        """[person, day]: the calendar months they were active in, in the year up to that
        day: the year's first month from its first day, this month up to the day, and
        every whole month in between."""
        day = np.arange(len(self.days))
        start = np.maximum(day + 1 - YEAR_DAYS, 0)
        opening, current = self.month[start], self.month[day]
        first = self._between(running, start, np.minimum(self.month_last[opening], day)) > 0
        latest = self._between(running, self.month_first[current], day) > 0
        latest &= current > opening
        whole = running[:, self.month_last + 1] - running[:, self.month_first] > 0
        before = np.zeros((len(running), len(self.month_first) + 1), dtype=np.int32)
        np.cumsum(whole, axis=1, out=before[:, 1:])  # [person, m]: active months before m
        after_opening = opening + 1
        between = before[:, np.maximum(current, after_opening)] - before[:, after_opening]
        return first.astype(np.int32) + latest + between

    def write(self, workspace: Workspace, channels: Sequence[Channel]) -> int:
        followers = _followers_by_day(channels)
        CommunityDay.objects.bulk_create(
            [
                CommunityDay(
                    workspace=workspace,
                    day=day,
                    followers=followers.get(day, 0),
                    **{stage: int(self.totals[stage][n]) for stage in STAGES},
                )
                for n, day in enumerate(self.days)
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        return len(self.days)


def _followers_by_day(channels: Sequence[Channel]) -> dict[date, int]:
    """The channels' followers added up, each day (the seed writes every channel's days)."""
    days = ChannelDay.objects.filter(channel__in=channels).values("day").order_by("day")
    return {row["day"]: row["total"] for row in days.annotate(total=Sum("followers"))}


# --- Bulk writing --------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    """A UTC timestamp as both databases read it in bulk (naive UTC is Django's SQLite form)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _stamps(seconds: np.ndarray) -> list[str]:
    as_us = (seconds * 1_000_000).astype("datetime64[us]")
    return [text.replace("T", " ") for text in np.datetime_as_string(as_us, unit="us")]


class Template:
    """Rows of one model as lists in column order, defaults filled in once."""

    def __init__(self, model: type[models.Model], *, with_id: bool = True) -> None:
        """with_id: the rows carry their primary key (reserved by _next_ids); without it
        the database numbers them."""
        self.model = model
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.columns = [str(f.column) for f in fields]
        self.index = {f.attname: n for n, f in enumerate(fields)}
        self.defaults = [_default(f) for f in fields]

    def row(self, **values: Any) -> list[Any]:
        row = list(self.defaults)
        self.set(row, **values)
        return row

    def set(self, row: list[Any], **values: Any) -> None:
        for name, value in values.items():
            row[self.index[name]] = value

    def insert(self, rows: list[list[Any]]) -> None:
        if not rows:
            return
        table = self.model._meta.db_table
        names = ", ".join(self.columns)
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            raw = connection.connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("%s" for _ in self.columns)
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _default(field: models.Field[Any, Any]) -> Any:
    if field.primary_key:
        return None
    value = field.get_default() if field.has_default() else (None if field.null else "")
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, datetime):
        return _stamp(value)
    return value


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    top = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
    _reserved[model] = max(_reserved.get(model, 0), top)
    first = _reserved[model] + 1
    _reserved[model] += count
    return list(range(first, first + count))


_reserved: dict[type[models.Model], int] = {}


def _fix_sequences(models_: Iterable[type[models.Model]]) -> None:
    _reserved.clear()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


# --- The bakery's posts ----------------------------------------------------------------------
# Sixty-odd in each category of the content mix, short, medium and long (the insights'
# length bands), in French like the demo's bakery in Lyon. One a line: "idea | text".
