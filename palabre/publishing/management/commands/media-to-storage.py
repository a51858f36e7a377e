from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from palabre.lib.command import PalabreCommand
from palabre.publishing.media_move import (
    MediaMove,
    MediaMoveFailed,
    MediaMoveRefused,
    media_move_to_storage,
)


class Command(PalabreCommand):
    help = gettext_noop(
        "Copy the media files from the local disk to the configured storage. Every file "
        "under MEDIA_ROOT goes to PALABRE_MEDIA_STORAGE (an S3-compatible bucket) under the "
        "same name; files already there with the same size are skipped, so it can run again. "
        "The local copies stay unless --delete-local is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--delete-local",
            action="store_true",
            help=_("delete each local file once the storage holds it whole"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.MEDIA_ROOT)
        try:
            done = media_move_to_storage(
                root=root, storage=storages["default"], delete_local=options["delete_local"]
            )
        except MediaMoveFailed as failed:
            if failed.done.copied or failed.done.already_there:
                self.stdout.write(_report(failed.done))  # what the next run will not redo
            raise CommandError(str(failed)) from None
        except MediaMoveRefused as refused:
            raise CommandError(str(refused)) from None
        if not (done.copied or done.already_there):
            self.stdout.write(_("Nothing to move: %(root)s holds no file.") % {"root": root})
            return
        self.stdout.write(_report(done))


def _report(done: MediaMove) -> str:
    said = [
        ngettext("%(count)s file copied.", "%(count)s files copied.", done.copied)
        % {"count": done.copied},
        ngettext(
            "%(count)s file already there.", "%(count)s files already there.", done.already_there
        )
        % {"count": done.already_there},
    ]
    if done.deleted_local:
        said.append(
            ngettext(
                "%(count)s local copy deleted.",
                "%(count)s local copies deleted.",
                done.deleted_local,
            )
            % {"count": done.deleted_local}
        )
    return " ".join(said)
