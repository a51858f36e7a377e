"""Time entries, tracked links and conversions through the API: the pages' forms, the
webhook's validation, the pages' permissions, and the token's scopes."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from palabre.api.tests.conftest import MakeApi
from palabre.inbox.models import Contact, Identity
from palabre.strategy.conversions import webhook_token_new
from palabre.strategy.links import link_create
from palabre.strategy.models import Click, Conversion, ShortLink, TimeEntry
from palabre.strategy.services import strategy_for
from palabre.strategy.timesheet import time_entry_add

PROBLEM = "application/problem+json"


def _cursor(value: object, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, pk]).encode()).decode().rstrip("=")


def _today() -> str:
    return f"{timezone.localdate():%Y-%m-%d}"


# --- Time entries --------------------------------------------------------------------------


def _entry(**changes: object) -> dict[str, object]:
    return {
        "day": _today(),
        "network": "instagram",
        "activity": "answering",
        "minutes": 45,
        "note": "commentaires",
        **changes,
    }


def test_time_is_logged_with_the_time_page_form_and_listed_as_the_page(
    cast, make_api: MakeApi
) -> None:
    api = make_api(cast.carl, cast.workspace, ["read", "write"])  # the photographer logs time
    sent = _entry()  # its day is read once: a run that crosses midnight still compares one day
    created = api.post("/api/v1/time-entries", sent)
    assert created.status_code == 201, created.content
    entry = TimeEntry.objects.get(pk=created.json()["id"])
    assert (entry.user, entry.minutes, entry.network) == (cast.carl, 45, "instagram")
    assert created.json()["day"] == sent["day"]
    for days in range(1, 5):
        time_entry_add(
            workspace=cast.workspace,
            user=cast.carl,
            day=timezone.localdate() - timedelta(days=days),
            network="x",
            activity="writing",
            minutes=days,
        )
    time_entry_add(  # someone else's time is not in this person's list
        workspace=cast.workspace,
        user=cast.bob,
        day=timezone.localdate(),
        network="x",
        activity="writing",
        minutes=5,
    )
    seen, cursor = [], None
    while True:
        body = api.get("/api/v1/time-entries", limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [item["id"] for item in body.json()["items"]]
        cursor = body.json()["next_cursor"]
        if cursor is None:
            break
    browser = Client()
    browser.force_login(cast.carl)
    page = browser.get("/w/lumiere/time/").context["entries"]
    assert seen == [e.pk for e in page] and len(seen) == 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"day": "2026-13-01"}, "day"),
        ({"day": "1999-12-31"}, "day"),
        ({"day": "0001-01-01"}, "day"),
        ({"day": "2100-01-01"}, "day"),
        ({"day": "demain"}, "day"),
        ({"network": "myspace"}, "network"),
        ({"activity": "sleeping"}, "activity"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": 10**30}, "minutes"),
        ({"minutes": "abc"}, "minutes"),
        ({"minutes": 1.5}, "minutes"),
        ({"note": "a\x00b"}, "note"),
        ({"note": "x" * 201}, "note"),
        ({"day": None}, "day"),
    ],
)
def test_time_the_page_refuses_is_refused(
    cast, make_api: MakeApi, changes: dict[str, object], field: str
) -> None:
    api = make_api(cast.carl, cast.workspace, ["write"])
    answer = api.post("/api/v1/time-entries", _entry(**changes))
    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"] == PROBLEM
    assert field in answer.json()["errors"][0]["field"]
    assert not TimeEntry.objects.exists()


def test_time_entries_roles_and_scopes(cast, make_api: MakeApi) -> None:
    reader = make_api(cast.carl, cast.workspace, ["read"])
    refused = reader.post("/api/v1/time-entries", _entry())
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    approver = make_api(cast.anna, cast.workspace, ["read", "write"])  # the client logs no time
    for answer in (
        approver.get("/api/v1/time-entries"),
        approver.post("/api/v1/time-entries", _entry()),
    ):
        assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    assert not TimeEntry.objects.exists()


# --- Tracked links -------------------------------------------------------------------------


def test_a_link_is_created_with_the_links_page_form(cast, make_api: MakeApi) -> None:
    api = make_api(cast.erin, cast.workspace, ["read", "write"])  # an editor composes
    created = api.post(
        "/api/v1/links",
        {
            "destination": "https://lumiere.example/atelier",
            "label": "Atelier",
            "network": "instagram",
            "utm_campaign": "noel",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    link = ShortLink.objects.get(pk=body["id"])
    assert link.created_by == cast.erin and body["short_url"].endswith(f"/l/{link.code}")
    assert "utm_source=instagram" in body["target"] and "utm_campaign=noel" in body["target"]
    assert Client().get(f"/l/{link.code}")["Location"] == body["target"]


def test_links_are_listed_with_their_clicks_as_the_page(cast, make_api: MakeApi) -> None:
    old = link_create(workspace=cast.workspace, actor=cast.bob, destination="https://a.example/")
    new = link_create(workspace=cast.workspace, actor=cast.bob, destination="https://b.example/")
    ShortLink.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    now = timezone.now()
    Click.objects.bulk_create(
        [Click(link=new, at=now), Click(link=new, at=now), Click(link=new, at=now - timedelta(40))]
    )
    api = make_api(cast.anna, cast.workspace, ["read"])  # the approver reads the strategy
    first = api.get("/api/v1/links", limit=1).json()
    assert [i["id"] for i in first["items"]] == [new.pk]
    assert (first["items"][0]["clicks"], first["items"][0]["clicks_30d"]) == (3, 2)
    second = api.get("/api/v1/links", limit=1, cursor=first["next_cursor"]).json()
    assert [i["id"] for i in second["items"]] == [old.pk] and second["next_cursor"] is None
    browser = Client()
    browser.force_login(cast.anna)
    shown = browser.get("/w/lumiere/strategy/links/").context["links"]
    assert [(link.pk, link.total, link.recent) for link, _url in shown] == [
        (new.pk, 3, 2),
        (old.pk, 0, 0),
    ]
    assert make_api(cast.charlie, cast.other_workspace).get("/api/v1/links").json()["items"] == []


@pytest.mark.parametrize(
    "destination",
    ["javascript:alert(1)", "/relative", "ftp://x.example/f", "https://a.example/\x00", "", None]
    + ["https://a.example/" + "a" * 2000],
)
def test_a_destination_the_page_refuses_is_refused(cast, make_api: MakeApi, destination) -> None:
    api = make_api(cast.bob, cast.workspace, ["write"])
    answer = api.post("/api/v1/links", {"destination": destination})
    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"] == PROBLEM
    assert not ShortLink.objects.exists()


def test_links_roles_and_scopes(cast, make_api: MakeApi) -> None:
    body = {"destination": "https://a.example/"}
    analyst = make_api(cast.nina, cast.workspace, ["read", "write"])
    assert analyst.get("/api/v1/links").status_code == 200
    refused = analyst.post("/api/v1/links", body)  # reads the strategy, does not compose
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    photographer = make_api(cast.carl, cast.workspace, ["read", "write"])
    assert photographer.get("/api/v1/links").json()["code"] == "forbidden"
    reader = make_api(cast.bob, cast.workspace, ["read"]).post("/api/v1/links", body)
    assert reader.status_code == 403 and reader.json()["code"] == "scope_missing"
    assert not ShortLink.objects.exists()


# --- Conversions ---------------------------------------------------------------------------


@pytest.fixture
def marie(cast) -> Contact:
    contact = Contact.objects.create(workspace=cast.workspace, name="Marie")
    Identity.objects.create(
        workspace=cast.workspace,
        contact=contact,
        network="mastodon",
        remote_id="m",
        handle="marie@piaille.fr",
    )
    return contact


def test_a_conversion_is_recorded_once_and_tags_the_customer(
    cast, marie, make_api: MakeApi
) -> None:
    link = link_create(
        workspace=cast.workspace, actor=cast.bob, destination="https://l.example/", network="x"
    )
    api = make_api(cast.bob, cast.workspace, ["read", "write", "people"])
    body = {
        "id": "A1",
        "date": "2026-11-02T15:30",
        "value": "24.50",
        "link": link.code,
        "contact": "@Marie@piaille.fr",
        "customer": True,
    }
    first = api.post("/api/v1/conversions", body)
    assert first.status_code == 201, first.content
    row = Conversion.objects.get()
    assert (row.value, row.network, row.link, row.contact, row.source) == (
        Decimal("24.50"),
        "x",
        link,
        marie,
        "api",
    )
    assert first.json()["contact"] == {"id": marie.pk, "name": "Marie"}
    marie.refresh_from_db()
    assert "customer" in marie.tags
    again = api.post("/api/v1/conversions", {**body, "value": 99})
    assert again.status_code == 200 and again.json()["id"] == row.pk
    assert again.json()["value"] == "24.50" and Conversion.objects.count() == 1
    listed = api.get("/api/v1/conversions").json()["items"]
    assert [(c["reference"], c["value"], c["link"]) for c in listed] == [("A1", "24.50", link.code)]
    # The person's name only with the people scope, the rest for whoever reads the return.
    reader = make_api(cast.nina, cast.workspace, ["read"]).get("/api/v1/conversions")
    assert reader.json()["items"][0]["contact"] is None
    assert reader.json()["items"][0]["reference"] == "A1"


@pytest.mark.parametrize(
    "changes",
    [
        {"date": "2026-02-31"},
        {"date": "1999-01-01"},
        {"date": "2999-01-01"},
        {"date": "hier"},
        {"value": "-3"},
        {"value": 10**30},
        {"value": "NaN"},
        {"network": "myspace"},
        {"link": "nope"},
        {"id": ""},
        {"id": "A\x00"},
        {"id": "x" * 201},
        {"contact": "a\x00"},
    ],
)
def test_a_body_the_webhook_refuses_is_refused_with_its_words(
    cast, make_api: MakeApi, changes: dict[str, object]
) -> None:
    cast.bob.language = "en"  # the webhook answers in English
    cast.bob.save()
    body = {"id": "A1", "date": "2026-11-02", "value": "10", **changes}
    secret = webhook_token_new(strategy=strategy_for(cast.workspace))
    hook = Client().post(
        "/hooks/lumiere/conversions/",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert hook.status_code == 400, hook.content
    answer = make_api(cast.bob, cast.workspace, ["write"]).post("/api/v1/conversions", body)
    assert answer.status_code == 422 and answer["Content-Type"] == PROBLEM
    assert answer.json()["code"] == "conversion_invalid"
    assert answer.json()["detail"] == hook.json()["error"]
    assert not Conversion.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"id": "A1"},
        {"id": ["A1"], "date": "2026-11-02"},
        {"id": "A1", "date": {"day": 2}},
        {"id": "A1", "date": "2026-11-02", "customer": [True]},
    ],
)
def test_a_body_of_the_wrong_shape_is_refused(cast, make_api: MakeApi, body) -> None:
    answer = make_api(cast.bob, cast.workspace, ["write"]).post("/api/v1/conversions", body)
    assert answer.status_code == 422 and answer["Content-Type"] == PROBLEM
    assert not Conversion.objects.exists()


def test_conversions_roles_and_scopes(cast, make_api: MakeApi) -> None:
    body = {"id": "A1", "date": "2026-11-02"}
    editor = make_api(cast.erin, cast.workspace, ["read", "write"])
    assert editor.get("/api/v1/conversions").status_code == 200  # sees the return
    refused = editor.post("/api/v1/conversions", body)  # does not manage the strategy
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    photographer = make_api(cast.carl, cast.workspace, ["read"])
    assert photographer.get("/api/v1/conversions").json()["code"] == "forbidden"
    reader = make_api(cast.bob, cast.workspace, ["read"]).post("/api/v1/conversions", body)
    assert reader.status_code == 403 and reader.json()["code"] == "scope_missing"
    outsider = make_api(cast.charlie, cast.other_workspace, ["read", "write"])
    assert outsider.post("/api/v1/conversions", body).status_code == 201
    assert make_api(cast.bob, cast.workspace).get("/api/v1/conversions").json()["items"] == []


# --- Every list ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/time-entries", "/api/v1/links", "/api/v1/conversions"])
@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"limit": "x"},
        {"cursor": "nonsense!"},
        {"cursor": _cursor(None, 1)},
        {"cursor": _cursor("2026-99-99T00:00:00", 1)},
        {"cursor": _cursor("not a date", 1)},
        {"cursor": _cursor(12, 1)},
        {"cursor": _cursor([1], 1)},
    ],
)
def test_bad_list_parameters_are_refused_never_a_500(
    cast, make_api: MakeApi, path: str, params: dict[str, object]
) -> None:
    answer = make_api(cast.bob, cast.workspace, ["read"]).get(path, **params)
    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"] == PROBLEM
