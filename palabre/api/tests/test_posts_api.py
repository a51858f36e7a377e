"""Posts through the API: the composer's forms and checks, the review, and publishing."""

from __future__ import annotations

import html
import typing
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from palabre.api.routers import posts as posts_router
from palabre.api.tests.conftest import MakeApi
from palabre.channels.services import channel_create_demo
from palabre.inbox.tests.helpers import run_worker
from palabre.networks.demo.models import DemoPost
from palabre.networks.kinds import NETWORKS
from palabre.publishing import workflow
from palabre.publishing.models import Category, Post, PostComment, PostStatus, PostTarget

# 301 graphemes on Bluesky, each a family of five code points (1,505 in all).
FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"
OVER_BLUESKY = FAMILY * 301


@pytest.fixture
def channels(cast):  # type: ignore[no-untyped-def]
    return {
        n: channel_create_demo(workspace=cast.workspace, network=n, name=n.title())
        for n in ("bluesky", "mastodon", "x")
    }


def _new(**fields: object) -> dict[str, object]:
    return {"idea": "Pain au levain ce samedi.", "category": "helpful"} | fields


def _later(days: int = 2) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


def test_the_schemas_name_the_networks_statuses_and_categories_palabre_knows() -> None:
    assert set(typing.get_args(posts_router.Network)) == set(NETWORKS)
    assert set(typing.get_args(posts_router.StatusName)) == set(PostStatus.values)
    assert set(typing.get_args(posts_router.CategoryName)) == set(Category.values)


def test_a_post_is_created_with_a_variant_per_network_as_the_composer_saves_it(
    cast, channels, make_api: MakeApi
) -> None:
    api = make_api(cast.erin, cast.workspace, ["read", "write"])
    body = _new(
        networks=["bluesky", "mastodon"],
        publish_at=_later(),
        variants={
            "bluesky": {"text": "Du levain, samedi #pain", "channels": []},
            "mastodon": {"content_warning": "gourmandise", "thread": ["Suite.", "Fin."]},
        },
    )
    created = api.post("/api/v1/posts", body)
    assert created.status_code == 201, created.content
    post = Post.objects.get()
    assert created["Location"] == f"/api/v1/posts/{post.pk}"
    assert created["ETag"] == f'W/"{post.version}"'
    variants = {v.network: v for v in post.variants.all()}
    assert variants["bluesky"].text == "Du levain, samedi #pain"
    assert list(variants["bluesky"].channels.all()) == []
    # Left out: the idea, and every channel of the network, as the composer's defaults.
    assert variants["mastodon"].text == "Pain au levain ce samedi."
    assert list(variants["mastodon"].channels.all()) == [channels["mastodon"]]
    assert variants["mastodon"].thread == ["Suite.", "Fin."]
    assert post.author == cast.erin and post.status == PostStatus.DRAFT
    read = api.get(f"/api/v1/posts/{post.pk}")
    assert read.status_code == 200 and read["ETag"] == created["ETag"]
    out = read.json()
    assert [v["network"] for v in out["variants"]] == ["bluesky", "mastodon"]
    assert out["variants"][1]["content_warning"] == "gourmandise"
    assert out["variants"][1]["channels"] == [{"id": channels["mastodon"].pk, "name": "Mastodon"}]
    assert out["digest"] and out["targets"] == [] and not out["cleared"]


