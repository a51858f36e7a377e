"""What a media file is (kind, format, size, dimensions, duration), read from its bytes.

Images are opened with Pillow; MP4/MOV videos are read from their `moov` boxes, so no
external tool (ffprobe) is needed. A file that cannot be read raises `UnreadableMedia`.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_PIXELS = 100_000_000  # refuse decompression bombs before decoding them


class UnreadableMedia(ValueError):
    pass


@dataclass(frozen=True)
class MediaInfo:
    kind: str  # image, gif or video
    content_type: str
    size: int  # bytes
    width: int
    height: int
    duration: float | None = None  # seconds, for videos
    alt_text: str = ""

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 0.0


def inspect(data: bytes, *, filename: str = "") -> MediaInfo:
    if data[4:8] == b"ftyp":
        return _inspect_video(data, filename)
    return _inspect_image(data)


def _inspect_image(data: bytes) -> MediaInfo:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UnreadableMedia("image too large to decode")
            image.verify()  # reads the whole file: a truncated or corrupt one fails here
            kind_name, width, height = image.format, image.width, image.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UnreadableMedia(str(error) or "not an image") from None
    if kind_name not in IMAGE_TYPES:
        raise UnreadableMedia(f"unsupported image format {kind_name}")
    kind = "gif" if kind_name == "GIF" else "image"
    return MediaInfo(kind, IMAGE_TYPES[kind_name], len(data), width, height)


def _inspect_video(data: bytes, filename: str) -> MediaInfo:
    brand = data[8:12]
    content_type = "video/quicktime" if brand == b"qt  " else "video/mp4"
    moov = _find_box(data, 0, len(data), b"moov")
    if moov is None:
        raise UnreadableMedia("video without a moov box (incomplete or not MP4/MOV)")
    duration = _duration(data, *moov)
    width, height = _dimensions(data, *moov)
    return MediaInfo("video", content_type, len(data), width, height, duration)


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    position = start
    while position + 8 <= end:
        size, name = struct.unpack(">I4s", data[position : position + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[position + 8 : position + 16])[0]
            header = 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            raise UnreadableMedia("corrupt video box structure")
        yield name, position + header, position + size
        position += size


def _find_box(data: bytes, start: int, end: int, name: bytes) -> tuple[int, int] | None:
    for box, body, box_end in _boxes(data, start, end):
        if box == name:
            return body, box_end
    return None


def _duration(data: bytes, start: int, end: int) -> float:
    mvhd = _find_box(data, start, end, b"mvhd")
    if mvhd is None:
        raise UnreadableMedia("video without a duration")
    body = mvhd[0]
    if data[body] == 1:  # version 1: 64-bit times
        timescale, duration = struct.unpack(">IQ", data[body + 20 : body + 32])
    else:
        timescale, duration = struct.unpack(">II", data[body + 12 : body + 20])
    if not timescale:
        raise UnreadableMedia("video with a zero timescale")
    return float(duration) / timescale


def _dimensions(data: bytes, start: int, end: int) -> tuple[int, int]:
    for box, body, box_end in _boxes(data, start, end):
        if box != b"trak":
            continue
        tkhd = _find_box(data, body, box_end, b"tkhd")
        if tkhd is None:
            continue
        # width and height are the last 8 bytes of tkhd, 16.16 fixed point
        width, height = struct.unpack(">II", data[tkhd[1] - 8 : tkhd[1]])
        if width and height:
            return width >> 16, height >> 16
    raise UnreadableMedia("video without a picture track")
