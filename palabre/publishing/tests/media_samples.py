"""Small media files made on the spot: images with Pillow, MP4s box by box."""

from __future__ import annotations

import io
import struct

from PIL import Image


def image(width: int = 40, height: int = 30, fmt: str = "JPEG", color: str = "#c8a165") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, fmt)
    return buffer.getvalue()


def _box(name: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), name) + body


def mp4(
    seconds: float = 12.0, width: int = 1080, height: int = 1920, brand: bytes = b"isom"
) -> bytes:
    """A structurally valid MP4 header: ftyp, then moov with mvhd and one track's tkhd."""
    timescale = 1000
    mvhd = bytes(4) + bytes(8) + struct.pack(">II", timescale, int(seconds * timescale)) + bytes(80)
    tkhd = bytes(4) + bytes(72) + struct.pack(">II", width << 16, height << 16)
    moov = _box(b"moov", _box(b"mvhd", mvhd) + _box(b"trak", _box(b"tkhd", tkhd)))
    return _box(b"ftyp", brand + bytes(4) + b"isommp41") + moov