def test_a_retried_creation_with_the_same_key_creates_one_post(
    cast, channels, make_api: MakeApi
) -> None:
    api = make_api(cast.bob, cast.workspace)
    key = {"Idempotency-Key": "tableur-ligne-12"}
    first = api.post("/api/v1/posts", _new(networks=["x"]), headers=key)
    again = api.post("/api/v1/posts", _new(networks=["x"]), headers=key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert (again["Location"], again["ETag"]) == (first["Location"], first["ETag"])
    assert Post.objects.count() == 1


def test_publish_now_at_creation_goes_out_on_the_demo_network(
    cast, channels, make_api: MakeApi
) -> None:
    manager = make_api(cast.bob, cast.workspace, ["read", "write", "publish"])
    body = _new(networks=["mastodon"], variants={"mastodon": {"text": "Tout chaud !"}})
    created = manager.post("/api/v1/posts", body | {"then": "publish"})
    assert created.status_code == 201 and created.json()["status"] == "scheduled"
    run_worker()
    out = manager.get(created["Location"]).json()
    assert out["status"] == "published" and out["targets"][0]["status"] == "published"
    assert DemoPost.objects.get().text == "Tout chaud !"


def test_validate_counts_as_the_composer_page_and_saves_nothing(
    cast, channels, make_api: MakeApi
) -> None:
    api = make_api(cast.erin, cast.workspace, ["read"])
    body = _new(networks=["bluesky", "x"], variants={"bluesky": {"text": OVER_BLUESKY}})
    answer = api.post("/api/v1/posts/validate", body)
    assert answer.status_code == 200, answer.content
    result = answer.json()
    checks = {c["network"]: c for c in result["networks"]}
    assert not result["valid"]
    assert (checks["bluesky"]["length"], checks["bluesky"]["max"]) == (301, 300)
    assert checks["bluesky"]["counts"]["bytes"] == len(OVER_BLUESKY.encode())
    [error] = [e for e in checks["bluesky"]["errors"] if e["code"] == "bluesky.too_long"]
    # An empty X variant reads as the idea, counted X's way.
    assert checks["x"]["valid"] and checks["x"]["length"] == len("Pain au levain ce samedi.")
    assert not Post.objects.exists()
    # The same words as the composer's live check, in the same language.
    browser = Client()
    browser.force_login(cast.erin)
    page = browser.post(
        "/w/lumiere/compose/check/",
        {
            "post-idea": "Pain au levain ce samedi.",
            "post-category": "helpful",
            "post-networks": ["bluesky", "x"],
            "bluesky-text": OVER_BLUESKY,
        },
    )
    shown = html.unescape(page.content.decode())
    for problem in checks["bluesky"]["errors"] + checks["bluesky"]["warnings"]:
        assert f'data-code="{problem["code"]}">{problem["message"]}<' in shown
    assert not Post.objects.exists()


def test_a_draft_over_the_limit_is_kept_and_refused_for_review_with_the_pages_words(
    cast, channels, make_api: MakeApi
) -> None:
    api = make_api(cast.erin, cast.workspace, ["read", "write"])
    body = _new(networks=["bluesky"], variants={"bluesky": {"text": OVER_BLUESKY}})
    # Submitting at once is refused, and leaves nothing behind.
    refused = api.post("/api/v1/posts", body | {"then": "submit"})
    assert refused.status_code == 409 and refused.json()["code"] == "publish_refused"
    assert not Post.objects.exists()
    # A draft may be over the limit, as on the page; submitting it is refused with the
    # workflow's own message.
    created = api.post("/api/v1/posts", body)
    assert created.status_code == 201
    post = Post.objects.get()
    submitted = api.post(f"/api/v1/posts/{post.pk}/submit")
    assert submitted.status_code == 409
    with translation.override("fr"):
        problems = workflow.post_problems(post, to_publish=False)
    assert submitted.json()["detail"] == workflow.problems_text(problems)  # as the page says it
    assert problems[0].startswith("Bluesky")
    assert Post.objects.get().status == PostStatus.DRAFT


def test_an_edit_needs_the_etag_it_read_and_a_stale_one_changes_nothing(
    cast, channels, make_api: MakeApi
) -> None:
    api = make_api(cast.erin, cast.workspace, ["read", "write"])
    created = api.post("/api/v1/posts", _new(networks=["mastodon"]))
    path, read_etag = created["Location"], created["ETag"]
    blind = api.patch(path, {"idea": "Sans version"})
    assert blind.status_code == 428 and blind.json()["code"] == "precondition_required"
    assert blind["Content-Type"] == "application/problem+json"
    assert api.patch(path, {"idea": "Tout"}, headers={"If-Match": "*"}).status_code == 428
    edited = api.patch(
        path,
        {"idea": "Brioche", "variants": {"mastodon": {"text": "Brioche ce samedi"}}},
        headers={"If-Match": read_etag},
    )
    assert edited.status_code == 200, edited.content
    assert edited["ETag"] != read_etag
    post = Post.objects.get()
    assert (post.idea, post.variants.get().text) == ("Brioche", "Brioche ce samedi")
    # Someone saves on the page meanwhile: the program's next edit, from what it read, is
    # refused and says the version to read.
    browser = Client()
    browser.force_login(cast.bob)
    browser.post(
        f"/w/lumiere/posts/{post.pk}/",
        {
            "post-idea": "Brioche de Bob",
            "post-category": "helpful",
            "post-networks": ["mastodon"],
            "post-version": post.version,
            "mastodon-text": "Brioche ce samedi",
            "mastodon-channels": [channels["mastodon"].pk],
        },
    )
    assert Post.objects.get().idea == "Brioche de Bob"
    stale = api.patch(path, {"idea": "Écrase tout"}, headers={"If-Match": edited["ETag"]})
    assert stale.status_code == 412 and stale.json()["code"] == "version_stale"
    assert stale["ETag"] == f'W/"{Post.objects.get().version}"'
    garbled = api.patch(path, {"idea": "Écrase tout"}, headers={"If-Match": "yesterday"})
    assert garbled.status_code == 412
    assert Post.objects.get().idea == "Brioche de Bob"
    # The strong form of the same tag is taken too.
    strong = stale["ETag"].removeprefix("W/")
    taken = api.patch(path, {"category": "promotional"}, headers={"If-Match": strong})
    assert taken.status_code == 200


def test_patch_adds_and_removes_networks_and_keeps_what_it_does_not_name(
    cast, channels, make_api: MakeApi
) -> None:
    api = make_api(cast.erin, cast.workspace, ["read", "write"])
    created = api.post(
        "/api/v1/posts", _new(networks=["mastodon"], variants={"mastodon": {"text": "Toot"}})
    )
    edited = api.patch(
        created["Location"],
        {"networks": ["mastodon", "bluesky"], "variants": {"bluesky": {"text": "Skeet"}}},
        headers={"If-Match": created["ETag"]},
    )
    assert edited.status_code == 200, edited.content
    texts = {v["network"]: v["text"] for v in edited.json()["variants"]}
    assert texts == {"mastodon": "Toot", "bluesky": "Skeet"}
    removed = api.patch(
        created["Location"], {"networks": ["bluesky"]}, headers={"If-Match": edited["ETag"]}
    )
    assert [v["network"] for v in removed.json()["variants"]] == ["bluesky"]
    unchosen = api.patch(
        created["Location"],
        {"variants": {"x": {"text": "Tweet"}}},
        headers={"If-Match": removed["ETag"]},
    )
    assert unchosen.status_code == 422
    assert unchosen.json()["errors"][0]["field"] == "variants.x"


def test_with_approval_every_step_until_the_post_goes_out_on_the_demo_network(
    cast, channels, make_api: MakeApi
) -> None:
    cast.workspace.approval_required = True
    cast.workspace.save()
    editor = make_api(cast.erin, cast.workspace, ["read", "write"])
    approver = make_api(cast.anna, cast.workspace, ["read", "write", "publish"])
    manager = make_api(cast.bob, cast.workspace, ["read", "publish"])
    body = _new(networks=["mastodon"], variants={"mastodon": {"text": "Levain samedi"}})
    created = editor.post("/api/v1/posts", body | {"then": "submit"})
    assert created.status_code == 201 and created.json()["status"] == "in_review"
    path = created["Location"]
    # The approver asks for a change; the editor answers the comment, edits, submits again.
    asked = approver.post(f"{path}/request-changes", {"text": "Ajoutez l'heure."})
    assert asked.status_code == 200 and asked.json()["status"] == "changes_requested"
    note = PostComment.objects.get()
    answered = editor.post(f"{path}/comments", {"text": "C'est fait.", "parent": note.pk})
    assert answered.status_code == 201 and answered.json()["parent_id"] == note.pk
    edited = editor.patch(
        path,
        {"variants": {"mastodon": {"text": "Levain samedi à 10 h"}}},
        headers={"If-Match": asked["ETag"]},
    )
    assert edited.status_code == 200, edited.content
    assert editor.post(f"{path}/submit").json()["status"] == "in_review"
    # The approval is of the content read: an older digest approves nothing.
    read = approver.get(path).json()
    assert [c["text"] for c in read["comments"]] == ["Ajoutez l'heure.", "C'est fait."]
    stale = approver.post(f"{path}/approve", {"digest": created.json()["digest"]})
    assert stale.status_code == 409 and stale.json()["code"] == "content_changed"
    approved = approver.post(f"{path}/approve", {"digest": read["digest"]})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["cleared"]
    published = manager.post(f"{path}/publish")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "scheduled"
    run_worker()
    final = manager.get(path).json()
    assert final["status"] == "published"
    [target] = final["targets"]
    assert target["status"] == "published" and target["url"]
    assert DemoPost.objects.get().text == "Levain samedi à 10 h"
    # What went out no longer changes; a correction is refused with the service's words.
    locked = editor.patch(
        path,
        {"variants": {"mastodon": {"text": "Corrigé"}}},
        headers={"If-Match": manager.get(path)["ETag"]},
    )
    assert locked.status_code == 409 and locked.json()["code"] == "content_locked"
    assert DemoPost.objects.get().text == "Levain samedi à 10 h"
    cancelled = manager.post(f"{path}/cancel")
    assert cancelled.status_code == 409 and cancelled.json()["code"] == "transition_refused"


def test_a_post_sent_for_approval_too_soon_is_withdrawn_through_the_api(
    cast, channels, make_api: MakeApi
) -> None:
    """The page had "Withdraw"; the API had no way back from review but a decision."""
    cast.workspace.approval_required = True
    cast.workspace.save()
    editor = make_api(cast.erin, cast.workspace, ["read", "write"])
    approver = make_api(cast.anna, cast.workspace, ["read", "write", "publish"])
    body = _new(networks=["mastodon"], variants={"mastodon": {"text": "Levain samedi"}})
    path = editor.post("/api/v1/posts", body | {"then": "submit"})["Location"]
    assert approver.post(f"{path}/withdraw").status_code == 403  # the writer's, not theirs
    withdrawn = editor.post(f"{path}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "draft"
    again = editor.post(f"{path}/withdraw")
    assert again.status_code == 409 and again.json()["code"] == "transition_refused"


def test_without_approval_an_editor_schedules_and_a_manager_cancels(
    cast, channels, make_api: MakeApi
) -> None:
    editor = make_api(cast.erin, cast.workspace, ["read", "write", "publish"])
    created = editor.post("/api/v1/posts", _new(networks=["mastodon", "x"]))
    path = created["Location"]
    no_time = editor.post(f"{path}/schedule", {})
    assert no_time.status_code == 409 and no_time.json()["code"] == "transition_refused"
    past = editor.post(f"{path}/schedule", {"publish_at": "2020-01-01T09:00:00"})
    assert past.status_code == 409
    when = timezone.now() + timedelta(days=3)
    naive = when.astimezone(cast.workspace.tzinfo).replace(tzinfo=None, microsecond=0)
    scheduled = editor.post(f"{path}/schedule", {"publish_at": naive.isoformat()})
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["status"] == "scheduled"
    # Without an offset, a time is the workspace's (as the page's time fields).
    assert Post.objects.get().publish_at == when.replace(microsecond=0)
    assert PostTarget.objects.count() == 2
    manager = make_api(cast.bob, cast.workspace, ["publish"])
    cancelled = manager.post(f"{path}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "draft"
    assert not PostTarget.objects.exists()
    again = manager.post(f"{path}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "transition_refused"
    # Created and scheduled in one call, at the time given.
    both = editor.post("/api/v1/posts", _new(networks=["x"], publish_at=_later(), then="schedule"))
    assert both.status_code == 201 and both.json()["status"] == "scheduled"


def test_a_write_token_cannot_approve_schedule_publish_or_cancel(
    cast, channels, make_api: MakeApi
) -> None:
    writer = make_api(cast.bob, cast.workspace, ["read", "write"])
    created = writer.post("/api/v1/posts", _new(networks=["mastodon"], publish_at=_later()))
    path = created["Location"]
    digest = created.json()["digest"]
    for step, body in [
        ("approve", {"digest": digest}),
        ("schedule", {}),
        ("publish", {}),
        ("cancel", {}),
    ]:
        refused = writer.post(f"{path}/{step}", body)
        assert refused.status_code == 403, step
        assert refused.json()["code"] == "scope_missing"
    # "Publish now" or "schedule" on creation: refused before anything is saved.
    for then in ("publish", "schedule"):
        refused = writer.post("/api/v1/posts", _new(networks=["mastodon"], then=then))
        assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    assert Post.objects.count() == 1
    assert not PostTarget.objects.exists() and not DemoPost.objects.exists()


def test_roles_answer_as_the_pages_do(cast, channels, make_api: MakeApi) -> None:
    editor = make_api(cast.erin, cast.workspace)  # every scope: only the role refuses
    created = editor.post("/api/v1/posts", _new(networks=["mastodon"]))
    path = created["Location"]
    approve = editor.post(f"{path}/approve", {"digest": created.json()["digest"]})
    assert approve.status_code == 403 and approve.json()["code"] == "forbidden"
    publish = editor.post(f"{path}/publish")
    assert publish.status_code == 403 and publish.json()["code"] == "forbidden"
    at_once = editor.post("/api/v1/posts", _new(networks=["mastodon"], then="publish"))
    assert at_once.status_code == 403 and Post.objects.count() == 1
    approver = make_api(cast.anna, cast.workspace)
    assert approver.post("/api/v1/posts", _new(networks=["mastodon"])).status_code == 403
    assert approver.post("/api/v1/posts/validate", _new(networks=["x"])).status_code == 403
    assert approver.get(path).status_code == 200  # the client reads what they approve
    assert approver.post(f"{path}/comments", {"text": "Joli"}).status_code == 201
    analyst = make_api(cast.nina, cast.workspace)
    assert analyst.get("/api/v1/posts").status_code == 200
    silent = analyst.post(f"{path}/comments", {"text": "Bof"})
    assert silent.status_code == 403 and silent.json()["code"] == "forbidden"
    contributor = make_api(cast.carl, cast.workspace)
    assert contributor.get(path).status_code == 403
    assert PostComment.objects.count() == 1


def test_another_workspaces_post_channels_and_media_are_not_found(
    cast, channels, make_api: MakeApi
) -> None:
    created = make_api(cast.bob, cast.workspace).post("/api/v1/posts", _new(networks=["x"]))
    path, etag = created["Location"], created["ETag"]
    outsider = make_api(cast.charlie, cast.other_workspace)
    assert outsider.get(path).status_code == 404
    assert outsider.patch(path, {"idea": "À moi"}, headers={"If-Match": etag}).status_code == 404
    for step in ("submit", "approve", "publish", "cancel", "comments", "request-changes"):
        answer = outsider.post(f"{path}/{step}", {"digest": "x", "text": "x"})
        assert answer.status_code == 404, step
    assert outsider.get("/api/v1/posts").json()["items"] == []
    # Nor can a post of theirs pick this workspace's channels.
    theirs = outsider.post(
        "/api/v1/posts",
        _new(networks=["x"], variants={"x": {"channels": [channels["x"].pk]}}),
    )
    assert theirs.status_code == 422
    assert theirs.json()["errors"][0]["field"] == "variants.x.channels"
    assert Post.objects.count() == 1


def test_posts_are_listed_filtered_and_paged(cast, channels, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace)
    soon = timezone.now() + timedelta(days=2)
    for n in range(5):
        api.post(
            "/api/v1/posts",
            _new(
                idea=f"Idée {n}",
                category="promotional" if n % 2 else "helpful",
                networks=["x"] if n < 3 else ["mastodon"],
                publish_at=(soon + timedelta(days=n)).isoformat(),
            ),
        )
    seen, cursor = [], None
    while True:
        body = api.get("/api/v1/posts", limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [item["idea"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Idée {n}" for n in reversed(range(5))]  # newest first

    def ideas(**filters: object) -> list[str]:
        answer = api.get("/api/v1/posts", **filters)
        assert answer.status_code == 200, answer.content
        return [item["idea"] for item in answer.json()["items"]]

    assert ideas(category="promotional") == ["Idée 3", "Idée 1"]
    assert ideas(network="mastodon") == ["Idée 4", "Idée 3"]
    local = soon.astimezone(cast.workspace.tzinfo).date()
    days = {"from": local + timedelta(days=1), "to": local + timedelta(days=2)}
    assert ideas(**days) == ["Idée 1", "Idée 2"]  # by publication time
    assert ideas(status="scheduled") == []
    assert ideas(status="draft", network="x", category="helpful") == ["Idée 2", "Idée 0"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/posts", {"idea": 5, "category": "helpful", "networks": ["x"]}),
        ("post", "/api/v1/posts", _new(idea="nul\x00", networks=["x"])),
        ("post", "/api/v1/posts", _new(networks=["x"], variants={"x": {"text": "a\x00"}})),
        ("post", "/api/v1/posts", _new(networks=["myspace"])),
        ("post", "/api/v1/posts", _new(networks=["x"], variants={"myspace": {}})),
        ("post", "/api/v1/posts", _new(networks=["x"], variants={"bluesky": {}})),
        ("post", "/api/v1/posts", _new(networks=[])),
        ("post", "/api/v1/posts", _new(category="gossip", networks=["x"])),
        ("post", "/api/v1/posts", _new(networks=["x"], variants={"x": {"channels": [10**30]}})),
        ("post", "/api/v1/posts", _new(networks=["x"], variants={"x": {"media": [-1]}})),
        ("post", "/api/v1/posts", _new(networks=["x"], variants={"x": {"channels": "1"}})),
        ("post", "/api/v1/posts", _new(networks=["x"], variants={"x": {"quote_url": "nope"}})),
        ("post", "/api/v1/posts", _new(networks=["x"], publish_at="2020-01-01T10:00:00")),
        ("post", "/api/v1/posts", _new(networks=["x"], publish_at="9999-12-31T23:59:59-14:00")),
        ("post", "/api/v1/posts", _new(networks=["x"], publish_at="0001-01-01T00:00:00+14:00")),
        ("post", "/api/v1/posts", _new(networks=["x"], publish_at="99999-01-01")),
        ("post", "/api/v1/posts", _new(networks=["x"], idea="a" * 70_001)),
        ("post", "/api/v1/posts", _new(networks=["x"], then="tweet")),
        ("post", "/api/v1/posts", [1, 2]),
        ("post", "/api/v1/posts", "not json"),
        ("post", "/api/v1/posts/validate", _new(networks=["x"], idea="")),
        ("get", "/api/v1/posts?limit=100000000000000000000000000", None),
        ("get", "/api/v1/posts?from=1999-12-31", None),
        ("get", "/api/v1/posts?to=3000-01-01", None),
        ("get", "/api/v1/posts?from=yesterday", None),
        ("get", "/api/v1/posts?status=lost", None),
        ("get", "/api/v1/posts?cursor=!!", None),
        ("get", "/api/v1/posts/100000000000000000000000000000", None),
        ("post", "/api/v1/posts/100000000000000000000000000000/submit", None),
    ],
)
def test_bad_input_is_refused_as_a_problem_never_a_500(
    cast, channels, make_api: MakeApi, method: str, path: str, body: object
) -> None:
    api = make_api(cast.bob, cast.workspace)
    answer = api.get(path) if method == "get" else api.post(path, body)
    assert 400 <= answer.status_code < 500, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert not Post.objects.exists()


def test_a_nul_in_the_address_is_refused_before_the_api(cast, make_api: MakeApi) -> None:
    # palabre/web/nulbytes.py answers first, for every address.
    assert make_api(cast.bob, cast.workspace).get("/api/v1/posts?cursor=%00").status_code == 400


def test_bad_edits_and_steps_are_refused_as_problems(cast, channels, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace)
    created = api.post("/api/v1/posts", _new(networks=["x"]))
    path, etag = created["Location"], created["ETag"]
    for body in (
        {"idea": None, "publish_at": "demain"},
        {"networks": "x"},
        {"variants": {"x": {"thread": ["ok", "nul\x00"]}}},
        {"category": "gossip"},
        {"networks": []},
    ):
        answer = api.patch(path, body, headers={"If-Match": etag})
        assert answer.status_code == 422, (body, answer.content)
    for step, body in (
        ("approve", {}),
        ("approve", {"digest": "x" * 65}),
        ("comments", {"text": "ok", "parent": 10**30}),
        ("comments", {"text": ""}),
        ("request-changes", {"text": "\x00"}),
        ("schedule", {"publish_at": "2026-13-01T00:00"}),
    ):
        answer = api.post(f"{path}/{step}", body)
        assert 400 <= answer.status_code < 500, (step, body, answer.content)
        assert answer["Content-Type"] == "application/problem+json"
    assert Post.objects.get().version == int(etag.strip('W/"'))


def test_posts_are_found_by_their_words_as_the_posts_page_finds_them(
    cast, channels, make_api: MakeApi
) -> None:
    api = make_api(cast.erin, cast.workspace, ["read", "write"])
    api.post("/api/v1/posts", _new(idea="Crème brûlée du dimanche", networks=["x"]))
    api.post("/api/v1/posts", _new(idea="Horaires de Noël", networks=["x"]))
    found = api.get("/api/v1/posts", text="creme brulee").json()["items"]
    assert [p["idea"] for p in found] == ["Crème brûlée du dimanche"]
    assert api.get("/api/v1/posts", text="x" * 201).status_code == 422
    # Nine words: the ninth was dropped unsaid, the answer for another search (an attack).
    nine = api.get("/api/v1/posts", text="a b c d e f g h noel")
    assert nine.status_code == 422 and "8 mots au plus" in nine.json()["errors"][0]["message"]
    assert api.get("/api/v1/conversations", text="a b c d e f g h noel").status_code == 422
