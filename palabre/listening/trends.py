"""What the searches heard, over a period: volume, tone, share of voice, who, which words.

The same honesty as the reports: every share carries its sample size and its 95% Wilson
interval, and below MIN_POSTS posts the page says "not enough data" instead of a
percentage. Days and hours are the workspace's.

- **Tone** is read from the moderation model's kind of each post: praise is positive;
  criticism and the abuse kinds (threat, hate, insult, harassment, sexual) are negative;
  questions and the rest are neutral; spam is left out of every count of tone.
- **Share of voice** is each brand or competitor search's part of the posts that name any
  of them (a post naming two counts for both).
- **Co-occurring words** are counted once per post (in how many posts each appears), the
  stop words of French and English and the searches' own words left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.lib.percent import share_text
from palabre.lib.stats import wilson
from palabre.listening.definitions import DefinitionError, terms_read
from palabre.listening.models import Heard, Role, Search, Spike
from palabre.listening.words import fold, read, spelled, telling
from palabre.networks.kinds import NETWORKS

MIN_POSTS = 30  # posts: fewer, and a share is "not enough data"
TOP = 10  # authors and words shown
WORDS_READ = 2000  # the most recent posts read for co-occurring words
SPIKES_SHOWN = 20

POSITIVE_KINDS = frozenset({"praise"})
NEGATIVE_KINDS = frozenset({"criticism", "threat", "hate", "insult", "harassment", "sexual"})
LEFT_OUT_KINDS = frozenset({"spam"})
TONES = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Share:
    """`hits` of `n`, with its 95% Wilson interval; "not enough data" below MIN_POSTS."""

    hits: int
    n: int

    @property
    def enough(self) -> bool:
        return self.n >= MIN_POSTS

    @property
    def value(self) -> float:
        return self.hits / self.n if self.n else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.hits, self.n)

    @property
    def text(self) -> str:
        return share_text(self.value)

    @property
    def low_text(self) -> str:
        return share_text(self.interval[0])

    @property
    def high_text(self) -> str:
        return share_text(self.interval[1])


@dataclass(frozen=True)
class Scope:
    workspace: Workspace
    start: datetime
    end: datetime
    days: int
    search: Search | None = None
    network: str = ""

    @property
    def first_day(self) -> date:
        return self.start.astimezone(self.workspace.tzinfo).date()


def scope_for(
    *,
    workspace: Workspace,
    days: int,
    search: Search | None = None,
    network: str = "",
    now: datetime | None = None,
) -> Scope:
    """The last `days` days, today included (from the workspace's midnight), up to now."""
    now = now or timezone.now()
    first = workspace.local_date(now) - timedelta(days=days - 1)
    start = datetime.combine(first, time(), tzinfo=workspace.tzinfo)
    return Scope(workspace, start, now, days, search, network)


def tone_of(kind: str) -> str | None:
    """ "positive", "negative" or "neutral"; None for spam (left out)."""
    if kind in LEFT_OUT_KINDS:
        return None
    if kind in POSITIVE_KINDS:
        return "positive"
    return "negative" if kind in NEGATIVE_KINDS else "neutral"


def heard_in(scope: Scope) -> QuerySet[Heard]:
    found = Heard.objects.filter(
        workspace=scope.workspace, posted_at__gte=scope.start, posted_at__lt=scope.end
    )
    if scope.network:
        found = found.filter(network=scope.network)
    if scope.search is not None:
        found = found.filter(searches=scope.search)
    return found


def _matches(scope: Scope, searches: list[Search]) -> QuerySet[Any]:
    """Rows of (heard post, search) in the scope: a post counts once for each search."""
    through = Heard.searches.through.objects.filter(
        heard__workspace=scope.workspace,
        heard__posted_at__gte=scope.start,
        heard__posted_at__lt=scope.end,
        search__in=searches,
    )
    return through.filter(heard__network=scope.network) if scope.network else through


def searches_in(scope: Scope) -> list[Search]:
    if scope.search is not None:
        return [scope.search]
    return list(Search.objects.filter(workspace=scope.workspace))


# Volume


@dataclass(frozen=True)
class Volume:
    search: Search
    moments: tuple[datetime | date, ...]  # days, or the start of each hour
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


def volume_by_day(scope: Scope) -> list[Volume]:
    days = [scope.first_day + timedelta(days=n) for n in range(scope.days)]
    return _volume(scope, days, TruncDate("heard__posted_at", tzinfo=scope.workspace.tzinfo))


def volume_by_hour(scope: Scope) -> list[Volume]:
    """Hour by hour, each hour as the workspace's clock reads it."""
    tz = scope.workspace.tzinfo
    hours = []
    moment = scope.start
    while moment < scope.end:
        hours.append(moment.astimezone(tz))
        moment += timedelta(hours=1)
    return _volume(scope, hours, TruncHour("heard__posted_at", tzinfo=tz))


def _volume(scope: Scope, moments: list[Any], bucket: Any) -> list[Volume]:
    searches = searches_in(scope)
    rows = _matches(scope, searches).annotate(at=bucket).values("search_id", "at")
    counted: dict[int, Counter[Any]] = defaultdict(Counter)
    for row in rows.annotate(n=Count("heard_id")):
        counted[row["search_id"]][_key(row["at"])] += row["n"]
    return [
        Volume(s, tuple(moments), tuple(counted[s.pk][_key(m)] for m in moments)) for s in searches
    ]


def _key(moment: datetime | date) -> Any:
    """One key for an hour whatever its time zone (the database answers in UTC or local)."""
    return moment.timestamp() if isinstance(moment, datetime) else moment


# Tone


@dataclass(frozen=True)
class Tone:
    first_day: date
    counts: dict[str, int]  # tone → posts

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def share(self, tone: str) -> Share:
        return Share(self.counts.get(tone, 0), self.n)

    @property
    def positive(self) -> Share:
        return self.share("positive")

    @property
    def neutral(self) -> Share:
        return self.share("neutral")

    @property
    def negative(self) -> Share:
        return self.share("negative")


def tone_step(scope: Scope) -> int:
    """Days per point of the tone over time: a day over a week, a week beyond (a day's
    share would rarely reach MIN_POSTS)."""
    return 1 if scope.days <= 7 else 7


def tone_over_time(scope: Scope) -> tuple[Tone, list[Tone]]:
    """The whole period's tone, and the tone of each step of it (tone_step)."""
    step = tone_step(scope)
    buckets = [Tone(scope.first_day + timedelta(days=d), {}) for d in range(0, scope.days, step)]
    rows = (
        heard_in(scope)
        .annotate(day=TruncDate("posted_at", tzinfo=scope.workspace.tzinfo))
        .values("day", "kind")
        .annotate(n=Count("pk"))
    )
    whole: Counter[str] = Counter()
    for row in rows:
        tone = tone_of(row["kind"])
        if tone is None:
            continue
        whole[tone] += row["n"]
        index = min(max((row["day"] - scope.first_day).days // step, 0), len(buckets) - 1)
        counts = buckets[index].counts
        counts[tone] = counts.get(tone, 0) + row["n"]
    return Tone(scope.first_day, dict(whole)), buckets


# Share of voice


@dataclass(frozen=True)
class Voice:
    search: Search
    share: Share


@dataclass(frozen=True)
class ShareOfVoice:
    voices: list[Voice] = field(default_factory=list)  # the brand first
    n: int = 0  # posts naming the brand or a competitor, once per search named
    has_brand: bool = False
    has_competitor: bool = False

    @property
    def enough(self) -> bool:
        return self.n >= MIN_POSTS


def share_of_voice(scope: Scope) -> ShareOfVoice:
    """The brand's search against the competitors' (whatever search the scope shows)."""
    searches = list(
        Search.objects.filter(
            workspace=scope.workspace, role__in=[Role.BRAND, Role.COMPETITOR]
        ).order_by("role", "name")  # "brand" before "competitor"
    )
    counts = dict(
        _matches(scope, searches)
        .values("search_id")
        .annotate(n=Count("heard_id"))
        .values_list("search_id", "n")
    )
    n = sum(counts.values())
    return ShareOfVoice(
        voices=[Voice(s, Share(counts.get(s.pk, 0), n)) for s in searches],
        n=n,
        has_brand=any(s.role == Role.BRAND for s in searches),
        has_competitor=any(s.role == Role.COMPETITOR for s in searches),
    )


# Authors and words


@dataclass(frozen=True)
class Author:
    network: str
    handle: str
    posts: int
    reach: int | None

    @property
    def network_label(self) -> str:
        known = NETWORKS.get(self.network)
        return str(known.label) if known else self.network


def top_authors(scope: Scope, most: int = TOP) -> tuple[list[Author], int]:
    """Who was heard most (posts), and how many posts were heard in all."""
    heard = heard_in(scope)
    rows = (
        heard.values("network", "author_handle")
        .annotate(posts=Count("pk"), reach=Max("reach"))
        .order_by("-posts", "author_handle")[:most]
    )
    authors = [Author(r["network"], r["author_handle"], r["posts"], r["reach"]) for r in rows]
    return authors, heard.count()


@dataclass(frozen=True)
class Word:
    word: str
    posts: int


def top_words(scope: Scope, most: int = TOP) -> tuple[list[Word], int]:
    """The words most often found in the posts (once per post), and how many posts were
    read (the WORDS_READ most recent)."""
    own = _own_words(searches_in(scope))
    texts = list(heard_in(scope).order_by("-posted_at").values_list("text", flat=True)[:WORDS_READ])
    seen: Counter[str] = Counter()
    written: dict[str, Counter[str]] = defaultdict(Counter)  # a folded word's spellings
    for text in texts:
        counted = {w for w in read(text).words if _telling(w) and w not in own}
        seen.update(counted)
        for spelling in spelled(text):
            if (word := fold(spelling)) in counted:
                written[word][spelling] += 1
    ranked = sorted(seen.items(), key=lambda item: (-item[1], item[0]))[:most]
    # Shown as people write it most ("crème", not the folded "creme" it is counted as).
    shown = [(written[w].most_common(1)[0][0] if written[w] else w, n) for w, n in ranked]
    return [Word(word, posts) for word, posts in shown], len(texts)


def _own_words(searches: list[Search]) -> frozenset[str]:
    words: set[str] = set()
    for search in searches:
        try:
            terms = terms_read(search.terms, required=False)
        except DefinitionError:
            continue  # saved before a rule tightened: its words are simply not left out
        for term in terms:
            words.update(term.words)
    return frozenset(words)


def _telling(word: str) -> bool:
    return telling(word) and not word.isdigit()


# Spikes


def spikes_recent(scope: Scope) -> list[Spike]:
    spikes = Spike.objects.filter(workspace=scope.workspace, hour__gte=scope.start)
    if scope.search is not None:
        spikes = spikes.filter(search=scope.search)
    return list(spikes.select_related("search")[:SPIKES_SHOWN])


# The page's figures, at once


@dataclass(frozen=True)
class Trends:
    scope: Scope
    by_day: list[Volume]
    by_hour: list[Volume]  # the last two days
    tone: Tone
    tone_steps: list[Tone]
    voice: ShareOfVoice
    authors: list[Author]
    authors_n: int
    words: list[Word]
    words_n: int
    spikes: list[Spike]


HOURS_SHOWN = 2  # days of hourly volume on the page


def trends_read(
    *,
    workspace: Workspace,
    days: int,
    search: Search | None = None,
    network: str = "",
    now: datetime | None = None,
) -> Trends:
    scope = scope_for(workspace=workspace, days=days, search=search, network=network, now=now)
    recent = scope_for(
        workspace=workspace, days=HOURS_SHOWN, search=search, network=network, now=now
    )
    tone, tone_steps = tone_over_time(scope)
    authors, authors_n = top_authors(scope)
    words, words_n = top_words(scope)
    return Trends(
        scope=scope,
        by_day=volume_by_day(scope),
        by_hour=volume_by_hour(recent),
        tone=tone,
        tone_steps=tone_steps,
        voice=share_of_voice(scope),
        authors=authors,
        authors_n=authors_n,
        words=words,
        words_n=words_n,
        spikes=spikes_recent(scope),
    )
