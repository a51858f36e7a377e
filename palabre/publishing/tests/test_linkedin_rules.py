"""LinkedIn in the composer: 3,000 characters counted as LinkedIn shows the text (a mention
@[Name](urn:li:…) as its name, before the connector's escaping), and its media: up to 20
images, one video, or one PDF document on its own, a PDF that only LinkedIn accepts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from palabre.channels.services import channel_create_demo
from palabre.lib.mediainfo import MediaInfo, UnreadableMedia, inspect
from palabre.publishing.models import MediaItem, Post
from palabre.publishing.rules import check_comment, check_text
from palabre.publishing.rules.media import check_media
from palabre.publishing.rules.others import linkedin_shown
from palabre.publishing.services import VariantData, variant_check

ORG = "@[Moulin Dupré](urn:li:organization:2414183)"
PERSON = "@[Inès Haddad](urn:li:person:8675309AbC-_)"


def pdf(pages: int = 2, *, cut: bool = False) -> bytes:
    body = b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * pages
    return body if cut else body + b"trailer << >>\n%%EOF\n"


def _image(size: int = 10_000) -> MediaInfo:
    return MediaInfo("image", "image/jpeg", size, 1200, 800, alt_text="Une miche")


def _document(size: int = 2_000_000) -> MediaInfo:
    return MediaInfo("document", "application/pdf", size, 0, 0)


# --- Text -------------------------------------------------------------------------------------


def test_a_mention_counts_as_the_name_linkedin_shows() -> None:
    text = f"Merci à {ORG} et {PERSON} ! #pain #levain #bio"
    result = check_text("linkedin", text)
    shown = "Merci à Moulin Dupré et Inès Haddad ! #pain #levain #bio"
    assert linkedin_shown(text) == shown
    assert result.length == len(shown) < len(text)
    assert result.mentions == ["Moulin Dupré", "Inès Haddad"]
    assert result.extra["mention_urns"] == [
        "urn:li:organization:2414183",
        "urn:li:person:8675309AbC-_",
    ]
    assert result.hashtags == ["pain", "levain", "bio"]
    assert result.valid and result.warnings == []


def test_3000_characters_as_shown_pass_and_3001_do_not() -> None:
    filler = "a" * (3000 - len("Moulin Dupré") - 1)
    at_limit = f"{filler} {ORG}"
    assert len(at_limit) > 3000  # as written, with its URN
    assert check_text("linkedin", at_limit).length == 3000
    assert check_text("linkedin", at_limit).valid
    over = check_text("linkedin", at_limit + "!")
    assert [e.code for e in over.errors] == ["linkedin.too_long"]
    assert over.length == 3001


def test_reserved_characters_count_once_before_escaping() -> None:
    # The connector escapes ( ) [ ] * _ … with a backslash; the person wrote one character.
    text = "Prix (TTC) : 3 € *promo* [lot] <pain> ~levain~ {cuit} | ok #a #b #c"
    assert check_text("linkedin", text).length == len(text)


def test_a_plain_at_handle_is_no_mention_on_linkedin() -> None:
    warnings = check_text("linkedin", "Merci @moulin_dupre ! #a #b #c").warnings
    assert [w.code for w in warnings] == ["linkedin.plain_mention"]
    assert "@moulin_dupre" in warnings[0].message


@pytest.mark.parametrize(
    "almost",
    [
        "@[Moulin](urn:li:company:2414183)",  # the old URN type
        "@[Moulin](2414183)",
        "@[Moulin](urn:li:organization:)",
    ],
)
def test_a_mention_linkedin_would_not_read_is_flagged(almost: str) -> None:
    result = check_text("linkedin", f"Merci {almost} #a #b #c")
    assert [w.code for w in result.warnings] == ["linkedin.mention_syntax"]
    assert result.mentions == []


# --- Media rules --------------------------------------------------------------------------------


def test_twenty_images_pass_and_twenty_one_do_not() -> None:
    assert check_media("linkedin", [(f"{i}.jpg", _image()) for i in range(20)]) == ([], [])
    errors, _warnings = check_media("linkedin", [(f"{i}.jpg", _image()) for i in range(21)])
    assert [e.code for e in errors] == ["linkedin.media_count"]


def test_one_video_and_no_mix() -> None:
    video = MediaInfo("video", "video/mp4", 5_000_000, 1080, 1920, duration=20)
    assert check_media("linkedin", [("v.mp4", video)])[0] == []
    errors, _warnings = check_media("linkedin", [("v.mp4", video), ("w.mp4", video)])
    assert [e.code for e in errors] == ["linkedin.media_count"]
    errors, _warnings = check_media("linkedin", [("v.mp4", video), ("a.jpg", _image())])
    assert [e.code for e in errors] == ["linkedin.media_mix"]


def test_a_pdf_is_a_linkedin_document_post_on_its_own() -> None:
    assert check_media("linkedin", [("offre.pdf", _document())]) == ([], [])
    errors, _warnings = check_media("linkedin", [("offre.pdf", _document()), ("a.jpg", _image())])
    assert [e.code for e in errors] == ["linkedin.media_document_alone"]
    errors, _warnings = check_media("linkedin", [("a.pdf", _document()), ("b.pdf", _document())])
    assert [e.code for e in errors] == ["linkedin.media_document_alone"]
    errors, _warnings = check_media("linkedin", [("offre.pdf", _document(101_000_000))])
    assert [e.code for e in errors] == ["linkedin.media_size"]


@pytest.mark.parametrize(
    "network", ["x", "mastodon", "bluesky", "threads", "facebook", "instagram"]
)
def test_every_other_network_refuses_a_pdf_by_name(network: str) -> None:
    errors, _warnings = check_media(network, [("offre.pdf", _document())])
    assert [e.code for e in errors] == [f"{network}.media_document"]
    assert "offre.pdf" in errors[0].message and "LinkedIn" in errors[0].message


def test_a_pdf_is_read_as_a_document_and_a_cut_one_refused() -> None:
    info = inspect(pdf(3))
    assert (info.kind, info.content_type, info.size) == ("document", "application/pdf", len(pdf(3)))
    with pytest.raises(UnreadableMedia):
        inspect(pdf(3, cut=True))


# --- Through the library and the composer -------------------------------------------------------


@pytest.fixture
def editor(client: Client, cast, settings, tmp_path) -> Client:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.erin)
    return client


def test_the_library_takes_a_pdf_only_linkedin_variants_can_use(
    editor: Client, cast, media_storage
) -> None:
    for network in ("linkedin", "x"):
        channel_create_demo(workspace=cast.workspace, network=network, name=network)
    upload = SimpleUploadedFile("offre.pdf", pdf(), content_type="application/pdf")
    assert (
        editor.post("/w/lumiere/media/", {"file": upload, "tags": "recrutement"}).status_code == 302
    )
    item = MediaItem.objects.get()
    assert (item.kind, item.content_type) == ("document", "application/pdf")
    cut = SimpleUploadedFile("coupé.pdf", pdf(cut=True), content_type="application/pdf")
    refused = editor.post("/w/lumiere/media/", {"file": cut}).content.decode()
    assert "PDF" in refused and MediaItem.objects.count() == 1
    library = editor.get("/w/lumiere/media/").content.decode()
    assert "Pour LinkedIn uniquement" in library  # Erin reads French
    download = editor.get(f"/w/lumiere/media/{item.pk}/file/")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"

    editor.post(
        "/w/lumiere/compose/",
        {
            "post-idea": "Nous recrutons #a #b #c",
            "post-category": "promotional",
            "post-networks": ["linkedin", "x"],
        },
    )
    post = Post.objects.get()
    data = {
        "post-idea": post.idea,
        "post-category": post.category,
        "post-networks": ["linkedin", "x"],
        "post-version": post.version,
    }
    for variant in post.variants.all():
        data |= {
            f"{variant.network}-text": variant.text,
            f"{variant.network}-channels": [c.pk for c in variant.channels.all()],
            f"{variant.network}-media_items": [item.pk],
        }
    html = editor.post(f"/w/lumiere/posts/{post.pk}/check/", data).content.decode()
    assert 'data-code="x.media_document"' in html
    assert "<span data-max>3\xa0000</span>" in html  # the LinkedIn variant was checked too
    assert 'data-code="linkedin.media_document' not in html


def test_the_preview_shows_a_mention_as_linkedin_does_its_name() -> None:
    from palabre.publishing.templatetags.composer import preview_html

    html = str(preview_html(f"Merci {ORG} et {PERSON} ! @word <b>", "linkedin"))
    assert '<span class="mention">Moulin Dupré</span>' in html
    assert '<span class="mention">Inès Haddad</span>' in html
    assert "urn:li:" not in html and "@[" not in html
    assert '<span class="mention">@word</span>' not in html  # not a mention on LinkedIn
    assert "&lt;b&gt;" in html


def test_the_preview_folds_linkedin_after_210_shown_characters() -> None:
    from palabre.publishing.templatetags.composer import preview_html

    text = f"{ORG} " + "a" * 205 + " la suite"  # 227 characters as shown, more as written
    html = str(preview_html(text, "linkedin"))
    before, after = html.split('<span class="fold">')
    assert before.startswith('<span class="mention">Moulin Dupré</span> aaa')
    assert "la suite" in after and "la suite" not in before


def test_the_preview_marks_what_passes_linkedins_3000_characters_as_shown() -> None:
    from palabre.publishing.templatetags.composer import preview_html

    html = str(preview_html(f"{ORG} " + "a" * 2987 + "bcdef", "linkedin"))  # 3005 as shown
    assert html.endswith('">bcdef</mark>') and '<mark class="overflow"' in html
    assert '<span class="fold">' not in html  # over the limit: shown whole, as X's is
    fits = str(preview_html(f"{ORG} " + "a" * 2987, "linkedin"))  # 3000 as shown
    assert "overflow" not in fits


def test_the_fold_never_splits_a_hashtag_or_a_word() -> None:
    from palabre.publishing.templatetags.composer import fold_index, preview_html

    text = "Pain au levain " * 8 + "#boulangerie du quartier, à demain."  # 120 + 36
    html = str(preview_html(text, "instagram"))  # Instagram folds after 125 characters
    before, after = html.split('<span class="fold">')
    assert '<span class="tag">#boulangerie</span>' in after and "#boul" not in before
    assert fold_index("aaa bbbbbb", 6) == 4 and fold_index("aaa bbbbbb", 3) == 3
    assert fold_index("a" * 300, 125) == 125  # one endless word: cut where it stands


def test_a_comment_holds_1250_characters_where_a_post_holds_3000() -> None:
    """An answer, a first comment or a next part goes out as a LinkedIn comment."""
    assert check_comment("linkedin", "a" * 1250).valid
    over = check_comment("linkedin", "a" * 1251)
    assert over.max == 1250 and [e.code for e in over.errors] == ["linkedin.too_long"]
    assert "limite de 1\u00a0250" in over.errors[0].message  # French, the default language
    assert check_text("linkedin", "a" * 3000).valid  # a post still holds 3,000
    # Counted as LinkedIn shows it: a mention is its name.
    assert check_comment("linkedin", ORG + " " + "a" * 1237).valid
    # Elsewhere a comment holds what a post does.
    assert check_comment("instagram", "a" * 2200).valid


def test_the_first_comment_and_the_next_parts_of_a_linkedin_variant_are_comments() -> None:
    data = VariantData(text="Pain au levain", first_comment="b" * 1251, thread=["c" * 1300])
    codes = {e.code for e in variant_check(network="linkedin", data=data).text.errors}
    assert codes == {"linkedin.too_long.comment", "linkedin.too_long.part2"}
    fits = VariantData(text="Pain au levain", first_comment="b" * 1250, thread=["c" * 1250])
    assert variant_check(network="linkedin", data=fits).text.valid
