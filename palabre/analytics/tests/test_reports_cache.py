"""The reports page keeps its figures a minute (dashboard.REPORT_CACHE_SECONDS), in each
web process's memory: a team opening it together counts them once; each kept page is for
one workspace, period, language and permission to see people, and says when it was
counted; it is never written to the database."""

from __future__ import annotations

import base64
import re

import pytest
from django.core.cache import caches
from django.test import Client

from palabre.analytics.tests.handmade import build
from palabre.inbox.models import Contact

pytestmark = pytest.mark.django_db
JUNE = "/w/lumiere/reports/?month=2026-06"


def _client(name: str) -> Client:
    client = Client()
    client.login(email=f"{name}@example.com", password="correct horse battery")
    return client


def _counted_at(page: str) -> str:
    found = re.search(r"<p [^>]*data-counted-at>(.*?)</p>", page)
    assert found, "the page says when it was counted"
    return found.group(1)


def test_the_figures_are_kept_a_minute_then_counted_again(cast) -> None:
    build(cast.workspace)
    nina = _client("nina")
    first = nina.get(JUNE).content.decode()
    assert "Wanda" in first
    Contact.objects.filter(workspace=cast.workspace, name="Wanda").update(name="Wendy")
    kept = nina.get(JUNE).content.decode()
    assert "Wanda" in kept and "Wendy" not in kept
    assert _counted_at(kept) == _counted_at(first)
    caches["pages"].clear()  # as when the minute is over
    assert "Wendy" in nina.get(JUNE).content.decode()


def test_a_page_kept_for_those_who_see_people_is_not_shown_to_others(cast) -> None:
    build(cast.workspace)
    assert "Wanda" in _client("nina").get(JUNE).content.decode()  # the analyst: names
    approver = _client("anna").get(JUNE).content.decode()
    assert "Wanda" not in approver and 'id="table-contributors"' in approver


def test_each_language_and_period_has_its_own_page(cast) -> None:
    build(cast.workspace)
    cast.nina.language = "en"
    cast.nina.save()
    nina = _client("nina")
    english = nina.get(JUNE).content.decode()
    cast.nina.language = "fr"
    cast.nina.save()
    french = nina.get(JUNE).content.decode()
    assert "Figures counted on" in english and "Chiffres calculés le" in french
    may = nina.get("/w/lumiere/reports/?month=2026-05").content.decode()
    assert "Wanda" in english and "Wanda" not in may  # June's talk, not May's


def test_another_workspace_never_sees_this_ones_page(cast) -> None:
    build(cast.workspace)
    assert "Wanda" in _client("nina").get(JUNE).content.decode()
    charlie = _client("charlie").get(JUNE.replace("lumiere", cast.other_workspace.slug))
    assert charlie.status_code == 200 and "Wanda" not in charlie.content.decode()


def test_a_query_string_varied_by_hand_finds_the_same_page_and_nothing_reaches_the_database(
    cast,
) -> None:
    """Junk parameters or another order do not count the page again (each count would
    cost a member's CPU and the process's memory), and the page with people's names is
    not in the shared cache's table, nor anywhere a backup would keep it."""
    from django.db import connection

    build(cast.workspace)
    nina = _client("nina")
    first = _counted_at(nina.get(JUNE).content.decode())
    Contact.objects.filter(workspace=cast.workspace, name="Wanda").update(name="Wendy")
    for junk in ("&x=1", "&x=2", "&channel="):
        page = nina.get(JUNE + junk).content.decode()
        assert "Wanda" in page and _counted_at(page) == first
    reordered = nina.get("/w/lumiere/reports/?x=3&month=2026-06").content.decode()
    assert _counted_at(reordered) == first
    assert 'href="/w/lumiere/reports/contributors.csv?month=2026-06"' in reordered  # no junk
    with connection.cursor() as cursor:  # Django's database cache: base64 pickles
        cursor.execute("SELECT value FROM palabre_cache")
        stored = [base64.b64decode(value) for (value,) in cursor.fetchall()]
    assert not any(b"Wanda" in value or b"Wendy" in value for value in stored)
