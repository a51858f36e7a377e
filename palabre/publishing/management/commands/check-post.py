from __future__ import annotations

import io
import json
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.lib.command import PalabreCommand
from palabre.publishing.checkpost import check_lines, check_one, unknown_network
from palabre.publishing.rules import NETWORKS


class Command(PalabreCommand):
    # Run without the apps (palabre/cli.py STANDALONE): no system check, which loads every view.
    requires_system_checks: list[str] = []
    help = gettext_noop(
        "Check a post's text as its network counts it. One text (stdin) as NETWORK counts it "
        'and print a JSON object; with --batch, read JSON lines {"network": …, "text": …} '
        "and print one JSON line each, in order. Messages are in the language of palabre's "
        "--lang option."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--network", help=_("one of %(networks)s") % {"networks": ", ".join(NETWORKS)}
        )
        parser.add_argument("--batch", action="store_true", help=_("JSON lines on stdin"))
        parser.add_argument("--content-warning", default="", help=_("Mastodon: counts too"))
        parser.add_argument("--max-chars", type=int, help=_("Mastodon: the instance's own limit"))

    def handle(self, *args: Any, **options: Any) -> None:
        # Undecodable bytes become lone surrogates, which the checks report as invalid.
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")
        if options["batch"]:
            for result in check_lines(stdin):
                self._print(result)
            return
        network = options["network"]
        if network not in NETWORKS:
            self._print(unknown_network(network))
            sys.exit(2)
        extra = {"content_warning": options["content_warning"]}
        if options["max_chars"]:
            extra["max_chars"] = options["max_chars"]
        text = stdin.read().removesuffix("\n")
        self._print(check_one(network, text, **extra))

    def _print(self, result: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(result, ensure_ascii=False))
