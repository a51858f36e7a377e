"""Media limits per network (docs/networks.md gives each source and what is uncertain)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from palabre.lib.mediainfo import MediaInfo
from palabre.publishing.rules import messages
from palabre.publishing.rules.base import Problem

MB = 1_000_000
JPEG_PNG = frozenset({"image/jpeg", "image/png"})
WEB_IMAGES = JPEG_PNG | {"image/webp", "image/gif"}
MP4_MOV = frozenset({"video/mp4", "video/quicktime"})
# Pixel limits (shared/reference/platform-rules.md). Where a network documents none, the
# strictest figure any network documents: Mastodon's image matrix limit, 7680 × 4320
# (mastodon.social's /api/v2/instance, media_attachments.image_matrix_limit).
DEFAULT_MAX_PIXELS = 33_177_600


@dataclass(frozen=True)
class MediaRules:
    image_types: frozenset[str]
    max_image_bytes: int
    max_images: int
    video_types: frozenset[str] = MP4_MOV
    max_video_bytes: int = 0
    max_videos: int = 1
    duration: tuple[float, float] | None = None
    aspect: tuple[float, float] | None = None  # images
    video_aspect: tuple[float, float] | None = None
    mix: bool = False
    min_items: int = 0
    max_items: int | None = None  # images and videos together (a carousel's items)
    alt: str = "advised"  # required, advised or none
    alt_max: int | None = None
    max_pixels: int = DEFAULT_MAX_PIXELS  # width × height, images
    max_video_pixels: int = DEFAULT_MAX_PIXELS
    max_side: int | None = None  # pixels, images
    # Documents (PDF carousels): LinkedIn only, one a post and nothing else with it.
    max_documents: int = 0
    max_document_bytes: int = 0


RULES: dict[str, MediaRules] = {
    "x": MediaRules(
        WEB_IMAGES,
        5 * MB,
        4,
        max_video_bytes=512 * MB,
        duration=(0.5, 140),
        video_aspect=(1 / 3, 3),
        alt_max=1000,
        # "images from 4×4 to 8192×8192" [3p] ayrshare.com/docs/media-guidelines/x-twitter
        max_pixels=8192 * 8192,
        max_side=8192,
    ),
    "mastodon": MediaRules(
        WEB_IMAGES | {"image/heif", "image/avif"},
        16 * MB,
        4,
        video_types=MP4_MOV | {"video/webm"},
        max_video_bytes=99 * MB,
        alt_max=1500,
        # image_matrix_limit and video_matrix_limit of mastodon.social's instance API
        # (7680 × 4320 and 3840 × 2160) [3p] github.com/mastodon/mastodon/discussions/26709
        max_pixels=33_177_600,
        max_video_pixels=8_294_400,
    ),
    "bluesky": MediaRules(
        WEB_IMAGES,
        2 * MB,
        4,
        video_types=frozenset({"video/mp4"}),
        max_video_bytes=300 * MB,
        alt="required",
    ),
    "threads": MediaRules(
        JPEG_PNG,
        8 * MB,
        20,
        max_video_bytes=1000 * MB,
        max_videos=20,
        duration=(0, 300),
        aspect=(0.1, 10),
        mix=True,
        # A carousel holds up to 20 items, images and videos together (uncertain: ayrshare
        # says 20, Zernio 10; Meta's media specifications page was not at hand).
        max_items=20,
    ),
    "linkedin": MediaRules(
        JPEG_PNG | {"image/gif"},
        5 * MB,
        20,
        video_types=frozenset({"video/mp4"}),
        max_video_bytes=500 * MB,
        duration=(3, 1800),
        video_aspect=(1 / 2.4, 2.4),
        alt_max=4086,
        # Images API: "< 36,152,320 pixels" [3p] ayrshare.com/docs/media-guidelines/linkedin
        max_pixels=36_152_319,
        # "A MultiImage post is a post containing multiple images (minimum of 2 images and
        # maximum of 20 images)" [official] learn.microsoft.com/en-us/linkedin/marketing/
        # community-management/shares/multiimage-post-api; one image is a single-image post.
        # Documents API: PDF (PPT/DOC too, not taken here), up to 100 MB and 300 pages
        # (the pages are not counted; uncertain) [3p] ayrshare.com/docs/media-guidelines/linkedin
        max_documents=1,
        max_document_bytes=100 * MB,
    ),
    "facebook": MediaRules(
        JPEG_PNG | {"image/gif"}, 4 * MB, 10, max_video_bytes=1000 * MB, alt="none"
    ),
    "instagram:feed": MediaRules(
        frozenset({"image/jpeg"}), 8 * MB, 1, max_videos=0, aspect=(0.8, 1.91)
    ),
    "instagram:reel": MediaRules(
        frozenset(), 0, 0, max_video_bytes=300 * MB, duration=(3, 900), alt="none"
    ),
    "instagram:carousel": MediaRules(
        frozenset({"image/jpeg"}),
        8 * MB,
        10,
        max_videos=10,
        max_video_bytes=300 * MB,
        duration=(3, 900),
        aspect=(0.8, 1.91),
        mix=True,
        min_items=2,
        max_items=10,  # images and videos together
    ),
}
INSTAGRAM_FORMATS = ("feed", "reel", "carousel")


def check_media(
    network: str, items: list[tuple[str, MediaInfo]], *, instagram_format: str = "feed"
) -> tuple[list[Problem], list[Problem]]:
    """Errors and warnings for the (name, info) pairs attached to one variant."""
    key = f"instagram:{instagram_format}" if network == "instagram" else network
    rules = RULES[key]
    errors: list[Problem] = []
    warnings: list[Problem] = []
    documents = [(n, m) for n, m in items if m.kind == "document"]
    if documents:
        return _check_documents(network, rules, items, documents), []
    videos = [(n, m) for n, m in items if m.kind == "video"]
    images = [(n, m) for n, m in items if m.kind != "video"]
    if network == "instagram":
        _check_instagram_counts(instagram_format, len(images), len(videos), errors)
    _check_counts(network, rules, len(images), len(videos), errors)
    for name, info in items:
        if (rules.max_videos if info.kind == "video" else rules.max_images) == 0:
            continue  # not accepted at all here: the count error says so
        errors += _check_one(network, rules, name, info)
        warnings += _check_alt(network, rules, name, info, errors)
    return errors, warnings


def _check_documents(
    network: str,
    rules: MediaRules,
    items: list[tuple[str, MediaInfo]],
    documents: list[tuple[str, MediaInfo]],
) -> list[Problem]:
    """A PDF: LinkedIn's document post, alone; refused by name on every other network."""
    if not rules.max_documents:
        return [messages.media_document_elsewhere(network, name) for name, _info in documents]
    if len(items) > rules.max_documents:
        return [messages.media_document_alone(network)]
    name, info = documents[0]
    if info.size > rules.max_document_bytes:
        return [messages.media_size(network, name, info.size, rules.max_document_bytes)]
    return []


