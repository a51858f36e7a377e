"""People through the API: the contacts page's list, one person, merge, export and erase,
behind the "people" scope and the pages' permissions."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from palabre.analytics.community import community_refresh
from palabre.analytics.tests.handmade import NOW, build
from palabre.api.tests.conftest import MakeApi
from palabre.inbox.contacts import contact_merge
from palabre.inbox.models import Contact, Identity, Interaction, Note
from palabre.inbox.tests.helpers import comment, ingested, poll, published

PROBLEM = "application/problem+json"


@pytest.fixture
def people(cast):  # type: ignore[no-untyped-def]
    history = build(cast.workspace)
    community_refresh(workspace=cast.workspace, now=NOW)
    return history.people


def _everything(api, **params):  # type: ignore[no-untyped-def]
    """Every page of the list, following the cursor."""
    items, cursor = [], None
    while True:
        body = api.get("/api/v1/contacts", **params, **({"cursor": cursor} if cursor else {}))
        assert body.status_code == 200, body.content
        items += body.json()["items"]
        cursor = body.json()["next_cursor"]
        if cursor is None:
            return items


def test_the_list_follows_the_page_most_talkative_first_page_by_page(
    cast, people, make_api: MakeApi
) -> None:
    api = make_api(cast.bob, cast.workspace, ["people"])
    items = _everything(api, limit=3)
    assert sorted(i["name"] for i in items) == sorted(people)
    talks = [i["interactions"] for i in items]
    assert talks == sorted(talks, reverse=True)
    wanda = next(i for i in items if i["name"] == "Wanda")
    assert (
        wanda["interactions"] == Interaction.objects.filter(identity__contact__name="Wanda").count()
    )
    assert wanda["identities"][0]["handle"] == "Wanda"
    # The contacts page lists the same people with the same counts.
    browser = Client()
    browser.force_login(cast.bob)
    shown = browser.get("/w/lumiere/contacts/").context["page"].object_list
    assert {(c.name, c.talks) for c in shown} == {(i["name"], i["interactions"]) for i in items}


def test_search_and_stage_filter_the_list(cast, people, make_api: MakeApi) -> None:
    api = make_api(cast.nina, cast.workspace, ["people"])  # the analyst sees the community
    assert [i["name"] for i in _everything(api, text="wan")] == ["Wanda"]
    advocates = {i["name"] for i in _everything(api, stage="advocate")}
    expected = set(
        Contact.objects.filter(workspace=cast.workspace, stage="advocate").values_list(
            "name", flat=True
        )
    )
    assert advocates == expected and advocates  # stages as the hourly refresh set them
    vera = next(i for i in _everything(api, stage="advocate") if i["name"] == "Vera")
    assert vera["recommends"] and not vera["customer"]


def test_a_merged_person_found_by_name_counts_each_interaction_once(
    cast, people, make_api: MakeApi
) -> None:
    contact_merge(into=people["Xavier"], other=people["Wanda"])
    api = make_api(cast.bob, cast.workspace, ["people"])
    [found] = _everything(api, text="Xavier")
    assert len(found["identities"]) == 2
    assert (
        found["interactions"]
        == Interaction.objects.filter(identity__contact=people["Xavier"]).count()
    )


def test_one_person_with_their_accounts_stage_and_history(cast, people, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace, ["people"])
    wanda = people["Wanda"]
    body = api.get(f"/api/v1/contacts/{wanda.pk}").json()
    assert body["name"] == "Wanda" and body["stage"] == Contact.objects.get(pk=wanda.pk).stage
    assert [i["network"] for i in body["identities"]] == ["mastodon"]
    history = body["history"]
    assert history["total"] == 4 and history["by_kind"] == {"comment": 3, "like": 1}
    moments = [item["created_at"] for item in history["recent"]]
    assert moments == sorted(moments, reverse=True) and len(moments) == 4
    assert history["first_at"] < history["last_at"]


def test_merging_goes_through_the_page_form(cast, people, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace, ["people"])
    into, other = people["Xavier"], people["Wanda"]
    merged = api.post(f"/api/v1/contacts/{into.pk}/merge", {"other": other.pk})
    assert merged.status_code == 200, merged.content
    assert {i["handle"] for i in merged.json()["identities"]} == {"Xavier", "Wanda"}
    assert not Contact.objects.filter(pk=other.pk).exists()
    itself = api.post(f"/api/v1/contacts/{into.pk}/merge", {"other": into.pk})
    assert itself.status_code == 422 and itself.json()["errors"][0]["field"] == "other"
    elsewhere = Contact.objects.create(workspace=cast.other_workspace, name="Ailleurs")
    foreign = api.post(f"/api/v1/contacts/{into.pk}/merge", {"other": elsewhere.pk})
    assert foreign.status_code == 422 and Contact.objects.filter(pk=elsewhere.pk).exists()
    for wrong in ("abc", 10**30, -1, None):
        answer = api.post(f"/api/v1/contacts/{into.pk}/merge", {"other": wrong})
        assert answer.status_code == 422, (wrong, answer.content)
        assert answer["Content-Type"] == PROBLEM


def test_the_export_is_the_page_export(cast, make_api: MakeApi) -> None:
    target = published(cast.workspace, cast.bob)
    said = comment(target, '=HYPERLINK("http://evil.example","clic") Vous livrez ?')
    poll(target.channel)
    item = ingested(said)
    Note.objects.create(interaction=item, author=cast.bob, text="@SUM(1+1) cliente fidèle")
    contact = item.identity.contact
    contact.name = "=cmd|' /C calc'!A0"
    contact.save()
    browser = Client()
    browser.force_login(cast.bob)
    page = json.loads(browser.get(f"/w/lumiere/contacts/{contact.pk}/export/").content)
    api = make_api(cast.bob, cast.workspace, ["people"])
    answer = api.get(f"/api/v1/contacts/{contact.pk}/export")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")
    assert answer.json() == page  # the same JSON, cells as the page writes them
    assert answer.json()["interactions"][0]["notes"] == ["@SUM(1+1) cliente fidèle"]


def test_erasing_needs_an_explicit_confirmation(cast, people, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace, ["people"])
    wanda = people["Wanda"]
    path = f"/api/v1/contacts/{wanda.pk}/erase"
    for body in ({}, {"confirm": False}):
        refused = api.post(path, body)
        assert refused.status_code == 422 and refused.json()["code"] == "confirmation_required"
    for loose in ("true", "yes", 1):  # only the JSON value true confirms
        assert api.post(path, {"confirm": loose}).status_code == 422
    assert Contact.objects.filter(pk=wanda.pk).exists()
    erased = api.post(path, {"confirm": True})
    assert erased.status_code == 200 and erased.json() == {"anonymised": 4}
    assert not Contact.objects.filter(pk=wanda.pk).exists()
    assert not Identity.objects.filter(handle="Wanda").exists()
    assert Interaction.objects.filter(erased=True, text="").count() == 4
    assert api.post(path, {"confirm": True}).status_code == 404


def test_people_need_the_people_scope(cast, people, make_api: MakeApi) -> None:
    wanda = people["Wanda"]
    reader = make_api(cast.alice, cast.workspace, ["read"])
    refused = reader.get("/api/v1/contacts")
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    assert refused["Content-Type"] == PROBLEM
    everything_else = make_api(cast.alice, cast.workspace, ["read", "write", "publish", "moderate"])
    for path, body in (
        (f"/api/v1/contacts/{wanda.pk}", None),
        (f"/api/v1/contacts/{wanda.pk}/export", None),
        (f"/api/v1/contacts/{wanda.pk}/erase", {"confirm": True}),
        (f"/api/v1/contacts/{wanda.pk}/merge", {"other": people["Ugo"].pk}),
    ):
        call = everything_else.get(path) if body is None else everything_else.post(path, body)
        assert call.status_code == 403 and call.json()["code"] == "scope_missing", path
    assert Contact.objects.filter(pk=wanda.pk).exists()


def test_roles_as_the_pages(cast, people, make_api: MakeApi) -> None:
    wanda = people["Wanda"]
    editor = make_api(cast.erin, cast.workspace, ["read", "people"])
    refused = editor.get("/api/v1/contacts")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert editor.get(f"/api/v1/contacts/{wanda.pk}").status_code == 403
    analyst = make_api(cast.nina, cast.workspace, ["read", "people"])
    assert analyst.get(f"/api/v1/contacts/{wanda.pk}").status_code == 200
    for call in (
        analyst.get(f"/api/v1/contacts/{wanda.pk}/export"),
        analyst.post(f"/api/v1/contacts/{wanda.pk}/erase", {"confirm": True}),
    ):
        assert call.status_code == 403 and call.json()["code"] == "forbidden"
    assert Contact.objects.filter(pk=wanda.pk).exists()


def test_another_workspace_sees_nothing(cast, people, make_api: MakeApi) -> None:
    wanda = people["Wanda"]
    outsider = make_api(cast.charlie, cast.other_workspace, ["read", "people"])
    assert outsider.get("/api/v1/contacts").json()["items"] == []
    assert outsider.get(f"/api/v1/contacts/{wanda.pk}").status_code == 404
    assert outsider.get(f"/api/v1/contacts/{wanda.pk}/export").status_code == 404
    erase = outsider.post(f"/api/v1/contacts/{wanda.pk}/erase", {"confirm": True})
    assert erase.status_code == 404 and erase.json()["code"] == "not_found"
    mine = Contact.objects.create(workspace=cast.other_workspace, name="Mine")
    merge = outsider.post(f"/api/v1/contacts/{mine.pk}/merge", {"other": wanda.pk})
    assert merge.status_code == 422
    assert Contact.objects.filter(pk=wanda.pk).exists()


def _cursor(value: object, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, pk]).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"limit": "abc"},
        {"stage": "vip"},
        {"text": "x" * 501},
        {"text": "x" * 201},  # was cut at 200 unsaid (the page refuses it and says so)
        {"text": "lea lea b c d e f g h kaci"},  # nine words: the ninth was dropped unsaid
        {"cursor": "nonsense!"},
        {"cursor": _cursor("abc", 1)},
        {"cursor": _cursor(None, 1)},
        {"cursor": _cursor({"a": 1}, 1)},
        {"cursor": _cursor([1], 1)},
    ],
)
def test_bad_list_parameters_are_refused_never_a_500(
    cast, people, make_api: MakeApi, params: dict[str, object]
) -> None:
    api = make_api(cast.bob, cast.workspace, ["people"])
    answer = api.get("/api/v1/contacts", **params)
    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"] == PROBLEM


def test_a_cursor_beyond_every_count_is_no_error(cast, people, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace, ["people"])
    answer = api.get("/api/v1/contacts", cursor=_cursor(10**30, 1))
    assert answer.status_code in (200, 422), answer.content


def test_a_nul_in_the_address_is_refused_before_the_api(cast, people, make_api: MakeApi) -> None:
    # palabre/web/nulbytes.py answers it, for every address.
    api = make_api(cast.bob, cast.workspace, ["people"])
    assert api.get("/api/v1/contacts", text="nul\x00").status_code == 400


def test_unknown_ids_and_unreadable_bodies_are_refused(cast, people, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace, ["people"])
    assert api.get("/api/v1/contacts/99999999999999999999999").status_code == 404
    assert api.get("/api/v1/contacts/0").status_code == 404
    wanda = people["Wanda"]
    broken = api.client.post(
        f"/api/v1/contacts/{wanda.pk}/erase",
        "{not json",
        content_type="application/json",
        headers=api._headers(None),
    )
    assert 400 <= broken.status_code < 500 and broken["Content-Type"] == PROBLEM
    assert Contact.objects.filter(pk=wanda.pk).exists()
