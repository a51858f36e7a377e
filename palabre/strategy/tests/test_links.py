"""Short links: only to the stored address, people counted, bots and prefetches not."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from palabre.strategy.links import link_create, target_url
from palabre.strategy.models import Click, ShortLink

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"


@pytest.fixture
def link(cast) -> ShortLink:
    return link_create(
        workspace=cast.workspace,
        actor=cast.erin,
        destination="https://lumiere.example/pain?ref=x&utm_source=old",
        network="mastodon",
        utm_campaign="levain",
    )


def test_a_click_redirects_with_utm_and_counts_once(client: Client, link) -> None:
    response = client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    parts = urlsplit(response["Location"])
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "lumiere.example", "/pain")
    query = parse_qs(parts.query)
    assert query == {
        "ref": ["x"],
        "utm_source": ["mastodon"],
        "utm_medium": ["social"],
        "utm_campaign": ["levain"],
    }
    assert Click.objects.filter(link=link).count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mastodon/4.3.0 (http.rb/5.2.0; +https://piaille.fr/)"},
        {
            "HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)"
        },
        {"HTTP_USER_AGENT": "facebookexternalhit/1.1"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"HTTP_USER_AGENT": "Slackbot-LinkExpanding 1.0"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_X_PURPOSE": "preview"},
    ],
)
def test_bots_previews_and_prefetches_are_not_counted(client: Client, link, headers) -> None:
    response = client.get(f"/l/{link.code}", **headers)
    assert response.status_code == 302  # they still reach the page
    assert not Click.objects.exists()


def test_head_is_answered_but_not_counted(client: Client, link) -> None:
    assert client.head(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER).status_code == 302
    assert client.post(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER).status_code == 405
    assert not Click.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/l/nope123",
        "/l/abc",  # too short to be a code
        "/l/../w/lumiere/",
        "/l/https://evil.example",
        "/l/%2F%2Fevil.example",
        "/l/aaaaaaa?next=https://evil.example",
        "/l/aaaaaaa?url=//evil.example",
    ],
)
def test_no_open_redirect(client: Client, link, path: str) -> None:
    response = client.get(path, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 404 or "evil" not in response.get("Location", "")
    assert response.status_code != 302


def test_the_destination_cannot_be_a_script_or_a_relative_address(cast) -> None:
    from django.core.exceptions import ValidationError

    for bad in ["javascript:alert(1)", "//evil.example", "/w/lumiere/", "ftp://x.example/f"]:
        with pytest.raises(ValidationError):
            link_create(workspace=cast.workspace, actor=cast.erin, destination=bad)


def test_target_url_without_network_or_campaign(cast) -> None:
    link = link_create(workspace=cast.workspace, actor=cast.erin, destination="http://a.example/")
    assert target_url(link) == "http://a.example/?utm_source=palabre&utm_medium=social"


def test_the_links_page_creates_and_counts(client: Client, cast, link) -> None:
    client.force_login(cast.erin)
    response = client.post(
        "/w/lumiere/strategy/links/",
        {"destination": "https://lumiere.example/atelier", "label": "Atelier", "network": "x"},
    )
    assert response.status_code == 302
    created = ShortLink.objects.get(label="Atelier")
    Client().get(f"/l/{created.code}", HTTP_USER_AGENT=BROWSER)
    page = client.get("/w/lumiere/strategy/links/").content.decode()
    assert f"/l/{created.code}" in page and "Atelier" in page


@pytest.mark.parametrize("language, message", [("fr", "http ou https"), ("en", "http or https")])
def test_a_bad_destination_is_refused_in_the_user_language(
    client: Client, cast, language, message
) -> None:
    cast.erin.language = language
    cast.erin.save()
    client.force_login(cast.erin)
    response = client.post("/w/lumiere/strategy/links/", {"destination": "ftp://x.example/f"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ShortLink.objects.filter(destination__startswith="ftp").exists()


def test_other_workspaces_and_readers(client: Client, cast, link) -> None:
    client.force_login(cast.charlie)
    assert client.get("/w/lumiere/strategy/links/").status_code == 404
    client.force_login(cast.anna)  # the approver reads, but does not create
    assert client.get("/w/lumiere/strategy/links/").status_code == 200
    assert (
        client.post("/w/lumiere/strategy/links/", {"destination": "https://a.example"}).status_code
        == 403
    )
