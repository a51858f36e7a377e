from __future__ import annotations

import pytest

from palabre.lib.mediainfo import MediaInfo, UnreadableMedia, inspect
from palabre.publishing.rules import UnknownNetwork, check_text
from palabre.publishing.rules.crosspost import same_text_everywhere, similarity
from palabre.publishing.rules.media import check_media
from palabre.publishing.rules.threads import split_thread
from palabre.publishing.tests import media_samples

EXAMPLE = (
    "Nouveauté à la boulangerie Lumière : notre pain au levain bio, pétri chaque matin à la main, "
    "arrive enfin en boutique ! Venez le goûter ce samedi avec toute la famille "
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 et dites-nous ce que vous en "
    "pensez. Réservation et horaires : https://lumiere.fr merci à tous nos clients " + "!" * 13
)


def test_the_issue_example_counts_as_each_official_library_does() -> None:
    bluesky = check_text("bluesky", EXAMPLE).as_json()
    assert (bluesky["length"], bluesky["bytes"], bluesky["valid"]) == (290, 322, True)
    assert bluesky["facets"] == [
        {"type": "link", "byteStart": 264, "byteEnd": 282, "uri": "https://lumiere.fr"}
    ]
    x = check_text("x", EXAMPLE)
    assert (x.length, x.valid) == (296, False)
    assert [w.code for w in x.warnings] == ["x.thread_possible"]
    mastodon = check_text("mastodon", EXAMPLE)
    assert (mastodon.length, mastodon.valid) == (295, True)


# Mastodon's own spec cases (status_length_validator_spec.rb).
def test_mastodon_counts_as_its_validator() -> None:
    assert not check_text("mastodon", "a" * 520).valid
    assert not check_text("mastodon", "a" * 251, content_warning="a" * 250).valid
    assert check_text("mastodon", "a" * 476 + " http://" + "b" * 30 + ".com/example").valid
    assert check_text("mastodon", "a" * 475 + " @alice@" + "b" * 30 + ".com").valid
    assert check_text("mastodon", "@alice@piaille.fr merci").length == len("@alice merci")
    assert check_text("mastodon", "voir lumiere.fr").length == 15  # bare domains count in full
    assert check_text("mastodon", "a" * 600, max_chars=1000).valid  # the instance's own limit


def test_bluesky_limits_graphemes_and_bytes() -> None:
    assert check_text("bluesky", "é" * 300).valid
    assert [e.code for e in check_text("bluesky", "é" * 301).errors] == ["bluesky.too_long"]
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    heavy = check_text("bluesky", family * 121)  # 121 graphemes of 25 bytes each
    assert heavy.length == 121
    assert [e.code for e in heavy.errors] == ["bluesky.too_many_bytes"]


def test_x_weights_cjk_and_emoji() -> None:
    assert check_text("x", "日本語").length == 6
    assert check_text("x", "\U0001f468\u200d\U0001f469\u200d\U0001f467").length == 2
    assert check_text("x", "https://lumiere.fr/" + "a" * 200).length == 23


def test_advice_is_given_with_its_reason() -> None:
    facebook = check_text("facebook", "Bon #pain #levain #bio")
    assert [w.code for w in facebook.warnings] == ["facebook.many_hashtags"]
    instagram = check_text("instagram", "Réservez sur https://lumiere.fr")
    assert [w.code for w in instagram.warnings] == ["instagram.links_not_clickable"]
    assert "bio" in instagram.warnings[0].message
    assert check_text("linkedin", "#a #b #c le pain").warnings == []
    assert [w.code for w in check_text("linkedin", "le pain").warnings] == [
        "linkedin.hashtag_count"
    ]
    assert not check_text("instagram", " ".join(f"#t{i}x" for i in range(31))).valid


@pytest.mark.parametrize("network", ["x", "bluesky", "mastodon", "threads"])
def test_a_long_text_splits_into_valid_numbered_parts(network: str) -> None:
    text = "Le levain travaille toute la nuit. " * 40
    parts = split_thread(network, text)
    assert len(parts) >= 2
    assert all(check_text(network, part).valid for part in parts)
    assert parts[-1].endswith(f"({len(parts)}/{len(parts)})")
    assert " ".join(p.rsplit(" (", 1)[0] for p in parts).split() == text.split()


@pytest.mark.parametrize(
    "network", ["x", "mastodon", "bluesky", "threads", "linkedin", "facebook", "instagram"]
)
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a\ud800b", "invalid_characters"),
        ("x" * 1_000_000, "too_long"),
    ],
)
def test_bad_text_gets_a_clear_error(network: str, text: str, code: str) -> None:
    result = check_text(network, text)
    assert not result.valid
    assert result.errors[0].code == f"{network}.{code}"
    assert result.errors[0].message


