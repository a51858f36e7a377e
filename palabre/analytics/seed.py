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
from palabre.analytics.insights import LENGTH_BANDS
from palabre.analytics.metrics import people_ranks_refresh
from palabre.analytics.models import ChannelDay, CommunityDay, PostStat
from palabre.analytics.rollup import month_stats_refresh
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
            reach = int(count * rng.uniform(0.2, 0.4))
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
                    quotes=int(rng.poisson(engaged * 0.05)),
                    reach=reach,
                    impressions=int(reach * 1.3),
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
    """Saves and video views (Facebook's and Instagram's insights), clicks (LinkedIn's share
    statistics), where the network gives them: drawn from the reach, with no random draw, so
    that every other figure of a seeded history stays what it was."""
    counts: dict[str, int | None] = {"saves": None, "video_views": None, "clicks": None}
    if network == "linkedin":
        counts["clicks"] = reach // 40
    if network in ("facebook", "instagram"):
        counts["saves"] = reach // (25 if network == "instagram" else 60)
        counts["video_views"] = int(reach * 1.6) if fmt == "video" else None
    return counts


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


@dataclass(frozen=True)
class PostText:
    idea: str  # the line the calendar shows
    body: str

    def for_network(self, network: str) -> str:
        return self.body + NETWORK_TAGS.get(network, "")


# Hashtags where people find posts through them (on Mastodon in CamelCase, which screen
# readers say as words), none where they read as noise. No body is over 255 characters, so
# every variant fits X (280, weighted) and Bluesky (300 graphemes).
NETWORK_TAGS = {
    "instagram": "\n\n#boulangerie #lyon",
    "mastodon": "\n\n#Boulangerie #Lyon",
    "linkedin": "\n\n#artisanat #boulangerie",
}
TEXT_STREAM = 1  # the texts' generator's second seed word: another deals other texts


class PostTexts:
    """The bakery's posts dealt to each channel from a shuffled deck: a channel says
    everything once before it says anything twice. A post's text is taken in the length band
    its figures were drawn for (the insights group posts by these bands), so every figure
    stays the one the draw made."""

    def __init__(self, seed: int) -> None:
        # A generator of their own: a draw from the history's would move every later one,
        # and every figure the tests and the benchmarks know with it.
        self.rng = np.random.default_rng([seed, TEXT_STREAM])
        self.decks: dict[tuple[int, str, int], list[PostText]] = {}

    def deal(self, channel: Channel, category: str, length: int) -> PostText:
        band = _length_band(length)
        key = (channel.pk, category, band)
        if not self.decks.get(key):
            texts = POST_TEXTS[category]
            fitting = [
                t for t in texts if _length_band(len(t.for_network(channel.network))) == band
            ]
            deck = fitting or texts
            self.decks[key] = [deck[i] for i in self.rng.permutation(len(deck))]
        return self.decks[key].pop()


def _length_band(length: int) -> int:
    return next(n for n, (low, high) in enumerate(LENGTH_BANDS) if low <= length < high)


def _post_texts(block: str) -> list[PostText]:
    """One post a line: "idea | text"."""
    return [PostText(*line.split(" | ")) for line in block.strip().splitlines()]


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

