"""palabre train-moderation [--workspace SLUG] [--datasets PATH]"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from palabre.accounts.models import Workspace
from palabre.inbox.ml import datasets, embeddings, meaning
from palabre.inbox.ml.classifier import base_meaning, base_model
from palabre.inbox.ml.fast_kinds import fit_fast_kinds
from palabre.inbox.ml.language import detect
from palabre.inbox.ml.meaning_training import (
    PROJECT,
    adjust_meaning,
    kind_weights,
    meaning_rows,
    train_meaning,
)
from palabre.inbox.ml.model import BASE_DIR, AbuseModel
from palabre.inbox.ml.training import adjust, train_base
from palabre.inbox.moderation import workspace_labels, workspace_model_store
from palabre.lib.command import PalabreCommand


def _fingerprint(model: AbuseModel) -> str:
    digest = hashlib.sha256(model.abuse.coef.tobytes() + model.hate.coef.tobytes())
    return digest.hexdigest()[:8]


def _fingerprint_meaning(model: meaning.MeaningModel) -> str:
    thresholds = json.dumps(model.thresholds, sort_keys=True).encode()
    digest = hashlib.sha256(model.abuse_coef.tobytes() + model.kind_coef.tobytes() + thresholds)
    return digest.hexdigest()[:8]


class Command(PalabreCommand):
    help = gettext_noop(
        "Train the moderation model. The base model from the datasets (shipped in the "
        "package), or with --workspace, that workspace's model from its moderators' decisions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workspace", metavar="SLUG", help=_("adjust the model to a workspace")
        )
        parser.add_argument("--datasets", metavar="PATH", help=_("default: ../shared/datasets"))
        parser.add_argument(
            "--output",
            metavar="DIR",
            help=_("where the base model goes (default: %(path)s)") % {"path": BASE_DIR},
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
                _(
                    "The training datasets were not found (expected ../shared/datasets, or "
                    "give --datasets PATH). The shipped base model keeps working without them."
                )
            )
        rows = datasets.training_rows(root)
        self.stdout.write(
            ngettext(
                "Fast stage: training on %(count)s text from %(path)s…",
                "Fast stage: training on %(count)s texts from %(path)s…",
                len(rows),
            )
            % {"count": len(rows), "path": root}
        )
        stamp = timezone.now().strftime("%Y%m%d")
        trained = train_base(rows, version=f"base-{stamp}", progress=self.stdout.write)
        model = trained.model
        model.version = f"base-{stamp}-{_fingerprint(model)}"
        project = [r for r in rows if r.source.startswith(PROJECT)]
        self.stdout.write(
            _("Fast kinds head: %(count)s of the project's comments…") % {"count": len(project)}
        )
        model.kinds = fit_fast_kinds(
            model.vectors([r.text for r in project]),
            [r.label for r in project],
            kind_weights(project),
        )
        second = meaning_rows(rows)
        self.stdout.write(
            ngettext(
                "Second stage: embedding %(count)s text (cached in var/)…",
                "Second stage: embedding %(count)s texts (cached in var/)…",
                len(second),
            )
            % {"count": len(second)}
        )
        texts = [r.text for r in second]
        vectors = embeddings.embed_cached(texts, Path(settings.VAR_DIR) / "moderation-cache")
        x = meaning.features(texts, [r.lang for r in second], vectors=vectors)
        stage2 = train_meaning(x, second, version=f"e5-{stamp}", progress=self.stdout.write)
        stage2.version = f"e5-{stamp}-{_fingerprint_meaning(stage2)}"
        target = Path(output) if output else BASE_DIR
        model.save(target)
        model.kinds.save(target)
        stage2.save(target)
        saved = _("Saved %(version)s to %(path)s") % {
            "version": f"{model.version}+{stage2.version}",
            "path": target,
        }
        self.stdout.write(self.style.SUCCESS(saved))

    def _workspace(self, slug: str) -> None:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(_("No workspace “%(slug)s”.") % {"slug": slug})
        texts, labels = workspace_labels(workspace)
        if len(set(labels)) < 2:
            raise CommandError(
                ngettext(
                    "%(workspace)s has %(count)s moderator decision; training needs at least "
                    "one “abuse” (hide) and one “not abuse” (unhide) decision. The base model "
                    "keeps serving meanwhile.",
                    "%(workspace)s has %(count)s moderator decisions; training needs at least "
                    "one “abuse” (hide) and one “not abuse” (unhide) decision. The base model "
                    "keeps serving meanwhile.",
                    len(labels),
                )
                % {"workspace": workspace.name, "count": len(labels)}
            )
        base = base_model()
        stamp = timezone.now().strftime("%Y%m%d%H%M")
        model = adjust(base, texts, labels, version=f"{slug}-{stamp}")
        model.version = f"{slug}-{stamp}-{_fingerprint(model)}"
        langs = [detect(t) for t in texts]
        x = meaning.features(texts, langs)
        stage2 = adjust_meaning(base_meaning(), x, labels, version=f"{slug}-e5-{stamp}")
        with tempfile.TemporaryDirectory() as written:
            model.save(Path(written))
            stage2.save(Path(written))
            workspace_model_store(
                workspace=workspace, directory=Path(written), version=model.version
            )
        saved = ngettext(
            "Saved %(version)s (%(count)s decision on top of %(base)s) in the database: every "
            "worker and stream process classifies %(workspace)s's comments with it from now on.",
            "Saved %(version)s (%(count)s decisions on top of %(base)s) in the database: every "
            "worker and stream process classifies %(workspace)s's comments with it from now on.",
            len(labels),
        ) % {
            "version": model.version,
            "count": len(labels),
            "base": base.version,
            "workspace": workspace.name,
        }
        self.stdout.write(self.style.SUCCESS(saved))
