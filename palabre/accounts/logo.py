"""A workspace's logo: whatever image the owner uploads is read once and drawn again as a
small PNG, so that what is stored and put in reports is an image Palabre made itself."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

from palabre.accounts.models import Workspace
from palabre.lib.mediainfo import CORRUPT, UNREADABLE

MAX_UPLOAD = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # read before decoding: a small file can claim a huge image
BOX = (600, 200)  # the most a report header shows
FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def logo_size_check(size: int) -> None:
    if size > MAX_UPLOAD:
        raise ValidationError(_("The logo is too large: 2 MB at most."))


def logo_png(data: bytes) -> bytes:
    """The uploaded image as a PNG at most BOX, or ValidationError saying why not."""
    logo_size_check(len(data))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise ValidationError(_("The logo must be a PNG, JPEG, WebP or GIF image."))
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The logo has too many pixels: 25 million at most."))
            drawn = image.convert("RGBA")
    except (*UNREADABLE, *CORRUPT, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not an image Palabre can read.")) from error
    drawn.thumbnail(BOX)
    out = io.BytesIO()
    drawn.save(out, format="PNG", optimize=True)
    return out.getvalue()


def workspace_logo_set(*, workspace: Workspace, data: bytes) -> None:
    workspace.logo_png = logo_png(data)
    workspace.save(update_fields=["logo_png"])


def workspace_logo_remove(*, workspace: Workspace) -> None:
    workspace.logo_png = b""
    workspace.save(update_fields=["logo_png"])
