"""The calendar through the API: a period's posts and free slots, and moving a post."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from palabre.api.tests.conftest import MakeApi
from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.publishing import planning, workflow
from palabre.publishing.models import Post, PostStatus, PostTarget
from palabre.publishing.services import post_create


@pytest.fixture
def channel(cast) -> Channel:
    channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name="Piaille")
    channel.time_slots = ["0 09:00", "2 18:00"]  # Mondays at 9, Wednesdays at 18
    channel.cadence_per_week = 3
    channel.save()
    return channel


def _next_monday(cast) -> date:  # type: ignore[no-untyped-def]
    today = timezone.now().astimezone(cast.workspace.tzinfo).date()
    return today + timedelta(days=7 - today.weekday())


def _at(cast, day: date, hour: int) -> datetime:  # type: ignore[no-untyped-def]
    return planning.local_moment(day, time(hour), cast.workspace.tzinfo)


def _planned(cast, when: datetime, *, scheduled: bool, idea: str = "Pain du jour") -> Post:  # type: ignore[no-untyped-def]
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea=idea,
        category="helpful",
        networks=["mastodon"],
    )
    if scheduled:
        workflow.post_schedule(post=post, actor=cast.bob, publish_at=when)
    else:
        Post.objects.filter(pk=post.pk).update(publish_at=when)
    return Post.objects.get(pk=post.pk)


def test_a_week_shows_its_posts_by_day_and_each_slot_free_or_taken(
    cast, channel, make_api: MakeApi
) -> None:
    monday = _next_monday(cast)
    post = _planned(cast, _at(cast, monday, 9), scheduled=True)
    draft = _planned(cast, _at(cast, monday + timedelta(days=1), 11), scheduled=False)
    api = make_api(cast.nina, cast.workspace, ["read"])  # the analyst reads the calendar
    answer = api.get("/api/v1/calendar", view="week", date=str(monday + timedelta(days=3)))
    assert answer.status_code == 200, answer.content
    week = answer.json()
    assert (week["first"], week["last"]) == (str(monday), str(monday + timedelta(days=6)))
    days = {d["date"]: d for d in week["days"]}
    assert len(days) == 7
    assert [p["id"] for p in days[str(monday)]["posts"]] == [post.pk]
    assert days[str(monday)]["posts"][0]["networks"] == ["mastodon"]
    assert [p["id"] for p in days[str(monday + timedelta(days=1))]["posts"]] == [draft.pk]
    # Monday 9:00 is taken by the post; Wednesday 18:00 is free.
    [taken] = days[str(monday)]["slots"]
    [free] = days[str(monday + timedelta(days=2))]["slots"]
    assert taken["free"] is False and free["free"] is True
    assert datetime.fromisoformat(free["at"]) == _at(cast, monday + timedelta(days=2), 18)
    assert free["channel"] == {"id": channel.pk, "name": "Piaille"}
    # One post planned against a goal of three (the draft does not count).
    [cadence] = week["cadence"]
    assert cadence["goal"] == 3 and cadence["weeks"][0]["planned"] == 1
    assert cadence["weeks"][0]["short"] is True
    assert week["next_free_slot"] is not None
    filtered = api.get("/api/v1/calendar", view="week", date=str(monday), status="draft").json()
    assert [p["id"] for d in filtered["days"] for p in d["posts"]] == [draft.pk]


def test_a_month_shows_the_weeks_the_page_shows(cast, channel, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace, ["read"])
    month = api.get("/api/v1/calendar", date="2026-02-10").json()
    weeks = planning.month_weeks(2026, 2)
    assert (month["first"], month["last"]) == (str(weeks[0][0]), str(weeks[-1][-1]))
    assert len(month["days"]) == 7 * len(weeks)
    assert len(month["cadence"][0]["weeks"]) == len(weeks)


def test_moving_a_draft_keeps_its_time_of_day_and_needs_if_match(
    cast, channel, make_api: MakeApi
) -> None:
    monday = _next_monday(cast)
    draft = _planned(cast, _at(cast, monday, 11), scheduled=False)
    api = make_api(cast.erin, cast.workspace, ["read", "write"])
    path = f"/api/v1/calendar/posts/{draft.pk}"
    thursday = str(monday + timedelta(days=3))
    blind = api.patch(path, {"date": thursday})
    assert blind.status_code == 428 and blind.json()["code"] == "precondition_required"
    etag = api.get(f"/api/v1/posts/{draft.pk}")["ETag"]
    moved = api.patch(path, {"date": thursday}, headers={"If-Match": etag})
    assert moved.status_code == 200, moved.content
    assert Post.objects.get().publish_at == _at(cast, monday + timedelta(days=3), 11)
    assert moved["ETag"] != etag
    stale = api.patch(path, {"date": str(monday)}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.json()["code"] == "version_stale"
    assert Post.objects.get().publish_at == _at(cast, monday + timedelta(days=3), 11)
    # A time without an offset is the workspace's.
    naive = datetime.combine(monday + timedelta(days=4), time(8, 30)).isoformat()
    timed = api.patch(path, {"publish_at": naive}, headers={"If-Match": moved["ETag"]})
    assert timed.status_code == 200
    assert Post.objects.get().publish_at == planning.local_moment(
        monday + timedelta(days=4), time(8, 30), cast.workspace.tzinfo
    )


def test_a_scheduled_post_moves_only_with_the_publish_scope(
    cast, channel, make_api: MakeApi
) -> None:
    monday = _next_monday(cast)
    post = _planned(cast, _at(cast, monday, 9), scheduled=True)
    path = f"/api/v1/calendar/posts/{post.pk}"
    writer = make_api(cast.bob, cast.workspace, ["read", "write"])
    etag = writer.get(f"/api/v1/posts/{post.pk}")["ETag"]
    refused = writer.patch(
        path, {"date": str(monday + timedelta(days=2))}, headers={"If-Match": etag}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    publisher = make_api(cast.bob, cast.workspace, ["read", "write", "publish"])
    moved = publisher.patch(
        path, {"date": str(monday + timedelta(days=2))}, headers={"If-Match": etag}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "scheduled"
    target = PostTarget.objects.get()
    assert target.publish_at == _at(cast, monday + timedelta(days=2), 9)


def test_with_approval_an_editor_moving_an_approved_post_sends_it_back_to_review(
    cast, channel, make_api: MakeApi
) -> None:
    cast.workspace.approval_required = True
    cast.workspace.save()
    monday = _next_monday(cast)
    post = _planned(cast, _at(cast, monday, 9), scheduled=False)
    workflow.post_submit(post=post, actor=cast.erin)
    workflow.post_approve(post=post, actor=cast.anna)
    assert Post.objects.get().status == PostStatus.SCHEDULED
    editor = make_api(cast.erin, cast.workspace)
    etag = editor.get(f"/api/v1/posts/{post.pk}")["ETag"]
    moved = editor.patch(
        f"/api/v1/calendar/posts/{post.pk}",
        {"date": str(monday + timedelta(days=1))},
        headers={"If-Match": etag},
    )
    assert moved.status_code == 200 and moved.json()["status"] == "in_review"
    assert not PostTarget.objects.exists()


def test_a_post_that_went_out_does_not_move(cast, channel, make_api: MakeApi) -> None:
    post = _planned(cast, _at(cast, _next_monday(cast), 9), scheduled=True)
    Post.objects.filter(pk=post.pk).update(status=PostStatus.PUBLISHED)
    api = make_api(cast.bob, cast.workspace)
    etag = api.get(f"/api/v1/posts/{post.pk}")["ETag"]
    refused = api.patch(
        f"/api/v1/calendar/posts/{post.pk}",
        {"date": str(_next_monday(cast) + timedelta(days=7))},
        headers={"If-Match": etag},
    )
    assert refused.status_code == 409 and refused.json()["code"] == "transition_refused"
    assert Post.objects.get().version == post.version  # a refused move changes nothing


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/calendar?date=9999-01-01", None),
        ("get", "/api/v1/calendar?date=1999-12-31", None),
        ("get", "/api/v1/calendar?date=tomorrow", None),
        ("get", "/api/v1/calendar?view=year", None),
        ("get", "/api/v1/calendar?channel=100000000000000000000000000", None),
        ("get", "/api/v1/calendar?status=lost", None),
        ("patch", "/api/v1/calendar/posts/{pk}", {}),
        ("patch", "/api/v1/calendar/posts/{pk}", {"date": "2026-12-10", "publish_at": "x"}),
        ("patch", "/api/v1/calendar/posts/{pk}", {"date": "3000-01-01"}),
        ("patch", "/api/v1/calendar/posts/{pk}", {"publish_at": "2020-01-01T10:00:00Z"}),
        ("patch", "/api/v1/calendar/posts/{pk}", {"publish_at": "9999-12-31T23:59:59-14:00"}),
        ("patch", "/api/v1/calendar/posts/100000000000000000000000", {"date": "2026-12-10"}),
    ],
)
def test_bad_input_is_refused_as_a_problem_never_a_500(
    cast, channel, make_api: MakeApi, method: str, path: str, body: object
) -> None:
    draft = _planned(cast, _at(cast, _next_monday(cast), 9), scheduled=False)
    api = make_api(cast.bob, cast.workspace)
    if method == "get":
        answer = api.get(path)
    else:
        etag = api.get(f"/api/v1/posts/{draft.pk}")["ETag"]
        answer = api.patch(path.format(pk=draft.pk), body, headers={"If-Match": etag})
    assert 400 <= answer.status_code < 500, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert Post.objects.get().publish_at == draft.publish_at


def test_roles_and_other_workspaces(cast, channel, make_api: MakeApi) -> None:
    draft = _planned(cast, _at(cast, _next_monday(cast), 9), scheduled=False)
    contributor = make_api(cast.carl, cast.workspace)
    assert contributor.get("/api/v1/calendar").json()["code"] == "forbidden"
    analyst = make_api(cast.nina, cast.workspace)
    moved = analyst.patch(
        f"/api/v1/calendar/posts/{draft.pk}", {"date": "2026-12-10"}, headers={"If-Match": 'W/"1"'}
    )
    assert moved.status_code == 403 and moved.json()["code"] == "forbidden"
    outsider = make_api(cast.charlie, cast.other_workspace)
    theirs = outsider.get("/api/v1/calendar", date=str(_next_monday(cast))).json()
    assert all(d["posts"] == [] and d["slots"] == [] for d in theirs["days"])
    assert theirs["cadence"] == []
    refused = outsider.patch(
        f"/api/v1/calendar/posts/{draft.pk}",
        {"date": "2026-12-10"},
        headers={"If-Match": f'W/"{draft.version}"'},
    )
    assert refused.status_code == 404
