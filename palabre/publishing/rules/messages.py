"""Every message a check can give, translated when the check runs."""

from __future__ import annotations

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from palabre.lib.numbers import number_text
from palabre.publishing.rules.base import Problem


def empty(network: str) -> Problem:
    return Problem(f"{network}.empty", _("Write something: the text is empty."))


def invalid_characters(network: str) -> Problem:
    return Problem(
        f"{network}.invalid_characters",
        _("The text contains invalid characters (broken or reserved code points); retype it."),
    )


def too_long(network: str, length: int, maximum: int, unit: str) -> Problem:
    return Problem(
        f"{network}.too_long",
        _("%(length)s %(unit)s, over the limit of %(max)s: remove %(over)s.")
        % {
            "length": number_text(length),
            "unit": unit,
            "max": number_text(maximum),
            "over": number_text(length - maximum),
        },
    )


def too_many_bytes(network: str, size: int, maximum: int) -> Problem:
    return Problem(
        f"{network}.too_many_bytes",
        _("%(size)s bytes, over the limit of %(max)s bytes (accents and emoji take several).")
        % {"size": number_text(size), "max": number_text(maximum)},
    )


def thread_possible(network: str, parts: int) -> Problem:
    return Problem(
        f"{network}.thread_possible",
        ngettext(
            "Over the limit: this text can become a thread of %(parts)s post.",
            "Over the limit: this text can become a thread of %(parts)s posts.",
            parts,
        )
        % {"parts": parts},
    )


def too_many_hashtags(network: str, count: int, maximum: int) -> Problem:
    return Problem(
        f"{network}.too_many_hashtags",
        _("%(count)s hashtags; this network takes at most %(max)s.")
        % {"count": count, "max": maximum},
    )


def too_many_mentions(network: str, count: int, maximum: int) -> Problem:
    return Problem(
        f"{network}.too_many_mentions",
        _("%(count)s mentions; this network takes at most %(max)s.")
        % {"count": count, "max": maximum},
    )


def facebook_hashtags(count: int) -> Problem:
    return Problem(
        "facebook.many_hashtags",
        _("%(count)s hashtags: on Facebook more than 2 reads as spam and rarely widens reach.")
        % {"count": count},
    )


def instagram_links() -> Problem:
    return Problem(
        "instagram.links_not_clickable",
        _("Links in an Instagram caption are not clickable: point to the link in your bio."),
    )


def instagram_hashtags(count: int) -> Problem:
    return Problem(
        "instagram.many_hashtags",
        _("%(count)s hashtags: Instagram now favours a handful; above 5 may be cut or penalised.")
        % {"count": count},
    )


def linkedin_hashtags(count: int) -> Problem:
    return Problem(
        "linkedin.hashtag_count",
        ngettext(
            "%(count)s hashtag: LinkedIn posts are read best with 3 to 5.",
            "%(count)s hashtags: LinkedIn posts are read best with 3 to 5.",
            count,
        )
        % {"count": count},
    )


def linkedin_plain_mention(handle: str) -> Problem:
    return Problem(
        "linkedin.plain_mention",
        _(
            "%(handle)s will be published as plain text: LinkedIn mentions someone only as "
            "@[Name](urn:li:organization:…) or @[Name](urn:li:person:…)."
        )
        % {"handle": handle},
    )


def linkedin_mention_syntax(found: str) -> Problem:
    return Problem(
        "linkedin.mention_syntax",
        _(
            "%(found)s looks like a LinkedIn mention but is not one LinkedIn reads: it takes "
            "@[Name](urn:li:organization:12345) or @[Name](urn:li:person:…), and will show "
            "this as plain text."
        )
        % {"found": found},
    )


def media_document_elsewhere(network: str, name: str) -> Problem:
    return Problem(
        f"{network}.media_document",
        _("%(name)s is a PDF document: only LinkedIn publishes documents (as a carousel).")
        % {"name": name},
    )


def media_document_alone(network: str) -> Problem:
    return Problem(
        f"{network}.media_document_alone",
        _("A document is published on its own: one PDF, without images or a video."),
    )


def threads_topics(count: int) -> Problem:
    return Problem(
        "threads.one_topic",
        _("%(count)s hashtags: Threads makes only the first one the post's topic.")
        % {"count": count},
    )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}".rstrip("0").rstrip(".")


def media_count(network: str, kind: str, count: int, maximum: int) -> Problem:
    return Problem(
        f"{network}.media_count",
        ngettext(
            "%(count)s %(kind)s file; at most %(max)s per post here.",
            "%(count)s %(kind)s files; at most %(max)s per post here.",
            count,
        )
        % {"count": count, "kind": kind, "max": maximum},
    )


def media_type(network: str, name: str, content_type: str) -> Problem:
    return Problem(
        f"{network}.media_type",
        _("%(name)s: the format %(type)s is not accepted here.")
        % {"name": name, "type": content_type},
    )


