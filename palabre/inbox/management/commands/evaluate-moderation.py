"""palabre evaluate-moderation [--datasets PATH] [--write]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palabre.inbox.ml import datasets
from palabre.inbox.ml.classifier import base_model
from palabre.inbox.ml.evaluation import as_text, evaluate
from palabre.inbox.ml.report import write_markdown


class Command(BaseCommand):
    help = (
        "Measure the base model on the held-out files: macro-F1 per language and how much "
        "civil content the default rules would hide. --write updates docs/moderation.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--datasets", metavar="PATH", help="default: ../shared/datasets")
        parser.add_argument("--write", action="store_true", help="update docs/moderation.md")

    def handle(self, *args: Any, **options: Any) -> None:
        root = datasets.find_root(options["datasets"])
        if root is None:
            raise CommandError(
                "The held-out datasets were not found (expected ../shared/datasets, or give "
                "--datasets PATH)."
            )
        report = evaluate(root, base_model())
        self.stdout.write(as_text(report))
        if options["write"]:
            target = Path(settings.BASE_DIR).parent / "docs" / "moderation.md"
            write_markdown(report, target)
            self.stdout.write(self.style.SUCCESS(f"Wrote {target}"))
