"""The reports' figures through the API: the numbers the reports page computes for the
same period, the page's form refusing what it refuses, and names only for those who may
see people."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import caches
from django.test import Client

from palabre.analytics.tests.handmade import build
from palabre.api.tests.conftest import MakeApi
from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Contact
from palabre.lib.tests.csvfiles import csv_rows

PROBLEM = "application/problem+json"
JUNE = {"month": "2026-06"}


@pytest.fixture
def history(cast):  # type: ignore[no-untyped-def]
    caches["pages"].clear()  # the reports page keeps its figures a minute
    return build(cast.workspace)


def _page(user, query: str):  # type: ignore[no-untyped-def]
    browser = Client()
    browser.force_login(user)
    answer = browser.get(f"/w/lumiere/reports/?{query}")
    assert answer.status_code == 200
    return answer


def _shown_figures(page: str) -> dict[str, str]:
    """Each key figure's value as the page writes it."""
    found = re.findall(
        r'data-figure="(\w+)">.*?<p class="figure-value">([^<]*)</p>', page, flags=re.S
    )
    return {key: html.unescape(value) for key, value in found}


@pytest.mark.parametrize(
    "query",
    [
        JUNE,
        {"month": "2026-06", "channel": "A"},
        {"period": "365"},
        {},
        {"start": "2026-06-01", "end": "2026-06-30"},  # June by its dates: June's figures
    ],
)
def test_the_key_figures_are_the_ones_the_page_shows(
    cast, history, make_api: MakeApi, query: dict[str, str]
) -> None:
    if query.get("channel") == "A":
        query = {**query, "channel": str(history.a.pk)}
    api = make_api(cast.nina, cast.workspace, ["read"])
    answer = api.get("/api/v1/reports", **query)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    page = _shown_figures(
        _page(cast.nina, "&".join(f"{k}={v}" for k, v in query.items())).content.decode()
    )
    assert set(page) == {"response_rate", "response_time", "engaged", "reach"}
    assert {f["key"]: f["value"] for f in body["figures"]} == page
    assert body["period"]["channel_ids"] == ([history.a.pk] if "channel" in query else [])


def test_the_dialogue_is_the_page_dialogue_in_numbers(cast, history, make_api: MakeApi) -> None:
    api = make_api(cast.anna, cast.workspace, ["read"])  # the client's approver sees reports
    times = api.get("/api/v1/reports/response-times", **JUNE).json()
    dialogue = _page(cast.anna, "month=2026-06").context["report"].sections["dialogue"].table
    rate, median, p90, threads, replies, unanswered = (row[1] for row in dialogue.rows)
    assert times["response_rate"]["value"] == rate is not None
    assert times["response_rate"]["numerator"] == dialogue.rows[0][2]
    assert times["response_rate"]["denominator"] == dialogue.rows[0][3]
    assert times["median_seconds"] == median and times["p90_seconds"] == p90
    assert times["threads_answered"]["value"] == threads
    assert times["replies_per_comment"]["value"] == replies
    assert times["unanswered_now"] == unanswered
    # The report's own dialogue table holds the same numbers.
    tables = {t["key"]: t for t in api.get("/api/v1/reports", **JUNE).json()["tables"]}
    assert [row[1] for row in tables["dialogue"]["rows"]] == [
        rate,
        median,
        p90,
        threads,
        replies,
        unanswered,
    ]
    assert tables["dialogue"]["row_kinds"] == dialogue.row_kinds


