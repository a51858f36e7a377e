"""What a media file is (kind, format, size, dimensions, duration), read from its bytes.

Images are opened with Pillow; MP4/MOV videos are read from their `moov` boxes, so no
external tool (ffprobe) is needed. The file is read through a file object, a header at a
time, never whole: an upload is inspected where it lies on disk. Whatever the bytes, the
only error raised is `UnreadableMedia` (`TooManyPixels` or `ImageTooHeavy` for an image too
big to open).
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from PIL import Image, UnidentifiedImageError

# What Pillow raises on a file it cannot read: not an image, or a truncated one…
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
# …and how its plugins stumble on hostile headers otherwise: still unreadable.
CORRUPT = (IndexError, KeyError, TypeError, struct.error, MemoryError)

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
# Pillow's own decompression-bomb threshold (Image.MAX_IMAGE_PIXELS, about 89 megapixels):
# above it Pillow warns, above twice it refuses. Palabre refuses from the first.
MAX_PIXELS = 89_478_485
# Decoding proves a file is whole (a cut GIF or JPEG passes Pillow's verify()); JPEGs are
# decoded at 1/8 scale, other images only up to this size, to bound the memory spent.
DECODE_CHECK_PIXELS = 16_777_216
MAX_BOXES = 10_000  # per level of an MP4: a real file has a handful
# No network takes an image over 16 MB; Pillow reads a WebP whole into memory, so an
# "image" this heavy is refused before it is opened.
MAX_IMAGE_BYTES = 50_000_000


class UnreadableMedia(ValueError):
    pass


class UnreadablePdf(UnreadableMedia):
    """A file starting as a PDF that is cut short."""


class TooManyPixels(UnreadableMedia):
    """An image declaring more pixels than can be opened safely (a decompression bomb)."""


class ImageTooHeavy(UnreadableMedia):
    """An image file over MAX_IMAGE_BYTES."""


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

    @property
    def pixels(self) -> int:
        return self.width * self.height


def inspect(data: bytes, *, filename: str = "") -> MediaInfo:
    return inspect_file(io.BytesIO(data), filename=filename)


def inspect_file(fp: IO[bytes], *, filename: str = "") -> MediaInfo:
    """Read a seekable file's header (and check its body is whole); its size is measured."""
    size = fp.seek(0, io.SEEK_END)
    fp.seek(0)
    head = fp.read(12)
    fp.seek(0)
    if head[4:8] == b"ftyp":
        return _inspect_video(fp, size, head[8:12])
    if head.startswith(b"%PDF-"):
        return _inspect_pdf(fp, size)
    return _inspect_image(fp, size)


# A PDF ends with "%%EOF" (ISO 32000-1, 7.5.5), possibly followed by a line end or a few
# bytes of padding: looked for in the last kilobyte, which proves the file was not cut.
PDF_TAIL = 1024


def _inspect_pdf(fp: IO[bytes], size: int) -> MediaInfo:
    """A document (LinkedIn's carousels): only its kind, size and wholeness are read; its
    pages are not counted (LinkedIn's 300-page limit is left to LinkedIn)."""
    fp.seek(max(0, size - PDF_TAIL))
    if b"%%EOF" not in fp.read(PDF_TAIL):
        raise UnreadablePdf("PDF cut short (no %%EOF at its end)")
    return MediaInfo("document", "application/pdf", size, 0, 0)


def _inspect_image(fp: IO[bytes], size: int) -> MediaInfo:
    if size > MAX_IMAGE_BYTES:
        raise ImageTooHeavy(f"{size} bytes")
    try:
        # Only the four formats the networks take: no other Pillow plugin reads the bytes.
        with Image.open(fp, formats=list(IMAGE_TYPES)) as image:
            kind_name, width, height = image.format, image.width, image.height
            if width * height > MAX_PIXELS:
                raise TooManyPixels(f"{width}×{height} pixels")
            image.verify()  # reads the whole file: a corrupt PNG fails here
        _decode(fp, kind_name, width * height)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooManyPixels(str(error)) from None
    except UnreadableMedia:
        raise
    except UNREADABLE as error:
        raise UnreadableMedia(str(error) or "not an image") from None
    except CORRUPT as error:
        raise UnreadableMedia(f"corrupt image ({type(error).__name__})") from None
    if kind_name not in IMAGE_TYPES:
        raise UnreadableMedia(f"unsupported image format {kind_name}")
    kind = "gif" if kind_name == "GIF" else "image"
    return MediaInfo(kind, IMAGE_TYPES[kind_name], size, width, height)


