from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from palabre.channels.services import channel_create_demo
from palabre.inbox.tests.helpers import published
from palabre.publishing.models import MediaItem, Post
from palabre.publishing.tests import media_samples
from palabre.publishing.tests.test_rules import EXAMPLE


@pytest.fixture
def editor(client: Client, cast, settings, tmp_path) -> Client:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.erin)
    return client


@pytest.fixture
def channels(cast):
    return {
        n: channel_create_demo(workspace=cast.workspace, network=n, name=n.title())
        for n in ("x", "bluesky", "mastodon")
    }


def _create(client: Client, idea: str = EXAMPLE, networks=("x", "bluesky", "mastodon")) -> Post:
    response = client.post(
        "/w/lumiere/compose/",
        {"post-idea": idea, "post-category": "promotional", "post-networks": list(networks)},
    )
    post = Post.objects.get()
    assert response.url == f"/w/lumiere/posts/{post.pk}/"
    return post


def _form(post: Post, **variants: dict) -> dict:
    data = {
        "post-idea": post.idea,
        "post-category": post.category,
        "post-networks": [v.network for v in post.variants.all()],
        "post-version": Post.objects.get(pk=post.pk).version,  # as the page sends it
    }
    for variant in post.variants.all():
        values = {"text": variant.text, "channels": [c.pk for c in variant.channels.all()]}
        values |= variants.get(variant.network, {})
        data |= {f"{variant.network}-{k}": v for k, v in values.items()}
    return data


def test_an_idea_becomes_one_variant_per_network_with_its_channels(
    editor: Client, channels
) -> None:
    post = _create(editor)
    assert post.author.email == "erin@example.com"
    variants = {v.network: v for v in post.variants.all()}
    assert set(variants) == {"x", "bluesky", "mastodon"}
    assert all(v.text == EXAMPLE for v in variants.values())
    assert list(variants["x"].channels.all()) == [channels["x"]]


def test_the_networks_ticked_at_first_are_the_connected_ones_the_strategy_chose(
    editor: Client, cast, channels
) -> None:
    """The demo's composer ticked all seven networks while its strategy chose four."""
    from palabre.strategy.models import NetworkPlan

    def ticked() -> set[str]:
        page = editor.get("/w/lumiere/compose/").content.decode()
        return set(re.findall(r'name="post-networks" value="(\w+)"[^>]*checked', page))

    assert ticked() == {"x", "bluesky", "mastodon"}  # no plan: every connected one
    for network in ("bluesky", "mastodon", "instagram"):  # Instagram: not connected
        NetworkPlan.objects.create(
            workspace=cast.workspace, network=network, reason="r", weekly_budget_minutes=30
        )
    assert ticked() == {"bluesky", "mastodon"}


def test_the_time_field_names_the_workspaces_zone(editor: Client, cast, channels) -> None:
    """An agency's workspaces live in several zones: "the workspace's time zone" said none."""
    cast.workspace.timezone = "America/Montreal"
    cast.workspace.save()
    page = editor.get("/w/lumiere/compose/").content.decode()
    assert "fuseau horaire de l’espace de travail\u00a0: America/Montreal." in page


def test_the_editor_shows_each_network_counted_its_own_way(editor: Client, channels) -> None:
    post = _create(editor)
    page = editor.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert "<strong data-length>290</strong> / <span data-max>300</span>" in page
    assert "<strong data-bytes>322</strong> / 3\xa0000" in page
    assert 'data-facet="link 264-282"' in page
    assert "<strong data-length>296</strong> / <span data-max>280</span>" in page
    assert "<strong data-length>295</strong> / <span data-max>500</span>" in page
    assert 'data-code="x.too_long"' in page and 'data-code="x.thread_possible"' in page
    assert "Same text everywhere" in page or "Même texte partout" in page


