"""The search poll: each channel that can search sends the workspace's searches, keeps
what truly matches, once, and comes back; on the real local Bluesky network and Takahē too
(marked network)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from palabre.channels.models import Channel, ChannelStatus
from palabre.listening import polling
from palabre.listening.jobs import JOBS
from palabre.listening.models import Heard, ListeningSettings, Role, Search, SearchPoll, StreamLease
from palabre.listening.polling import search_poll_run, search_polls_arrange
from palabre.listening.services import Found, heard_store, search_save
from palabre.networks.base import (
    AuthExpired,
    Author,
    Capability,
    PublicPost,
    RateLimited,
    Rejected,
    Unavailable,
)
from palabre.worker.jobs import RetryAt, claim

CLAIRE = Author("did:plc:claire", "claire.test", "Claire")


def _search(cast: Any, name: str, terms: str, **fields: Any) -> Search:
    search = Search(workspace=cast.workspace, name=name, role=Role.TOPIC, terms=terms, **fields)
    return search_save(search=search, seen=None)


def _channel(cast: Any, network: str = "bluesky", **fields: Any) -> Channel:
    return Channel.objects.create(
        workspace=cast.workspace,
        network=network,
        connector=fields.pop("connector", network),
        name=fields.pop("name", f"{network} {uuid.uuid4().hex[:4]}"),
        **fields,
    )


def _post(text: str, *, minutes_ago: int = 1) -> PublicPost:
    key = uuid.uuid4().hex[:10]
    return PublicPost(
        remote_id=f"at://did:plc:claire/app.bsky.feed.post/{key}",
        url=f"https://bsky.app/profile/claire.test/post/{key}",
        author=CLAIRE,
        text=text,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


THREADS_REFUSAL = (
    "Threads does not let Palabre search from this account: connect it again and allow "
    "keyword search."
)


class FakeConnector:
    """Answers each query with the posts given for it; remembers what it was asked."""

    key = "bluesky"
    capabilities = Capability.SEARCH_POSTS

    def __init__(self, answers: dict[str, list[PublicPost]]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, datetime | None]] = []
        self.fails: dict[str, Any] = {}

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def search_posts(self, *, query: str, since: datetime | None = None) -> list[PublicPost]:
        self.asked.append((query, since))
        if query in self.fails:
            error = self.fails[query]  # or a function that makes it, as it is raised
            raise error if isinstance(error, BaseException) else error()
        return [p for p in self.answers.get(query, []) if since is None or p.created_at >= since]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeConnector:
    connector = FakeConnector({})
    monkeypatch.setattr(polling, "connector_for", lambda channel: connector)
    return connector


def test_polls_follow_the_channels_that_search_while_a_search_exists(cast: Any) -> None:
    bluesky, mastodon = _channel(cast), _channel(cast, "mastodon")
    # The job runs active channels only; one to reconnect keeps its row meanwhile.
    waiting = _channel(cast, status=ChannelStatus.NEEDS_RECONNECT)
    _channel(cast, status=ChannelStatus.DISABLED)
    _channel(cast, connector="demo")  # cannot search
    _channel(cast, "facebook")  # its connector declares no search
    search_polls_arrange(workspace=cast.workspace)
    assert not SearchPoll.objects.exists()  # no search yet

    search = _search(cast, "Levain", "levain")  # saving arranges them
    polls = SearchPoll.objects.all()
    assert {p.channel_id for p in polls} == {bluesky.pk, mastodon.pk, waiting.pk}
    assert all(p.next_attempt_at and p.next_attempt_at <= timezone.now() for p in polls)
    job = next(j for j in JOBS if j.name == "listening-search")
    assert {p.channel_id for p in claim(job, worker_id="w", limit=10)} == {bluesky.pk, mastodon.pk}

    SearchPoll.objects.update(
        next_attempt_at=timezone.now() + timedelta(hours=1), claimed_by="", claimed_until=None
    )
    _search(cast, "Fournil", "fournil")
    assert SearchPoll.objects.count() == 3  # one per channel still, due again at once
    assert all(p.next_attempt_at <= timezone.now() for p in SearchPoll.objects.all())

    Search.objects.filter(workspace=cast.workspace).delete()
    search_polls_arrange(workspace=cast.workspace)
    assert not SearchPoll.objects.exists()
    assert search.pk  # the other workspace was never touched
    assert not SearchPoll.objects.filter(channel__workspace=cast.other_workspace).exists()


def test_a_run_sends_each_query_once_and_keeps_what_truly_matches(
    cast: Any, fake: FakeConnector
) -> None:
    channel = _channel(cast)
    levain = _search(cast, "Levain", 'levain\n"pain au levain"', exclusions="vente")
    tag = _search(cast, "Tag", "#fournil, levain", exclusions="vente")
    _search(cast, "Ailleurs", "levain", networks=["mastodon"])  # not sent to Bluesky
    both = _post("Du pain au levain #fournil")
    fake.answers = {
        "levain": [both, _post("Le levain en vente ici")],  # the second is excluded
        "#fournil": [both, _post("Le #fournil du coin"), _post("Un fournil sans dièse")],
    }
    poll = SearchPoll.objects.get(channel=channel)
    started = timezone.now()

    due = search_poll_run(poll)

    # "levain" is asked once for both searches, from a week back (with the overlap).
    assert sorted(q for q, _ in fake.asked) == ["#fournil", "levain"]
    week = started - polling.FIRST_LOOK - polling.OVERLAP
    assert all(abs((since - week).total_seconds()) < 5 for _, since in fake.asked if since)
    heard = {h.text: h for h in Heard.objects.filter(workspace=cast.workspace)}
    assert set(heard) == {"Du pain au levain #fournil", "Le #fournil du coin"}
    found = heard["Du pain au levain #fournil"]
    assert found.via == "search" and found.network == "bluesky"
    assert found.author_handle == "claire.test" and found.url == both.url
    assert set(found.searches.values_list("pk", flat=True)) == {levain.pk, tag.pk}
    assert due is not None and timedelta(minutes=4) < due - started <= timedelta(minutes=6)

    poll.refresh_from_db()
    assert set(poll.since) == {str(levain.pk), str(tag.pk)}
    assert poll.requests_made == 2 and poll.requests_day == started.date()
    assert poll.last_polled_at is not None

    fake.asked.clear()
    search_poll_run(poll)  # again: nothing twice, asked only from the last run on
    assert Heard.objects.filter(workspace=cast.workspace).count() == 2
    assert all(since and since >= started - polling.OVERLAP for _, since in fake.asked)
    poll.refresh_from_db()
    assert poll.requests_made == 4


def test_a_stream_on_the_network_slows_the_poll(cast: Any, fake: FakeConnector) -> None:
    channel = _channel(cast)
    _search(cast, "Levain", "levain")
    StreamLease.objects.create(
        network="bluesky", holder="w1", until=timezone.now() + timedelta(minutes=1), live=True
    )
    due = search_poll_run(SearchPoll.objects.get(channel=channel))
    assert due is not None and due - timezone.now() > timedelta(minutes=14)


def test_a_refused_query_leaves_the_others_and_a_rate_limit_waits(
    cast: Any, fake: FakeConnector
) -> None:
    channel = _channel(cast)
    _search(cast, "Levain", "levain, fournil")
    fake.answers = {"levain": [_post("Le levain")]}
    fake.fails = {"fournil": Rejected("bad query")}
    poll = SearchPoll.objects.get(channel=channel)
    search_poll_run(poll)
    assert Heard.objects.filter(text="Le levain").exists()

    fake.fails = {"fournil": RateLimited("slow down", retry_after=120)}
    fake.asked.clear()
    with pytest.raises(RetryAt) as wait:
        search_poll_run(SearchPoll.objects.get(pk=poll.pk))
    assert timedelta(seconds=110) < wait.value.when - timezone.now() <= timedelta(seconds=120)
    assert fake.asked[-1][0] == "fournil"  # nothing more asked once limited
    # The limited request is counted all the same (X bills it).
    assert SearchPoll.objects.get(pk=poll.pk).requests_made == 2 + len(fake.asked)

    fake.fails = {"fournil": Unavailable("down")}
    with pytest.raises(Unavailable):  # the worker backs off
        search_poll_run(SearchPoll.objects.get(pk=poll.pk))

    fake.fails = {"levain": AuthExpired("token revoked")}
    search_poll_run(SearchPoll.objects.get(pk=poll.pk))
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.NEEDS_RECONNECT


def test_a_network_that_refuses_every_query_is_said_on_the_searches_page(
    cast: Any, fake: FakeConnector
) -> None:
    """Threads without the keyword-search permission, X's app not enrolled: the person sees
    what the network says, in their language, until a query is answered, not only in the
    logs."""
    bob = Client()
    bob.force_login(cast.bob)
    page_url = reverse("listening_searches", args=[cast.workspace.slug])
    channel = _channel(cast, name="Lumière")
    _search(cast, "Levain", "levain, fournil")

    def refusal() -> Rejected:  # as the Threads connector raises it, in the active language
        return Rejected(gettext(THREADS_REFUSAL))

    def run() -> str:
        with translation.override("fr"):  # the worker's language
            try:
                search_poll_run(SearchPoll.objects.get(channel=channel))
            except RetryAt:
                pass
        return SearchPoll.objects.get(channel=channel).refused

    fake.fails = {"levain": refusal, "fournil": RateLimited("slow", retry_after=60)}
    assert run() == ""  # stopped by a limit: that is not the network refusing the searches
    fake.fails = {"levain": refusal, "fournil": refusal}
    assert run() == THREADS_REFUSAL  # kept in English
    for language, said in (
        ("en", f"Bluesky refuses the searches sent through Lumière: “{THREADS_REFUSAL}”"),
        ("fr", "Bluesky refuse les recherches envoyées par Lumière\u00a0: «\u00a0Threads ne"),
    ):
        cast.bob.language = language
        cast.bob.save(update_fields=["language"])
        assert said in bob.get(page_url).content.decode()

    fake.fails = {"levain": refusal, "fournil": ValueError("an odd answer")}
    assert run() == THREADS_REFUSAL  # a query not read is not a query answered
    fake.fails = {"fournil": refusal}  # one query answered: it searches again
    assert run() == ""
    assert "refuse" not in bob.get(page_url).content.decode()


def test_a_search_saved_under_older_rules_is_left_out_alone(cast: Any, fake: FakeConnector) -> None:
    channel = _channel(cast)
    _search(cast, "Levain", "levain")
    Search.objects.create(workspace=cast.workspace, name="Vieille", role=Role.TOPIC, terms="pain*")
    fake.answers = {"levain": [_post("Le levain")]}
    search_poll_run(SearchPoll.objects.get(channel=channel))
    assert [q for q, _ in fake.asked] == ["levain"]
    assert Heard.objects.filter(text="Le levain").exists()


def test_x_searches_stay_within_the_daily_budget(cast: Any, fake: FakeConnector) -> None:
    channel = _channel(cast, "x")
    _search(cast, "Levain", "levain")
    _search(cast, "Fournil", "fournil, four")
    ListeningSettings.objects.filter(workspace=cast.workspace).update(x_requests_per_day=2)
    poll = SearchPoll.objects.get(channel=channel)  # X's connector searches: saving made it
    search_poll_run(poll)
    assert sorted(q for q, _ in fake.asked) == ["four", "fournil"]  # "levain" would be 3
    poll.refresh_from_db()
    assert poll.requests_made == 2

    ListeningSettings.objects.filter(workspace=cast.workspace).update(x_requests_per_day=3)
    search_poll_run(poll)  # the search that waited goes first, within what is left
    assert [q for q, _ in fake.asked[2:]] == ["levain"]
    poll.refresh_from_db()
    assert poll.requests_made == 3

    due = search_poll_run(poll)  # the day's budget is spent: tomorrow
    assert len(fake.asked) == 3
    tomorrow = datetime.combine(timezone.now().date() + timedelta(days=1), datetime.min.time())
    assert due == tomorrow.replace(tzinfo=UTC)


def test_threads_searches_are_spread_over_the_day_within_its_daily_bound(
    cast: Any, fake: FakeConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "DAILY_QUERIES", {"threads": 4})  # Threads' is 2,000
    channel = _channel(cast, "threads")
    _search(cast, "Levain", "levain")
    _search(cast, "Fournil", "fournil, four")
    poll = SearchPoll.objects.get(channel=channel)
    before = timezone.now()
    due = search_poll_run(poll)
    assert sorted(q for q, _ in fake.asked) == ["four", "fournil", "levain"]
    # Three queries of the day's four: the next run comes 3/4 of a day later, not in 5 min.
    assert due is not None and due - before >= timedelta(hours=18) - timedelta(seconds=5)
    search_poll_run(poll)  # one query left today: only a search of one query fits
    assert [q for q, _ in fake.asked[3:]] == ["levain"]
    poll.refresh_from_db()
    assert poll.requests_made == 4


def test_a_query_the_connector_cannot_read_is_left_out_and_every_request_counted(
    cast: Any, fake: FakeConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = _channel(cast, "x")
    _search(cast, "Levain", "levain, fournil")
    ListeningSettings.objects.filter(workspace=cast.workspace).update(x_requests_per_day=10)
    fake.fails["fournil"] = ValueError("an id X never sends")
    fake.answers["levain"] = [_post("Du levain ?")]
    poll = SearchPoll.objects.get(channel=channel)
    search_poll_run(poll)
    assert sorted(q for q, _ in fake.asked) == ["fournil", "levain"], fake.asked
    assert Heard.objects.count() == 1
    poll.refresh_from_db()
    assert poll.requests_made == 2
    # Whatever fails after the requests went out, they were counted on the row.
    monkeypatch.setattr(polling, "heard_store", lambda **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        search_poll_run(poll)
    poll.refresh_from_db()
    assert poll.requests_made == 4


def test_x_and_threads_are_searched_through_one_channel_each(cast: Any) -> None:
    first, second = _channel(cast, "x"), _channel(cast, "x")
    threads = [_channel(cast, "threads"), _channel(cast, "threads")]
    bluesky = [_channel(cast, "bluesky"), _channel(cast, "bluesky")]
    _search(cast, "Levain", "levain")
    polled = set(SearchPoll.objects.values_list("channel_id", flat=True))
    assert polled == {first.pk, threads[0].pk, bluesky[0].pk, bluesky[1].pk}
    assert second.pk not in polled


def test_the_workspaces_monthly_x_cap_stops_listening_there(
    cast: Any, fake: FakeConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = _channel(cast, "x")
    _search(cast, "Levain", "levain")
    ListeningSettings.objects.filter(workspace=cast.workspace).update(x_requests_per_day=10)
    monkeypatch.setattr(polling, "x_poll_over_cap", lambda channel: channel.network == "x")
    due = search_poll_run(SearchPoll.objects.get(channel=channel))
    assert fake.asked == [] and due is not None and due > timezone.now() + timedelta(minutes=5)


def test_what_a_server_says_is_bounded_before_it_is_kept(cast: Any) -> None:
    search = _search(cast, "Levain", "levain")
    future = timezone.now() + timedelta(days=300)
    posts = [
        PublicPost("a" * 501, "", CLAIRE, "levain", timezone.now()),
        PublicPost("ok", "", CLAIRE, "levain", future, reach=10**12),
    ]
    heard_store(
        workspace=cast.workspace,
        network="bluesky",
        found=[Found(p, (search.pk,)) for p in posts],
        via="search",
    )
    heard = Heard.objects.get()
    assert heard.remote_id == "ok" and heard.posted_at <= timezone.now()
    assert heard.reach == 2**31 - 1


def _copy(instance: str, status_id: str, uri: str) -> PublicPost:
    """A Mastodon status as one instance serves it: its own id, the one `uri` everywhere."""
    fan = Author("7", "fan@origin.example", "Fan")
    return PublicPost(status_id, uri, fan, "Le levain du jour", timezone.now(), canonical=uri)


def test_a_mastodon_post_heard_through_two_instances_is_kept_once(cast: Any) -> None:
    levain = _search(cast, "Levain", "levain")
    bread = _search(cast, "Pain", "levain jour")
    uri = "https://origin.example/users/fan/statuses/1"

    def hear(source: str, status_id: str, search: Search) -> list[Heard]:
        found = [Found(_copy(source, status_id, uri), (search.pk,))]
        return heard_store(
            workspace=cast.workspace, network="mastodon", found=found, via="search", source=source
        )

    first = hear("social.example", "110", levain)
    assert len(first) == 1 and first[0].canonical == uri
    assert hear("other.example", "990", bread) == []  # the same status, another server's id
    heard = Heard.objects.get()
    assert (heard.source, heard.remote_id) == ("social.example", "110")  # answerable there
    assert set(heard.searches.all()) == {levain, bread}  # the second search's match is kept
    assert hear("social.example", "110", levain) == []


def test_a_copy_kept_meanwhile_by_another_process_still_gains_the_search(
    cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stream and a search poll store the same status through two instances at once:
    the second write meets the first and only adds its search."""
    from palabre.listening import services

    levain, bread = _search(cast, "Levain", "levain"), _search(cast, "Pain", "levain jour")
    uri = "https://origin.example/users/fan/statuses/2"
    first = [Found(_copy("social.example", "110", uri), (levain.pk,))]
    heard_store(
        workspace=cast.workspace,
        network="mastodon",
        found=first,
        via="stream",
        source="social.example",
    )
    monkeypatch.setattr(services, "_known", lambda *args: (set(), set()))  # read before it
    second = [Found(_copy("other.example", "990", uri), (bread.pk,))]
    stored = heard_store(
        workspace=cast.workspace,
        network="mastodon",
        found=second,
        via="search",
        source="other.example",
    )
    assert stored == [] and set(Heard.objects.get().searches.all()) == {levain, bread}


