"""The demo's listening: three searches, a month heard for real, and one spike."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from palabre.accounts.models import User, Workspace
from palabre.listening import spikes
from palabre.listening.demo import SPIKE, demo_listening
from palabre.listening.models import Heard, Role, Search, Spike
from palabre.listening.services import matcher_build
from palabre.listening.upkeep import SPIKE_TOLD
from palabre.publishing.models import Notice
from palabre.web import demo

pytestmark = pytest.mark.django_db


def test_the_demo_listens() -> None:
    """One demo (it takes seconds), every part of its listening checked."""
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug=demo.DEMO_SLUG)
    for check in (
        the_bakery_follows_itself_a_topic_and_a_rival,
        a_month_of_posts_each_matched_for_real,
        the_posts_read_like_the_networks,
        some_posts_were_dealt_with_most_wait,
        a_bakerys_rhythm,
        one_spike_stands_out_and_is_told,
        seeding_again_changes_nothing,
    ):
        check(workspace)


def the_bakery_follows_itself_a_topic_and_a_rival(seeded: Workspace) -> None:
    searches = {s.role: s for s in Search.objects.filter(workspace=seeded)}
    assert set(searches) == {Role.BRAND, Role.TOPIC, Role.COMPETITOR}
    assert "boulangerie lumiere" in searches[Role.BRAND].terms  # and its misspellings
    assert '"pain au levain"' in searches[Role.TOPIC].terms
    assert searches[Role.COMPETITOR].name == "Fournil des Pentes"


def a_month_of_posts_each_matched_for_real(seeded: Workspace) -> None:
    searches = list(Search.objects.filter(workspace=seeded))
    matcher = matcher_build(searches)
    heard = list(Heard.objects.filter(workspace=seeded).prefetch_related("searches"))
    assert 300 <= len(heard) <= 800
    first, last = min(h.posted_at for h in heard), max(h.posted_at for h in heard)
    assert (last - first).days >= 29
    for post in heard:
        linked = {s.pk for s in post.searches.all()}
        assert linked == set(matcher.match(post.text, network=post.network)), post.text
    per_search = Counter(s.pk for post in heard for s in post.searches.all())
    assert all(per_search[s.pk] >= 40 for s in searches), per_search
    assert any(len(post.searches.all()) > 1 for post in heard)  # share of voice, co-occurrence


def the_posts_read_like_the_networks(seeded: Workspace) -> None:
    heard = Heard.objects.filter(workspace=seeded)
    assert set(heard.values_list("network", flat=True)) == {"bluesky", "mastodon"}
    langs = Counter(heard.values_list("lang", flat=True))
    assert langs["fr"] > 3 * langs["en"] > 0
    assert not heard.filter(kind="").exists() and not heard.filter(model_version="").exists()
    assert {"praise", "question", "criticism"} <= set(heard.values_list("kind", flat=True))
    authors = Counter(heard.values_list("author_handle", flat=True))
    (top, most), *_ = authors.most_common(1)
    assert most >= 20 and len(authors) >= 25, authors.most_common(5)
    assert heard.filter(network="mastodon", reach__isnull=False).exists()
    bluesky = heard.filter(network="bluesky").first()
    assert bluesky is not None and bluesky.remote_id.startswith("at://did:plc:")
    assert bluesky.url.startswith(f"https://bsky.app/profile/{bluesky.author_handle}/post/")


def some_posts_were_dealt_with_most_wait(seeded: Workspace) -> None:
    heard = Heard.objects.filter(workspace=seeded)
    seen = heard.filter(seen_at__isnull=False).count()
    assert 0 < seen < heard.count() / 2
    assert heard.exclude(tags=[]).exists()
    assert heard.filter(assigned_to__isnull=False).exists()


def a_bakerys_rhythm(seeded: Workspace) -> None:
    local = [h.astimezone(seeded.tzinfo) for h in _times(seeded)]
    by_hour = Counter(t.hour for t in local)
    assert by_hour[8] > 5 * (by_hour[1] + by_hour[3])
    days = Counter(t.date() for t in local)
    weekend = [n for d, n in days.items() if d.weekday() >= 5]
    weekdays = [n for d, n in days.items() if d.weekday() < 5]
    assert sum(weekend) / len(weekend) > sum(weekdays) / len(weekdays)


def one_spike_stands_out_and_is_told(seeded: Workspace) -> None:
    brand = Search.objects.get(workspace=seeded, role=Role.BRAND)
    found = list(Spike.objects.filter(workspace=seeded))
    assert found and {s.search_id for s in found} == {brand.pk}
    assert max(s.count for s in found) >= max(SPIKE)
    assert Notice.objects.filter(workspace=seeded, message=SPIKE_TOLD).exists()
    # Every hour of the month judged as the upkeep judges it: only the article's stand out.
    for search in Search.objects.filter(workspace=seeded):
        counts = Counter(_hour(h) for h in _times(seeded, search))
        flagged = {
            hour
            for hour in counts
            if (verdict := spikes.spike_check(counts, hour, since=search.created_at))
            and verdict.spike
        }
        if search == brand:
            assert flagged == {s.hour for s in found}, sorted(flagged)
            assert len(flagged) <= len(SPIKE)
        else:
            assert flagged == set(), (search.name, sorted(flagged))


def seeding_again_changes_nothing(seeded: Workspace) -> None:
    before = Heard.objects.filter(workspace=seeded).count()
    people = [User.objects.get(email=p.email) for p in demo.PEOPLE]
    demo_listening(seeded, people)
    assert Heard.objects.filter(workspace=seeded).count() == before
    assert Search.objects.filter(workspace=seeded).count() == 3


def _times(workspace: Workspace, search: Search | None = None) -> list[datetime]:
    heard = Heard.objects.filter(workspace=workspace)
    if search is not None:
        heard = heard.filter(searches=search)
    return list(heard.values_list("posted_at", flat=True))


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