HELPFUL = """
Pain rassis | Pain rassis ? Il fait le meilleur pain perdu.
Congeler le pain | Le pain se congèle très bien, tranché.
Torchon plutôt que plastique | Un torchon en coton, jamais de sac plastique.
Réchauffer une baguette | 5 minutes à 180 °C : la croûte revient.
Levain et digestion | Le levain rend le pain plus digeste.
Choisir sa baguette | Une baguette bien cuite sonne creux.
Croissant de la veille | Croissant d'hier ? 3 minutes au four, et voilà.
Pain de seigle | Le seigle se garde une semaine sans souci.
Trancher au dernier moment | Tranchez le pain au dernier moment.
Commander la veille | Pour 10 baguettes ou plus, commandez la veille.
La planche en bois | Le pain se garde mieux sur une planche en bois.
Le sel dans le pain | Notre pain contient 1,5 % de sel, pas plus.
Conserver la miche | Une miche au levain se garde 4 à 5 jours : posez-la face coupée contre la planche, dans un torchon. Pas au frigo, il la dessèche.
Décongeler sans rater | Pour décongeler votre pain, laissez-le une heure à température ambiante, puis 5 minutes au four chaud. Il redevient croustillant.
Les allergènes en boutique | La liste des allergènes de chaque produit est affichée en boutique. Demandez-la, nous la mettons à jour à chaque recette.
Pain perdu anti-gaspi | Recette anti-gaspi : pain rassis, 2 œufs, 25 cl de lait, une cuillère de sucre. Poêle beurrée, 3 minutes par face. Parfait.
Quel pain pour le fromage | Avec un comté, essayez notre pain aux noix. Avec un chèvre frais, la tradition. Avec un bleu, le seigle aux figues.
La farine T80 | Notre tradition est faite avec une farine T80 : plus de son, plus de goût, et une mie légèrement crème. Demandez-la au comptoir.
Et le sans gluten ? | Nous n'avons pas de pain sans gluten : le fournil utilise du blé partout, nous ne pourrions pas garantir l'absence de traces.
Le levain maison | Le levain, c'est de la farine et de l'eau, nourries chaque jour. Le nôtre a huit ans. Il donne au pain son goût acidulé.
Brioche de la veille | Une brioche de la veille se tranche et se toaste. Avec un peu de beurre salé, c'est presque meilleur que le jour même.
Un pain pour la semaine | Vous ne passez qu'une fois par semaine ? Prenez un grand pain de campagne au levain : il tient jusqu'au samedi suivant.
Commandes des fêtes | Pour les fêtes, commandez vos bûches et vos pains surprise au moins cinq jours avant, en boutique ou par téléphone.
Chapelure maison | Les croûtons et fonds de pain se mixent en chapelure : une semaine en bocal fermé, parfaite pour gratiner les légumes.
Pourquoi la baguette durcit | Une baguette durcit vite : beaucoup de croûte pour peu de mie. Pour le lendemain, préférez une boule ou un bâtard.
Couper une miche | Pour couper une miche sans l'écraser : un couteau à dents, un mouvement de scie, sans appuyer. Commencez par le centre.
Venir à vélo | Deux arceaux à vélo sont installés devant la boutique. Pratique pour passer le matin sans chercher où vous garer.
Le sucre des croissants | Nos croissants ne contiennent que 8 % de sucre : le goût vient du beurre AOP et de la fermentation lente.
Les heures de cuisson | Le pain sort du four trois fois par jour : à 7 h, 11 h 30 et 16 h 30. Pour une baguette encore tiède, c'est le moment.
Le pain complet | Le pain complet garde toutes les parties du grain. Plus de fibres, plus de minéraux, et une mie dense qui rassasie.
Le pain aux graines | Notre pain aux graines : lin, tournesol, courge et sésame, trempés la veille pour que la mie reste moelleuse.
La pâte à pizza | Notre pâte à pizza est en vente le vendredi, en pâtons de 250 g. Sortez-la du frigo une heure avant de l'étaler.
Garder son pain une semaine | Garder son pain une semaine, c'est possible : choisissez un pain au levain, gardez-le dans un torchon ou une huche, face coupée contre la planche. Le cinquième jour, toastez-le. Le septième, faites-en du pain perdu. Rien ne se jette !
Congeler, mode d'emploi | Congeler le pain, mode d'emploi : tranchez-le frais, mettez-le dans un sac bien fermé, et sortez seulement les tranches du jour. Elles vont directement au grille-pain, sans décongeler. Du bon pain tous les matins.
Jamais au frigo | Ne mettez jamais votre pain au réfrigérateur : l'amidon y durcit trois fois plus vite qu'à température ambiante. Une huche, une boîte en bois ou un simple torchon font bien mieux. Et s'il y a de la place, le congélateur.
Lire une étiquette | Un « pain de tradition française » ne peut contenir que farine, eau, sel et levain ou levure. Aucun additif : c'est la loi depuis 1993. Tous nos pains de tradition respectent ce décret, et nous en sommes fiers.
Bien cuit, sur demande | Vous aimez le pain bien cuit ? Dites-le au comptoir : nous gardons toujours quelques baguettes plus dorées pour les amateurs de croûte. Et pour ceux qui la préfèrent plus claire, il y en a aussi, demandez simplement.
Faire son levain | Envie de faire votre levain ? Mélangez 50 g de farine de seigle et 50 g d'eau tiède, couvrez, et nourrissez-le chaque jour pendant une semaine. Quand il double en quatre heures, il est prêt. Et si ça bloque, passez nous voir.
Fruits à coque | Allergies aux fruits à coque : nos pains nature n'en contiennent pas, mais le fournil travaille aussi les noix et les noisettes. Nous ne pouvons donc pas exclure les traces. La liste complète est disponible en boutique.
Du pain pour l'effort | Avant une longue sortie à vélo ou une course, un pain complet ou aux céréales donne une énergie plus durable qu'une baguette blanche. Ajoutez un peu de miel et une banane, et vous voilà prêt pour la matinée.
Le pain du dimanche | Le dimanche, nous fermons à 13 h. Pour être sûr d'avoir votre pain, réservez-le le samedi en boutique ou par téléphone : nous le mettons de côté à votre nom, même pour une seule baguette. Et le pain du samedi soir se garde très bien jusqu'au lundi.
Des farines d'ici | Nos farines viennent d'un moulin à 30 km d'ici, qui travaille des blés cultivés dans l'Ain et en Isère. Un circuit court, une farine moulue sur meule de pierre, et un pain qui a vraiment le goût de la région. Le meunier passe nous voir chaque mois.
Reconnaître un bon croissant | Un bon croissant se reconnaît à son feuilletage bien visible, à sa couleur dorée et à son odeur de beurre. Pressez-le doucement : il doit reprendre sa forme. S'il est gras au toucher, passez votre chemin.
Le goûter des enfants | Pour le goûter des enfants, une tranche de pain de campagne et un carré de chocolat noir : le classique qui ne vieillit pas. Moins de sucre qu'un gâteau, et ils adorent. Notre petit pain au chocolat noir plaît aussi.
Un sandwich qui tient | Pour un sandwich qui ne détrempe pas : beurrez le pain jusqu'aux bords, glissez la salade entre le fromage et le jambon, et gardez les tomates à part. Préférez une ficelle ou une demi-tradition, plus croustillantes.
Réchauffer une miche | Pour réchauffer une miche entière, passez-la vite sous le robinet, puis dix minutes au four à 200 °C. L'eau devient vapeur et la croûte redevient croustillante. L'astuce marche aussi pour une baguette de la veille.
Un pain sans sel | Vous suivez un régime sans sel ? Nous préparons un pain sans sel ajouté le mardi et le vendredi. Il a un goût différent, mais le levain lui donne du caractère. Pensez à le commander la veille, nous en faisons peu.
La fermentation lente | Pourquoi notre pain a-t-il autant de goût ? La pâte repose 18 heures au frais avant d'être façonnée. Pendant ce temps, les levures et les bactéries du levain développent des arômes qu'une pâte pressée n'aura jamais.
Réchauffer la galette | Pour réchauffer une galette des rois, dix minutes à 150 °C suffisent. Pas plus chaud, sinon la frangipane sèche. Et vérifiez où se cache la fève avant de couper les parts des plus petits. Une galette se garde deux jours, sous un torchon.
Combien de pain pour 20 | Pour un apéritif de 20 personnes, comptez environ 4 pains de campagne ou 6 baguettes, selon le reste du buffet. Nous pouvons aussi les trancher pour vous : précisez-le simplement au moment de la commande, deux jours avant.
La farine de seigle | Le seigle contient moins de gluten que le blé : la mie est plus dense et le pain lève moins. En échange, il se garde longtemps, et son goût légèrement acide va très bien avec les fruits de mer et le fromage.
Entretenir sa huche | Une huche à pain garde une humidité stable et laisse le pain respirer. Nettoyez-la au vinaigre blanc une fois par mois pour éviter les moisissures. Et n'y mettez jamais de pain encore chaud : la vapeur y ferait naître des moisissures.
Le pain de la soupe | L'hiver, rien ne vaut un pain de campagne grillé avec une soupe. Frottez la tranche d'une gousse d'ail, un filet d'huile d'olive, et posez-la au fond du bol avant de verser le bouillon. Une recette de grand-mère.
La couleur du croissant | La couleur dorée d'un croissant vient de la réaction de Maillard : les sucres et les protéines brunissent à la cuisson. C'est elle qui donne ce parfum de noisette grillée que l'on aime tant le matin. Plus la cuisson est longue, plus le goût est profond.
Transporter une tarte | Pour transporter une tarte sans l'abîmer, gardez-la bien à plat dans sa boîte, au sol de la voiture plutôt que sur un siège. Pour un long trajet, demandez-nous un sac isotherme : nous en avons au comptoir.
Le pain du foie gras | Pour le foie gras des fêtes, oubliez le pain de mie industriel : essayez notre pain brioché ou notre pain aux figues, légèrement toasté. Tranchez fin, servez tiède. Et commandez tôt : en décembre, les fournées partent très vite.
Des sacs en papier | Nos sacs à pain sont en papier kraft non blanchi, recyclable et compostable. Et si vous venez avec votre sac en tissu, nous notons un passage de plus sur votre carte de fidélité. Dix passages, une viennoiserie offerte.
Notre pâte feuilletée | Notre pâte feuilletée est faite maison, pur beurre, avec six tours. Vous pouvez en commander un bloc de 500 g pour vos recettes : elle se garde trois jours au frais ou deux mois au congélateur, bien emballée.
Reconnaître un vrai levain | Comment reconnaître un vrai pain au levain ? Une croûte épaisse, une mie aux alvéoles irrégulières, un goût légèrement acidulé, et plusieurs jours de conservation. Chez nous, le levain est nourri chaque matin depuis huit ans.
Le petit-déjeuner | Au petit-déjeuner, une tartine de pain complet avec du beurre et de la confiture apporte fibres et énergie jusqu'à midi, bien plus que des céréales sucrées. Et c'est quand même meilleur avec un pain sorti du four à 7 h.
Livraison aux aînés | Vous ne pouvez pas vous déplacer ? Nous livrons le pain aux personnes âgées du quartier le mardi et le vendredi matin, gratuitement. Appelez la boutique pour vous inscrire, ou demandez à un voisin de passer nous voir.
Cuire sa pizza | Pour cuire notre pâte à pizza à la maison : four au maximum, plaque préchauffée, garniture légère. Huit minutes suffisent. Le secret : une pâte étalée à la main, jamais au rouleau, pour garder les bulles d'air du bord.
"""
ENTERTAINING = """
4 h du matin | 4 h du matin, le fournil est déjà chaud. ☕
La première fournée | La première fournée vient de sortir. Ça sent bon !
Journée farine | Journée farine. Sur le plan de travail, et ailleurs.
Le levain a huit ans | Notre levain fête ses huit ans aujourd'hui. 🎂
1 200 croissants | Ce matin : 1 200 croissants façonnés à la main.
Record de baguettes | Nouveau record : 640 baguettes vendues samedi !
Le four | Notre four à sole pèse 3 tonnes. Il ne bouge plus.
Jour de pluie | Il pleut. Les croissants, eux, sont bien au sec.
Le pain qui chante | Vous entendez le pain chanter en refroidissant ?
Pause café | La pâte lève, l'équipe boit son café. Pause.
Livraison de farine | Livraison : deux tonnes de farine. Bras en feu.
La dernière baguette | La dernière baguette du jour est partie à 19 h 28.
Une nuit au fournil | À 3 h 30, Julien allume le four. À 4 h, la pâte de la veille est façonnée. À 7 h, vous poussez la porte. Une nuit comme les autres.
Le vieux pétrin | Notre pétrin a 35 ans. Il fait un bruit de vieux tracteur, mais il pétrit mieux que n'importe quelle machine neuve. On le garde.
La grigne | La grigne, c'est l'entaille sur la baguette. Chaque boulanger a sa signature : la nôtre, cinq coups de lame bien réguliers.
Le premier croissant | Le premier croissant du matin n'est jamais vendu : toute l'équipe le goûte pour vérifier la cuisson. Un métier difficile.
Bravo Léna | Léna, notre apprentie, a obtenu son CAP boulanger avec mention ! Deux ans de réveils à 4 h, et une baguette qui a bluffé le jury.
Le chat du voisin | Le chat du voisin s'assoit chaque matin devant la vitrine à 6 h 45. Il n'achète jamais rien, mais il est très ponctuel.
Le concours de baguette | Concours de la meilleure baguette de Lyon : pas de podium, mais une belle 12e place sur 80. On revient l'an prochain !
La boutique en 1952 | Notre boutique était déjà une boulangerie en 1952. Les carreaux au sol sont d'origine : une cliente nous a apporté une photo.
Douze secondes | Façonner une baguette prend 12 secondes à Julien. Il en façonne 400 par nuit : plus d'une heure de gestes parfaits.
La brioche à six brins | Tresser une brioche à six brins, c'est faire une natte les yeux fermés. Inès a mis trois semaines à y arriver.
La musique du fournil | Au fournil, la musique dépend de qui arrive le premier. Lundi, jazz. Mardi, rap. Mercredi, chanson. Le pain ne se plaint pas.
Les couronnes des fêtes | Nos couronnes des fêtes demandent deux jours de travail : une nuit de pousse, une journée de décor. Éphémères, mais superbes.
Visite au moulin | Visite au moulin ce matin : notre farine sortait des meules de pierre. Un bruit incroyable, et une odeur de blé chaud.
Le jour sans sel | Confession : il y a dix ans, nous avons oublié le sel dans une fournée entière. Le pain était fade. Les poules du voisin ont adoré.
La vitrine de Noël | La vitrine de Noël est installée ! Sapin en pain d'épices, traîneau en nougatine et renne en pâte à sel. Trois soirées de travail.
Les lève-tôt | À 7 h pile, les premiers clients sont là. Certains viennent depuis vingt ans, à la même heure, pour la même baguette. Merci.
Il fait chaud | L'été, il fait 32 °C au fournil. Nous buvons des litres d'eau, et la pâte lève deux fois plus vite. Tout se règle à la minute.
Essai au sarrasin | Troisième essai de pain au sarrasin aujourd'hui : la mie est parfaite, la croûte pas encore. On recommence demain. À suivre !
Des mains de boulanger | Les mains d'un boulanger racontent le métier : petites brûlures du four, corne du pétrissage, et une peau très douce grâce à la farine.
Le vélo cargo | Notre vélo cargo a passé les 5 000 km de livraisons cette année. Pas un litre d'essence, et beaucoup de sourires dans le quartier.
Trois jours pour un croissant | Un croissant, c'est trois jours de travail. Jour 1 : la détrempe et le beurre. Jour 2 : le tourage et une nuit au froid. Jour 3 : le façonnage à 4 h, la pousse, la cuisson. Vingt secondes pour le manger, trois jours pour le faire.
L'histoire de la baguette | La baguette n'a qu'une centaine d'années. On raconte qu'une loi de 1920, qui interdisait de travailler avant 4 h, a poussé les boulangers vers un pain long et fin, qui cuit plus vite. Vraie ou pas, on aime cette histoire.
Les nuits de Julien | Julien, notre chef boulanger, travaille de nuit depuis quinze ans. Son moment préféré : 5 h, quand la première fournée sort et que le quartier dort encore. Le silence, l'odeur du pain, et la radio en sourdine.
Le levain voyageur | Notre levain a voyagé : une cliente partie vivre au Canada en a emporté un petit pot dans sa valise. Elle nous envoie des photos de ses pains de Montréal. Un peu de Lumière de l'autre côté de l'océan !
Bienvenue à Karim | Bienvenue à Karim, qui rejoint le fournil ! Il arrive de Marseille après cinq ans dans une boulangerie de quartier, et sa fougasse risque bien d'entrer dans notre vitrine. Passez lui dire bonjour, il commence mardi.
Le four en panne | Mardi, 4 h 10 : le four tombe en panne. Panique au fournil. Un technicien arrive à 5 h, le four repart à 6 h 20, et la première fournée sort à 7 h 05. Cinq minutes de retard seulement. Merci pour votre patience !
Les dessins des enfants | Les enfants de l'atelier du mercredi nous ont laissé leurs dessins : des baguettes géantes, un four qui crache des flammes et un boulanger à moustache. Ils sont affichés en boutique. Venez les voir, ils sont superbes.
400 000 baguettes | Depuis l'ouverture, nous avons vendu plus de 400 000 baguettes. Mises bout à bout, elles iraient de Lyon à Mâcon. Chacune a été façonnée à la main, dans ce petit fournil de 40 mètres carrés derrière la boutique.
Une baguette de 4 mètres | Pour la fête du quartier, nous avons fait une baguette de 4 mètres. Il a fallu trois personnes pour la porter, et le four du boulanger d'à côté. Elle a été partagée en 150 morceaux en moins de dix minutes.
Le secret de la brioche | Le secret de notre brioche ? Du beurre, beaucoup de beurre, ajouté petit à petit pendant le pétrissage, puis une nuit entière au frais. Au matin, elle a doublé de volume. On la dore deux fois à l'œuf avant d'enfourner.
Le rituel de 6 h 55 | Chaque matin à 6 h 55, juste avant l'ouverture, l'équipe prend une minute pour goûter le pain du jour. On vérifie la croûte, la mie, le sel. Si ce n'est pas parfait, on le dit. C'est notre rituel, il ne change jamais.
Paul au fournil | Paul, qui fait nos photos, a passé une nuit au fournil. Bilan : deux baguettes tordues, un croissant en forme de cœur, et un immense respect pour le métier. Il a promis de revenir, mais peut-être pas avant 4 h du matin.
Le pain de la marraine | À l'ouverture, la marraine de Camille nous a donné sa recette de pain aux noix. Nous la suivons toujours, presque sans rien changer. Juste un peu plus de noix, parce que vous en redemandiez à chaque fois.
Portes ouvertes | Samedi, 80 personnes ont visité le fournil pour nos portes ouvertes. Les enfants ont façonné leur petit pain, les parents ont posé mille questions, et Julien a expliqué le levain au moins trente fois.
Les sacs de farine | Un sac de farine pèse 25 kg, et nous en utilisons douze par jour. Ça fait 300 kg de farine à porter, à verser et à pétrir. Pas besoin d'abonnement à la salle de sport quand on est boulanger, on vous le garantit.
La canicule | Pendant la canicule, nous avons avancé le travail d'une heure pour fuir la chaleur. Le fournil a quand même atteint 38 °C à 10 h. La pâte levait à toute vitesse, et les croissants fondaient presque avant d'entrer au four.
Le beurre des Charentes | Notre beurre vient d'une laiterie des Charentes, en AOP. Plus riche et plus souple à travailler, il fait toute la différence au tourage : c'est lui qui sépare un croissant correct d'un grand croissant.
Le lexique du fournil | Petit lexique du fournil : le bassinage, c'est ajouter de l'eau en fin de pétrissage. Le pointage, la première pousse. L'apprêt, la dernière. Et le coup de lame, c'est la grigne. De quoi briller au prochain dîner.
Le marathon | Trois de nos boulangers ont couru le marathon de Lyon. Départ à 8 h, après une nuit au fournil pour deux d'entre eux. Ils ont tous terminé, et chacun a mangé une baguette entière à l'arrivée. Bravo l'équipe !
La poule de Pâques | Pour Pâques, Inès a sculpté une poule en chocolat de 60 cm de haut. Quatre jours de travail, entre deux fournées. Elle trône en vitrine jusqu'à lundi. Et non, elle n'est pas à vendre, désolés pour les gourmands.
Un matin de neige | Ce matin, la neige bloquait la rue. Julien est venu à pied, une heure de marche dans le froid. La boutique a ouvert à l'heure, et les premiers clients ont eu droit à un chocolat chaud offert. Merci d'être venus !
La porte du four à bois | Avant notre four à sole, il y avait ici un four à bois. Nous avons retrouvé sa porte en fonte pendant les travaux, avec une date gravée : 1927. Elle est maintenant accrochée au mur de la boutique, au-dessus des baguettes.
La recette ratée | Notre pire essai de l'année : un pain au curcuma et au chocolat blanc. L'idée semblait bonne sur le papier. Le résultat était jaune, sucré et franchement étrange. Il n'est jamais sorti du fournil, et c'est tant mieux.
Le carnet de recettes | Au fournil, un carnet couvert de farine garde toutes nos recettes, écrites à la main depuis l'ouverture. Pages tachées, cornées, annotées : c'est sans doute l'objet le plus précieux de toute la boulangerie.
Le soleil de juin | En juin, vers 5 h 30, le soleil se lève pile dans l'axe de la rue et éclaire la vitrine pendant que nous rangeons les premières baguettes. Si vous êtes matinal, venez voir : ce moment vaut vraiment le détour.
Monsieur Bernard | Monsieur Bernard vient chercher sa demi-baguette bien cuite chaque jour depuis 1987. Il a connu trois boulangers dans cette boutique, et il dit que notre pain est le meilleur des trois. On le croit, évidemment.
200 croissants pour 8 h | Une entreprise voisine nous a commandé 200 croissants pour 8 h. Nous avions lu 20. Panique à 6 h 30, toute l'équipe au façonnage, et les 200 croissants livrés à 8 h 10. On s'en souviendra longtemps, eux aussi.
Les chutes de pâte | Que deviennent les chutes de pâte feuilletée ? Des palmiers, des torsades au sucre, parfois de petits croissants pour les enfants. Rien ne se perd au fournil, et ces gourmandises partent souvent avant 10 h.
Le concert du matin | À 4 h, le fournil a ses bruits : le four qui ronronne, le pétrin qui tourne, la radio, la lame qui grigne les baguettes. Puis à 6 h, le camion du lait et les volets de la boutique. Un concert que nous connaissons par cœur.
Douze ans déjà | La boulangerie Lumière a douze ans aujourd'hui ! Merci à chacun de vous, aux habitués comme aux nouveaux visages. Pour fêter ça, une part de brioche attend chaque client ce samedi, et l'équipe prépare un gâteau géant.
"""
CONVERSATION = """
Tradition ou classique | Tradition ou baguette classique ? 🥖
Croissant ou pain au chocolat | Croissant ou pain au chocolat, ce matin ?
Bien cuite ou pas | Baguette bien cuite ou pas trop cuite ?
Le quignon | Qui mange le quignon sur le chemin du retour ? 🙋
Chocolatine | Chocolatine ou pain au chocolat ? On ne juge pas.
La brioche du dimanche | Brioche du dimanche : nature ou aux pépites ?
La tartine idéale | Votre tartine idéale, c'est quoi ?
Croûte ou mie | Team croûte ou team mie ?
Le pain du week-end | Quel pain pour votre week-end ?
Le goûter d'enfance | Votre goûter d'enfance à la boulangerie ?
L'heure du pain | Vous venez à quelle heure chercher votre pain ?
Doux ou salé | Beurre doux ou beurre salé sur la tartine ?
Potiron ou châtaigne | Deux nouveautés pour l'automne : un pain au potiron ou une brioche à la châtaigne. Laquelle vous ferait venir ?
Vos souvenirs de boulangerie | Quel est votre plus beau souvenir de boulangerie ? Nous, c'est l'odeur du pain chaud chez la grand-mère de Camille.
Horaires d'été | Cet été, vous préférez que nous ouvrions plus tôt, dès 6 h 30, ou plus tard le soir, jusqu'à 20 h ? Dites-le en commentaire.
Un nom pour le pain | Notre nouveau pain aux céréales n'a pas encore de nom. Vos idées en commentaire ! Le nom choisi gagne un mois de pain.
Un atelier pour adultes | Un atelier pain pour adultes, un samedi matin, ça vous tente ? Deux heures au fournil, et vous repartez avec votre levain.
La viennoiserie préférée | Votre viennoiserie préférée ? Le croissant reste en tête chez nous, mais le pain aux raisins remonte fort cette année.
La tartine salée | Votre tartine salée préférée sur du pain de campagne ? Chez nous, c'est beurre, radis et fleur de sel. Et chez vous ?
Sucré ou salé | Pain perdu : sucré à la cannelle, ou salé au fromage ? Le débat fait rage au fournil depuis ce matin.
Vos recettes de famille | Avez-vous une recette de famille avec du pain rassis ? Nous aimerions en partager quelques-unes ici, avec votre accord.
Moins de plastique | Nous voulons supprimer les derniers emballages plastiques de la boutique. Vos idées pour les gâteaux et les sandwichs ?
Quelle galette | Galette des rois : frangipane classique, ou pommes et caramel ? Aidez-nous à prévoir les quantités sans nous tromper.
La musique du samedi | Quelle musique aimeriez-vous entendre en boutique le samedi matin ? Nous cherchons une playlist qui plaise à tous.
Avant ou après le marché | Le dimanche, vous passez plutôt avant ou après le marché ? Nous adaptons nos fournées à vos habitudes.
Le pain de mie | Faut-il remettre le pain de mie maison à la carte ? Il a disparu cet hiver, et certains d'entre vous le réclament.
Vos pique-niques | Montrez-nous vos pique-niques avec notre pain ! Les plus belles photos seront affichées en boutique tout l'été.
Un premier mot | Quel est le premier mot qui vous vient en pensant à notre boulangerie ? Nous sommes curieux, soyez honnêtes.
Demi ou entière | Demi-baguette ou baguette entière pour deux personnes ? Nous pensons à un format intermédiaire. Votre avis ?
Livrer à vélo | Une livraison de pain à vélo le samedi matin, dans le quartier, ça vous intéresserait ? Dites-nous combien vous seriez.
Tartes ou flans | Tartes aux fruits de saison ou flans pâtissiers ? Nous voulons étoffer la vitrine de l'après-midi, aidez-nous à choisir.
Vos questions à Julien | Une question sur le pain, la farine ou le levain ? Posez-la en commentaire : Julien répondra à toutes vendredi.
Votre rituel du samedi | Le samedi matin, certains viennent en famille, d'autres à vélo avant le marché, d'autres en pyjama sous le manteau (si, si, on vous voit). Racontez-nous votre rituel : on adore savoir ce que devient notre pain une fois la porte passée.
Le pain de votre enfance | Chaque région a son pain d'enfance : la fougasse en Provence, le pain brié en Normandie, la couronne à Lyon. Quel est le pain de votre enfance ? Si nous recevons assez de réponses, nous en ferons un par mois, promis.
L'atelier de septembre | L'atelier des enfants reprend en septembre, avec cette année une séance sur les viennoiseries et une autre sur les pains du monde. Quelles recettes aimeriez-vous que vos enfants apprennent ? Toutes les idées sont bonnes à prendre.
Un panier anti-gaspi | Chaque soir, il nous reste quelques pains : ils partent à une association du quartier. Nous voudrions aussi proposer un panier anti-gaspi à prix réduit en fin de journée. Seriez-vous intéressés ? Dites-le en commentaire.
Ouvrir le lundi | Nous fermons le lundi depuis l'ouverture. Certains nous demandent d'ouvrir le lundi matin, au moins jusqu'à 13 h. Pour l'équipe, ce serait une autre organisation. Ça vous servirait vraiment ? Votre avis nous aidera à décider.
La recette de la communauté | Chaque mois, vous proposez une idée de pain ou de gâteau, vous votez, et la recette gagnante passe en vitrine une semaine, avec le nom de la personne qui l'a proposée. C'est la recette de la communauté. Première idée ?
Combien de pains | Combien de pains achetez-vous par semaine ? Une baguette par jour, une grosse miche le samedi, ou seulement pour les grandes occasions ? Nous essayons de mieux prévoir nos fournées pour moins jeter. Vos réponses nous aident.
La nouvelle vitrine | Nous avons réaménagé la vitrine pour mieux voir les pains spéciaux. Certains la trouvent plus claire, d'autres regrettent les corbeilles en osier. Et vous, qu'en pensez-vous ? Nous pouvons encore changer avant l'hiver.
Une dégustation avec le fromager | Quel fromage mangez-vous avec notre pain aux noix ? Nous hésitons entre un vieux comté et un bleu de Gex. Nos voisins fromagers proposent une dégustation commune, un vendredi soir. Vous viendriez goûter ?
Les collégiens | Des élèves du collège voisin vont nous interviewer sur le métier de boulanger. Nous aimerions leur répondre avec vos questions aussi : qu'avez-vous toujours voulu savoir ? Les horaires, le levain, la formation ?
La fête des voisins | Pour la fête des voisins, nous pensons installer une table devant la boutique avec du pain, des tartinades et de la limonade maison. Qui serait partant pour apporter un plat ou donner un coup de main ? On fait ça ensemble.
La formule goûter | À la sortie de l'école, quel goûter préfèrent vos enfants ? Pain au chocolat, chausson aux pommes, pain d'épices ? Nous aimerions proposer une formule goûter avec un fruit et une boisson, à petit prix. Bonne idée ?
Baptiser la miche | Notre miche au levain de 2 kg s'appelle juste « la grosse miche ». Un peu triste, non ? Proposez un nom en commentaire. Nous choisirons vendredi avec l'équipe, et le gagnant repartira avec la première miche baptisée.
Les pains du monde | Après la focaccia et le pain pita, quel pain du monde aimeriez-vous trouver chez nous ? Bagel, pain de seigle nordique, naan, challah ? Julien a très envie d'essayer, et le plus demandé sortira en édition limitée.
Tickets-restaurant | Nous pensons accepter les tickets-restaurant et le sans contact dès un euro. Est-ce que cela changerait vos habitudes le midi ? Nous voulons rendre le passage à la boutique plus simple, sans vous compliquer la vie.
La boîte à idées | Une boîte à idées vous attend désormais sur le comptoir. Suggestions, critiques, compliments : l'équipe lit tout le lundi. Vous pouvez aussi nous écrire ici. Quelle est la première chose que vous aimeriez changer ?
Un brunch le dimanche | Un brunch le dimanche matin, dans la petite salle derrière la boutique, ça vous dirait ? Pain, viennoiseries, œufs, fromage, jus pressé. Huit places, sur réservation. Dites-nous si l'idée vous plaît avant qu'on se lance.
Le meilleur moment | Quel est votre meilleur moment pour passer chez nous ? Le matin tôt pour le pain encore chaud, le midi pour un sandwich, ou le soir pour la dernière baguette ? Nous voulons savoir quand renforcer l'équipe au comptoir.
Moins de sucre | Nous voulons réduire de 10 % le sucre de nos viennoiseries. Nos tests à l'aveugle n'ont rien révélé, mais vous êtes les meilleurs juges. Seriez-vous d'accord pour goûter les deux versions samedi et nous donner votre avis ?
Un mur de photos | Vous êtes nombreux à photographier nos pains. Nous aimerions créer un mur de photos dans la boutique, avec vos plus beaux clichés. Vous êtes d'accord ? Envoyez-les-nous en message privé, avec le prénom à afficher.
La carte de fidélité | Notre carte de fidélité en papier a dix ans. Faut-il passer à une version sur téléphone, ou garder le carton qu'on tamponne ? Les deux ont leurs fans dans l'équipe. Votez en commentaire, et dites-nous pourquoi.
Le pain le plus original | Quel est le pain le plus original que vous ayez goûté ? En voyage, chez un ami, au restaurant ? Nous cherchons des idées pour la prochaine édition limitée, et nous aimons être surpris. Racontez-nous tout, en détail.
Un pain protéiné | Plusieurs clients sportifs nous demandent un pain plus riche en protéines. Nous pensons à un pain aux lentilles et aux graines. Vous seriez tentés ? Si oui, comment aimeriez-vous le manger : en tartine ou en sandwich ?
La gamme apéro | À l'apéritif, vous préférez les gressins, les petits pains aux olives ou une fougasse à partager ? Nous préparons une gamme apéro pour l'été, et vos réponses décideront de la vitrine. Vous avez jusqu'à dimanche pour voter.
Vos critiques | Soyons honnêtes : que pourrions-nous faire mieux ? L'attente du samedi, le choix en fin de journée, les prix ? Nous lisons toutes vos remarques, même celles qui piquent, et nous en discutons chaque lundi avec toute l'équipe.
Le pain de Noël | Pour Noël, nous voulons créer un pain qui ne sortira qu'une semaine. Épices, fruits secs, orange confite ? Ou plutôt un pain salé pour accompagner le repas ? Dites-nous ce qui manquerait vraiment à votre table de fête.
Trois générations | Qui vient chez nous avec ses grands-parents, ou ses petits-enfants ? Le mercredi, nous voyons souvent trois générations au comptoir, et cela nous touche. Racontez-nous ce que vous partagez : une viennoiserie, une habitude ?
La fournée du soir | Nous pensons ajouter une fournée à 17 h 30, pour que le pain du soir soit aussi frais que celui du matin. Ça vous intéresse ? À quelle heure rentrez-vous du travail, en général ? Vos réponses décideront de l'horaire.
Votre boîte à pain | Comment gardez-vous votre pain à la maison ? Huche, boîte en métal, torchon, sac en papier, ou sur la table sans rien ? Nous préparons un petit guide de conservation, et vos astuces de famille pourraient y trouver leur place.
Un seul pain | Si vous ne deviez garder qu'un seul de nos pains, lequel serait-ce ? La tradition, la miche au levain, le pain aux noix ou la fougasse ? Nous comptons les votes jusqu'à vendredi, et le gagnant sera à moitié prix samedi matin.
"""
PROMOTIONAL = """
Un croissant offert | Aujourd'hui, un croissant offert pour 5 achetés.
La formule midi | Formule midi : sandwich, boisson, dessert à 9,50 €.
Le pain au sarrasin | Nouveau : le pain au sarrasin, tous les jeudis.
Les galettes sont là | Les galettes des rois sont arrivées ! 👑
Fermeture d'août | Fermé du 5 au 19 août. Bonnes vacances !
Commandes de bûches | Commandes de bûches ouvertes jusqu'au 20/12.
Le pain du mois | Pain du mois : seigle, figues et noisettes.
Baguette du soir | Dès 18 h 30, la baguette est à 0,90 €.
Ouverts le 1er mai | Exceptionnellement ouverts le 1er mai, de 7 h à 13 h.
Les chouquettes | Le sachet de 10 chouquettes à 3 € ce week-end.
Les fraisiers | Les fraisiers sont de retour en vitrine. 🍓
Dix passages, une offerte | Dix passages, une viennoiserie offerte.
L'atelier des enfants | Mercredi, atelier pain pour les 6-10 ans : ils repartent avec leur petite miche. 12 €, places limitées, inscription en boutique.
La brioche au sucre perlé | Nouvelle recette : la brioche au sucre perlé arrive vendredi. 6,50 € la grande, 2,20 € la petite. Tiède, elle est irrésistible.
Le panier anti-gaspi | Chaque soir dès 19 h, un panier anti-gaspi à 4 € : pains et viennoiseries du jour. Réservez-le en boutique dès le matin.
On recrute au comptoir | Nous recrutons un·e vendeur·se en CDI, 35 h, du mardi au samedi. Le sourire et le goût du contact avant tout. CV en boutique.
Gâteaux d'anniversaire | Nos gâteaux d'anniversaire se commandent 48 h à l'avance : fraisier, forêt-noire ou framboisier, de 6 à 20 parts.
Les plateaux apéritifs | Pour vos apéritifs, des plateaux de 30 mini-sandwichs à partir de 35 €. Commande 48 h avant, retrait en boutique.
Fête des mères | Pour la fête des mères, un cœur en brioche tressée, décoré à la main. 8 €, sur commande jusqu'à jeudi. Il y en aura peu.
Le sans contact dès 1 € | Bonne nouvelle : la carte est acceptée dès 1 €, en sans contact. Plus besoin de chercher la monnaie pour une baguette.
Le dimanche jusqu'à 13 h 30 | Dès ce mois-ci, nous restons ouverts le dimanche jusqu'à 13 h 30 au lieu de 13 h. Une demi-heure de plus pour les lève-tard.
La couronne de Pâques | Pour Pâques, la couronne briochée aux fruits confits revient : 14 € la grande, pour 8 personnes. Commandes jusqu'à vendredi.
Les croissants aux amandes | Nos croissants aux amandes sont faits avec les croissants de la veille et une crème d'amande maison. Zéro gaspillage.
Soirée pain et fromage | Vendredi à 19 h, dégustation pain et fromage avec la fromagerie voisine. 15 € par personne, dix places, sur réservation.
La tarte du week-end | Ce week-end, tarte aux abricots et au romarin, à la part ou entière. Les abricots viennent de la Drôme, cueillis mardi.
Le sandwich du mois | Sandwich du mois : poulet rôti, pesto maison, roquette et parmesan, dans notre focaccia. 6,90 €, jusqu'à fin juin.
Les glaces de l'été | Nouveauté de l'été : des glaces maison à la vanille, à la fraise et au caramel au beurre salé. 2,50 € la boule, dès samedi.
Pour les restaurants | Restaurateurs du quartier : nous livrons chaque matin avant 10 h des pains adaptés à votre carte, dès 20 pièces par jour.
La carte cadeau | La carte cadeau Lumière existe : de 10 à 50 €, valable un an sur toute la boutique. Une idée simple pour les gourmands.
La fougasse du samedi | Le samedi, la fougasse aux olives et au thym sort du four à 10 h. Elle part vite : réservez-la la veille si vous y tenez.
Le retour du pain de mie | Le pain de mie maison est de retour ! Pur beurre, sans sucre ajouté, en 500 g. Parfait pour les croque-monsieur du dimanche.
L'offre étudiants | Étudiants, sur présentation de votre carte : croissant et café à 2,50 €, du mardi au vendredi, jusqu'à 10 h.
La semaine du goût | Pour la semaine du goût, un pain différent chaque jour : lundi le petit épeautre, mardi le seigle, mercredi le pain aux algues, jeudi le maïs, vendredi le khorasan. Dégustation gratuite au comptoir toute la journée, venez goûter !
L'atelier pour adultes | Nouveau : un atelier pain pour adultes, un samedi par mois de 8 h à 11 h. Pétrissage, façonnage et cuisson avec Julien, café et croissants compris. Vous repartez avec votre pain et un pot de levain. 45 €, six places.
La livraison à vélo | Dès le 1er mars, nous livrons à vélo dans le quartier le samedi et le dimanche matin. Commandez la veille avant 18 h, en boutique ou par téléphone, dès 10 € d'achat. Livraison gratuite entre 8 h et 10 h, pain encore tiède.
Les bûches de Noël | Nos bûches de Noël sont à commander jusqu'au 20 décembre : praliné noisette, marron et cassis, ou trois chocolats. De 4 à 12 parts, de 22 à 58 €. Retrait les 23, 24 et 31 décembre. Pains surprise et pains spéciaux aussi.
On recrute au fournil | Nous recrutons un·e boulanger·ère en CDI à Lyon, 39 h, de nuit, deux jours de repos consécutifs. Formation au levain assurée par Julien. Vous aimez le travail bien fait et les équipes soudées ? Passez avec votre CV.
Les galettes des rois | Les galettes des rois sont là : frangipane pur beurre, pommes et caramel, ou chocolat et poire. De 4 à 8 parts, de 14 à 28 €. Chaque fève en porcelaine a été dessinée cette année par les enfants de l'atelier du mercredi.
Le petit-déjeuner à emporter | Notre petit-déjeuner à emporter : un café, un jus d'orange pressé et une viennoiserie au choix, pour 4,90 €, du mardi au vendredi de 7 h à 10 h. Pour les pressés, commandez-le la veille : il vous attend au comptoir.
Portes ouvertes au fournil | Samedi 14, portes ouvertes au fournil ! Visites toutes les heures de 9 h à 16 h, démonstration de façonnage, dégustation de pains spéciaux et atelier pour les enfants. Entrée libre, inscription pour la visite, par groupes de dix.
Le cœur de la Saint-Valentin | Pour la Saint-Valentin, un pain en forme de cœur, au levain et aux framboises séchées, à partager en amoureux, entre amis ou en famille. 7 € la pièce, du 12 au 14 février. Nous en ferons 80, pas un de plus : réservez-le vite.
Douze ans de Lumière | La boulangerie fête ses douze ans samedi ! Toute la journée, une part de brioche offerte à chaque client, une tombola avec un an de baguettes à gagner, et un gâteau géant partagé à 16 h devant la boutique. C'est grâce à vous.
Au marché de la Croix-Rousse | Le dimanche, retrouvez-nous au marché de la Croix-Rousse avec nos pains au levain, nos brioches et nos fougasses. Même qualité qu'en boutique, mêmes prix. Réservez avant samedi 18 h : votre commande vous attend au stand.
Les chocolats de Pâques | Les chocolats de Pâques sont arrivés ! Œufs, poules, lapins et fritures, faits au fournil avec un chocolat noir à 70 % et un chocolat au lait de Normandie. De 3 à 25 €. Et samedi matin, chasse aux œufs dans la boutique pour les petits.
Tout le levain en bio | Tous nos pains au levain sont désormais certifiés bio, de la farine au sel. Deux ans de travail avec notre meunier et nos agriculteurs pour y arriver. Et bonne nouvelle : les prix ne changent pas. Merci à tous ceux qui nous ont suivis.
L'abonnement pain | Nouveau : l'abonnement pain. Vous choisissez vos pains de la semaine, vous payez au mois, et votre sac vous attend chaque matin au comptoir, sans faire la queue. À partir de 25 € par mois. Inscription en boutique ou par message.
Les buffets d'entreprise | Réunion, séminaire, pot de départ ? Nous préparons des buffets pour les entreprises : mini-viennoiseries, sandwichs, quiches, tartelettes et boissons. Dès 10 personnes, devis gratuit sous 24 h, livraison possible dans tout Lyon.
La fête de la musique | Pour la fête de la musique, la boutique reste ouverte jusqu'à minuit ! Pizzas, fougasses, bières artisanales et un groupe de jazz du quartier devant la vitrine. Venez avec vos amis, votre instrument, et surtout votre bonne humeur.
Le pain de novembre | Le pain de novembre : un levain aux châtaignes et au miel de sapin. Une croûte épaisse, une mie douce et légèrement sucrée, parfaite avec un fromage de montagne. Tous les jours jusqu'au 30, dans la limite des fournées.
Les points de la rentrée | Pour la rentrée, la carte de fidélité double ses points tout le mois de septembre : une viennoiserie offerte tous les cinq passages au lieu de dix. Demandez votre carte au comptoir : elle est gratuite et tient dans un portefeuille.
Les pains surprise | Pour les fêtes, nos pains surprise : 48 petits sandwichs au saumon, au jambon cru, au fromage frais et aux noix, présentés dans un pain de seigle. 39 €, de quoi régaler 10 personnes. Commande cinq jours avant, retrait en boutique.
La fournée de 17 h 30 | Dès lundi, une nouvelle fournée sort à 17 h 30 : traditions, miches et pains aux céréales. Fini le pain du matin le soir ! Vous nous l'aviez demandé : nous avons réorganisé le fournil pour vous le proposer, sans changer nos horaires.
Le stage d'été | Cet été, stage de boulangerie pour les 11-15 ans : trois matinées en juillet, du pain aux viennoiseries. Tabliers fournis, goûter compris, et un diplôme de petit boulanger à la fin. 60 € les trois matinées, inscription jusqu'au 30 juin.
Soupe et pain | Tout l'hiver, le midi, une formule soupe maison et pain de campagne à 6,50 €. Potiron, poireaux ou lentilles corail selon les jours, dans un bocal consigné que vous nous rapportez la fois suivante. Simple, chaud et sans déchet.
Notre levain en pot | Envie de faire votre pain à la maison ? Nous vendons notre levain en pots de 100 g, à 2 €, avec une fiche recette. Il suffit de le nourrir pour le garder vivant des années. Et pour toute question, Julien vous répond en boutique.
Le poulailler de Pâques | Pour Pâques, la vitrine devient un poulailler gourmand : poules en chocolat, nids en nougatine et œufs peints à la main. Tout est à vendre, et chaque achat donne un ticket pour notre grande tombola. Tirage le lundi de Pâques à 11 h.
Les croissants du dimanche | Le dimanche, pour 10 croissants achetés avant 9 h, la confiture maison est offerte : abricot ou fraise, préparée avec les fruits d'un producteur de la Drôme. De quoi régaler toute la famille au petit-déjeuner, pour moins de 15 €.
Les invendus en application | Nos invendus du soir sont désormais sur une application anti-gaspillage : un panier surprise de 12 € de produits pour 4 €, à retirer entre 19 h et 19 h 30. Moins de pain jeté, et de bonnes affaires pour vous. Tout le monde y gagne.
Le pain surprise d'anniversaire | Un anniversaire à fêter ? Notre pain surprise de 50 toasts est parfait pour l'apéritif : saumon, rillettes, fromage et crudités dans une grosse miche décorée. 45 €, sur commande 72 h à l'avance. Nous pouvons même y écrire un prénom.
Le cours de tartes | Inès, notre pâtissière, donne un cours de tartes aux fruits le dernier samedi du mois. Pâte sablée, crème pâtissière, fruits de saison : vous repartez avec votre tarte pour six. 50 €, quatre places, à réserver en boutique.
Noël par message | Cette année, vos commandes de Noël peuvent aussi se faire par message : envoyez votre liste, nous confirmons le retrait dans l'heure. Bûches, pains spéciaux, plateaux et chocolats. Paiement au retrait, les 23, 24 et 31 décembre.
Le coffret fête des pères | Pour la fête des pères, un coffret de trois pains d'exception : seigle aux figues, miche au levain de 1 kg et pain aux noix, avec un beurre demi-sel de Bretagne. 22 €, emballé dans un torchon en lin. Sur commande jusqu'à jeudi.
"""
POST_TEXTS = {
    "helpful": _post_texts(HELPFUL),
    "entertaining": _post_texts(ENTERTAINING),
    "conversation": _post_texts(CONVERSATION),
    "promotional": _post_texts(PROMOTIONAL),
}