def test_posts_without_an_address_everywhere_are_told_apart_by_their_ids(cast: Any) -> None:
    search = _search(cast, "Levain", "levain")
    posts = [_post("Du levain ce matin"), _post("Encore du levain")]
    assert all(p.canonical == "" for p in posts)  # Bluesky's ids are the network's already
    found = [Found(p, (search.pk,)) for p in posts]
    heard_store(workspace=cast.workspace, network="bluesky", found=found, via="search")
    assert Heard.objects.count() == 2


# --- on the real networks -----------------------------------------------------------


def _until(check: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            assert found, f"still {found!r} after {timeout} s"
            return found
        time.sleep(0.5)


@pytest.mark.network
def test_on_the_local_bluesky_network_a_post_with_a_saved_term_is_heard_once(
    cast: Any, bluesky_channel: Channel, bluesky_peer: Any
) -> None:
    # The reference AppView matches a case-sensitive substring: Palabre sends the folded
    # word, as a person writes it here.
    word = f"fournil{uuid.uuid4().hex[:6]}"
    search = _search(cast, "Fournil", word)
    poll = SearchPoll.objects.get(channel=bluesky_channel)
    posted = bluesky_peer.send_post(f"Le pain du {word} est le meilleur du quartier")

    def heard() -> Any:
        search_poll_run(SearchPoll.objects.get(pk=poll.pk))
        return Heard.objects.filter(workspace=cast.workspace, remote_id=posted.uri).first()

    found = _until(heard)
    assert found.via == "search" and list(found.searches.all()) == [search]
    assert found.author_handle == bluesky_peer.me.handle
    assert found.url.endswith("/post/" + posted.uri.rsplit("/", 1)[1])
    search_poll_run(SearchPoll.objects.get(pk=poll.pk))  # found again: stored once
    assert Heard.objects.filter(workspace=cast.workspace).count() == 1


@pytest.mark.network
def test_on_takahe_a_post_with_a_followed_hashtag_appears_in_the_listening_page(
    cast: Any, mastodon_network: Any, takahe_server: Any, client: Any
) -> None:
    channel = takahe_server.connect(cast.workspace)
    tag = f"levain{uuid.uuid4().hex[:6]}"
    _search(cast, "Levain", f"#{tag}")
    poll = SearchPoll.objects.get(channel=channel)
    posted = takahe_server.peer.post(f"Une belle fournée #{tag}")

    def heard() -> Any:
        search_poll_run(SearchPoll.objects.get(pk=poll.pk))
        return Heard.objects.filter(workspace=cast.workspace, remote_id=posted).first()

    found = _until(heard)
    fan = takahe_server.peer.account
    assert found.via == "search" and found.author_id == fan.id
    assert found.author_handle.startswith(f"{fan.username}@")
    assert f"#{tag}" in found.text and found.url.startswith("https://")
    assert found.reach is not None

    client.force_login(cast.nina)  # an analyst reads Listening
    page = client.get(reverse("listening", args=[cast.workspace.slug]))
    assert page.status_code == 200
    assert f"Une belle fournée #{tag}" in page.content.decode()


def test_a_worker_that_lost_its_poll_sends_no_more_and_counts_nothing_over(
    cast: Any, fake: FakeConnector
) -> None:
    """X bills each search: a worker whose queries outlasted its lease went on sending them
    beside the worker that took the poll over, and each wrote its own count over the other's
    (the daily budget counted fewer requests than were billed). Found by an audit."""
    from palabre.worker.jobs import run_claimed

    job = next(j for j in JOBS if j.name == "listening-search")
    channel = _channel(cast, "x")
    _search(cast, "Fournil", "fournil, four")
    ListeningSettings.objects.filter(workspace=cast.workspace).update(x_requests_per_day=10)
    SearchPoll.objects.update(next_attempt_at=timezone.now())
    [stale] = claim(job, worker_id="A", limit=10)
    first = fake.search_posts

    def slow_first(*, query: str, since: datetime | None = None) -> list[PublicPost]:
        if len(fake.asked) == 0:  # A's first query hangs past its lease; B takes the poll
            SearchPoll.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
            fake.search_posts = first  # type: ignore[method-assign]
            [taken] = claim(job, worker_id="B", limit=10)
            run_claimed(job, taken)
        return first(query=query, since=since)

    fake.search_posts = slow_first  # type: ignore[method-assign]
    run_claimed(job, stale)
    poll = SearchPoll.objects.get(channel=channel)
    assert len(fake.asked) == 3  # B's two, A's first: A sent nothing more
    assert poll.requests_made == 3 and poll.claimed_by == ""