def test_the_community_funnel_is_the_page_funnel(cast, history, make_api: MakeApi) -> None:
    api = make_api(cast.nina, cast.workspace, ["read"])
    community = api.get("/api/v1/reports/community", **JUNE)
    assert community.status_code == 200, community.content
    funnel = _page(cast.nina, "month=2026-06").context["report"].sections["funnel"].table
    assert [(s["key"], s["people"]) for s in community.json()["stages"]] == [
        (key, row[1]) for key, row in zip(funnel.row_definitions, funnel.rows, strict=True)
    ]
    assert community.json()["title"] == funnel.title
    client = make_api(cast.anna, cast.workspace, ["read"])
    refused = client.get("/api/v1/reports/community", **JUNE)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_names_need_the_community_permission_and_the_people_scope(
    cast, history, make_api: MakeApi
) -> None:
    def contributors(user, scopes):  # type: ignore[no-untyped-def]
        tables = make_api(user, cast.workspace, scopes).get("/api/v1/reports", **JUNE).json()
        return next(t for t in tables["tables"] if t["key"] == "contributors")

    named = contributors(cast.nina, ["read", "people"])
    assert not named["withheld"] and "Wanda" in [row[0] for row in named["rows"]]
    for user, scopes in ((cast.nina, ["read"]), (cast.anna, ["read", "people"])):
        hidden = contributors(user, scopes)
        assert hidden["withheld"] and hidden["rows"] == []
    path = "/api/v1/reports/tables/contributors"
    no_scope = make_api(cast.nina, cast.workspace, ["read"]).get(path, **JUNE)
    assert no_scope.status_code == 403 and no_scope.json()["code"] == "scope_missing"
    no_role = make_api(cast.anna, cast.workspace, ["read", "people"]).get(path, **JUNE)
    assert no_role.status_code == 403 and no_role.json()["code"] == "forbidden"
    whole = make_api(cast.nina, cast.workspace, ["read", "people"]).get(path, **JUNE)
    assert whole.status_code == 200 and whole.json()["rows"] == named["rows"]


def test_a_table_csv_is_the_page_csv_formulas_made_text(cast, history, make_api: MakeApi) -> None:
    Contact.objects.filter(workspace=cast.workspace, name="Wanda").update(
        name='=HYPERLINK("http://evil.example","Wanda")'
    )
    api = make_api(cast.nina, cast.workspace, ["read", "people"])
    answer = api.get("/api/v1/reports/tables/contributors/csv", **JUNE)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith("text/csv")
    browser = Client()
    browser.force_login(cast.nina)
    page = browser.get("/w/lumiere/reports/contributors.csv?month=2026-06")
    assert answer.content == page.content
    names = [row[0] for row in csv_rows(answer.content)[1:]]
    assert '\'=HYPERLINK("http://evil.example","Wanda")' in names
    assert not any(name.startswith("=") for name in names)
    channels = api.get("/api/v1/reports/tables/channels/csv", **JUNE)
    assert channels.content == browser.get("/w/lumiere/reports/channels.csv?month=2026-06").content


def test_roles_and_scopes_as_the_pages(cast, history, make_api: MakeApi) -> None:
    editor = make_api(cast.erin, cast.workspace, ["read"]).get("/api/v1/reports", **JUNE)
    assert editor.status_code == 403 and editor.json()["code"] == "forbidden"
    writer = make_api(cast.nina, cast.workspace, ["write", "people"]).get("/api/v1/reports")
    assert writer.status_code == 403 and writer.json()["code"] == "scope_missing"
    outsider = make_api(cast.charlie, cast.other_workspace, ["read"])
    theirs = outsider.get("/api/v1/reports", month="2026-06", channel=history.a.pk)
    assert theirs.status_code == 422 and theirs.json()["errors"][0]["field"] == "channel"
    assert outsider.get("/api/v1/reports/tables/nothing").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "1999-12"}, "month"),
        ({"month": "2101-01"}, "month"),
        ({"month": "2026-13"}, "month"),
        ({"month": "99999-01"}, "month"),
        ({"month": "juin"}, "month"),
        ({"period": "45"}, "period"),
        ({"period": "-30"}, "period"),
        ({"channel": "abc"}, "channel"),
        ({"channel": str(10**30)}, "channel"),
        ({"channel": "-1"}, "channel"),
        ({"month": "x" * 501}, "month"),
    ],
)
def test_a_period_the_page_form_refuses_is_refused(
    cast, history, make_api: MakeApi, params: dict[str, str], field: str
) -> None:
    api = make_api(cast.nina, cast.workspace, ["read", "people"])
    for path in (
        "/api/v1/reports",
        "/api/v1/reports/response-times",
        "/api/v1/reports/community",
        "/api/v1/reports/tables/funnel",
        "/api/v1/reports/tables/posts/csv",
    ):
        answer = api.get(path, **params)
        assert answer.status_code == 422, (path, params, answer.content)
        assert answer["Content-Type"] == PROBLEM
        assert field in answer.json()["errors"][0]["field"]


