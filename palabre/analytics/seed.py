"""A realistic history for a workspace: follower counts, published posts with their
counts, people and their interactions, the brand's replies. `palabre bench seed` builds a
large one for the benchmarks; the demo builds a small one so the reports are full.

Rows are written in bulk (COPY on PostgreSQL, executemany on SQLite): five million
interactions would take the ORM most of an hour.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.db import connection, models, transaction
from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.analytics.community import community_refresh
from palabre.analytics.metrics import people_ranks_refresh
from palabre.analytics.models import ChannelDay, PostStat
from palabre.analytics.rollup import month_stats_refresh
from palabre.channels.models import Channel
from palabre.inbox.models import Contact, Identity, Interaction, Reply, ReplyStatus
from palabre.lib.businesshours import business_seconds
from palabre.publishing.models import Category as PostCategory
from palabre.publishing.models import Post, PostStatus, PostTarget, PostVariant, TargetStatus

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
    counts["interactions"] = counts["replies"] = counts["contacts"] = 0
    for channel, n in zip(channels, per_channel, strict=True):
        with transaction.atomic():
            made = _interactions(
                workspace, channel, int(n), posts[channel.pk], start, now, plan, rng
            )
        for key, value in made.items():
            counts[key] += value
        progress(f"{channel.name}: {made['interactions']} interactions")
    _fix_sequences([Contact, Identity, Interaction, Reply])
    progress("monthly totals and community stages")
    month_stats_refresh(workspace=workspace, since=start.astimezone(workspace.tzinfo).date())
    community_refresh(workspace=workspace, now=now)
    people_ranks_refresh(workspace=workspace, now=now)
    return counts


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
        posts = Post.objects.bulk_create(
            [
                Post(
                    workspace=workspace,
                    author=author,
                    idea=_idea(category),
                    category=category,
                    status=PostStatus.PUBLISHED,
                    publish_at=moment,
                    created_at=moment - timedelta(days=2),
                )
                for moment, category, _f, _l in specs
            ],
            batch_size=1000,
        )
        variants = PostVariant.objects.bulk_create(
            [
                PostVariant(post=post, network=channel.network, text="x" * spec[3])
                for post, spec in zip(posts, specs, strict=True)
            ],
            batch_size=1000,
        )
        targets = PostTarget.objects.bulk_create(
            [
                PostTarget(
                    post=post,
                    variant=variant,
                    channel=channel,
                    status=TargetStatus.PUBLISHED,
                    publish_at=spec[0],
                    published_at=spec[0],
                    remote_id=f"seed:{uuid.uuid4().hex}",
                    created_at=spec[0] - timedelta(days=2),
                )
                for post, variant, spec in zip(posts, variants, specs, strict=True)
            ],
            batch_size=1000,
        )
        stats = []
        base = followers[channel.pk]
        for target, (moment, category, fmt, length) in zip(targets, specs, strict=True):
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
                    length=length,
                    category=category,
                )
            )
        PostStat.objects.bulk_create(stats, batch_size=1000)
        found[channel.pk] = sorted((t.published_at, t.pk) for t in targets)  # type: ignore[misc]
    return found


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


def _idea(category: str) -> str:
    return {
        "helpful": "Conseil : conserver son pain",
        "entertaining": "Les coulisses du fournil",
        "conversation": "Votre viennoiserie préférée ?",
        "promotional": "Offre de la semaine",
    }[category]


def _interactions(
    workspace: Workspace,
    channel: Channel,
    n: int,
    posts: list[tuple[datetime, int]],
    start: datetime,
    now: datetime,
    plan: Plan,
    rng: np.random.Generator,
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
            _talk(template, row, i, CATEGORIES[categories[i]], plan, horizon, float(moments[i]))
            if answered[i] and not row[template.index["hidden"]]:
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
    return {"interactions": n, "replies": len(replies), "contacts": people}


TARGETED = {"like", "repost", "quote", "comment"}


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
    hidden = category in ("abuse", "spam")
    template.set(
        row,
        text=texts[i % len(texts)],
        category=category,
        lang="fr",
        hidden=hidden,
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
