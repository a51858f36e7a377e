from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

from palabre.lib.command import PalabreCommand, stop_on_signals


class Command(PalabreCommand):
    help = gettext_noop(
        "Receive replies as the networks push them. Replies, mentions and quotes, from "
        "Bluesky's event stream and Mastodon's streaming API; run as many as you like: each "
        "channel is held by one at a time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from palabre.inbox.stream.runner import Runner

        # What was received is stored, the cursors saved, the channels given back.
        stop = stop_on_signals()
        # What ingestion writes (the moderation log) is in the instance's language.
        with translation.override(settings.LANGUAGE_CODE):
            Runner().run(stop=stop)
