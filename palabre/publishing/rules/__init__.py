"""The rules engine: each network's text checked exactly as that network counts it.

`check_text` is the one entry point (`check_comment` for what goes out as a comment),
shared by the composer, `palabre check-post` and the publisher. Bad input (lone
surrogates, a megabyte of text) gets a clear error, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from palabre.publishing.rules import bluesky, mastodon, messages, others, x
from palabre.publishing.rules.base import MAX_CHECKED_LENGTH, TextCheck, has_lone_surrogates
from palabre.publishing.rules.threads import MAX_PARTS, may_fit_in_a_thread, split_thread

NETWORKS = ("x", "mastodon", "bluesky", "threads", "linkedin", "facebook", "instagram")
THREADABLE = ("x", "mastodon", "bluesky", "threads")

_CHECKERS: dict[str, Callable[[str], TextCheck]] = {
    "x": x.check,
    "bluesky": bluesky.check,
    "threads": others.threads,
    "linkedin": others.linkedin,
    "facebook": others.facebook,
    "instagram": others.instagram,
}


class UnknownNetwork(ValueError):
    pass


def check_text(
    network: str,
    text: str,
    *,
    content_warning: str = "",
    max_chars: int | None = None,
    suggest_thread: bool = True,
) -> TextCheck:
    if network not in NETWORKS:
        raise UnknownNetwork(network)
    if has_lone_surrogates(text + content_warning):
        return _refused(network, text, messages.invalid_characters(network))
    if len(text) + len(content_warning) > MAX_CHECKED_LENGTH:
        return _refused(
            network, text, messages.too_long(network, len(text), _limit(network), _("characters"))
        )
    if network == "mastodon":
        result = mastodon.check(text, content_warning=content_warning, max_chars=max_chars)
    else:
        result = _CHECKERS[network](text)
    too_long = any(e.code.endswith("too_long") for e in result.errors)
    # Past 25 full parts no thread is offered; this also bounds the work on pasted books.
    splittable = len(text) <= MAX_PARTS * _limit(network) * 2 and may_fit_in_a_thread(
        text, length=result.length, maximum=result.max
    )
    if suggest_thread and network in THREADABLE and too_long and splittable:
        parts = split_thread(network, text, max_chars=max_chars)
        if parts:
            result.warnings.append(messages.thread_possible(network, len(parts)))
    return result


# Where a network takes less in a comment (an answer, a first comment, a thread's next
# part where it goes out as a comment) than in a post: docs/networks.md gives the sources.
COMMENT_LIMITS = {"linkedin": others.LINKEDIN_COMMENT_MAX}


def check_comment(network: str, text: str, *, max_chars: int | None = None) -> TextCheck:
    """A comment counted as its network counts it, against what that network takes in one."""
    result = check_text(network, text, max_chars=max_chars, suggest_thread=False)
    limit = COMMENT_LIMITS.get(network)
    if limit is None or limit >= result.max:
        return result
    result.errors = [e for e in result.errors if not e.code.endswith(".too_long")]
    if result.length > limit:
        result.errors.append(messages.too_long(network, result.length, limit, result.unit))
    result.max = limit
    return result


def _refused(network: str, text: str, problem: messages.Problem) -> TextCheck:
    result = TextCheck(network, len(text), _limit(network), _("characters"), errors=[problem])
    if network == "bluesky":
        size = len(text.encode("utf-8", "surrogatepass"))
        result.extra = {"bytes": size, "max_bytes": bluesky.MAX_BYTES, "facets": []}
    return result


def _limit(network: str) -> int:
    return {
        "x": x.MAX,
        "mastodon": mastodon.DEFAULT_MAX,
        "bluesky": bluesky.MAX_GRAPHEMES,
        "threads": 500,
        "linkedin": others.LINKEDIN_MAX,
        "facebook": 63206,
        "instagram": 2200,
    }[network]
