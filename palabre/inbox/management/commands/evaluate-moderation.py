"""palabre evaluate-moderation [--datasets PATH] [--write] [--fast-only]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.inbox.ml import datasets, frozen
from palabre.inbox.ml.classifier import base_meaning, base_model
from palabre.inbox.ml.evaluation import as_text, evaluate
from palabre.inbox.ml.report import write_markdown
from palabre.lib.command import PalabreCommand


class Command(PalabreCommand):
    # The report itself stays in English, as docs/moderation.md is.
    help = gettext_noop(
        "Measure the moderation model. The shipped model, on the frozen evaluation set "
        "(data/eval/) and on the held-out part of the shared datasets: per language and kind, "
        "precision and recall with their confidence intervals, and how much civil content "
        "would be hidden. --write updates docs/moderation.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--datasets", metavar="PATH", help=_("default: ../shared/datasets"))
        parser.add_argument("--write", action="store_true", help=_("update docs/moderation.md"))
        parser.add_argument(
            "--fast-only",
            action="store_true",
            help=_("the fast stage alone, without the second (to compare)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = datasets.find_root(options["datasets"])
        if root is None and options["write"]:
            raise CommandError(
                _(
                    "The held-out datasets were not found (expected ../shared/datasets, or give "
                    "--datasets PATH); docs/moderation.md needs them."
                )
            )
        if root is None:
            self.stderr.write(_("Shared datasets not found: the frozen set only."))
        second = not options["fast_only"]
        try:
            report = evaluate(root, base_model(), base_meaning(), second=second)
        except frozen.ModifiedSet as error:
            raise CommandError(str(error)) from error
        self.stdout.write(as_text(report))
        if options["write"]:
            if not second:
                raise CommandError(_("docs/moderation.md reports the shipped two-stage model."))
            fast = evaluate(root, base_model(), None, second=False)
            target = Path(settings.BASE_DIR).parent / "docs" / "moderation.md"
            write_markdown(report, fast, target)
            self.stdout.write(self.style.SUCCESS(_("Wrote %(path)s") % {"path": target}))
