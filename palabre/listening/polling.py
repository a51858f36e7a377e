"""The workspace's searches sent to its networks' search endpoints, in turn: a new search's
history (the last week), and what no stream carries (docs/listening.md).

One SearchPoll row per channel whose connector declares SEARCH_POSTS, while its workspace
has a search (`search_polls_arrange`). Each run sends every term's query
(`Term.query`: one word or a hashtag, since the networks' own matching differs) for the
searches that cover the channel's network, reads what comes back with the workspace's
matcher (phrases, exclusions and the other searches are Palabre's to apply), and keeps the
posts that truly match (`heard_store`: once per post, whoever found it first).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone, translation

from palabre.accounts.models import Workspace
from palabre.channels.connectors import connector_for, wait_out
from palabre.channels.models import Channel, ChannelStatus
from palabre.channels.services import channel_mark_needs_reconnect
from palabre.channels.x_cost import x_poll_over_cap
from palabre.listening.definitions import DefinitionError
from palabre.listening.matcher import Matcher
from palabre.listening.models import Search, SearchPoll, StreamLease
from palabre.listening.services import (
    Found,
    heard_source,
    heard_store,
    listening_settings,
    matcher_build,
    query_for,
)
from palabre.networks.base import (
    AuthExpired,
    Capability,
    Connector,
    ConnectorError,
    PublicPost,
    RateLimited,
    Rejected,
)
from palabre.networks.registry import CONNECTORS, connector_class
from palabre.worker.jobs import held_for_send, held_write

log = logging.getLogger("palabre.listening")

INTERVAL = timedelta(minutes=5)
STREAMED_INTERVAL = timedelta(minutes=15)  # a stream brings the posts as they come
FIRST_LOOK = timedelta(days=7)  # how far back a new search looks
# Posts a network indexes late (their time is when they were written): read again, since
# heard_store keeps each once.
OVERLAP = timedelta(minutes=10)
QUERIES_PER_RUN = 60  # at least a search's most terms (definitions.MOST_TERMS)
BILLED_NETWORK = "x"  # each search request costs money there: a daily budget
# Networks that allow so many searches a day per account, whatever app sends them: Threads'
# keyword search, 2,200 queries in a rolling 24 hours
# (https://developers.facebook.com/docs/threads/keyword-search); a margin is left for the
# person's other apps.
DAILY_QUERIES = {"threads": 2000}
DAY = timedelta(days=1)
UNREAD: list[PublicPost] = []  # the answer of a query the connector could not read


def search_polls_arrange(*, workspace: Workspace, now_due: bool = True) -> None:
    """One SearchPoll per channel of the workspace that can search, while the workspace has
    a search; none otherwise. Call it when a search is saved or deleted, and when a channel
    comes or goes. The job runs active channels only: one waiting to be reconnected keeps
    its row, and resumes once it is. The rows are due at once (`now_due`: a search saved
    looks back now); new rows always are."""
    wanted: list[int] = []
    if Search.objects.filter(workspace=workspace).exists():
        channels = Channel.objects.filter(workspace=workspace).exclude(
            status=ChannelStatus.DISABLED
        )
        wanted = [c.pk for c in channels.order_by("pk") if _searches(c.connector)]
        wanted = _one_where_bounded(wanted)
    SearchPoll.objects.filter(channel__workspace=workspace).exclude(channel_id__in=wanted).delete()
    now = timezone.now()
    for channel_id in wanted:
        poll, created = SearchPoll.objects.get_or_create(
            channel_id=channel_id, defaults={"next_attempt_at": now}
        )
        if not created and now_due and not _bounded_network(poll.channel.network):
            # Where each request counts against a day's bound (X, Threads), a saved search
            # waits for the next run: a run now would send every search's queries again.
            SearchPoll.objects.filter(pk=poll.pk, claimed_by="").update(next_attempt_at=now)


def _bounded_network(network: str) -> bool:
    return network == BILLED_NETWORK or network in DAILY_QUERIES


def _one_where_bounded(channel_ids: list[int]) -> list[int]:
    """One channel per network where each request counts against a day's bound (X bills
    it, Threads allows so many): a search's results are the same through any account, so
    a second channel would only spend the budget twice."""
    kept: list[int] = []
    seen: set[str] = set()
    networks = dict(Channel.objects.filter(pk__in=channel_ids).values_list("pk", "network"))
    for channel_id in channel_ids:
        network = networks[channel_id]
        if _bounded_network(network):
            if network in seen:
                continue
            seen.add(network)
        kept.append(channel_id)
    return kept


def _searches(connector_key: str) -> bool:
    if connector_key not in CONNECTORS:
        return False
    return Capability.SEARCH_POSTS in connector_class(connector_key).capabilities


@dataclass
class Plan:
    """What one run sends: each query with the oldest `since` of the searches asking it."""

    asks: dict[int, set[str]]  # the queries of each search sent, by its id
    since: dict[int, datetime]  # per search id: when it was last read up to
    queries: dict[str, datetime]
    left_out: bool  # searches that wait for the next run (the run's or the day's bound)


def search_poll_run(poll: SearchPoll) -> datetime | None:
    """The worker's step for one channel: send the searches, keep what matches, say when
    to come back."""
    channel = poll.channel
    connector = connector_for(channel)
    if not connector.supports(Capability.SEARCH_POSTS):
        return None
    readable = _readable(Search.objects.filter(workspace_id=channel.workspace_id))
    searches = [s for s in readable if not s.networks or channel.network in s.networks]
    if not searches:
        SearchPoll.objects.filter(pk=poll.pk).update(refused="")  # nothing asked: no refusal
        return None  # search_polls_arrange makes it due again when one is saved
    now = timezone.now()
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)
    if x_poll_over_cap(channel):  # the workspace's monthly X cap stops listening there too
        return tomorrow
    if poll.requests_day != now.date():
        poll.requests_day, poll.requests_made = now.date(), 0
    budget = _budget_left(channel, now, poll)
    plan = _plan(poll, searches, now=now, most=min(QUERIES_PER_RUN, budget))
    if not plan.queries:  # the day's budget is spent (X, Threads)
        return tomorrow
    # A refusal is the network's words: read in English here, shown in the reader's language.
    with translation.override("en"):
        answers, stopped, refusals = _send(poll, connector, plan.queries)
    _keep(channel, answers, matcher_build(readable))
    _advance(poll, plan, answers, now=now)
    if any(answers[q] is not UNREAD for q in answers.keys() - refusals.keys()):
        poll.refused = ""  # a query was answered
    elif stopped is None and refusals and len(refusals) == len(answers):
        poll.refused = next(iter(refusals.values()))[:500]
    held_write(
        poll,
        since=poll.since,
        last_polled_at=now,
        requests_day=poll.requests_day,
        requests_made=poll.requests_made,
        refused=poll.refused,
    )
    if isinstance(stopped, RateLimited):
        raise wait_out(stopped)
    if isinstance(stopped, AuthExpired):
        channel_mark_needs_reconnect(channel=channel, reason=stopped.reason)
        return now + INTERVAL  # not due until reconnected
    if stopped is not None:
        raise stopped  # Unavailable: the worker tries again later
    daily = _daily_bound(channel)
    if plan.left_out and daily is None:
        return now  # the searches that waited go first
    pace = STREAMED_INTERVAL if _streamed(channel.network) else INTERVAL
    if daily:  # spread the day's queries over the day rather than spend them by noon
        pace = max(pace, DAY * len(plan.queries) / daily)
    return now + pace


def _daily_bound(channel: Channel) -> int | None:
    """How many search requests a day this channel may send, where the network or the
    person bounds them (None: only the run's bound)."""
    if channel.network == BILLED_NETWORK:
        return listening_settings(channel.workspace).x_requests_per_day
    return DAILY_QUERIES.get(channel.network)


def _budget_left(channel: Channel, now: datetime, poll: SearchPoll) -> int:
    """How many requests this channel may still send today: X's daily budget, shared by the
    workspace's X channels; a network's own daily bound per account (Threads'); elsewhere
    no bound but the run's."""
    if channel.network in DAILY_QUERIES:
        return max(DAILY_QUERIES[channel.network] - poll.requests_made, 0)
    if channel.network != BILLED_NETWORK:
        return QUERIES_PER_RUN
    allowed = listening_settings(channel.workspace).x_requests_per_day
    spent = SearchPoll.objects.filter(
        channel__workspace_id=channel.workspace_id,
        channel__network=BILLED_NETWORK,
        requests_day=now.date(),
    ).aggregate(total=Sum("requests_made"))["total"]
    return max(allowed - (spent or 0), 0)


def _plan(poll: SearchPoll, searches: list[Search], *, now: datetime, most: int) -> Plan:
    """The searches that read least recently first, each whole, up to `most` queries."""
    since = {s.pk: _since(poll, s.pk) or now - FIRST_LOOK for s in searches}
    queries: dict[str, datetime] = {}
    chosen: dict[int, set[str]] = {}
    for search in sorted(searches, key=lambda s: since[s.pk]):
        asks = {term.query for term in query_for(search).terms}
        if len(asks | queries.keys()) > most:
            continue
        chosen[search.pk] = asks
        for query in asks:
            start = since[search.pk] - OVERLAP
            queries[query] = min(queries.get(query, start), start)
    return Plan(chosen, since, queries, left_out=len(chosen) < len(searches))


def _readable(searches: Iterable[Search]) -> list[Search]:
    """The searches that can be matched: one saved under older rules that no longer reads
    is left out (and said), not the channel's whole listening."""
    found = []
    for search in searches:
        try:
            query_for(search)
        except DefinitionError as error:
            log.warning("listening: search %s no longer reads: %s", search.pk, error)
            continue
        found.append(search)
    return found


def _since(poll: SearchPoll, search_id: int) -> datetime | None:
    value = poll.since.get(str(search_id)) if isinstance(poll.since, dict) else None
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _send(
    poll: SearchPoll, connector: Connector, queries: dict[str, datetime]
) -> tuple[dict[str, list[PublicPost]], ConnectorError | None, dict[str, str]]:
    """Each query's posts, until the network stops answering (then the error); a query the
    network refuses is left out alone, with what it said. Every request is counted (X
    bills each)."""
    answers: dict[str, list[PublicPost]] = {}
    refusals: dict[str, str] = {}
    for query, since in queries.items():
        # Counted before it is sent, on the row: whatever fails after, it was spent. Only
        # while this worker holds the poll: two workers sending the same billed queries
        # each wrote its own count over the other's, and X's budget was overspent.
        poll.requests_made += 1
        held_for_send(poll, requests_day=poll.requests_day, requests_made=poll.requests_made)
        try:
            answers[query] = connector.search_posts(query=query, since=since)
        except Rejected as error:
            log.warning("listening: channel %s refused %r: %s", poll.channel_id, query, error)
            answers[query], refusals[query] = [], str(error)
        except ConnectorError as error:
            return answers, error, refusals
        except Exception:  # a server's odd answer: that query is left out, not the run
            log.exception("listening: channel %s could not read %r", poll.channel_id, query)
            answers[query] = UNREAD
    return answers, None, refusals


def _keep(channel: Channel, answers: dict[str, list[PublicPost]], matcher: Matcher) -> None:
    """The posts that match one of the workspace's searches, with every search they match."""
    posts = {p.remote_id: p for found in answers.values() for p in found}
    found = []
    for post in posts.values():
        search_ids = matcher.match(post.text, network=channel.network)
        if search_ids:
            found.append(Found(post=post, search_ids=tuple(sorted(search_ids))))
    if found:
        heard_store(
            workspace=channel.workspace,
            network=channel.network,
            source=heard_source(channel),
            found=found,
            via="search",
        )


def _advance(
    poll: SearchPoll, plan: Plan, answers: dict[str, list[PublicPost]], *, now: datetime
) -> None:
    """Each search whose every query was answered has read up to now (the next run asks
    from a little before: OVERLAP). The searches read least recently go first next time."""
    since = dict(poll.since) if isinstance(poll.since, dict) else {}
    for search_id, asks in plan.asks.items():
        if asks <= answers.keys():
            since[str(search_id)] = now.isoformat()
    known = {str(s) for s in plan.since}
    poll.since = {k: v for k, v in since.items() if k in known}  # deleted searches go


def _streamed(network: str) -> bool:
    """Whether a `palabre stream` holds this network's whole public stream now."""
    return StreamLease.objects.filter(network=network, live=True, until__gt=timezone.now()).exists()
