"""Return per network on a month whose every figure was worked out by hand (June 2026,
Europe/Paris; time costs 30.00 an hour)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Contact, Identity, Interaction
from palabre.strategy.links import link_create
from palabre.strategy.models import AdSpend, Click, Conversion, NetworkPlan, TimeEntry
from palabre.strategy.returns import NetworkReturn, network_returns
from palabre.strategy.services import strategy_for
from palabre.strategy.timesheet import time_entry_add

pytestmark = pytest.mark.django_db
START = datetime(2026, 5, 31, 22, 0, tzinfo=UTC)  # 1 June, 00:00 in Paris
END = datetime(2026, 6, 30, 22, 0, tzinfo=UTC)  # 1 July, 00:00 in Paris


def june(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 6, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def returns(cast):
    ws, erin = cast.workspace, cast.erin
    strategy = strategy_for(ws)
    strategy.hourly_cost = Decimal("30.00")
    strategy.save()
    for network, budget in [("mastodon", 120), ("bluesky", 60), ("instagram", 30)]:
        NetworkPlan.objects.create(
            workspace=ws, network=network, reason="r", weekly_budget_minutes=budget
        )
    # Time: Mastodon 300 + 150 = 450 min (7.5 h → 225.00); Bluesky 120 min (60.00).
    for day, network, minutes in [(3, "mastodon", 300), (17, "mastodon", 150), (9, "bluesky", 120)]:
        time_entry_add(
            workspace=ws,
            user=erin,
            day=date(2026, 6, day),
            network=network,
            activity="writing",
            minutes=minutes,
        )
    time_entry_add(  # May: outside
        workspace=ws,
        user=erin,
        day=date(2026, 5, 31),
        network="mastodon",
        activity="writing",
        minutes=600,
    )
    TimeEntry.objects.create(  # a timer still running counts nothing yet
        workspace=ws, user=erin, network="mastodon", activity="answering", started_at=june(20)
    )
    # Ads: Bluesky 40.00; Instagram 100.00 on the last day; 55.00 on 1 July is outside.
    AdSpend.objects.create(workspace=ws, network="bluesky", spent_on=date(2026, 6, 15), amount=40)
    AdSpend.objects.create(
        workspace=ws, network="instagram", spent_on=date(2026, 6, 30), amount=100
    )
    AdSpend.objects.create(workspace=ws, network="instagram", spent_on=date(2026, 7, 1), amount=55)
    # People: on Mastodon P1 (twice) and P2 (a like) are engaged; P3 only followed; P5
    # insulted. On Bluesky, P4.
    a = channel_create_demo(workspace=ws, network="mastodon", name="A")
    b = channel_create_demo(workspace=ws, network="bluesky", name="B")
    n = iter(range(100))

    def person(name: str, network: str, channel, kinds: list[tuple[str, datetime]], **extra):
        contact = Contact.objects.create(workspace=ws, name=name)
        identity = Identity.objects.create(
            workspace=ws, contact=contact, network=network, remote_id=name, handle=name
        )
        for kind, when in kinds:
            Interaction.objects.create(
                workspace=ws,
                channel=channel,
                remote_id=f"i{next(n)}",
                kind=kind,
                identity=identity,
                created_at=when,
                **extra,
            )

    person(
        "P1",
        "mastodon",
        a,
        [
            ("comment", june(2)),
            ("comment", june(5)),
            ("comment", datetime(2026, 5, 20, tzinfo=UTC)),
        ],
    )
    person("P2", "mastodon", a, [("like", june(6))])
    person("P3", "mastodon", a, [("follow", june(7))])
    person("P5", "mastodon", a, [("comment", june(8))], category="abuse")
    person("P4", "bluesky", b, [("comment", june(9))])
    # Clicks: Mastodon link 10 in June (5 in May), Bluesky link 4, a link for no network 3.
    links = {
        key: link_create(
            workspace=ws, actor=erin, destination="https://lumiere.example/", network=key
        )
        for key in ("mastodon", "bluesky", "")
    }
    for key, count in [("mastodon", 10), ("bluesky", 4), ("", 3)]:
        Click.objects.bulk_create(Click(link=links[key], at=june(1 + i)) for i in range(count))
    Click.objects.bulk_create(
        Click(link=links["mastodon"], at=datetime(2026, 5, 3, tzinfo=UTC)) for _ in range(5)
    )
    # Conversions: five through the Mastodon link (500.00), one given as Bluesky (20.00),
    # one without a network (35.00), one in July (outside).
    for i, value in enumerate([100, 200, 50, 80, 70]):
        Conversion.objects.create(
            workspace=ws,
            external_id=f"m{i}",
            occurred_at=june(10 + i),
            value=value,
            network="mastodon",
            link=links["mastodon"],
            source="csv",
        )
    Conversion.objects.create(
        workspace=ws,
        external_id="b",
        occurred_at=june(12),
        value=20,
        network="bluesky",
        source="csv",
    )
    Conversion.objects.create(
        workspace=ws, external_id="n", occurred_at=june(13), value=35, source="csv"
    )
    Conversion.objects.create(
        workspace=ws,
        external_id="j",
        occurred_at=datetime(2026, 7, 2, tzinfo=UTC),
        value=999,
        network="mastodon",
        source="csv",
    )
    return network_returns(workspace=ws, strategy=strategy, start=START, end=END)


def test_rows_in_order_with_what_went_in(returns) -> None:
    rows = {r.network: r for r in returns.rows}
    assert [r.network for r in returns.rows] == ["bluesky", "instagram", "mastodon"]
    m, b, i = rows["mastodon"], rows["bluesky"], rows["instagram"]
    assert (m.minutes, m.time_cost, m.ad_spend, m.cost) == (
        450,
        Decimal("225.00"),
        0,
        Decimal("225.00"),
    )
    assert (b.minutes, b.time_cost, b.ad_spend, b.cost) == (
        120,
        Decimal("60.00"),
        Decimal("40.00"),
        Decimal("100.00"),
    )
    assert (i.minutes, i.cost) == (0, Decimal("100.00"))
    # Budgets over the 30 days of June: 120 × 30/7 = 514.3, 60 × 30/7 = 257.1, 30 × 30/7 = 128.6.
    assert (m.budget_minutes, b.budget_minutes, i.budget_minutes) == (514, 257, 129)


def test_results_and_costs_per_result(returns) -> None:
    rows = {r.network: r for r in returns.rows}
    m, b, i = rows["mastodon"], rows["bluesky"], rows["instagram"]
    assert (m.engaged, m.clicks, m.conversions, m.revenue) == (2, 10, 5, Decimal("500.00"))
    assert (m.per_engaged, m.per_click, m.per_conversion) == (
        Decimal("112.50"),
        Decimal("22.50"),
        Decimal("45.00"),
    )
    assert m.roi_percent == 122  # (500 − 225) ÷ 225 = 1.222
    assert (b.engaged, b.clicks, b.conversions, b.revenue) == (1, 4, 1, Decimal("20.00"))
    assert (b.per_engaged, b.per_click, b.per_conversion) == (
        Decimal("100.00"),
        Decimal("25.00"),
        Decimal("100.00"),
    )
    assert b.roi_percent == -80
    assert (i.engaged, i.clicks, i.conversions, i.per_engaged, i.roi_percent) == (
        0,
        0,
        0,
        None,
        -100,
    )
    assert (returns.unattributed_conversions, returns.unattributed_revenue) == (1, Decimal("35.00"))


def test_verdicts(returns) -> None:
    rows = {r.network: r for r in returns.rows}
    # The page prints a return only where it judges one (5 conversions at least): it said
    # "too few to judge" beside −80 % (a walk).
    assert [rows[n].judged_roi_percent for n in ("mastodon", "bluesky", "instagram")] == [
        122,
        None,
        None,
    ]
    assert rows["mastodon"].verdict == "pays"
    assert rows["bluesky"].verdict == "too_few"  # one conversion: too early to judge
    assert rows["instagram"].verdict == "nothing"


def _row(**figures) -> NetworkReturn:
    base = dict(
        network="x",
        label="X",
        planned=True,
        minutes=60,
        budget_minutes=60,
        time_cost=Decimal(30),
        ad_spend=Decimal(0),
        engaged=0,
        clicks=0,
        conversions=0,
        revenue=Decimal(0),
    )
    return NetworkReturn(**(base | figures))


@pytest.mark.parametrize(
    ("figures", "verdict"),
    [
        ({"time_cost": Decimal(0)}, "no_cost"),
        ({"conversions": 6, "revenue": Decimal(20)}, "costs_more"),
        ({"conversions": 6, "revenue": Decimal(30)}, "pays"),  # breaking even pays for itself
        ({"engaged": 12}, "community_only"),
        ({"clicks": 3}, "community_only"),
        ({}, "nothing"),
    ],
)
def test_each_verdict(figures, verdict) -> None:
    assert _row(**figures).verdict == verdict
