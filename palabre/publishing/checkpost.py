"""`palabre check-post`: the composer's rules engine on the command line, JSON out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from palabre.publishing.rules import NETWORKS, UnknownNetwork, check_text


def unknown_network(network: object) -> dict[str, Any]:
    return _failure(
        str(network),
        "unknown_network",
        _("Unknown network “%(name)s”: use one of %(names)s.")
        % {"name": network, "names": ", ".join(NETWORKS)},
    )


def _failure(network: str, code: str, message: str) -> dict[str, Any]:
    return {
        "network": network,
        "valid": False,
        "errors": [{"code": code, "message": message}],
        "warnings": [],
    }


def check_one(network: str, text: str, **options: Any) -> dict[str, Any]:
    try:
        return check_text(network, text, **options).as_json()
    except UnknownNetwork:
        return unknown_network(network)


def check_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One result per JSON line, in order; a bad line gets an error result, never a crash."""
    for line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            yield _failure("", "invalid_json", _("This line is not valid JSON."))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield _failure(
                str(item.get("network", "")) if isinstance(item, dict) else "",
                "invalid_input",
                _('Each line needs {"network": …, "text": "…"}.'),
            )
            continue
        options = {}
        if isinstance(item.get("content_warning"), str):
            options["content_warning"] = item["content_warning"]
        if isinstance(item.get("max_chars"), int) and item["max_chars"] > 0:
            options["max_chars"] = item["max_chars"]
        yield check_one(str(item.get("network", "")), item["text"], **options)
