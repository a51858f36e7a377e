"""Named people leave Palabre only for those who may see the Community page."""

from __future__ import annotations

import pytest
from django.test import Client

from palabre.analytics.tests.handmade import build

pytestmark = pytest.mark.django_db
PEOPLE_TABLES = ("contributors", "supporters", "drifting")


def _client(name: str) -> Client:
    client = Client()
    client.login(email=f"{name}@example.com", password="correct horse battery")
    return client


@pytest.mark.xfail(
    strict=True, reason="issue 14, observation 14: the approver downloads named people as CSV"
)
@pytest.mark.parametrize("table", PEOPLE_TABLES)
def test_observation_14_people_csv_follows_the_community_permission(cast, table: str) -> None:
    """Observation 14: the client (approver) is refused the people lists, as on Community."""
    build(cast.workspace)
    url = f"/w/lumiere/reports/{table}.csv?month=2026-06"
    assert _client("anna").get("/w/lumiere/community/").status_code == 403
    assert _client("anna").get(url).status_code == 403
    assert _client("nina").get(url).status_code == 200
    assert _client("anna").get("/w/lumiere/reports/channels.csv?month=2026-06").status_code == 200