def test_another_channel_of_the_workspace_is_one_channel(cast, history, make_api: MakeApi) -> None:
    quiet = channel_create_demo(workspace=cast.workspace, network="bluesky", name="Quiet")
    api = make_api(cast.nina, cast.workspace, ["read"])
    times = api.get("/api/v1/reports/response-times", month="2026-06", channel=quiet.pk).json()
    assert times["response_rate"] == {"numerator": 0, "denominator": 0, "value": None}
    everything = api.get("/api/v1/reports/response-times", **JUNE).json()
    assert everything["response_rate"]["denominator"] > 0


def test_a_range_of_days_is_what_both_report(cast, history, make_api: MakeApi) -> None:
    """Only 30, 90 or 365 days, or a month: a campaign's fortnight could not be reported."""
    api = make_api(cast.nina, cast.workspace, ["read"])
    june = api.get("/api/v1/reports", **JUNE).json()
    by_dates = api.get("/api/v1/reports", start="2026-06-01", end="2026-06-30").json()
    assert by_dates["period"] == june["period"] and by_dates["figures"] == june["figures"]
    fortnight = api.get("/api/v1/reports", start="2026-06-08", end="2026-06-21").json()
    assert fortnight["period"]["start"].startswith("2026-06-08")
    assert fortnight["period"]["end"].startswith("2026-06-22")  # excluded
    for wrong in (
        {"start": "2026-06-21", "end": "2026-06-08"},
        {"start": "2026-06-08"},
        {"start": "2020-01-01", "end": "2026-01-01"},
        {"start": "1999-12-31", "end": "2000-01-02"},
        {"start": "demain", "end": "2026-06-08"},
    ):
        answer = api.get("/api/v1/reports", **wrong)
        assert answer.status_code == 422 and answer["Content-Type"] == PROBLEM, wrong
    page = _page(cast.nina, "start=2026-06-08&end=2026-06-21").content.decode()
    assert 'name="start" value="2026-06-08"' in page and 'name="period"' in page
    assert '<option value="" selected>' in page  # the period says nothing then
    browser = Client()
    browser.force_login(cast.nina)
    csv = browser.get("/w/lumiere/reports/channels.csv?start=2026-06-08&end=2026-06-21")
    assert "-20260608-20260621.csv" in csv["Content-Disposition"]  # both days included
    # The API's file is named the same (it ended on the day after the period).
    by_api = api.get("/api/v1/reports/tables/channels/csv", start="2026-06-08", end="2026-06-21")
    assert "-20260608-20260621.csv" in by_api["Content-Disposition"]
    month = api.get("/api/v1/reports/tables/channels/csv", month="2026-06")
    assert "-20260601-20260630.csv" in month["Content-Disposition"]
    # A saved link whose period no longer reads goes to the page that says why, not to
    # another period's figures.
    wrong = browser.get("/w/lumiere/reports/channels.csv?start=2026-06-21&end=2026-06-08")
    assert wrong.status_code == 302 and "/reports/?start=2026-06-21" in wrong["Location"]
    refused = _page(cast.nina, "start=2026-06-21&end=2026-06-08").content.decode()
    assert "La fin vient avant le début." in html.unescape(refused)
