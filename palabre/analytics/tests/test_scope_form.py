"""The reports' period and month: the form says what the report covers, and its dates are
the days covered, the last one included."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from palabre.analytics.forms import ScopeForm

pytestmark = pytest.mark.django_db


def _selected_period(page: str) -> str:
    select = re.search(r'<select name="period".*?</select>', page, re.S)
    assert select is not None
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    assert chosen is not None, "one period is always selected"
    return chosen.group(1)


def test_a_month_wins_over_a_period_and_the_form_says_so(cast) -> None:  # type: ignore[no-untyped-def]
    form = ScopeForm({"period": "90", "month": "2026-10"}, workspace=cast.workspace)
    scope = form.scope()
    assert (scope.start.month, scope.end_day.day) == (10, 31) and scope.rolling_days is None
    assert form["period"].value() == "" and form.query() == "month=2026-10"


def test_a_period_alone_or_nothing_shows_that_period(cast) -> None:  # type: ignore[no-untyped-def]
    assert ScopeForm({"period": "90"}, workspace=cast.workspace)["period"].value() == "90"
    assert ScopeForm({"channel": ""}, workspace=cast.workspace)["period"].value() == "30"
    assert str(ScopeForm(None, workspace=cast.workspace)["period"].value()) == "30"


def test_the_page_shows_the_month_it_covers_with_its_last_day(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client(headers={"accept-language": "fr"})
    client.force_login(cast.alice)
    url = reverse("reports", args=[cast.workspace.slug])
    page = client.get(url, {"period": "365", "month": "2026-02"}).content.decode()
    assert "Du 01/02/2026 au 28/02/2026." in page  # not "au 01/03/2026"
    assert _selected_period(page) == "" and 'value="2026-02"' in page
    page = client.get(url, {"period": "90"}).content.decode()
    assert _selected_period(page) == "90"


def test_a_month_it_cannot_read_leaves_the_period_it_shows(cast) -> None:  # type: ignore[no-untyped-def]
    form = ScopeForm({"period": "90", "month": "2026-13"}, workspace=cast.workspace)
    assert form.scope().rolling_days == 90 and form["period"].value() == "90"
    assert "month" in form.errors
