"""Issue 14, observation 19: every page says what the browser may load and use.

The policy is strict: scripts and styles from our own static files only (no inline script,
no inline style, no eval), nothing may frame a page, forms post only to us.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from palabre.strategy.links import link_create

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _directives(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    parts = [p.strip().split(None, 1) for p in header.split(";") if p.strip()]
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def _assert_headers(response) -> None:
    directives = _directives(response)
    for name, value in STRICT.items():
        assert directives.get(name) == value, (name, directives)
    assert "'unsafe-inline'" not in str(directives) and "'unsafe-eval'" not in str(directives)
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions, permissions
    assert response.headers.get("Referrer-Policy")


def test_observation_19_every_kind_of_page_sends_the_security_headers(client: Client, cast) -> None:
    """Observation 19: signed-in pages, the login page, error pages and public pages."""
    cast.workspace.netiquette = "Soyez courtois."
    cast.workspace.netiquette_public = True
    cast.workspace.save()
    link = link_create(workspace=cast.workspace, actor=cast.alice, destination="https://a.fr/")
    pages = {
        "/login/": 200,
        f"/n/{cast.workspace.slug}/": 200,  # the public netiquette
        f"/l/{link.code}": 302,  # a short link
        "/nowhere/": 404,
    }
    for url, status in pages.items():
        response = client.get(url)
        assert response.status_code == status, url
        _assert_headers(response)
    client.force_login(cast.alice)
    for url, status in {"/w/lumiere/": 200, "/w/lumiere/compose/": 200, "/nowhere/": 404}.items():
        response = client.get(url)
        assert response.status_code == status, url
        _assert_headers(response)
    client.force_login(cast.carl)  # a contributor: no inbox
    forbidden = client.get("/w/lumiere/inbox/")
    assert forbidden.status_code == 403
    _assert_headers(forbidden)


@override_settings(DEBUG=False)
def test_observation_19_the_500_page_sends_the_headers_and_needs_no_inline_style(
    cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from palabre.web import views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "render", broken)
    client = Client(raise_request_exception=False)
    client.force_login(cast.alice)
    response = client.get("/w/lumiere/")
    assert response.status_code == 500
    _assert_headers(response)
    assert "style=" not in response.content.decode()


def test_a_short_link_keeps_its_own_referrer_policy(client: Client, cast) -> None:
    """The destination may learn which network sent the click: what the network allowed."""
    link = link_create(workspace=cast.workspace, actor=cast.alice, destination="https://a.fr/")
    response = client.get(f"/l/{link.code}")
    assert response.headers["Referrer-Policy"] == "no-referrer-when-downgrade"


def test_pages_keep_the_referrer_to_themselves(client: Client, cast) -> None:
    assert client.get("/login/").headers["Referrer-Policy"] == "same-origin"


def test_the_mastodon_sign_in_form_may_lead_to_the_persons_instance(client: Client, cast) -> None:
    """Its POST is answered by a redirect to the instance, which form-action governs too."""
    client.force_login(cast.alice)
    response = client.get("/w/lumiere/settings/channels/mastodon/")
    assert response.status_code == 200
    assert _directives(response)["form-action"] == "'self' https:"
    assert _directives(client.get("/w/lumiere/"))["form-action"] == "'self'"


def test_the_channel_list_may_lead_to_x_and_linkedin_sign_in(client: Client, cast) -> None:
    """Connect X and Connect LinkedIn post to Palabre, answered by a redirect to the
    network's sign-in page: form-action allows it, also at the http address of a double."""
    client.force_login(cast.alice)
    with override_settings(
        PALABRE_X_AUTHORIZE_URL="http://127.0.0.1:4401",
        PALABRE_LINKEDIN_LOGIN_URL="http://127.0.0.1:4402",
    ):
        response = client.get("/w/lumiere/settings/channels/")
    allowed = _directives(response)["form-action"].split()
    assert allowed[:2] == ["'self'", "https:"]
    assert {"http://127.0.0.1:4401", "http://127.0.0.1:4402"} <= set(allowed)


TEMPLATE_DIRS = sorted(Path(settings.BASE_DIR).glob("**/templates"))
FORBIDDEN = {
    "a style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "an inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "an on…= handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE),
    "an hx-on attribute": re.compile(r"\shx-on[:-]", re.IGNORECASE),
    "a javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("kind", FORBIDDEN)
def test_no_page_template_needs_what_the_policy_refuses(kind: str) -> None:
    """E-mails are read elsewhere, without the policy: they may keep their inline styles."""
    found = [
        str(path.relative_to(settings.BASE_DIR))
        for folder in TEMPLATE_DIRS
        for path in folder.glob("**/*.html")
        if "email" not in str(path.relative_to(folder)) and FORBIDDEN[kind].search(path.read_text())
    ]
    assert found == [], f"{kind} in {found}: use palabre/static/css or palabre/static/js"