def test_an_unknown_network_is_refused() -> None:
    with pytest.raises(UnknownNetwork):
        check_text("myspace", "hello")


def test_media_is_inspected_from_its_bytes() -> None:
    photo = inspect(media_samples.image(800, 1000))
    assert (photo.kind, photo.content_type, photo.width, photo.height) == (
        "image",
        "image/jpeg",
        800,
        1000,
    )
    video = inspect(media_samples.mp4(12.5, 1080, 1920))
    assert (video.kind, video.duration, video.width, video.height) == ("video", 12.5, 1080, 1920)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        media_samples.image()[:60],
        media_samples.mp4()[:40],
        b"\x00\x00\x00\x18ftypisom" + b"\x00" * 30,
    ],
)
def test_corrupt_media_is_refused_clearly(data: bytes) -> None:
    with pytest.raises(UnreadableMedia):
        inspect(data)


def _photo(
    alt: str = "", size: int = 100_000, w: int = 1080, h: int = 1350, ctype: str = "image/jpeg"
) -> MediaInfo:
    return MediaInfo("image", ctype, size, w, h, alt_text=alt)


def _codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_bluesky_requires_alt_text_and_others_advise_it() -> None:
    errors, warnings = check_media("bluesky", [("pain.jpg", _photo())])
    assert _codes(errors) == ["bluesky.alt_required"] and warnings == []
    errors, warnings = check_media("mastodon", [("pain.jpg", _photo())])
    assert errors == [] and _codes(warnings) == ["mastodon.alt_advised"]
    assert check_media("bluesky", [("pain.jpg", _photo("Un pain doré"))]) == ([], [])


def test_media_limits_per_network() -> None:
    big = _photo("alt", size=3_000_000)
    assert _codes(check_media("bluesky", [("big.jpg", big)])[0]) == ["bluesky.media_size"]
    assert check_media("x", [("big.jpg", big)])[0] == []
    five = [(f"{i}.jpg", _photo("alt")) for i in range(5)]
    assert _codes(check_media("x", five)[0]) == ["x.media_count"]
    clip = MediaInfo("video", "video/mp4", 5_000_000, 1080, 1920, duration=200.0)
    assert _codes(check_media("x", [("clip.mp4", clip)])[0]) == ["x.media_duration"]
    assert (
        _codes(check_media("x", [("a.jpg", _photo("alt")), ("clip.mp4", clip)])[0])[0]
        == "x.media_mix"
    )


def test_instagram_feed_reel_and_carousel_differ() -> None:
    wide = _photo("alt", w=2000, h=1000)
    png = _photo("alt", ctype="image/png")
    reel = MediaInfo("video", "video/mp4", 20_000_000, 1080, 1920, duration=30.0)
    assert _codes(check_media("instagram", [("w.jpg", wide)])[0]) == ["instagram.media_aspect"]
    assert _codes(check_media("instagram", [("p.png", png)])[0]) == ["instagram.media_type"]
    assert check_media("instagram", [("r.mp4", reel)], instagram_format="reel") == ([], [])
    assert _codes(check_media("instagram", [("r.mp4", reel)])[0]) == ["instagram.media_count"]
    one = [("a.jpg", _photo("alt"))]
    assert _codes(check_media("instagram", one, instagram_format="carousel")[0]) == [
        "instagram.media_min"
    ]
    mixed = [("a.jpg", _photo("alt")), ("r.mp4", reel)]
    assert check_media("instagram", mixed, instagram_format="carousel") == ([], [])


def test_same_text_everywhere_is_flagged_with_its_similarity() -> None:
    text = "Notre pain au levain arrive samedi, venez le goûter !"
    warnings = same_text_everywhere(
        {
            "X": text + " #pain",
            "Mastodon": text,
            "LinkedIn": "Un tout autre texte, pensé pour LinkedIn.",
        }
    )
    assert len(warnings) == 1
    assert (
        "Mastodon" in warnings[0].message
        and "X" in warnings[0].message
        and "100" in warnings[0].message
    )
    assert similarity("a", "") == 0.0
    assert same_text_everywhere({"X": text, "Mastodon": text + " ok"}, threshold=1.0) == []


def test_a_panorama_is_fine_on_x_but_a_wide_video_is_not() -> None:
    panorama = _photo("alt", w=4000, h=1000)
    assert check_media("x", [("pano.jpg", panorama)]) == ([], [])
    wide = MediaInfo("video", "video/mp4", 1_000_000, 4000, 1000, duration=10.0)
    assert _codes(check_media("x", [("wide.mp4", wide)])[0]) == ["x.media_aspect"]
