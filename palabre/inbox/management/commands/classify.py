"""palabre classify < comments.jsonl > predictions.jsonl"""

from __future__ import annotations

import json
import sys
from itertools import islice
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.inbox.ml.classifier import classify
from palabre.lib.command import PalabreCommand

BATCH = 512


class Command(PalabreCommand):
    # Run without the apps (palabre/cli.py STANDALONE): no system check, which loads every view.
    requires_system_checks: list[str] = []
    help = gettext_noop(
        'Classify comments as the inbox does. Reads JSON lines {"text": ...} on stdin; write '
        "one JSON line per input, in order, with lang, category, scores and the action the "
        "default rules take with the base model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help=_("texts classified at once"))

    def handle(self, *args: Any, **options: Any) -> None:
        lines = iter(sys.stdin)
        while batch := list(islice(lines, max(1, options["batch"]))):
            parsed = [_parse(line) for line in batch]
            texts = [text for text, _error in parsed if text is not None]
            predictions = iter(classify(texts))
            for text, error in parsed:
                if text is None:
                    out: dict[str, Any] = {"error": error}
                else:
                    p = next(predictions)
                    out = {
                        "lang": p.lang,
                        "category": p.category,
                        "scores": p.scores(),
                        "action": p.action,
                        "kind": p.kind,
                        "abuse_kind": p.abuse_kind,
                        "second_stage": bool(p.kinds),
                        "model_version": p.model_version,
                    }
                sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            sys.stdout.flush()


def _parse(line: str) -> tuple[str | None, str]:
    """One output line per input line, always: a bad line gets an error, not a crash."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return None, _("not JSON: %(error)s") % {"error": error.msg}
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        return None, _('expected an object with a "text" string')
    if not value["text"].strip():
        return None, _("empty text: there is nothing to classify")
    return value["text"], ""