def test_live_check_answers_out_of_band_fragments(editor: Client, channels) -> None:
    post = _create(editor)
    short, toot, warning = (
        "Court et propre pour X #pain",
        "Une version pour Mastodon.",
        "nourriture",
    )
    data = _form(post, x={"text": short}, mastodon={"text": toot, "content_warning": warning})
    response = editor.post(f"/w/lumiere/posts/{post.pk}/check/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('hx-swap-oob="true"') == 11  # 3 × (check, preview, status) + cross-post + mix
    assert f"<strong data-length>{len(short)}</strong> / <span data-max>280</span>" in html
    # On Mastodon the content warning counts too.
    assert f"<strong data-length>{len(toot + warning)}</strong> / <span data-max>500</span>" in html
    assert "nourriture" in html
    assert Post.objects.get().variants.get(network="x").text == EXAMPLE  # checking saves nothing


def test_near_identical_variants_are_flagged_with_the_workspace_threshold(
    editor: Client, cast, channels
) -> None:
    post = _create(
        editor,
        idea="Notre pain au levain arrive samedi, venez le goûter !",
        networks=("x", "mastodon"),
    )
    url = f"/w/lumiere/posts/{post.pk}/check/"
    assert 'data-code="post.same_text_everywhere"' in editor.post(url, _form(post)).content.decode()
    reworded = "Notre pain au levain arrive ce samedi : venez vite le goûter en boutique avec vos enfants !"
    different = _form(post, mastodon={"text": reworded})
    assert "same_text_everywhere" not in editor.post(url, different).content.decode()
    cast.workspace.crosspost_threshold = 0.7  # these two are 72% alike
    cast.workspace.save()
    assert "same_text_everywhere" in editor.post(url, different).content.decode()
    # Once both went out, nothing is left to adapt: the warning no longer repeats itself.
    from palabre.publishing.services import post_checks, post_variants_data

    data = post_variants_data(post)
    gone = frozenset({"x"})
    assert post_checks(workspace=cast.workspace, variants=data, gone=gone)[1]
    gone = frozenset({"x", "mastodon"})
    assert not post_checks(workspace=cast.workspace, variants=data, gone=gone)[1]


def test_a_mastodon_channel_with_its_own_limit_counts_against_it(editor: Client, channels) -> None:
    channels["mastodon"].max_chars = 1000
    channels["mastodon"].save()
    post = _create(editor, idea="a" * 600, networks=("mastodon",))
    page = editor.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert "<strong data-length>600</strong> / <span data-max>1\xa0000</span>" in page


def test_saving_keeps_each_variant_and_adds_a_new_network(editor: Client, channels) -> None:
    post = _create(editor, networks=("x", "bluesky"))
    data = _form(post, x={"text": "Version X"}) | {"post-networks": ["x", "bluesky", "linkedin"]}
    response = editor.post(f"/w/lumiere/posts/{post.pk}/", data)
    assert response.status_code == 302
    variants = {v.network: v.text for v in Post.objects.get().variants.all()}
    assert variants == {"x": "Version X", "bluesky": EXAMPLE, "linkedin": EXAMPLE}


def test_an_invalid_variant_can_still_be_saved_as_a_draft(editor: Client, channels) -> None:
    post = _create(editor, networks=("x",))
    response = editor.post(f"/w/lumiere/posts/{post.pk}/", _form(post, x={"text": "é" * 400}))
    assert response.status_code == 302
    assert Post.objects.get().variants.get().text == "é" * 400


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("text", "x" * 70_001, "70"), ("channels", [999_999], "choix valide")],
)
def test_bad_variant_input_gets_a_clear_message_and_loses_nothing(
    editor: Client, channels, field, value, message
) -> None:
    post = _create(editor, networks=("x",))
    data = _form(post, x={field: value}) | {"post-idea": "Une idée modifiée"}
    response = editor.post(f"/w/lumiere/posts/{post.pk}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Une idée modifiée" in page  # what was typed is kept on the page


def test_channels_and_media_of_another_workspace_cannot_be_attached(
    editor: Client, cast, channels
) -> None:
    theirs = channel_create_demo(workspace=cast.other_workspace, network="x", name="Theirs")
    post = _create(editor, networks=("x",))
    response = editor.post(f"/w/lumiere/posts/{post.pk}/", _form(post, x={"channels": [theirs.pk]}))
    assert response.status_code == 200
    assert not post.variants.get().channels.filter(pk=theirs.pk).exists()


def test_user_text_is_escaped_in_previews(editor: Client, channels) -> None:
    post = _create(
        editor, idea="<script>alert(1)</script> <img src=x onerror=alert(2)> #pain", networks=("x",)
    )
    page = editor.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_bluesky_media_without_alt_text_is_an_error(editor: Client, cast, channels) -> None:
    upload = SimpleUploadedFile(
        "pain.jpg", media_samples.image(800, 600), content_type="image/jpeg"
    )
    editor.post("/w/lumiere/media/", {"file": upload, "alt_text": "", "tags": "pain"})
    item = MediaItem.objects.get()
    post = _create(editor, networks=("bluesky",))
    html = editor.post(
        f"/w/lumiere/posts/{post.pk}/check/", _form(post, bluesky={"media_items": [item.pk]})
    ).content.decode()
    assert 'data-code="bluesky.alt_required"' in html
    assert f"/w/lumiere/media/{item.pk}/file/" in html  # shown in the preview


def test_upload_inspects_and_stores_media(editor: Client, cast, media_storage) -> None:
    upload = SimpleUploadedFile(
        "Boutique.JPG", media_samples.image(1080, 1350), content_type="image/jpeg"
    )
    response = editor.post(
        "/w/lumiere/media/",
        {"file": upload, "alt_text": "La boutique", "tags": "boutique, #équipe, boutique"},
    )
    assert response.status_code == 302
    item = MediaItem.objects.get()
    assert (item.kind, item.width, item.height, item.tags) == (
        "image",
        1080,
        1350,
        ["boutique", "équipe"],
    )
    assert item.file.name.startswith(
        f"workspaces/{cast.workspace.pk}/"
    ) and item.file.name.endswith(".jpg")
    assert editor.get(f"/w/lumiere/media/{item.pk}/file/").getvalue() == item.file.open().read()
    video = SimpleUploadedFile(
        "reel.mp4", media_samples.mp4(15, 1080, 1920), content_type="video/mp4"
    )
    editor.post("/w/lumiere/media/", {"file": video, "tags": "reel"})
    assert MediaItem.objects.get(kind="video").duration == 15


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"not an image", "illisible"), (media_samples.image()[:50], "illisible")],
)
def test_corrupt_uploads_are_refused_in_french(editor: Client, data: bytes, message: str) -> None:
    response = editor.post("/w/lumiere/media/", {"file": SimpleUploadedFile("x.jpg", data)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MediaItem.objects.exists()


def test_oversized_uploads_are_refused(editor: Client, settings) -> None:
    settings.PALABRE_MAX_UPLOAD_MB = 0
    response = editor.post(
        "/w/lumiere/media/", {"file": SimpleUploadedFile("x.jpg", media_samples.image())}
    )
    assert "0 Mo" in response.content.decode() or "0 MB" in response.content.decode()
    assert not MediaItem.objects.exists()


def test_the_contributor_curates_the_library(client: Client, cast, media_storage) -> None:
    client.force_login(cast.carl)
    client.post(
        "/w/lumiere/media/", {"file": SimpleUploadedFile("a.png", media_samples.image(fmt="PNG"))}
    )
    item = MediaItem.objects.get()
    client.post(f"/w/lumiere/media/{item.pk}/", {"alt_text": "Une miche", "tags": "pain"})
    item.refresh_from_db()
    assert (item.alt_text, item.tags) == ("Une miche", ["pain"])
    assert "pain" in client.get("/w/lumiere/media/?tag=pain").content.decode()
    client.post(f"/w/lumiere/media/{item.pk}/", {"delete": "1"})
    assert not MediaItem.objects.exists()
    assert client.get("/w/lumiere/compose/").status_code == 403


def test_a_published_post_is_not_offered_for_publishing_again(editor: Client, cast) -> None:
    target = published(cast.workspace, cast.bob)
    page = editor.get(f"/w/lumiere/posts/{target.post_id}/").content.decode()
    assert 'value="publish"' not in page and 'value="schedule"' not in page


def test_a_published_posts_link_says_where_it_leads(editor: Client, cast) -> None:
    target = published(cast.workspace, cast.bob)
    assert target.remote_url and target.remote_id
    page = editor.get(f"/w/lumiere/posts/{target.post_id}/").content.decode()
    link = page[page.index(f'href="{target.remote_url}"') :]
    assert target.remote_id not in link[: link.index("</a>")]


def test_one_page_writes_the_idea_each_variant_and_its_time_at_once(client: Client, cast) -> None:
    client.force_login(cast.erin)
    for network in ("x", "bluesky"):
        channel_create_demo(workspace=cast.workspace, network=network, name=network)
    when = (timezone.now() + timedelta(days=3)).astimezone(cast.workspace.tzinfo)
    response = client.post(
        "/w/lumiere/compose/",
        {
            "post-idea": "Pain aux figues samedi.",
            "post-category": "helpful",
            "post-networks": ["x", "bluesky"],
            "post-publish_at": when.strftime("%Y-%m-%dT%H:%M"),
            "x-text": "Pain aux figues samedi 🥖 #boulangerie",
            "bluesky-text": "",  # empty: the idea as it is
            "mastodon-text": "not ticked: never written",
            "action": "save",
        },
    )
    post = Post.objects.get()
    assert response.url == f"/w/lumiere/posts/{post.pk}/"
    texts = dict(post.variants.values_list("network", "text"))
    assert texts == {
        "x": "Pain aux figues samedi 🥖 #boulangerie",
        "bluesky": "Pain aux figues samedi.",
    }
    local = timezone.localtime(post.publish_at, cast.workspace.tzinfo)
    assert local.strftime("%Y-%m-%dT%H:%M") == when.strftime("%Y-%m-%dT%H:%M")
    assert post.status == "draft" and post.author == cast.erin


def test_a_refused_form_keeps_everything_typed_and_saves_nothing(client: Client, cast) -> None:
    client.force_login(cast.erin)
    response = client.post(
        "/w/lumiere/compose/",
        {
            "post-idea": "",
            "post-category": "helpful",
            "x-text": "Mon texte pour X",
            "action": "save",
        },
    )
    assert response.status_code == 200 and not Post.objects.exists()
    page = response.content.decode()
    assert "Mon texte pour X" in page and 'class="errorlist' in page


def test_the_next_free_slot_is_in_view_from_the_start(client: Client, cast) -> None:
    client.force_login(cast.erin)
    channel = channel_create_demo(workspace=cast.workspace, network="x", name="x")
    channel.time_slots = ["0 09:00", "2 09:00", "4 09:00"]  # Monday, Wednesday, Friday
    channel.save()
    page = client.get("/w/lumiere/compose/").content.decode()
    slot = re.search(r'data-fill-slot="([^"]+)"', page).group(1)
    moment = timezone.make_aware(datetime.strptime(slot, "%Y-%m-%dT%H:%M"), cast.workspace.tzinfo)
    assert moment > timezone.now() and moment.weekday() in (0, 2, 4) and moment.hour == 9
    # A plain button the page's script fills the time with: Enter in a field saves.
    assert re.search(r'<button type="button"[^>]*data-fill-slot', page)


def test_the_check_answers_each_networks_counter_for_the_text_as_typed(
    client: Client, cast
) -> None:
    client.force_login(cast.erin)
    answer = client.post(
        "/w/lumiere/compose/check/",
        {"post-idea": "Bonjour", "post-networks": ["x", "mastodon"], "x-text": "a" * 300},
    ).content.decode()
    assert 'id="check-x"' in answer and 'id="check-mastodon"' in answer
    x = answer[answer.index('id="check-x"') :]
    assert "<strong data-length>300</strong>" in x and "x.too_long" in x
    mastodon = answer[answer.index('id="check-mastodon"') :]
    assert "<strong data-length>7</strong>" in mastodon  # empty: the idea, "Bonjour"


def test_hand_made_composer_requests_are_refused_cleanly(client: Client, cast) -> None:
    client.force_login(cast.erin)
    channel_create_demo(workspace=cast.workspace, network="x", name="x")
    base = {"post-idea": "Une idée", "post-category": "helpful", "action": "save"}
    twice = client.post("/w/lumiere/compose/", base | {"post-networks": ["x", "x"]})
    assert twice.status_code == 302 and Post.objects.get().variants.count() == 1
    for field in ("x-channels", "x-media_items"):
        for path in ("/w/lumiere/compose/", "/w/lumiere/compose/check/"):
            huge = base | {"post-networks": ["x"], field: "99999999999999999999999"}
            assert client.post(path, huge).status_code == 200, (field, path)
    answer = client.post(
        "/w/lumiere/compose/check/", {"post-idea": "#a " * 200_000, "post-networks": ["x"]}
    )
    assert answer.status_code == 200


def test_publish_now_from_someone_who_may_not_publish_saves_nothing(
    editor: Client, channels
) -> None:
    answer = editor.post(
        "/w/lumiere/compose/",
        {
            "post-idea": "Pain",
            "post-category": "helpful",
            "post-networks": ["x"],
            "action": "publish",
        },
    )
    assert answer.status_code == 403
    assert not Post.objects.exists()


def test_the_drafts_say_which_date_is_which(editor: Client, cast, channels) -> None:
    """A lone date after each draft read as its publication date; it was its last change."""
    post = _create(editor, idea="Brioche du dimanche", networks=("mastodon",))
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() + timedelta(days=3))
    page = editor.get("/w/lumiere/compose/").content.decode()
    drafts = page.split('id="drafts"')[1]
    assert "modifiée " in drafts and "prévue " in drafts
