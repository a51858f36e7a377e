"""What a photo or a video says of where and with what it was taken, taken out before it
is kept. Phones write the place (GPS) into photos (Exif, XMP) and videos (QuickTime's
location); the file goes to the networks, and through them to anyone.

Nothing is re-encoded: a JPEG's metadata segments, a PNG's text chunks and a WebP's EXIF
and XMP chunks are left out, a video's user-data boxes made `free` boxes of zeros in
place (their size, and so every offset in the file, unchanged). The picture's own bytes are untouched;
a JPEG keeps its orientation (a fresh Exif that holds nothing else), its colour profile
and its Adobe colour transform. GIFs carry no location and are kept as they are.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from PIL import Image

from palabre.lib.mediainfo import CORRUPT, MAX_BOXES, UNREADABLE, UnreadableMedia, boxes

ORIENTATION = 0x0112
# JPEG segments that describe rather than draw: Exif and XMP (APP1), Picture Info (APP12),
# IPTC (APP13), comments; and the multi-picture index (APP2 "MPF"), whose pictures after
# the first end (a depth map, a preview) carry Exif of their own and are left out too.
_JPEG_DROPPED = {0xE1, 0xEC, 0xED, 0xFE}
_PNG_DROPPED = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_WEBP_DROPPED = {b"EXIF", b"XMP "}
_VP8X_EXIF_XMP = 0x08 | 0x04
# Boxes of a movie, and of each of its tracks, that hold user data (QuickTime's ©xyz
# location, Apple's keys) or XMP (Adobe's uuid).
_VIDEO_CONTAINERS = {b"moov", b"trak"}
_VIDEO_BLANKED = {b"udta", b"meta"}
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


def image_has_metadata(fp: IO[bytes], content_type: str, size: int) -> bool:
    """Whether there is anything to take out, read from the headers only (a picture
    without any is kept as it came, never read whole)."""
    if content_type == "image/jpeg":
        return _jpeg_describes(fp, size)
    if content_type == "image/png":
        return any(kind in _PNG_DROPPED for kind in _chunk_kinds(fp, size, webp=False))
    if content_type == "image/webp":
        return any(kind in _WEBP_DROPPED for kind in _chunk_kinds(fp, size, webp=True))
    return False


def _chunk_kinds(fp: IO[bytes], size: int, *, webp: bool) -> Iterator[bytes]:
    """Each chunk's kind: a PNG's (length, kind, data, CRC) after its signature, a WebP's
    (kind, length little-endian, data padded to an even length) after its RIFF header."""
    position = 12 if webp else 8
    for _count in range(MAX_BOXES):
        fp.seek(position)
        header = fp.read(8)
        if len(header) < 8 or position >= size:
            return
        if webp:
            kind, length = header[:4], int.from_bytes(header[4:], "little")
            position += 8 + length + (length & 1)
        else:
            kind, length = header[4:], int.from_bytes(header[:4], "big")
            position += 12 + length
        yield kind


def _jpeg_describes(fp: IO[bytes], size: int) -> bool:
    position = 2
    for _count in range(MAX_BOXES):
        fp.seek(position)
        header = fp.read(8)
        if len(header) < 4 or header[0] != 0xFF:
            return True  # not the layout expected: the whole reading decides
        marker = header[1]
        if marker == 0xFF:
            position += 1
            continue
        if marker == 0xDA:  # the first scan: every descriptive segment comes before
            fp.seek(size - 2)
            return fp.read(2) != b"\xff\xd9"  # something after the picture's end
        if _describes(marker, header):
            return True
        position += 2 + int.from_bytes(header[2:4], "big")
    return True


def image_without_metadata(data: bytes, content_type: str) -> bytes:
    """The same picture without what describes it; the bytes as they are if the layout
    is not the expected one (the file was inspected before: this does not happen)."""
    if content_type == "image/jpeg":
        return _jpeg(data)
    if content_type == "image/png":
        return _png(data)
    if content_type == "image/webp":
        return _webp(data)
    return data


def video_blank_metadata(fp: IO[bytes], size: int) -> int:
    """Rename the movie's and its tracks' user-data boxes `free`, in the file itself;
    returns how many. Players skip a `free` box by definition."""
    blanked = 0
    for name, position, body, end in list(_boxes(fp, 0, size)):
        if name != b"moov":
            blanked += _blank_uuid(fp, name, position, body, end)
            continue
        for inner, *at in list(_boxes(fp, body, end)):
            blanked += _blank(fp, inner, *at) + _blank_uuid(fp, inner, *at)
            if inner in _VIDEO_CONTAINERS:
                for leaf, *leaf_at in list(_boxes(fp, at[1], at[2])):
                    blanked += _blank(fp, leaf, *leaf_at)
    return blanked


def _blank(fp: IO[bytes], name: bytes, position: int, body: int, end: int) -> int:
    if name not in _VIDEO_BLANKED:
        return 0
    _free(fp, position, body, end)
    return 1


def _blank_uuid(fp: IO[bytes], name: bytes, position: int, body: int, end: int) -> int:
    if name != b"uuid":
        return 0
    fp.seek(body)
    if fp.read(16) != _XMP_UUID:
        return 0
    _free(fp, position, body, end)
    return 1


def _free(fp: IO[bytes], position: int, body: int, end: int) -> None:
    """A `free` box of the same size, its bytes zeros: skipped by players, and the place
    no longer in the file for whoever reads its bytes."""
    fp.seek(position + 4)
    fp.write(b"free")
    fp.seek(body)
    for start in range(body, end, 65_536):
        fp.write(bytes(min(65_536, end - start)))


def _boxes(fp: IO[bytes], start: int, end: int) -> Iterator[tuple[bytes, int, int, int]]:
    """mediainfo's boxes, up to a broken one (the inspection read only what it needed:
    nothing past a broken box is blanked, and the file is kept as it is there)."""
    try:
        yield from boxes(fp, start, end)
    except UnreadableMedia:
        return


def _jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        return data
    kept = [b"\xff\xd8", _orientation_segment(data)]
    position = 2
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            return data
        marker = data[position + 1]
        if marker == 0xFF:  # fill before a marker
            position += 1
            continue
        if marker == 0xD9:  # the end of the first picture: what follows is left out
            kept.append(b"\xff\xd9")
            return b"".join(kept)
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        end = position + 2 + length
        segment = data[position:end]
        if not _describes(marker, segment):
            kept.append(segment)
        position = end
        if marker == 0xDA:  # a scan: its coded data runs to the next marker
            scan_end = _scan_end(data, position)
            kept.append(data[position:scan_end])
            position = scan_end
    return data  # no end marker: not the layout inspected


def _describes(marker: int, segment: bytes) -> bool:
    return marker in _JPEG_DROPPED or (marker == 0xE2 and segment[4:8] == b"MPF\x00")


def _scan_end(data: bytes, position: int) -> int:
    """Where the next marker is: 0xFF followed by anything but 0x00 (a stuffed byte), a
    restart marker (D0–D7, inside the scan) or another 0xFF (fill)."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1
            continue
        return position


def _orientation_segment(data: bytes) -> bytes:
    """An Exif segment holding only the orientation, where the photo was turned."""
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            orientation = image.getexif().get(ORIENTATION)
    except (*UNREADABLE, *CORRUPT):
        return b""
    if not isinstance(orientation, int) or orientation in (0, 1) or orientation > 8:
        return b""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    payload = exif.tobytes()  # starts with "Exif\0\0"
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


def _png(data: bytes) -> bytes:
    kept, position = [data[:8]], 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if kind not in _PNG_DROPPED:
            kept.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(kept)
    return data


def _webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return data
    kept, position = [b"WEBP"], 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        end = position + 8 + size + (size & 1)  # chunks are padded to an even length
        chunk = data[position:end]
        if kind == b"VP8X" and len(chunk) > 8:  # its flags say which chunks follow
            chunk = chunk[:8] + bytes([chunk[8] & ~_VP8X_EXIF_XMP & 0xFF]) + chunk[9:]
        if kind not in _WEBP_DROPPED:
            kept.append(chunk)
        position = end
    body = b"".join(kept)
    return b"RIFF" + len(body).to_bytes(4, "little") + body
