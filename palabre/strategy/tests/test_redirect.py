"""/l/<code> at campaign scale: answered from memory by ShortLinkMiddleware, before the
session, CSRF and auth middleware, with the security headers every page has."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from palabre.strategy import clicks, links
from palabre.strategy.links import link_create
from palabre.strategy.models import Click, ShortLink
from palabre.strategy.tests.conftest import BROWSER

pytestmark = pytest.mark.django_db


def test_a_known_code_is_answered_from_memory_without_a_query(
    client: Client, link, batching, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):  # the first time, the link is read
        assert client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER).status_code == 302
    with django_assert_num_queries(0):
        response = client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "https://a.example/?utm_source=palabre&utm_medium=social"
    assert not hasattr(response.wsgi_request, "session")  # the session middleware was skipped
    assert not hasattr(response.wsgi_request, "user")
    assert "Set-Cookie" not in response.headers
    assert clicks.clicks_flush() == 2


def test_the_answer_keeps_the_security_headers(client: Client, link) -> None:
    page = client.get("/login/")
    response = client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER)
    assert not hasattr(response.wsgi_request, "session")
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
    ):
        assert response.headers.get(header) == page.headers.get(header), header
    assert response["Referrer-Policy"] == "no-referrer-when-downgrade"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_an_unknown_host_is_refused(client: Client, link) -> None:
    assert client.get(f"/l/{link.code}", HTTP_HOST="evil.example").status_code == 400


def test_an_unknown_code_gets_the_404_page_never_a_redirect(client: Client, link) -> None:
    response = client.get("/l/Nope1234", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert response.headers["Content-Language"]  # the usual page, in the person's language
    assert client.get("/l/Nope1234", HTTP_USER_AGENT=BROWSER).status_code == 404  # not remembered


def test_a_link_works_the_moment_it_is_created(client: Client, cast) -> None:
    code = "Later12"
    assert client.get(f"/l/{code}").status_code == 404
    ShortLink.objects.create(workspace=cast.workspace, code=code, destination="https://b.example/")
    assert client.get(f"/l/{code}").status_code == 302


def test_a_deleted_link_stops_redirecting_once_remembered_no_longer(
    client: Client, link, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other processes learn of a deletion only when their copy expires: CACHE_SECONDS."""
    assert links.CACHE_SECONDS <= 60  # as docs/metrics.md says
    now = [1000.0]
    monkeypatch.setattr(links, "time", SimpleNamespace(monotonic=lambda: now[0]))
    assert client.get(f"/l/{link.code}").status_code == 302
    ShortLink.objects.filter(pk=link.pk).delete()
    now[0] += links.CACHE_SECONDS - 1
    assert client.get(f"/l/{link.code}").status_code == 302  # still remembered
    now[0] += 1
    assert client.get(f"/l/{link.code}").status_code == 404


def test_the_memory_is_bounded(client: Client, cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "CACHE_SIZE", 2)
    made = [
        link_create(workspace=cast.workspace, actor=cast.erin, destination=f"https://{n}.example/")
        for n in "abc"
    ]
    for link in made:
        assert client.get(f"/l/{link.code}").status_code == 302
    assert list(links._targets) == [made[1].code, made[2].code]  # the oldest went


def test_bots_prefetches_and_head_are_not_counted_in_batches(
    client: Client, link, batching
) -> None:
    client.get(f"/l/{link.code}", HTTP_USER_AGENT="facebookexternalhit/1.1")
    client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    client.head(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER)
    assert client.post(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER).status_code == 405
    assert clicks.clicks_flush() == 0
    assert not Click.objects.exists()
