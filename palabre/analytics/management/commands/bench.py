"""palabre bench seed: a large, realistic workspace history for the benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.accounts.models import User, Workspace
from palabre.accounts.services import workspace_create
from palabre.analytics.seed import Plan, history_seed
from palabre.channels.services import channel_create_demo
from palabre.lib.command import PalabreCommand
from palabre.networks.kinds import NETWORKS


class Command(PalabreCommand):
    help = gettext_noop(
        "Build the benchmarks' data. `seed` builds a workspace with months of history (see "
        "docs/metrics.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help=_("build a workspace history for the benchmarks"))
        seed.add_argument("--slug", default="bench", help=_("the new workspace's short name"))
        seed.add_argument("--channels", type=int, default=20)
        seed.add_argument("--months", type=int, default=12)
        seed.add_argument("--interactions", type=int, default=5_000_000)

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        if Workspace.objects.filter(slug=slug).exists():
            raise CommandError(
                _(
                    "A workspace called “%(slug)s” exists already: choose another --slug, or "
                    "seed an empty database."
                )
                % {"slug": slug}
            )
        if not 1 <= options["channels"] <= 200 or not 1 <= options["months"] <= 60:
            raise CommandError(_("--channels must be 1 to 200 and --months 1 to 60."))
        started = time.monotonic()
        # What the seed stores is in the instance's language, as the pages expect.
        with translation.override(settings.LANGUAGE_CODE):
            counts = self._seed(slug, options)
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded {slug!r} in {elapsed:.0f} s: {summary}."))

    def _seed(self, slug: str, options: dict[str, Any]) -> dict[str, int]:
        owner, _created = User.objects.get_or_create(
            email=f"{slug}@bench.example", defaults={"name": "Bench"}
        )
        workspace = workspace_create(name=slug.replace("-", " ").title(), owner=owner)
        networks = list(NETWORKS)
        channels = [
            channel_create_demo(
                workspace=workspace,
                network=networks[i % len(networks)],
                name=f"Channel {i + 1:02d}",
            )
            for i in range(options["channels"])
        ]
        plan = Plan(months=options["months"], interactions=options["interactions"])
        return history_seed(
            workspace=workspace,
            channels=channels,
            author=owner,
            plan=plan,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
