"""A 403 is one line in the log: the walkthrough's server log printed a whole traceback
each time a role opened a page it may not."""

from __future__ import annotations

import logging

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_refused_page_is_logged_in_one_line_and_an_error_keeps_its_traceback(
    cast, caplog
) -> None:
    client = Client()
    client.force_login(cast.carl)  # the photographer: no reports
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/w/lumiere/reports/").status_code == 403
    [refused] = [r for r in caplog.records if r.name == "django.request"]
    assert "Forbidden" in refused.getMessage() and refused.exc_info is None
    kept = logging.getLogger("django.request").makeRecord(
        "django.request", logging.ERROR, __file__, 1, "boom", (), (ValueError, ValueError(), None)
    )
    for handler_filter in logging.getLogger("django.request").filters:
        handler_filter.filter(kept)
    assert kept.exc_info is not None  # a real error keeps what explains it
