"""Facebook's, Instagram's and Threads' rules as their documentation states them
(docs/networks.md; shared/reference/platform-rules.md, sections 4 to 6)."""

from __future__ import annotations

import pytest
from django.utils import translation

from palabre.lib.mediainfo import MediaInfo
from palabre.publishing.rules import check_text
from palabre.publishing.rules.media import check_media


def _codes(problems: list) -> list[str]:
    return [p.code for p in problems]


def _image(
    w: int = 1080, h: int = 1080, ctype: str = "image/jpeg", alt: str = "Un pain"
) -> MediaInfo:
    return MediaInfo("image", ctype, 500_000, w, h, alt_text=alt)


def _video(seconds: float = 30.0, size: int = 20_000_000) -> MediaInfo:
    return MediaInfo("video", "video/mp4", size, 1080, 1920, duration=seconds)


def test_facebook_takes_63206_characters() -> None:
    assert check_text("facebook", "a" * 63_206).valid
    assert _codes(check_text("facebook", "a" * 63_207).errors) == ["facebook.too_long"]


def test_instagram_caption_hashtags_and_tags() -> None:
    assert check_text("instagram", "a" * 2200).valid
    assert _codes(check_text("instagram", "a" * 2201).errors) == ["instagram.too_long"]
    thirty = " ".join(f"#pain{i}x" for i in range(30))
    assert check_text("instagram", thirty).valid  # warned (above 5), not refused
    assert "instagram.too_many_hashtags" in _codes(
        check_text("instagram", thirty + " #encore").errors
    )
    twenty = " ".join(f"@ami{i}" for i in range(20))
    assert check_text("instagram", twenty).valid
    assert _codes(check_text("instagram", twenty + " @ami20").errors) == [
        "instagram.too_many_mentions"
    ]


def test_instagram_carousel_holds_2_to_10_items_images_and_videos_together() -> None:
    two = [("a.jpg", _image()), ("b.jpg", _image())]
    assert check_media("instagram", two, instagram_format="carousel")[0] == []
    ten = [(f"{i}.jpg", _image()) for i in range(6)] + [(f"{i}.mp4", _video()) for i in range(4)]
    assert check_media("instagram", ten, instagram_format="carousel")[0] == []
    # 6 images and 5 videos pass each count, not the carousel's.
    eleven = ten + [("x.mp4", _video())]
    assert _codes(check_media("instagram", eleven, instagram_format="carousel")[0]) == [
        "instagram.media_max"
    ]


@pytest.mark.parametrize(
    ("w", "h", "ok"),
    [(1080, 1350, True), (1080, 1351, False), (1910, 1000, True), (1920, 1000, False)],
)
def test_instagram_images_from_4_5_to_1_91_1(w: int, h: int, ok: bool) -> None:
    errors, _warnings = check_media("instagram", [("p.jpg", _image(w, h))])
    assert (errors == []) is ok, errors


@pytest.mark.parametrize(
    ("seconds", "ok"), [(2.9, False), (3.0, True), (900.0, True), (901, False)]
)
def test_instagram_reels_last_3_seconds_to_15_minutes(seconds: float, ok: bool) -> None:
    errors, _warnings = check_media(
        "instagram", [("r.mp4", _video(seconds))], instagram_format="reel"
    )
    assert (errors == []) is ok, errors


def test_threads_counts_emoji_as_their_utf8_bytes() -> None:
    assert check_text("threads", "a" * 500).valid
    assert not check_text("threads", "a" * 501).valid
    # 🥖 is 4 UTF-8 bytes: 496 + 4 = 500 fits, one more character does not.
    assert check_text("threads", "a" * 496 + "🥖").length == 500
    assert not check_text("threads", "a" * 497 + "🥖").valid
    assert check_text("threads", "é" * 500).valid  # only emoji are counted in bytes


def test_threads_one_topic_tag_and_up_to_five_links_both_warned() -> None:
    assert _codes(check_text("threads", "Du pain #pain #levain").warnings) == ["threads.one_topic"]
    five = " ".join(f"https://lumiere.fr/{i}" for i in range(5))
    assert check_text("threads", five).warnings == []
    six = five + " https://lumiere.fr/6"
    result = check_text("threads", six)
    assert result.valid and _codes(result.warnings) == ["threads.many_links"]


def test_threads_carousel_up_to_20_items_mixed() -> None:
    twenty = [(f"{i}.jpg", _image()) for i in range(12)] + [
        (f"{i}.mp4", _video()) for i in range(8)
    ]
    assert check_media("threads", twenty)[0] == []
    assert _codes(check_media("threads", twenty + [("x.jpg", _image())])[0]) == [
        "threads.media_max"
    ]


def test_threads_advises_alt_text() -> None:
    _errors, warnings = check_media("threads", [("p.jpg", _image(alt=""))])
    assert _codes(warnings) == ["threads.alt_advised"]


@pytest.mark.parametrize("instagram_format", ["feed", "reel", "carousel"])
def test_instagram_publishes_nothing_without_a_photo_or_a_video(instagram_format: str) -> None:
    # Said in the composer, before Instagram refuses it at publishing time.
    errors, _warnings = check_media("instagram", [], instagram_format=instagram_format)
    assert _codes(errors) == ["instagram.media_required"]
    assert check_media("facebook", [])[0] == []  # a Page posts text alone


def test_instagram_says_which_format_fits_the_media_chosen() -> None:
    three = [(f"{i}.jpg", _image()) for i in range(3)]
    with translation.override("en"):
        [feed] = check_media("instagram", three)[0]
        assert "Carousel" in feed.message and "3 images" in feed.message
        [reel] = check_media("instagram", three, instagram_format="reel")[0]
        assert "reel is one video" in reel.message and "at most 0" not in reel.message
        [video] = check_media("instagram", [("r.mp4", _video())])[0]
        assert "Reel" in video.message
        [one] = check_media("instagram", three[:1], instagram_format="carousel")[0]
        assert one.message.startswith("1 file:")
    assert check_media("instagram", three, instagram_format="carousel")[0] == []
