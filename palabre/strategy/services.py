"""The strategy page's services: guidelines and costs, audiences, chosen networks, objectives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import Workspace
from palabre.lib.concurrency import StaleVersion, saved_at_version, version_advance
from palabre.strategy.models import AdSpend, Audience, NetworkPlan, Objective, Strategy
from palabre.strategy.timesheet import next_review_time


def strategy_for(workspace: Workspace) -> Strategy:
    """The workspace's strategy row, made on first use with the default minimum and cost."""
    strategy, _created = Strategy.objects.get_or_create(
        workspace=workspace,
        defaults={"next_attempt_at": next_review_time(workspace, timezone.now())},
    )
    return strategy


@transaction.atomic
def guidelines_save(
    *,
    workspace: Workspace,
    tone: str,
    address: str,
    words_to_avoid: str,
    max_promotional_percent: int,
    weekly_minimum_minutes: int,
    hourly_cost: Decimal,
    currency: str,
    version: int | None = None,
) -> Strategy:
    """Save the guidelines and costs; StaleVersion when someone saved them since `version`
    (the version the form was opened at; None, for the demo, skips the check)."""
    strategy = strategy_for(workspace)
    version_advance(strategy, seen=version)
    strategy.tone, strategy.address, strategy.words_to_avoid = tone, address, words_to_avoid
    strategy.weekly_minimum_minutes = weekly_minimum_minutes
    strategy.hourly_cost, strategy.currency = hourly_cost, currency.upper()
    # These fields only: the worker writes the same row (its weekly review's schedule).
    strategy.save(
        update_fields=[
            "tone",
            "address",
            "words_to_avoid",
            "weekly_minimum_minutes",
            "hourly_cost",
            "currency",
        ]
    )
    # The content mix's maximum already lives on the workspace (reports read it there).
    workspace.max_promotional_percent = max_promotional_percent
    workspace.save(update_fields=["max_promotional_percent"])
    return strategy


class AlreadyThere(Exception):
    """The plan already holds this: the message says what, in the reader's language."""


def audience_add(*, workspace: Workspace, name: str, description: str) -> Audience:
    """Add a persona; AlreadyThere when one has this name, whatever its case."""
    taken = AlreadyThere(_("An audience is already named “%(name)s”.") % {"name": name})
    # Compared here with casefold: the databases' lower() differ beyond ASCII (SQLite's
    # leaves "É" as it is); the constraint catches a double click on any name.
    names = Audience.objects.filter(workspace=workspace).values_list("name", flat=True)
    if any(known.casefold() == name.casefold() for known in names):
        raise taken
    try:
        with transaction.atomic():
            return Audience.objects.create(workspace=workspace, name=name, description=description)
    except IntegrityError:  # added a moment ago, by another tab or a double click
        raise taken from None


@transaction.atomic
def network_plan_save(
    *,
    workspace: Workspace,
    network: str,
    reason: str,
    weekly_budget_minutes: int,
    max_hashtags: int | None,
    hashtag_note: str,
    version: int | None = None,
) -> NetworkPlan:
    """Choose a network, or change what was said about it (one plan per network).

    `version` is the version of this network's plan the form was opened at; None when it
    was opened to choose a new network. Either way, a plan someone saved since is not
    overwritten: StaleVersion. (A plan removed since is simply made again.)"""
    values = {
        "reason": reason,
        "weekly_budget_minutes": weekly_budget_minutes,
        "max_hashtags": max_hashtags,
        "hashtag_note": hashtag_note,
    }
    plan = NetworkPlan.objects.filter(workspace=workspace, network=network).first()
    if plan is None:
        try:
            with transaction.atomic():
                return NetworkPlan.objects.create(workspace=workspace, network=network, **values)
        except IntegrityError:  # chosen by someone else a moment ago
            raise StaleVersion from None
    # No version: the form was opened to choose it, and someone chose it since.
    saved_at_version(plan, seen=version, values=values)
    return plan


def objective_save(
    *,
    workspace: Workspace,
    metric: str,
    target: Decimal,
    deadline: date,
    objective: int | None = None,
    version: int | None = None,
) -> Objective:
    """Add an objective, or change `objective` (opened at `version`: StaleVersion if someone
    saved it since; removed since, it is simply made again). AlreadyThere when this metric
    has another objective for that day: two targets for one figure on one day would
    contradict each other."""
    values = {"metric": metric, "target": target, "deadline": deadline}
    try:
        with transaction.atomic():
            mine = Objective.objects.filter(workspace=workspace)
            found = None if objective is None else mine.filter(pk=objective).first()
            if found is None:
                return Objective.objects.create(workspace=workspace, **values)
            saved_at_version(found, seen=version, values=values)
            return found
    except IntegrityError:
        raise AlreadyThere(
            _(
                "This metric already has an objective for that day: change that one "
                "(“Change” on its card), or choose another day."
            )
        ) from None


def ad_spend_add(
    *, workspace: Workspace, network: str, spent_on: date, amount: Decimal, note: str = ""
) -> AdSpend:
    return AdSpend.objects.create(
        workspace=workspace, network=network, spent_on=spent_on, amount=amount, note=note
    )


REMOVABLE = {"audience": Audience, "network": NetworkPlan, "objective": Objective}


def strategy_item_remove(*, workspace: Workspace, kind: str, pk: int) -> bool:
    """Remove an audience, a chosen network or an objective; False if this workspace has none."""
    model = REMOVABLE.get(kind)
    if model is None:
        return False
    deleted, _rows = model._default_manager.filter(workspace=workspace, pk=pk).delete()
    return deleted > 0
