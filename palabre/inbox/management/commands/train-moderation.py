"""palabre train-moderation [--workspace SLUG] [--datasets PATH]"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.inbox.ml import datasets
from palabre.inbox.ml.classifier import base_model
from palabre.inbox.ml.model import BASE_DIR, AbuseModel
from palabre.inbox.ml.training import adjust, train_base
from palabre.inbox.moderation import workspace_labels, workspace_model_dir


def _fingerprint(model: AbuseModel) -> str:
    digest = hashlib.sha256(model.abuse.coef.tobytes() + model.hate.coef.tobytes())
    return digest.hexdigest()[:8]


class Command(BaseCommand):
    help = (
        "Train the moderation model: the base model from the datasets (shipped in the "
        "package), or with --workspace, that workspace's model from its moderators' decisions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", metavar="SLUG", help="adjust the model to a workspace")
        parser.add_argument("--datasets", metavar="PATH", help="default: ../shared/datasets")
        parser.add_argument(
            "--output", metavar="DIR", help=f"where the base model goes (default: {BASE_DIR})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workspace"]:
            self._workspace(options["workspace"])
        else:
            self._base(options["datasets"], options["output"])

    def _base(self, path: str | None, output: str | None) -> None:
        root = datasets.find_root(path)
        if root is None:
            raise CommandError(
                "The training datasets were not found (expected ../shared/datasets, or give "
                "--datasets PATH). The shipped base model keeps working without them."
            )
        rows = datasets.training_rows(root)
        self.stdout.write(f"Training on {len(rows)} texts from {root}…")
        stamp = timezone.now().strftime("%Y%m%d")
        trained = train_base(rows, version=f"base-{stamp}", progress=self.stdout.write)
        model = trained.model
        model.version = f"base-{stamp}-{_fingerprint(model)}"
        target = Path(output) if output else BASE_DIR
        model.save(target)
        self.stdout.write(self.style.SUCCESS(f"Saved {model.version} to {target}"))

    def _workspace(self, slug: str) -> None:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"No workspace “{slug}”.")
        texts, labels = workspace_labels(workspace)
        if len(set(labels)) < 2:
            raise CommandError(
                f"{workspace.name} has {len(labels)} moderator decisions; training needs at "
                "least one “abuse” (hide) and one “not abuse” (unhide) decision. The base "
                "model keeps serving meanwhile."
            )
        base = base_model()
        stamp = timezone.now().strftime("%Y%m%d%H%M")
        model = adjust(base, texts, labels, version=f"{slug}-{stamp}")
        model.version = f"{slug}-{stamp}-{_fingerprint(model)}"
        model.save(workspace_model_dir(workspace))
        self.stdout.write(
            self.style.SUCCESS(
                f"Saved {model.version} ({len(labels)} decisions on top of {base.version}) "
                f"to {workspace_model_dir(workspace)}"
            )
        )
