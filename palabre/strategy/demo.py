"""The strategy's part of the demo, so far: two tracked links, clicked over the last weeks."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.strategy.links import link_create
from palabre.strategy.models import Click

LINKS = [
    ("Atelier pain des enfants", "https://boulangerie-lumiere.example/atelier", "instagram", 46),
    ("Commande de brioches", "https://boulangerie-lumiere.example/commande", "facebook", 23),
]


def demo_strategy(workspace: Workspace, author: User) -> None:
    now = timezone.now()
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