def _check_instagram_counts(
    instagram_format: str, images: int, videos: int, errors: list[Problem]
) -> None:
    """What each Instagram format holds, said as the format to choose instead: "at most 0
    images" would tell a person nothing."""
    if images + videos == 0:
        errors.append(messages.instagram_media_required())
    elif instagram_format == "feed" and images > 1:
        errors.append(messages.instagram_one_image(images))
    elif instagram_format == "feed" and videos:
        errors.append(messages.instagram_feed_video())
    elif instagram_format == "reel" and images:
        errors.append(messages.instagram_reel_images())


def _check_counts(
    network: str, rules: MediaRules, images: int, videos: int, errors: list[Problem]
) -> None:
    if network == "instagram" and any(e.code.startswith("instagram.media_") for e in errors):
        return  # the format to choose was said: counts against it would only repeat it
    if images > rules.max_images:
        errors.append(messages.media_count(network, _("image"), images, rules.max_images))
    if videos > rules.max_videos:
        errors.append(messages.media_count(network, _("video"), videos, rules.max_videos))
    if images and videos and not rules.mix:
        errors.append(messages.media_mix(network))
    if 0 < images + videos < rules.min_items:
        errors.append(messages.media_min(network, images + videos, rules.min_items))
    if rules.max_items is not None and images + videos > rules.max_items:
        errors.append(messages.media_max(network, images + videos, rules.max_items))


def _check_one(network: str, rules: MediaRules, name: str, info: MediaInfo) -> list[Problem]:
    video = info.kind == "video"
    allowed = rules.video_types if video else rules.image_types
    if info.content_type not in allowed:
        return [messages.media_type(network, name, info.content_type)]
    found = []
    limit = rules.max_video_bytes if video else rules.max_image_bytes
    if info.size > limit:
        found.append(messages.media_size(network, name, info.size, limit))
    if video and rules.duration and info.duration is not None:
        low, high = rules.duration
        if not low <= info.duration <= high:
            found.append(messages.media_duration(network, name, info.duration, low, high))
    aspect = rules.video_aspect if video else rules.aspect
    if aspect and info.height:
        low, high = aspect
        if not low <= info.aspect <= high:
            found.append(messages.media_aspect(network, name, info.aspect, low, high))
    return found + _check_pixels(network, rules, name, info)


def _check_pixels(network: str, rules: MediaRules, name: str, info: MediaInfo) -> list[Problem]:
    size = {"name": name, "width": info.width, "height": info.height}
    limit = rules.max_video_pixels if info.kind == "video" else rules.max_pixels
    if info.pixels > limit:
        return [
            Problem(
                f"{network}.media_pixels",
                _(
                    "%(name)s is %(width)s × %(height)s pixels; this network takes at most "
                    "%(max)s million pixels."
                )
                % {**size, "max": number_format(round(limit / 1_000_000, 1), 1)},
            )
        ]
    if info.kind != "video" and rules.max_side and max(info.width, info.height) > rules.max_side:
        return [
            Problem(
                f"{network}.media_side",
                _(
                    "%(name)s is %(width)s × %(height)s pixels; this network takes at most "
                    "%(max)s pixels a side."
                )
                % {**size, "max": rules.max_side},
            )
        ]
    return []


def _check_alt(
    network: str, rules: MediaRules, name: str, info: MediaInfo, errors: list[Problem]
) -> list[Problem]:
    if info.kind == "video" or rules.alt == "none":
        return []
    if not info.alt_text.strip():
        if rules.alt == "required":
            errors.append(messages.alt_required(network, name))
            return []
        return [messages.alt_advised(network, name)]
    if rules.alt_max and len(info.alt_text) > rules.alt_max:
        errors.append(messages.alt_too_long(network, name, len(info.alt_text), rules.alt_max))
    return []
