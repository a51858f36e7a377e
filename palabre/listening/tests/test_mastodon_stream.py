"""Listening's Mastodon hashtag streams: one subscription per (instance, hashtag) shared by
the workspaces with a channel there, one process of the instance holding the Mastodon
lease, and what is heard kept with its instance as source (no network: a fake
subscription stands in for TagStream)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel, ChannelStatus
from palabre.inbox.stream.events import Events
from palabre.listening import mastodon_stream, stream
from palabre.listening.models import Heard, Search, StreamLease
from palabre.listening.services import search_save
from palabre.networks.base import PublicPost
from palabre.networks.mastodon.stream import TagStream, source_for

SOCIAL, OTHER = "https://social.example", "https://other.example"


class FakeTag:
    """A subscription that never connects: what the listening made of it, and its `hear`."""

    def __init__(self, *, source: str, tag: str, hear: Any) -> None:
        self.source, self.tag, self.hear = source, tag, hear
        self.channel: Channel | None = None
        self.started = self.stopped = self.stopping = False

    def watch(self, channels: list[Channel]) -> None:
        self.channel = channels[0]

    def start(self) -> None:
        self.started = True

    def halt(self) -> None:
        pass

    def stop(self, timeout: float = 10) -> None:
        self.stopped = True


@pytest.fixture
def quiet(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    monkeypatch.setattr(mastodon_stream.HashtagListening, "subscription_class", FakeTag)
    # The Bluesky part of the same Listening: made, never started.
    settings.PALABRE_BLUESKY_RELAY = "wss://relay.example"
    monkeypatch.setattr(stream.PostsStream, "start", lambda self: None)
    monkeypatch.setattr(stream.PostsStream, "stop", lambda self: None)


def _channel(workspace: Workspace, instance: str, name: str = "brand") -> Channel:
    channel = Channel.objects.create(
        workspace=workspace, network="mastodon", connector="mastodon", name=name, handle=name
    )
    channel.save_credentials({"instance": instance, "access_token": f"token-{name}"})
    return channel


def _search(workspace: Workspace, terms: str, **fields: Any) -> Search:
    search = Search(workspace=workspace, name=terms[:20], role="topic", terms=terms, **fields)
    return search_save(search=search, seen=None)


def _status(content: str, *, visibility: str = "public", status_id: str = "110") -> dict[str, Any]:
    return {
        "id": status_id,
        "visibility": visibility,
        "url": f"{SOCIAL}/@fan/{status_id}",
        "content": f"<p>{content}</p>",
        "created_at": timezone.now().isoformat(),
        "language": "fr",
        "account": {"id": "9", "username": "fan", "acct": "fan", "display_name": "Fan"},
    }


def _read(statuses: list[dict[str, Any]]) -> list[PublicPost]:
    """The statuses as a TagStream hands them over."""
    heard: list[PublicPost] = []
    subscription = TagStream(source=SOCIAL, tag="levain", hear=heard.append)
    subscription.watch([Channel(network="mastodon", server={"domain": "social.example"})])
    for status in statuses:
        subscription.updated(status)
    return heard


def _post(text: str) -> PublicPost:
    [post] = _read([_status(text)])
    return post


def _subscriptions(listening: stream.Listening) -> dict[tuple[str, str], FakeTag]:
    return {(k[0], k[1]): s for k, s in listening.hashtags.subscriptions.items()}


def test_one_subscription_per_instance_and_hashtag_for_every_workspace_there(
    cast: Any, quiet: None
) -> None:
    mine, other = cast.workspace, cast.other_workspace
    first = _channel(mine, f"{SOCIAL}/")
    _channel(mine, SOCIAL.upper(), name="second")  # the same instance, written otherwise
    _channel(mine, OTHER, name="elsewhere")
    theirs = _channel(other, SOCIAL, name="theirs")
    _search(mine, "#levain\npain")  # the word is polled, not streamed
    _search(mine, "#ciel", networks=["bluesky"])  # not looked for on Mastodon
    _search(other, "#levain, #Lyon")
    listening = stream.Listening(holder="a", events=Events())
    listening.arrange()
    made = _subscriptions(listening)
    assert set(made) == {(SOCIAL, "levain"), (SOCIAL, "lyon"), (OTHER, "levain")}
    assert all(s.started for s in made.values())
    assert made[SOCIAL, "levain"].channel == first  # the first channel there
    assert made[SOCIAL, "lyon"].channel == theirs
    wanted = {(k[0], k[1]): w for k, w in listening.hashtags.wanted.items()}
    assert wanted[SOCIAL, "levain"].workspace_ids == {mine.pk, other.pk}
    assert wanted[SOCIAL, "levain"].source == "social.example"
    assert wanted[OTHER, "levain"].workspace_ids == {mine.pk}
    # Arranged again: the same subscriptions; the channel gone, its hashtag with it.
    listening.arrange()
    assert _subscriptions(listening) == made
    theirs.status = ChannelStatus.DISABLED
    theirs.save()
    listening.arrange()
    assert set(_subscriptions(listening)) == {(SOCIAL, "levain"), (OTHER, "levain")}
    assert made[SOCIAL, "lyon"].stopped
    # New credentials for the channel subscribed through: subscribed again.
    first.save_credentials({"instance": SOCIAL, "access_token": "renewed"})
    listening.arrange()
    key = next(k for k in listening.hashtags.subscriptions if k[:2] == (SOCIAL, "levain"))
    assert key[2] == source_for(Channel.objects.get(pk=first.pk))
    assert made[SOCIAL, "levain"].stopped


def test_one_process_holds_the_mastodon_lease_its_own_row(cast: Any, quiet: None) -> None:
    first = stream.Listening(holder="a", events=Events())
    second = stream.Listening(holder="b", events=Events())
    _channel(cast.workspace, SOCIAL)
    first.arrange()
    assert not first.hashtags.held  # no search
    search = _search(cast.workspace, "#levain", networks=["mastodon"])
    first.arrange()
    second.arrange()
    assert first.hashtags.held and not second.hashtags.held
    assert second.hashtags.subscriptions == {}
    assert StreamLease.objects.get(network="mastodon").holder == "a"
    assert not StreamLease.objects.filter(network="bluesky", holder="a").exists()
    [subscription] = first.hashtags.subscriptions.values()
    search.delete()  # nothing wanted: the subscription stops, the lease is given back
    first.arrange()
    assert subscription.stopped and not first.hashtags.held
    assert StreamLease.objects.get(network="mastodon").holder == ""
    _search(cast.workspace, "#levain")
    second.arrange()
    assert second.hashtags.held
    second.release()
    assert StreamLease.objects.get(network="mastodon").holder == ""


def test_what_is_heard_is_matched_and_kept_with_its_instance(cast: Any, quiet: None) -> None:
    mine, other = cast.workspace, cast.other_workspace
    _channel(mine, SOCIAL)
    _channel(other, SOCIAL, name="theirs")
    levain = _search(mine, "#levain")
    lyon = _search(other, "#lyon")
    _search(other, "#levain", exclusions="bio")
    events = Events()
    listening = stream.Listening(holder="a", events=events)
    listening.arrange()
    made = _subscriptions(listening)
    made[SOCIAL, "levain"].hear(_post("Du pain au #levain bio, à #Lyon"))
    made[SOCIAL, "lyon"].hear(_post("Du pain au #levain bio, à #Lyon"))  # the same, again
    while not events.empty():
        listening.handle(events.get())  # the runner's thread
    kept = {h.workspace_id: h for h in Heard.objects.all()}
    assert set(kept) == {mine.pk, other.pk}
    heard = kept[mine.pk]
    assert (heard.network, heard.source, heard.via) == ("mastodon", "social.example", "stream")
    assert (heard.remote_id, heard.author_handle) == ("110", "fan@social.example")
    assert list(heard.searches.all()) == [levain]
    assert list(kept[other.pk].searches.all()) == [lyon]  # its #levain search excludes "bio"
    assert Heard.objects.count() == 2  # heard twice, kept once per workspace


def test_a_status_no_longer_wanted_is_not_kept(cast: Any, quiet: None) -> None:
    _channel(cast.workspace, SOCIAL)
    search = _search(cast.workspace, "#levain")
    events = Events()
    listening = stream.Listening(holder="a", events=events)
    listening.arrange()
    [subscription] = listening.hashtags.subscriptions.values()
    search.delete()
    listening.arrange()
    subscription.hear(_post("#levain"))
    listening.handle(events.get())
    assert not Heard.objects.exists()


def test_only_public_statuses_are_heard(db: None) -> None:
    hidden = [_status("#levain", visibility=v) for v in ("unlisted", "private", "direct")]
    assert _read([*hidden, {"visibility": "public"}]) == []  # the last has no id
    [post] = _read([_status("Du pain au #levain")])
    assert (post.remote_id, post.author.handle, post.text) == (
        "110",
        "fan@social.example",
        "Du pain au #levain",
    )


def test_stopping_tells_every_subscription_before_waiting_for_any() -> None:
    said: list[str] = []

    class Slow:
        def __init__(self, name: str) -> None:
            self.name = name

        def halt(self) -> None:
            said.append(f"halt {self.name}")

        def stop(self, timeout: float = 10) -> None:
            assert timeout <= mastodon_stream.STOP_WAIT
            said.append(f"stop {self.name}")

    listening = mastodon_stream.HashtagListening(holder="h", events=Events())
    listening.subscriptions = {("a", "x"): Slow("a"), ("b", "y"): Slow("b")}  # type: ignore[dict-item]
    listening.stop()
    assert said == ["halt a", "halt b", "stop a", "stop b"]
