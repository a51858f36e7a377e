"""The owner's logo: any image in, a small PNG Palabre drew out; hostile files refused."""

from __future__ import annotations

import io
import zlib
from datetime import date

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from palabre.accounts.logo import logo_png
from palabre.accounts.models import Workspace
from palabre.analytics.report import report_pdf


def _image(width: int, height: int, fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (47, 93, 80)).save(out, format=fmt)
    return out.getvalue()


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_image_is_drawn_again_as_a_small_png() -> None:
    png = logo_png(_image(3000, 1000))
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (600, 200)


@pytest.mark.parametrize(
    "data",
    [
        b"<svg onload=alert(1)>",  # not a raster image
        b"%PDF-1.4 not an image",
        _image(10, 10, "BMP"),  # an image, not a format a logo comes in
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,  # a PNG's signature and nothing else
    ],
)
def test_what_is_not_a_logo_is_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(ValidationError):
        logo_png(data)


def test_a_small_file_claiming_a_huge_image_is_refused_before_decoding() -> None:
    # A valid PNG header for 20,000 × 20,000 pixels with a tiny compressed body.
    header = b"\x89PNG\r\n\x1a\n"
    ihdr = (20_000).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    chunk = len(ihdr).to_bytes(4, "big") + b"IHDR" + ihdr
    chunk += zlib.crc32(b"IHDR" + ihdr).to_bytes(4, "big")
    with pytest.raises(ValidationError):
        logo_png(header + chunk)


def test_the_owner_uploads_it_members_see_it_the_others_cannot(cast) -> None:
    owner = _as(cast.alice)
    upload = SimpleUploadedFile("logo.jpg", _image(800, 400), content_type="image/jpeg")
    answer = owner.post("/w/lumiere/settings/logo/", {"logo": upload})
    assert answer.status_code == 302
    assert Workspace.objects.get(pk=cast.workspace.pk).logo_png
    assert _as(cast.nina).get("/w/lumiere/settings/logo/")["Content-Type"] == "image/png"
    assert _as(cast.charlie).get("/w/lumiere/settings/logo/").status_code == 404
    manager = _as(cast.bob)
    again = SimpleUploadedFile("x.jpg", _image(10, 10), content_type="image/jpeg")
    assert manager.post("/w/lumiere/settings/logo/", {"logo": again}).status_code == 403
    owner.post("/w/lumiere/settings/logo/", {"remove": "1"})
    assert not Workspace.objects.get(pk=cast.workspace.pk).logo_png


def test_a_bad_upload_says_why_and_keeps_the_logo(cast) -> None:
    owner = _as(cast.alice)
    good = SimpleUploadedFile("logo.png", _image(100, 50, "PNG"), content_type="image/png")
    owner.post("/w/lumiere/settings/logo/", {"logo": good})
    bad = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    page = owner.post("/w/lumiere/settings/logo/", {"logo": bad}, follow=True)
    assert page.status_code == 200 and "image" in page.content.decode()
    assert Workspace.objects.get(pk=cast.workspace.pk).logo_png  # the old one stays


def test_the_monthly_report_carries_the_logo(cast) -> None:
    cast.workspace.logo_png = logo_png(_image(600, 200, "PNG"))
    cast.workspace.save()
    data = report_pdf(workspace=cast.workspace, month=date(2026, 6, 1), language="fr", people=True)
    first = pypdfium2.PdfDocument(data)[0]
    images = [o for o in first.get_objects() if o.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == 1


def test_a_very_wide_logo_stays_within_the_report_page() -> None:
    from palabre.analytics.pdf import LOGO_MAX_WIDTH, _logo

    (drawn,) = _logo(logo_png(_image(6000, 10)))
    assert drawn.drawWidth == pytest.approx(LOGO_MAX_WIDTH)
    (usual,) = _logo(logo_png(_image(600, 200)))
    assert round(usual.drawHeight) == round(1.6 * 28.3465)  # 1.6 cm, in points