def media_size(network: str, name: str, size: int, maximum: int) -> Problem:
    return Problem(
        f"{network}.media_size",
        _("%(name)s weighs %(size)s MB; the limit here is %(max)s MB.")
        % {"name": name, "size": _mb(size), "max": _mb(maximum)},
    )


def media_duration(network: str, name: str, seconds: float, low: float, high: float) -> Problem:
    return Problem(
        f"{network}.media_duration",
        _("%(name)s lasts %(seconds)s s; this network takes %(low)s to %(high)s s.")
        % {"name": name, "seconds": round(seconds, 1), "low": low, "high": high},
    )


def media_aspect(network: str, name: str, aspect: float, low: float, high: float) -> Problem:
    return Problem(
        f"{network}.media_aspect",
        _("%(name)s has a width/height ratio of %(ratio)s; this network takes %(low)s to %(high)s.")
        % {"name": name, "ratio": round(aspect, 2), "low": round(low, 2), "high": round(high, 2)},
    )


def media_mix(network: str) -> Problem:
    return Problem(
        f"{network}.media_mix", _("Images and videos cannot be mixed in one post on this network.")
    )


def media_min(network: str, count: int, minimum: int) -> Problem:
    return Problem(
        f"{network}.media_min",
        ngettext(
            "%(count)s file: this format needs at least %(min)s.",
            "%(count)s files: this format needs at least %(min)s.",
            count,
        )
        % {"count": count, "min": minimum},
    )


def instagram_media_required() -> Problem:
    # The connector's own words when Instagram refuses a post without media.
    return Problem(
        "instagram.media_required",
        _("Instagram publishes an image, a video or a carousel: add one."),
    )


def instagram_one_image(count: int) -> Problem:
    """Several images in a feed post: what the person most likely wants is a carousel."""
    return Problem(
        "instagram.media_count",
        _(
            "%(count)s images: a feed post holds one. Choose the Carousel format to publish "
            "2 to 10 together."
        )
        % {"count": count},
    )


def instagram_feed_video() -> Problem:
    return Problem(
        "instagram.media_count",
        _("A video goes out as a reel (or inside a carousel): choose the Reel format."),
    )


def instagram_reel_images() -> Problem:
    return Problem(
        "instagram.media_count",
        _("A reel is one video: choose a video, or the Feed post or Carousel format for images."),
    )


def media_max(network: str, count: int, maximum: int) -> Problem:
    return Problem(
        f"{network}.media_max",
        _("%(count)s files: one post here holds at most %(max)s, images and videos together.")
        % {"count": count, "max": maximum},
    )


def threads_links(count: int) -> Problem:
    return Problem(
        "threads.many_links",
        _(
            "%(count)s links: Threads is reported to take at most 5 per post; the post may be refused."
        )
        % {"count": count},
    )


def alt_required(network: str, name: str) -> Problem:
    return Problem(
        f"{network}.alt_required",
        _("%(name)s has no alt text: it is required here, for people who cannot see it.")
        % {"name": name},
    )


def alt_advised(network: str, name: str) -> Problem:
    return Problem(
        f"{network}.alt_advised",
        _("%(name)s has no alt text: add one so that everyone can follow.") % {"name": name},
    )


def alt_too_long(network: str, name: str, length: int, maximum: int) -> Problem:
    return Problem(
        f"{network}.alt_too_long",
        _("The alt text of %(name)s is %(length)s characters; at most %(max)s here.")
        % {"name": name, "length": length, "max": maximum},
    )


def same_text(groups: list[str]) -> Problem:
    """One warning for every alike group: seven copies make one message, not 21."""
    return Problem(
        "post.same_text_everywhere",
        _("Same text everywhere: %(groups)s. Each network has its own codes; adapt each variant.")
        % {"groups": list_separator().join(groups)},
    )


def media_on_some(carrying: list[str], without: list[str]) -> Problem:
    return Problem(
        "post.media_on_some_networks",
        _(
            "Files on %(carrying)s only: %(without)s go out without them. Choose them in "
            "each network's tab where they belong too."
        )
        % {
            "carrying": get_text_list(carrying, _("and")),
            "without": get_text_list(without, _("and")),
        },
    )


def alike(labels: list[str], percents: list[int]) -> str:
    """ "X and Mastodon are 100% alike", "X, Bluesky and Threads are 91 to 97% alike"."""
    networks = get_text_list(labels, _("and"))
    if len(percents) == 1:
        return _("%(networks)s are %(similarity)s%% alike") % {
            "networks": networks,
            "similarity": percents[0],
        }
    return _("%(networks)s are %(low)s to %(high)s%% alike") % {
        "networks": networks,
        "low": min(percents),
        "high": max(percents),
    }


def list_separator() -> str:
    return pgettext("between the items of a list", "; ")
