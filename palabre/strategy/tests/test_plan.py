"""The strategy page: guidelines, audiences, chosen networks, objectives and their progress;
and the guidelines applied in the composer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Contact
from palabre.publishing.models import Post
from palabre.strategy.guidelines import words_found
from palabre.strategy.links import link_create
from palabre.strategy.models import Audience, Click, NetworkPlan, Objective, Strategy
from palabre.strategy.objectives import objectives_progress

pytestmark = pytest.mark.django_db
PAGE = "/w/lumiere/strategy/"


@pytest.fixture
def manager(client: Client, cast) -> Client:
    client.force_login(cast.bob)
    return client


def test_every_workspace_has_its_strategy_with_sane_defaults(cast) -> None:
    strategy = Strategy.objects.get(workspace=cast.workspace)
    assert strategy.weekly_minimum_minutes == 30
    assert cast.workspace.max_promotional_percent == 20
    assert strategy.next_attempt_at is not None
    local = strategy.next_attempt_at.astimezone(cast.workspace.tzinfo)
    assert (local.weekday(), local.hour) == (0, 8)  # Monday morning, the week's review


def test_guidelines_are_saved_and_the_maximum_lives_on_the_workspace(manager: Client, cast) -> None:
    response = manager.post(
        PAGE,
        {
            "kind": "guidelines",
            "guidelines-version": "0",
            "guidelines-tone": "Chaleureux",
            "guidelines-address": "vous",
            "guidelines-words_to_avoid": "pas cher\npromo",
            "guidelines-max_promotional_percent": "15",
            "guidelines-weekly_minimum_minutes": "45",
            "guidelines-hourly_cost": "32.50",
            "guidelines-currency": "eur",
        },
    )
    assert response.status_code == 302 and response.url.endswith("#guidelines")
    strategy = Strategy.objects.get(workspace=cast.workspace)
    assert strategy.avoided_words() == ["pas cher", "promo"]
    assert (strategy.address, strategy.weekly_minimum_minutes) == ("vous", 45)
    assert (strategy.hourly_cost, strategy.currency) == (Decimal("32.50"), "EUR")
    cast.workspace.refresh_from_db()
    assert cast.workspace.max_promotional_percent == 15


def test_a_french_decimal_comma_is_understood(manager: Client, cast) -> None:
    manager.cookies["django_language"] = "fr"
    manager.post(
        PAGE,
        {
            "kind": "guidelines",
            "guidelines-version": "0",
            "guidelines-max_promotional_percent": "20",
            "guidelines-weekly_minimum_minutes": "30",
            "guidelines-hourly_cost": "27,40",
            "guidelines-currency": "EUR",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert Strategy.objects.get(workspace=cast.workspace).hourly_cost == Decimal("27.40")


def test_a_percentage_target_may_carry_its_sign(manager: Client, cast) -> None:
    """A walkthrough's "90 %" for a response rate was refused: "Enter a number"."""
    from palabre.strategy.models import Objective

    manager.post(
        PAGE,
        {
            "kind": "objective",
            "objective-metric": "response_rate",
            "objective-target": "90\u00a0%",
            "objective-deadline": "2030-01-31",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert Objective.objects.get(workspace=cast.workspace).target == Decimal("90")


def test_audiences_networks_and_objectives_are_added_and_removed(manager: Client, cast) -> None:
    manager.post(
        PAGE, {"kind": "audience", "audience-name": "Parents", "audience-description": "Ateliers"}
    )
    manager.post(
        PAGE,
        {
            "kind": "network",
            "network-network": "instagram",
            "network-reason": "Photos du fournil",
            "network-weekly_budget_minutes": "90",
            "network-max_hashtags": "5",
        },
    )
    # Changing a chosen network (its form opened at version 0) changes it: one per network.
    manager.post(
        PAGE,
        {
            "kind": "network",
            "network-version": "0",
            "network-network": "instagram",
            "network-reason": "Photos",
            "network-weekly_budget_minutes": "60",
        },
    )
    manager.post(
        PAGE,
        {
            "kind": "objective",
            "objective-metric": "clicks",
            "objective-target": "40",
            "objective-deadline": "2030-01-31",
        },
    )
    plan = NetworkPlan.objects.get(workspace=cast.workspace)
    assert (plan.reason, plan.weekly_budget_minutes, plan.max_hashtags) == ("Photos", 60, None)
    page = manager.get(PAGE).content.decode()
    assert "Parents" in page and "Photos" in page and "<progress" in page
    audience = Audience.objects.get()
    manager.post("/w/lumiere/strategy/remove/", {"kind": "audience", "id": audience.pk})
    assert not Audience.objects.exists()
    # Another workspace's item, or an unknown kind, is not found.
    other = Audience.objects.create(workspace=cast.other_workspace, name="x", description="y")
    assert (
        manager.post(
            "/w/lumiere/strategy/remove/", {"kind": "audience", "id": other.pk}
        ).status_code
        == 404
    )
    assert manager.post("/w/lumiere/strategy/remove/", {"kind": "user", "id": 1}).status_code == 404
    assert Audience.objects.filter(pk=other.pk).exists()


def test_the_network_chooser_offers_only_networks_not_in_the_plan(manager: Client, cast) -> None:
    """Choosing one already in the plan showed an empty form; saved, it said "someone saved
    this meanwhile" while nobody had, and saving again would have wiped its settings (a
    walk). Each chosen network is changed from its row."""
    NetworkPlan.objects.create(
        workspace=cast.workspace, network="mastodon", reason="r", weekly_budget_minutes=30
    )
    page = manager.get(PAGE).content.decode()
    chooser = page.split('name="network-network"')[1].split("</select>")[0]
    assert 'value="instagram"' in chooser and 'value="mastodon"' not in chooser
    changing = manager.get(f"{PAGE}?network=mastodon").content.decode()
    assert 'value="mastodon" selected' in changing.split('name="network-network"')[1]
    for network in ("x", "bluesky", "threads", "linkedin", "facebook", "instagram"):
        NetworkPlan.objects.create(
            workspace=cast.workspace, network=network, reason="r", weekly_budget_minutes=30
        )
    assert 'name="network-network"' not in manager.get(PAGE).content.decode()  # all chosen


def test_a_bad_objective_re_renders_with_a_message_and_keeps_the_rest(manager: Client) -> None:
    response = manager.post(
        PAGE,
        {
            "kind": "objective",
            "objective-metric": "clicks",
            "objective-target": "-3",
            "objective-deadline": "soon",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "supérieure ou égale à 0" in html and "Saisissez une date valide" in html
    assert not Objective.objects.exists()
    # A response rate of 5,000 % could never be reached; 100 % can.
    rate = {"kind": "objective", "objective-metric": "response_rate"}
    rate |= {"objective-deadline": "2030-01-31", "objective-target": "5000"}
    refused = manager.post(PAGE, rate).content.decode()
    assert "Un taux de réponse vaut au plus 100\u00a0%." in refused
    assert manager.post(PAGE, rate | {"objective-target": "100"}).status_code == 302


def test_readers_see_the_plan_but_cannot_change_it(client: Client, cast) -> None:
    client.force_login(cast.erin)  # an editor
    assert client.get(PAGE).status_code == 200
    response = client.post(
        PAGE, {"kind": "audience", "audience-name": "x", "audience-description": "y"}
    )
    assert response.status_code == 403
    assert not Audience.objects.exists()


def test_objective_progress_reads_the_measured_figures(cast) -> None:
    ws = cast.workspace
    today = timezone.localdate()
    link = link_create(workspace=ws, actor=cast.erin, destination="https://lumiere.example/")
    now = timezone.now()
    Click.objects.bulk_create(Click(link=link, at=now - timedelta(days=d)) for d in (1, 2, 3, 40))
    for name, stage in [("A", "member"), ("B", "advocate"), ("C", "engaged")]:
        Contact.objects.create(workspace=ws, name=name, stage=stage)
    clicks = Objective.objects.create(
        workspace=ws, metric="clicks", target=6, deadline=today + timedelta(days=10)
    )
    members = Objective.objects.create(workspace=ws, metric="members", target=2, deadline=today)
    late = Objective.objects.create(
        workspace=ws, metric="conversions", target=5, deadline=today - timedelta(days=1)
    )
    answer = Objective.objects.create(
        workspace=ws, metric="median_response", target=60, deadline=today
    )
    progress = {p.objective.pk: p for p in objectives_progress(workspace=ws)}
    assert (progress[clicks.pk].current, progress[clicks.pk].percent) == (
        3,
        50,
    )  # 3 of 6 in 30 days
    assert progress[clicks.pk].days_left == 10 and not progress[clicks.pk].reached
    assert (progress[members.pk].current, progress[members.pk].reached) == (2, True)
    assert (progress[late.pk].current, progress[late.pk].overdue) == (0, True)
    assert progress[answer.pk].current is None and progress[answer.pk].percent == 0  # no reply yet


def test_words_to_avoid_match_whole_words_whatever_the_case() -> None:
    assert words_found("Nos PROMOS et du pain Pas  cher", ["promo", "pas cher", "pain"]) == ["pain"]
    assert words_found("Une PROMO ! Pas cher.", ["promo", "pas cher"]) == ["promo", "pas cher"]


def test_tu_is_found_where_the_noun_and_vous_are_not() -> None:
    from palabre.strategy.guidelines import tutoiement_found

    assert tutoiement_found("Viens goûter, tu vas adorer ta brioche") == ["tu", "ta"]
    assert tutoiement_found("On t’attend samedi !") == ["t’"]  # read as English by fastText
    assert tutoiement_found("Profite de ton samedi") == ["ton"]
    assert tutoiement_found("Il a ton numéro") == ["ton"]
    for formal in (
        "Venez goûter, vous allez adorer",
        "Sur un ton léger",
        "C’est de bon ton, ton sur ton",
        "Va-t-il pleuvoir ?",
        "Ouvert Tu-Sa 9h-18h",
        "Voir https://lumiere.example/ta/page",
        "A ton of butter, tested by our team",
    ):
        assert tutoiement_found(formal) == [], formal


def test_the_composer_warns_of_tu_where_the_workspace_says_vous(client: Client, cast) -> None:
    """The strategy's "address people as" was shown, never checked (a walkthrough's
    "tu vas adorer" went through without a word)."""
    client.force_login(cast.erin)
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    Strategy.objects.filter(workspace=cast.workspace).update(address="vous")
    data = {"post-idea": "Viens goûter, tu vas adorer", "post-networks": ["mastodon"]}
    live = client.post("/w/lumiere/compose/check/", data).content.decode()
    assert 'data-code="guidelines.address"' in live and "tu" in live
    Strategy.objects.filter(workspace=cast.workspace).update(address="tu")
    live = client.post("/w/lumiere/compose/check/", data).content.decode()
    assert "guidelines.address" not in live


def test_the_composer_warns_against_the_guidelines(client: Client, cast) -> None:
    ws = cast.workspace
    client.force_login(cast.erin)
    strategy = Strategy.objects.get(workspace=ws)
    strategy.words_to_avoid = "pas cher"
    strategy.save()
    NetworkPlan.objects.create(
        workspace=ws, network="mastodon", reason="r", weekly_budget_minutes=60, max_hashtags=2
    )
    channel_create_demo(workspace=ws, network="mastodon", name="M")
    # Four promotional posts of five in the coming weeks, above the 20 percent maximum.
    soon = timezone.now() + timedelta(days=3)
    for category in ("promotional", "promotional", "promotional", "helpful"):
        Post.objects.create(workspace=ws, idea="i", category=category, publish_at=soon)
    client.post(
        "/w/lumiere/compose/",
        {
            "post-idea": "Du pain pas cher #a #b #c",
            "post-category": "promotional",
            "post-networks": ["mastodon"],
        },
    )
    post = Post.objects.get(idea__startswith="Du pain")
    html = client.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert 'data-code="guidelines.word"' in html and "pas cher" in html
    assert 'data-code="guidelines.hashtags"' in html
    assert 'data-code="guidelines.promotional_share"' in html and "(80\u00a0%)" in html
    # Typed as helpful in the live check, the post no longer tips the mix.
    data = {
        "post-idea": post.idea,
        "post-category": "helpful",
        "post-networks": ["mastodon"],
        "mastodon-text": "Du bon pain",
    }
    live = client.post(f"/w/lumiere/posts/{post.pk}/check/", data).content.decode()
    assert "guidelines." not in live


def test_an_objective_or_audience_added_twice_is_kept_once_with_a_message(
    manager: Client, cast
) -> None:
    """A double click on "Add", or the same form sent from two tabs: the second says why it
    was not added, in the reader's language (Bob reads French), and keeps what was typed."""
    objective = {
        "kind": "objective",
        "objective-metric": "clicks",
        "objective-target": "40",
        "objective-deadline": "2030-01-31",
    }
    assert manager.post(PAGE, objective).status_code == 302
    again = manager.post(PAGE, {**objective, "objective-target": "55"})
    html = again.content.decode()
    assert again.status_code == 200
    assert "Cet indicateur a déjà un objectif à cette date" in html and 'value="55"' in html
    assert list(Objective.objects.values_list("target", flat=True)) == [Decimal("40")]
    # Another day for the same figure is a milestone, not a duplicate.
    later = manager.post(PAGE, {**objective, "objective-deadline": "2030-06-30"})
    assert later.status_code == 302 and Objective.objects.count() == 2

    audience = {"kind": "audience", "audience-name": "Élèves", "audience-description": "Ateliers"}
    assert manager.post(PAGE, audience).status_code == 302
    again = manager.post(PAGE, {**audience, "audience-name": "élèves"})
    assert again.status_code == 200
    assert "Un public s’appelle déjà «\u00a0élèves\u00a0»." in again.content.decode()
    assert list(Audience.objects.values_list("name", flat=True)) == ["Élèves"]


def test_an_objective_is_changed_in_place_at_the_version_it_was_opened_at(
    manager: Client, cast
) -> None:
    """A target set too high could only be removed and added again."""
    clicks = Objective.objects.create(
        workspace=cast.workspace, metric="clicks", target=Decimal("40"), deadline=date(2030, 1, 31)
    )
    opened = manager.get(f"{PAGE}?objective={clicks.pk}").content.decode()
    assert f'name="objective-objective" value="{clicks.pk}"' in opened
    assert 'name="objective-target" value="40' in opened and "Enregistrer l’objectif" in opened
    change = {
        "kind": "objective",
        "objective-objective": clicks.pk,
        "objective-version": "0",
        "objective-metric": "clicks",
        "objective-target": "25",
        "objective-deadline": "2030-03-31",
    }
    assert manager.post(f"{PAGE}?objective={clicks.pk}", change).status_code == 302
    clicks.refresh_from_db()
    assert (clicks.target, clicks.deadline, clicks.version) == (Decimal(25), date(2030, 3, 31), 1)
    assert Objective.objects.count() == 1
    # The same form sent again (another tab opened at version 0): refused, both shown.
    stale = manager.post(f"{PAGE}?objective={clicks.pk}", {**change, "objective-target": "99"})
    assert stale.status_code == 200 and 'data-stale="objective"' in stale.content.decode()
    saved_meanwhile = stale.content.decode().split('data-stale="objective"')[1]
    saved_meanwhile = saved_meanwhile.split("</aside>")[0]
    assert "31 mars 2030" in saved_meanwhile and "2030-03-31" not in saved_meanwhile
    clicks.refresh_from_db()
    assert clicks.target == Decimal(25)
    # Another workspace's objective is not opened, nor changed: a new one is added here.
    theirs = Objective.objects.create(
        workspace=cast.other_workspace, metric="clicks", target=1, deadline=date(2030, 1, 31)
    )
    elsewhere = manager.get(f"{PAGE}?objective={theirs.pk}").content.decode()
    assert f'value="{theirs.pk}"' not in elsewhere
    manager.post(
        PAGE,
        {
            **change,
            "objective-objective": theirs.pk,
            "objective-target": "7",
            "objective-deadline": "2030-09-30",
        },
    )
    theirs.refresh_from_db()
    assert theirs.target == 1 and Objective.objects.filter(workspace=cast.workspace).count() == 2
    # One behind its deadline keeps it when its target is changed; no other past day is taken.
    late = Objective.objects.create(
        workspace=cast.workspace, metric="conversions", target=5, deadline=date(2020, 1, 1)
    )
    past = {
        **change,
        "objective-objective": late.pk,
        "objective-metric": "conversions",
        "objective-deadline": "2020-01-01",
    }
    assert manager.post(f"{PAGE}?objective={late.pk}", past).status_code == 302
    other_day = manager.post(
        f"{PAGE}?objective={late.pk}",
        {**past, "objective-version": "1", "objective-deadline": "2020-01-02"},
    )
    assert "L’échéance ne peut pas être dans le passé" in other_day.content.decode()
    # Opened for the late one, sent for another: that other one takes no past day.
    other = Objective.objects.filter(workspace=cast.workspace, metric="clicks").first()
    switched = manager.post(
        f"{PAGE}?objective={late.pk}",
        {
            **past,
            "objective-version": "1",
            "objective-objective": other.pk,
            "objective-metric": "clicks",
        },
    )
    assert "L’échéance ne peut pas être dans le passé" in switched.content.decode()
    new = manager.post(f"{PAGE}?objective={late.pk}", {**past, "objective-objective": ""})
    assert "L’échéance ne peut pas être dans le passé" in new.content.decode()


def test_the_database_refuses_a_second_audience_of_the_same_name(cast) -> None:
    """What a double click can slip past the check made before saving."""
    from django.db import IntegrityError, transaction

    Audience.objects.create(workspace=cast.workspace, name="Parents", description="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Audience.objects.create(workspace=cast.workspace, name="PARENTS", description="y")
    # Each workspace names its own.
    Audience.objects.create(workspace=cast.other_workspace, name="Parents", description="z")


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_audiences_and_keeps_the_last_objective(cast) -> None:
    """Rows added twice before the constraints existed: migrating keeps every audience (the
    second numbered) and, of two objectives for one metric and day, the later one."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("strategy", "0003_versions")], [("strategy", "0004_named_once")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldAudience, OldObjective = (old.get_model("strategy", m) for m in ("Audience", "Objective"))
    for name in ("Parents", "parents", "Parents (2)"):
        OldAudience.objects.create(workspace_id=cast.workspace.pk, name=name, description="x")
    for target in (10, 20):
        OldObjective.objects.create(
            workspace_id=cast.workspace.pk, metric="clicks", target=target, deadline="2030-01-31"
        )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    # The database as the other tests expect it: every later migration applied again.
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    names = list(Audience.objects.order_by("pk").values_list("name", flat=True))
    assert names == ["Parents", "parents (3)", "Parents (2)"]
    assert list(Objective.objects.values_list("target", flat=True)) == [Decimal("20")]
