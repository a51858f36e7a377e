"""How the composer and the review page read: the fold, the empty state, the limits, and
each guideline breach said once."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import strip_tags

from palabre.channels.services import channel_create_demo
from palabre.publishing.models import Post
from palabre.publishing.templatetags.composer import preview_html
from palabre.strategy.models import NetworkPlan

# Instagram folds after 125 characters: "boulanger" is the word the fold would cut.
LONG = (
    "Ce samedi à 8 heures, venez découvrir en boutique le nouveau pain au levain bio, "
    "pétri à la main avec amour par notre chef boulanger. Dégustation offerte !"
)
TAGGED = "Du pain au levain tout chaud ce samedi #pain #levain #boulangerie"


@pytest.fixture
def editor(client: Client, cast) -> Client:
    client.force_login(cast.erin)
    return client


def _plan(cast, network: str, max_hashtags: int) -> None:
    NetworkPlan.objects.create(
        workspace=cast.workspace,
        network=network,
        reason="r",
        weekly_budget_minutes=60,
        max_hashtags=max_hashtags,
    )


@pytest.mark.parametrize(("language", "marker"), [("fr", "… plus"), ("en", "… more")])
def test_the_fold_marker_stands_apart_from_the_hidden_words(language: str, marker: str) -> None:
    with translation.override(language):
        html = str(preview_html(LONG, "instagram"))
    assert re.search(r'</span>\s+<span class="folded">', html)  # the hidden part on its own
    read = unescape(strip_tags(html)).replace("\xa0", " ")
    assert f"notre chef {marker} boulanger." in read


def test_the_new_posts_live_check_shows_the_guidelines_as_typed(editor: Client, cast) -> None:
    _plan(cast, "mastodon", 2)
    typed = {"post-idea": TAGGED, "post-category": "helpful", "post-networks": ["mastodon"]}
    html = editor.post("/w/lumiere/compose/check/", typed).content.decode()
    assert 'data-code="guidelines.hashtags"' in html


def test_the_review_says_each_guideline_breach_once_with_its_networks(editor: Client, cast) -> None:
    for network in ("bluesky", "mastodon"):
        _plan(cast, network, 2)
    editor.post(
        "/w/lumiere/compose/",
        {"post-idea": TAGGED, "post-category": "helpful", "post-networks": ["bluesky", "mastodon"]},
    )
    post = Post.objects.get()
    html = editor.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode()
    assert html.count('data-code="guidelines.hashtags"') == 1
    line = re.search(r'data-code="guidelines.hashtags">([^<]*)<', html)
    assert line and "Bluesky" in line[1] and "Mastodon" in line[1]


def test_the_review_no_longer_tells_the_client_a_version_number(editor: Client, cast) -> None:
    editor.post(
        "/w/lumiere/compose/",
        {"post-idea": "Bonjour", "post-category": "helpful", "post-networks": ["x"]},
    )
    post = Post.objects.get()
    html = editor.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode()
    assert "Version " not in strip_tags(html)
    assert f'data-version="{post.version}"' in html


def test_the_empty_composer_judges_nothing_until_there_is_text(editor: Client) -> None:
    html = editor.get("/w/lumiere/compose/").content.decode()
    assert "✗" not in html and "counter over" not in html
    typed = {"post-idea": "a" * 300, "post-category": "helpful", "post-networks": ["x"]}
    live = editor.post("/w/lumiere/compose/check/", typed).content.decode()
    assert "✗" in live and "counter over" in live  # too long for X: now it says so


def test_the_same_text_everywhere_is_said_once(editor: Client, cast) -> None:
    for network in ("x", "mastodon"):
        channel_create_demo(workspace=cast.workspace, network=network, name=network)
    typed = {
        "post-idea": "Notre pain au levain arrive samedi, venez le goûter !",
        "post-category": "helpful",
        "post-networks": ["x", "mastodon"],
    }
    html = editor.post("/w/lumiere/compose/check/", typed).content.decode()
    assert 'data-code="post.same_text_everywhere"' in html
    assert html.count("Même texte partout") == 1


@pytest.mark.parametrize(("language", "limit"), [("fr", "63\xa0206"), ("en", "63,206")])
def test_facebooks_limit_is_written_with_the_languages_grouping(
    editor: Client, cast, language: str, limit: str
) -> None:
    cast.erin.language = language
    cast.erin.save()
    html = editor.get("/w/lumiere/compose/").content.decode()
    assert f"<span data-max>{limit}</span>" in html and "63206" not in html
