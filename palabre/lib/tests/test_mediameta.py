"""A phone's photo says where it was taken; the library served it as it came, to the networks
and at its public address (an attacker's review). What describes it is taken out, the
picture itself untouched."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageChops

from palabre.lib.mediameta import image_without_metadata, video_blank_metadata
from palabre.publishing.tests import media_samples

PLACE = "48.8583N 2.2945E"  # written in every metadata block below
GPS_IFD = 0x8825


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation
    exif[0x010E] = PLACE  # ImageDescription
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    return exif


def _picture() -> Image.Image:
    picture = Image.new("RGB", (64, 48), "#c8a165")
    picture.paste((40, 90, 200), (0, 0, 20, 48))  # not one colour: a turn would show
    return picture


def _xmp_segment() -> bytes:
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + PLACE.encode() + b"</x:xmpmeta>"
    return b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp


def _jpeg(orientation: int = 1) -> bytes:
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", exif=_exif(orientation), icc_profile=b"\0" * 128)
    data = buffer.getvalue()
    comment = b"\xff\xfe" + struct.pack(">H", len(PLACE) + 2) + PLACE.encode()
    # XMP and a comment after the Exif, and a phone's second picture after the end.
    return data[:2] + _xmp_segment() + comment + data[2:] + b"\xff\xd8" + PLACE.encode()


def _same_pixels(a: bytes, b: bytes) -> bool:
    with Image.open(io.BytesIO(a)) as one, Image.open(io.BytesIO(b)) as other:
        return ImageChops.difference(one.convert("RGB"), other.convert("RGB")).getbbox() is None


def test_a_jpeg_keeps_its_picture_its_turn_and_its_colours_only() -> None:
    original = _jpeg(orientation=6)
    cleaned = image_without_metadata(original, "image/jpeg")
    assert PLACE.encode() in original and PLACE.encode() not in cleaned
    assert b"PhoneMaker" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        exif = image.getexif()
        assert dict(exif) == {0x0112: 6}  # turned as the phone held it, nothing else
        assert not exif.get_ifd(GPS_IFD)
        assert image.info.get("icc_profile") == b"\0" * 128
        image.load()
    assert _same_pixels(original, cleaned)


def test_a_jpeg_without_metadata_is_kept_byte_for_byte() -> None:
    plain = media_samples.image(80, 60)
    assert image_without_metadata(plain, "image/jpeg") == plain


def test_a_progressive_jpeg_keeps_every_scan() -> None:
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", progressive=True, exif=_exif())
    original = buffer.getvalue()
    cleaned = image_without_metadata(original, "image/jpeg")
    assert b"PhoneMaker" not in cleaned and _same_pixels(original, cleaned)


def test_a_png_loses_its_text_and_exif() -> None:
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Location", PLACE)
    text.add_itxt("XML:com.adobe.xmp", PLACE)
    buffer = io.BytesIO()
    _picture().save(buffer, "PNG", pnginfo=text, exif=_exif())
    original = buffer.getvalue()
    cleaned = image_without_metadata(original, "image/png")
    assert PLACE.encode() in original and PLACE.encode() not in cleaned
    assert b"PhoneMaker" not in cleaned and _same_pixels(original, cleaned)


def test_a_webp_loses_its_exif_and_xmp_and_says_so() -> None:
    buffer = io.BytesIO()
    _picture().save(buffer, "WEBP", lossless=True, exif=_exif(), xmp=PLACE.encode())
    original = buffer.getvalue()
    cleaned = image_without_metadata(original, "image/webp")
    assert PLACE.encode() in original and PLACE.encode() not in cleaned
    assert b"PhoneMaker" not in cleaned
    assert cleaned[20] & 0x0C == 0  # VP8X no longer announces Exif or XMP
    assert struct.unpack("<I", cleaned[4:8])[0] == len(cleaned) - 8
    assert _same_pixels(original, cleaned)


def _box(name: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), name) + body


def test_a_video_loses_its_place_where_it_lies() -> None:
    """QuickTime's ©xyz in the movie's user data, Apple's keys in its meta, a track's
    user data: each becomes a free box of zeros, every offset unchanged."""
    sample = media_samples.mp4(12, 1080, 1920)
    location = _box(b"udta", _box(b"\xa9xyz", PLACE.encode()))
    keys = _box(b"meta", bytes(4) + _box(b"keys", PLACE.encode()))
    ftyp = struct.unpack(">I", sample[:4])[0]
    moov_body = sample[ftyp + 8 :]
    trak_at = moov_body.index(b"trak") - 4
    track = moov_body[trak_at:]
    track = _box(b"trak", track[8:] + location)
    moov = _box(b"moov", moov_body[:trak_at] + track + location + keys)
    original = sample[:ftyp] + moov + _box(b"mdat", b"frames")
    stream = io.BytesIO(original)
    assert video_blank_metadata(stream, len(original)) == 3
    cleaned = stream.getvalue()
    assert len(cleaned) == len(original) and PLACE.encode() not in cleaned
    assert cleaned.count(b"free") == 3 and cleaned.endswith(_box(b"mdat", b"frames"))


@pytest.mark.parametrize("kind", ["image/jpeg", "image/png", "image/webp"])
def test_bytes_that_are_not_the_layout_are_returned_as_they_are(kind: str) -> None:
    assert image_without_metadata(b"not an image", kind) == b"not an image"


def test_the_headers_tell_whether_there_is_anything_to_take_out() -> None:
    """A picture without metadata is kept as it came, never read whole."""
    from PIL.PngImagePlugin import PngInfo

    from palabre.lib.mediameta import image_has_metadata

    def said(data: bytes, kind: str) -> bool:
        return image_has_metadata(io.BytesIO(data), kind, len(data))

    text = PngInfo()
    text.add_text("Location", PLACE)
    png, webp = io.BytesIO(), io.BytesIO()
    _picture().save(png, "PNG", pnginfo=text)
    _picture().save(webp, "WEBP", exif=_exif())
    assert said(_jpeg(), "image/jpeg") and said(png.getvalue(), "image/png")
    assert said(webp.getvalue(), "image/webp")
    assert said(media_samples.image(80, 60) + b"trailer", "image/jpeg")
    for fmt, kind in (("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")):
        assert not said(media_samples.image(80, 60, fmt=fmt), kind)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow reading a broken Exif says so
@pytest.mark.parametrize("kind", ["image/jpeg", "image/png", "image/webp"])
def test_any_byte_changed_is_cleaned_or_kept_never_a_crash(kind: str) -> None:
    from palabre.lib.mediameta import image_has_metadata

    fmt = kind.split("/")[1].upper()
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "#c8a165").save(buffer, fmt, exif=_exif())
    data = buffer.getvalue()
    for position in range(len(data)):
        for value in (0x00, 0xFF):
            changed = data[:position] + bytes([value]) + data[position + 1 :]
            image_has_metadata(io.BytesIO(changed), kind, len(changed))
            assert isinstance(image_without_metadata(changed, kind), bytes)