def _decode(fp: IO[bytes], kind_name: str | None, pixels: int) -> None:
    """Decode the picture once (verify() leaves the file unusable, so reopen it)."""
    if kind_name != "JPEG" and pixels > DECODE_CHECK_PIXELS:
        return
    fp.seek(0)
    with Image.open(fp, formats=list(IMAGE_TYPES)) as image:
        if kind_name == "JPEG":
            image.draft("RGB", (1, 1))  # the smallest scale the decoder offers
        image.load()


def _inspect_video(fp: IO[bytes], size: int, brand: bytes) -> MediaInfo:
    content_type = "video/quicktime" if brand == b"qt  " else "video/mp4"
    moov = _find_box(fp, 0, size, b"moov")
    if moov is None:
        raise UnreadableMedia("video without a moov box (incomplete or not MP4/MOV)")
    duration = _duration(fp, *moov)
    width, height = _dimensions(fp, *moov)
    return MediaInfo("video", content_type, size, width, height, duration)


def _read(fp: IO[bytes], position: int, length: int) -> bytes:
    """Exactly `length` bytes at `position`, or the file is cut short."""
    fp.seek(position)
    chunk = fp.read(length)
    if len(chunk) != length:
        raise UnreadableMedia("video cut short")
    return chunk


def boxes(fp: IO[bytes], start: int, end: int) -> Iterator[tuple[bytes, int, int, int]]:
    """Each box between `start` and `end`: its name, where it starts, where its body
    starts, where it ends. A broken layout raises UnreadableMedia."""
    position, count = start, 0
    while position + 8 <= end:
        count += 1
        if count > MAX_BOXES:
            raise UnreadableMedia("too many video boxes")
        size, name = struct.unpack(">I4s", _read(fp, position, 8))
        header = 8
        if size == 1:
            size = struct.unpack(">Q", _read(fp, position + 8, 8))[0]
            header = 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            raise UnreadableMedia("corrupt video box structure")
        yield name, position, position + header, position + size
        position += size


def _find_box(fp: IO[bytes], start: int, end: int, name: bytes) -> tuple[int, int] | None:
    for box, _at, body, box_end in boxes(fp, start, end):
        if box == name:
            return body, box_end
    return None


def _duration(fp: IO[bytes], start: int, end: int) -> float:
    mvhd = _find_box(fp, start, end, b"mvhd")
    if mvhd is None:
        raise UnreadableMedia("video without a duration")
    body, box_end = mvhd
    # version 1 has 64-bit times: timescale at 20, duration at 24; version 0 at 12 and 16
    offset, layout = (20, ">IQ") if _read(fp, body, 1) == b"\x01" else (12, ">II")
    length = struct.calcsize(layout)
    if box_end - body < offset + length:
        raise UnreadableMedia("video with a cut movie header")
    timescale, duration = struct.unpack(layout, _read(fp, body + offset, length))
    if not timescale:
        raise UnreadableMedia("video with a zero timescale")
    seconds = float(duration) / timescale
    if not math.isfinite(seconds):
        raise UnreadableMedia("video with an impossible duration")
    return seconds


def _dimensions(fp: IO[bytes], start: int, end: int) -> tuple[int, int]:
    for box, _at, body, box_end in boxes(fp, start, end):
        if box != b"trak":
            continue
        tkhd = _find_box(fp, body, box_end, b"tkhd")
        if tkhd is None:
            continue
        tkhd_body, tkhd_end = tkhd
        minimum = 96 if _read(fp, tkhd_body, 1) == b"\x01" else 84
        if tkhd_end - tkhd_body < minimum:
            raise UnreadableMedia("video with a cut track header")
        # width and height are the last 8 bytes of tkhd, 16.16 fixed point
        width, height = struct.unpack(">II", _read(fp, tkhd_end - 8, 8))
        if width >> 16 and height >> 16:
            return width >> 16, height >> 16
    raise UnreadableMedia("video without a picture track")
