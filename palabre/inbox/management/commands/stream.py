from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

from palabre.lib.command import PalabreCommand


class Command(PalabreCommand):
    help = gettext_noop(
        "Receive replies as the networks push them. Replies, mentions and quotes, from "
        "Bluesky's event stream and Mastodon's streaming API; run as many as you like: each "
        "channel is held by one at a time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from palabre.inbox.stream.runner import Runner

        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            # Store what was received, save the cursors, give the channels back, exit.
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        # What ingestion writes (the moderation log) is in the instance's language.
        with translation.override(settings.LANGUAGE_CODE):
            Runner().run(stop=stop)
