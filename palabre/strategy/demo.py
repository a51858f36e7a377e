"""The strategy's part of the demo: the bakery's plan, six weeks of time logged, ad spend,
tracked links with their clicks, and conversions, some of them from known customers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.inbox.models import Identity
from palabre.strategy.conversions import ConversionInput, conversion_record
from palabre.strategy.links import link_create
from palabre.strategy.models import Click, Metric, Objective, ShortLink, TimeEntry
from palabre.strategy.services import (
    ad_spend_add,
    audience_add,
    guidelines_save,
    network_plan_save,
)
from palabre.strategy.timesheet import week_start

LINKS = [
    ("Atelier pain des enfants", "https://boulangerie-lumiere.example/atelier", "instagram", 46),
    ("Commande de brioches", "https://boulangerie-lumiere.example/commande", "facebook", 23),
]
AUDIENCES = [
    (
        "Familles du quartier",
        "Parents de 30 à 45 ans qui passent le matin avant l’école ; ils viennent pour les "
        "horaires, les ateliers des enfants et les commandes du week-end.",
    ),
    (
        "Amateurs de levain",
        "Passionnés de pain au levain, souvent sur Mastodon et Bluesky ; ils aiment les "
        "coulisses du fournil, les farines et les questions techniques.",
    ),
]
# network, why, minutes a week, hashtags at most, policy
PLANS = [
    (
        "instagram",
        "Les photos du fournil : notre vitrine pour les familles.",
        90,
        5,
        "3 à 5, en français",
    ),
    ("facebook", "Les parents du quartier y commandent et posent leurs questions.", 60, 2, ""),
    (
        "mastodon",
        "La communauté du levain ; des échanges longs et fidèles.",
        30,
        2,
        "#levain #boulangerie",
    ),
    ("bluesky", "Un essai de trois mois, pour voir si le public du levain y vient.", 20, 2, ""),
]
# network → (activity, minutes) logged each week by the team, over six weeks
WEEKLY = {
    "instagram": [("visuals", 40), ("writing", 25), ("answering", 30)],
    "facebook": [("answering", 35), ("publishing", 15)],
    "mastodon": [("answering", 25), ("writing", 10)],
    "bluesky": [("writing", 10)],
}
# (network, link label or "", value, days ago, customer) conversions of the last weeks
CONVERSIONS = (
    [
        ("instagram", "Atelier pain des enfants", 45, d, d % 3 == 0)
        for d in (2, 4, 6, 9, 12, 15, 19, 24)
    ]
    + [("facebook", "Commande de brioches", 28, d, False) for d in (3, 8, 14, 21)]
    + [("mastodon", "", 18, 5, True), ("", "", 22, 11, False)]
)


def demo_strategy(workspace: Workspace, people: list[User], *, now: datetime | None = None) -> None:
    """`now` for the tests: the story (Instagram pays) must hold on every day of the week."""
    lucas, ines, paul = people[1], people[2], people[3]  # manager, editor, photographer
    now = now or timezone.now()
    today = now.astimezone(workspace.tzinfo).date()
    _plan(workspace, today)
    links = _links(workspace, lucas, now)
    _time(workspace, [lucas, ines, paul], today, now)
    for days in (5, 19):
        ad_spend_add(
            workspace=workspace,
            network="instagram",
            spent_on=today - timedelta(days=days),
            amount=Decimal("40.00"),
            note="Atelier des enfants",
        )
    _conversions(workspace, links, now)


def _plan(workspace: Workspace, today: date) -> None:
    guidelines_save(
        workspace=workspace,
        tone="Chaleureux et gourmand, jamais pressant ; on parle du métier avec simplicité.",
        address="vous",
        words_to_avoid="pas cher\nindustriel\npromo",
        max_promotional_percent=20,
        weekly_minimum_minutes=60,
        hourly_cost=Decimal("25.00"),
        currency="EUR",
    )
    for name, description in AUDIENCES:
        audience_add(workspace=workspace, name=name, description=description)
    for network, reason, minutes, hashtags, note in PLANS:
        network_plan_save(
            workspace=workspace,
            network=network,
            reason=reason,
            weekly_budget_minutes=minutes,
            max_hashtags=hashtags,
            hashtag_note=note,
        )
    for metric, target, days in [
        (Metric.RESPONSE_RATE, 90, 60),
        (Metric.MEMBERS, 500, 90),
        (Metric.CLICKS, 100, 30),
        (Metric.CONVERSIONS, 20, 60),
    ]:
        Objective.objects.create(
            workspace=workspace, metric=metric, target=target, deadline=today + timedelta(days=days)
        )


def _links(workspace: Workspace, author: User, now: datetime) -> dict[str, ShortLink]:
    links = {}
    for label, url, network, clicks in LINKS:
        link = link_create(
            workspace=workspace,
            actor=author,
            destination=url,
            label=label,
            network=network,
            utm_campaign="automne",
        )
        Click.objects.bulk_create(
            Click(link=link, at=now - timedelta(hours=7 * n + 1)) for n in range(clicks)
        )
        links[label] = link
    return links


def _time(workspace: Workspace, team: list[User], today: date, now: datetime) -> None:
    """Six weeks: the plan kept, except Bluesky, which last week got none of its time; this
    week's days so far; and the manager's timer, running on Instagram since 25 minutes."""
    this_monday = week_start(today)
    entries = []
    for weeks_ago in range(0, 7):
        monday = this_monday - timedelta(weeks=weeks_ago)
        for n, (network, work) in enumerate(WEEKLY.items()):
            if network == "bluesky" and weeks_ago == 1:
                continue
            for activity, minutes in work:
                day = monday + timedelta(days=n)
                if day >= today:  # this week: only the days gone by
                    continue
                started = datetime.combine(day, time(9, 0), tzinfo=workspace.tzinfo)
                entries.append(
                    TimeEntry(
                        workspace=workspace,
                        user=team[(n + weeks_ago) % len(team)],
                        network=network,
                        activity=activity,
                        minutes=minutes + weeks_ago % 3 * 5,
                        started_at=started,
                    )
                )
    entries.append(
        TimeEntry(
            workspace=workspace,
            user=team[0],
            network="instagram",
            activity="answering",
            minutes=None,
            started_at=now - timedelta(minutes=25),
        )
    )
    TimeEntry.objects.bulk_create(entries)


def _conversions(workspace: Workspace, links: dict[str, ShortLink], now: datetime) -> None:
    people = {
        network: list(
            Identity.objects.filter(workspace=workspace, network=network)
            .select_related("contact")
            .order_by("pk")[:8]
        )
        for network in ("instagram", "mastodon")
    }
    for n, (network, label, value, days, customer) in enumerate(CONVERSIONS):
        known = people.get(network) or []
        contact = known[n % len(known)].contact if customer and known else None
        conversion_record(
            workspace=workspace,
            item=ConversionInput(
                external_id=f"CMD-{2400 + n}",
                occurred_at=now - timedelta(days=days, hours=3),
                value=Decimal(value),
                network=network,
                link=links.get(label),
                contact=contact,
                customer=customer,
            ),
            source="csv",
        )
