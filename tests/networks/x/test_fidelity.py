"""The X double checked against X's official Python SDK, `xdk` (pinned in pyproject), whose
pydantic models are generated from X's OpenAPI specification:

- a scenario reaches every route of the double and every variant of its answers (posts with
  every field and expansion, media, errors); every request body recorded is validated against
  the route's xdk request model, every query against the xdk method's parameters, every answer
  against its xdk response model (errors and OAuth against declared.py), all strictly: an
  unknown field anywhere, or a value of the wrong type, is a problem (strict.py);
- a mutation test proves the check bites: for every recorded answer and request body,
  renaming any field at any level, or giving it a value of a wrong type, fails validation;
- each route agrees with the xdk method it names (HTTP method and path);
- the connector's own requests and the answers it got, through a whole scenario (publish
  with images and alt text, a thread, a quote, a video in chunks, the inbox, hide, metrics,
  reconciliation, delete), are validated the same way (test_connector_traffic_is_xdk_shaped).

Runs in `make test`: the double is in-process.
"""

from __future__ import annotations

import base64
import copy
import inspect
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from tests.networks.x import declared, strict
from tests.networks.x.double import XDouble
from tests.networks.x.server import ROUTES, Record, Route

pytestmark = pytest.mark.network

JPEG = b"\xff\xd8\xff\xe0" + b"1" * 300
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"2" * 3000
POST_FIELDS = "created_at,conversation_id,public_metrics,attachments,entities,text,id"
EXPANSIONS = "author_id,referenced_posts,in_reply_to_user_id,attachments.media_keys"


class Driver:
    def __init__(self, double: XDouble, token: str) -> None:
        self.double = double
        self.client = httpx.Client(
            base_url=double.url, headers={"Authorization": f"Bearer {token}"}, timeout=20
        )

    def call(self, method: str, path: str, *, expect: int = 200, **kwargs: Any) -> Any:
        answer = self.client.request(method, path, **kwargs)
        assert answer.status_code == expect, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()


def scenario(double: XDouble) -> None:
    """Every route, every variant of its answer."""
    brand = double.user("brand", "Boulangerie", followers=10)
    fan = double.user("fan", "Fanny")
    drive = Driver(double, double.token(brand))
    # media: one request, chunked with processing, alt text
    image = drive.call(
        "POST",
        "/2/media/upload",
        json={"media": base64.b64encode(JPEG).decode(), "media_category": "tweet_image"},
    )["data"]["id"]
    drive.call(
        "POST", "/2/media/metadata", json={"id": image, "metadata": {"alt_text": {"text": "Pain"}}}
    )
    double.plan_media(polls=1, outcome="succeeded")
    video = drive.call(
        "POST",
        "/2/media/upload/initialize",
        json={"media_type": "video/mp4", "total_bytes": len(MP4), "media_category": "tweet_video"},
    )["data"]["id"]
    for index, start in enumerate(range(0, len(MP4), 1000)):
        chunk = base64.b64encode(MP4[start : start + 1000]).decode()
        drive.call(
            "POST",
            f"/2/media/upload/{video}/append",
            json={"media": chunk, "segment_index": index},
        )
    drive.call("POST", f"/2/media/upload/{video}/finalize")
    for _ in range(2):  # in_progress, then succeeded
        drive.call("GET", "/2/media/upload", params={"media_id": video, "command": "STATUS"})
    # posts: plain, with media, a reply, a quote, a video
    root = drive.call(
        "POST",
        "/2/tweets",
        json={"text": "Fresh bread", "media": {"media_ids": [image]}},
        expect=201,
    )["data"]["id"]
    drive.call(
        "POST",
        "/2/tweets",
        json={"text": "part 2", "reply": {"in_reply_to_tweet_id": root}},
        expect=201,
    )
    drive.call(
        "POST",
        "/2/tweets",
        json={"text": "look https://lumiere.example/pain", "quote_tweet_id": root},
        expect=201,
    )
    drive.call(
        "POST", "/2/tweets", json={"text": "film", "media": {"media_ids": [video]}}, expect=201
    )
    reply = double.post(fan, "@x Lovely", reply_to=root, likes=2)
    for n in range(3):
        double.post(brand, f"older {n}")
    double.post(fan, f"@{brand.username} open on Sunday?", quote_of=root)
    fields = {
        "post.fields": POST_FIELDS,
        "expansions": EXPANSIONS,
        "user.fields": "public_metrics,username,name,created_at",
        "media.fields": "alt_text,url,type,media_key",
    }
    drive.call("GET", f"/2/users/{brand.id}/mentions", params={**fields, "max_results": "5"})
    drive.call("GET", f"/2/users/{brand.id}/mentions", params={"since_id": "99999999999999999999"})
    drive.call(
        "GET",
        "/2/tweets/search/recent",
        params={
            **fields,
            "query": f"(conversation_id:{root} OR conversation_id:1) -from:{brand.username}",
            "max_results": "10",
        },
    )
    drive.call(
        "GET",
        "/2/tweets/search/recent",
        params={
            **fields,
            "post.fields": "created_at,lang,entities",
            "query": "lovely -is:retweet",
            "max_results": "100",
            "sort_order": "recency",
        },
    )
    drive.call("GET", f"/2/users/{brand.id}/tweets", params={**fields, "max_results": "5"})
    page = drive.call("GET", f"/2/users/{brand.id}/tweets", params={"max_results": "5"})
    drive.call(
        "GET",
        f"/2/users/{brand.id}/tweets",
        params={"max_results": "5", "pagination_token": page["meta"]["next_token"]},
    )
    drive.call("GET", "/2/tweets", params={**fields, "ids": f"{root},{reply.id},1"})
    drive.call("GET", "/2/users/me", params={"user.fields": "public_metrics,created_at"})
    drive.call("PUT", f"/2/tweets/{reply.id}/hidden", json={"hidden": True})
    drive.call("PUT", f"/2/tweets/{reply.id}/hidden", json={"hidden": False})
    drive.call("DELETE", f"/2/tweets/{root}")
    drive.call("DELETE", f"/2/tweets/{root}")  # already gone: deleted false
    # errors
    drive.call(
        "POST",
        "/2/tweets",
        json={"text": "part 2", "reply": {"in_reply_to_tweet_id": root}},
        expect=403,
    )
    drive.call("GET", "/2/users/me", params={"tweet.fields": "id"}, expect=400)
    double.rate_limit("/2/users/me")
    drive.call("GET", "/2/users/me", expect=429)
    double.fail("/2/users/me", status=503)
    drive.call("GET", "/2/users/me", expect=503)
    Driver(double, "no-such-token").call("GET", "/2/users/me", expect=401)
    # OAuth
    answer = double.token(brand, refresh=True)
    auth = (double.app.client_id, double.app.client_secret)
    for expect in (200, 400):
        got = httpx.post(
            f"{double.url}/2/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": answer["refresh_token"],
                "client_id": double.app.client_id,
            },
            auth=auth,
        )
        assert got.status_code == expect
    httpx.post(
        f"{double.url}/2/oauth2/revoke",
        data={"token": answer["access_token"], "client_id": double.app.client_id},
        auth=auth,
    )
    httpx.get(f"{double.url}/i/oauth2/authorize", params={"client_id": "x"})
    asked = {
        "response_type": "code",
        "client_id": double.app.client_id,
        "redirect_uri": "http://palabre.test/cb",
        "scope": "tweet.read offline.access",
        "state": "s",
        "code_challenge": "c" * 43,
        "code_challenge_method": "S256",
    }
    httpx.get(f"{double.url}/i/oauth2/authorize", params=asked)
    httpx.post(
        f"{double.url}/i/oauth2/authorize", data={**asked, "account": brand.id, "decision": "allow"}
    )


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[XDouble, list[Record]]]:
    double = XDouble().start()
    scenario(double)
    yield double, list(double.records)
    double.stop()


def _route(key: str) -> Route | None:
    return next((r for r in ROUTES if r.key == key), None)


def answer_problems(record: Record) -> list[str]:
    if record.model is None:
        return []
    return strict.body_problems(record.model, record.answer)


def request_problems(record: Record) -> list[str]:
    route = _route(record.route)
    problems: list[str] = []
    if route is None:
        return problems
    if route.request is not None and record.body is not None:
        problems += strict.body_problems(route.request, record.body)
    if route.sdk is not None and record.status < 400:
        problems += strict.param_problems(route.sdk, record.params, path_params=route.path_params)
    return problems


def test_every_route_is_reached(recorded: tuple[XDouble, list[Record]]) -> None:
    _double, records = recorded
    reached = {r.route for r in records if r.status < 400}
    assert {r.key for r in ROUTES} - reached == set()


def test_every_answer_and_request_is_xdk_shaped(recorded: tuple[XDouble, list[Record]]) -> None:
    _double, records = recorded
    problems = [
        f"{r.method} {r.path} {r.status}: {p}"
        for r in records
        for p in answer_problems(r) + request_problems(r)
    ]
    assert problems == []
    assert {r.status for r in records} >= {200, 201, 400, 401, 403, 429, 503}


def test_the_answers_speak_xdks_names(recorded: tuple[XDouble, list[Record]]) -> None:
    text = repr([r.answer for r in recorded[1]])
    for new in ("referenced_posts", "edit_history_post_ids", "repost_count", "'posts'"):
        assert new in text
    for old in ("referenced_tweets", "edit_history_tweet_ids", "retweet_count", "'tweets'"):
        assert old not in text


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*path, key)
            yield from _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*path, index))


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _wrong(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return "a list"
    return ["an object"]


# Maps whose keys are data, not field names: xdk's open `associated_metadata`
# (`Dict[str, Any]`, the echo of a metadata request) and an invalid request's `parameters`
# ({parameter name: [values]}). Their own names are still mutated, not what is inside.
MAPS = {"associated_metadata", "parameters"}


def _mutations(body: Any) -> Iterator[tuple[str, Any]]:
    for path in _paths(body):
        if not isinstance(path[-1], str) or any(step in MAPS for step in path[:-1]):
            continue
        parent = _at(body, path[:-1])
        renamed = copy.deepcopy(body)
        holder = _at(renamed, path[:-1])
        holder[path[-1] + "_x"] = holder.pop(path[-1])
        yield f"rename {'.'.join(map(str, path))}", renamed
        retyped = copy.deepcopy(body)
        _at(retyped, path[:-1])[path[-1]] = _wrong(parent[path[-1]])
        yield f"retype {'.'.join(map(str, path))}", retyped


def _model_of(record: Record, *, request: bool) -> type[BaseModel] | None:
    if not request:
        return record.model
    route = _route(record.route)
    return route.request if route is not None and record.body is not None else None


@pytest.mark.parametrize("request_side", [False, True], ids=["answers", "requests"])
def test_any_renamed_or_retyped_field_fails(
    recorded: tuple[XDouble, list[Record]], request_side: bool
) -> None:
    _double, records = recorded
    survivors = []
    checked = 0
    for record in records:
        model = _model_of(record, request=request_side)
        body = record.body if request_side else record.answer
        if model is None or body is None:
            continue
        for what, mutated in _mutations(body):
            checked += 1
            if not strict.body_problems(model, mutated):
                survivors.append(f"{record.method} {record.path}: {what}")
    assert checked > (300 if not request_side else 20)
    assert survivors == []


def test_the_old_tweet_names_are_refused() -> None:
    post = {"id": "1", "text": "a", "referenced_tweets": [{"type": "quoted", "id": "2"}]}
    from xdk.posts.models import SearchRecentResponse

    assert strict.body_problems(SearchRecentResponse, {"data": [post]})
    assert strict.body_problems(SearchRecentResponse, {"includes": {"tweets": [post]}})


def test_each_route_is_the_xdk_methods() -> None:
    for route in ROUTES:
        if route.sdk is None:
            continue
        source = inspect.getsource(route.sdk)
        path = re.search(r'base_url \+ "([^"]+)"', source)
        assert path is not None, route.key
        assert path.group(1) == route.pattern, route.key
        assert f"session.{route.method.lower()}(" in source, route.key


def test_declared_shapes_name_their_documentation() -> None:
    assert "https://docs.x.com/" in (declared.__doc__ or "")
    for route in ROUTES:
        if route.sdk is None and route.returns is not None:
            assert route.returns.__module__ == declared.__name__, route.key


# --- the connector's own traffic -------------------------------------------------------------


@pytest.mark.django_db
def test_connector_traffic_is_xdk_shaped(x_double: XDouble, cast: Any) -> None:
    """Everything Palabre's X connector sends, and every answer it reads, through a whole
    scenario, validated strictly; every route the connector uses is in it."""
    from palabre.networks.base import MediaUpload, OutgoingPost
    from palabre.networks.x.tests.conftest import JPEG, MP4
    from tests.networks.x.channels import connect

    start = len(x_double.records)
    brand = connect(x_double, cast.workspace)
    fan = x_double.user("fan")
    connector = brand.connector()
    image = connector.upload_media(MediaUpload("p.jpg", "image/jpeg", JPEG, alt_text="Pain"))
    x_double.plan_media(polls=1)
    video = connector.upload_media(MediaUpload("f.mp4", "video/mp4", MP4))
    root = connector.publish(OutgoingPost(text="Pain", idempotency_key="a", media=(image,)))
    connector.publish(OutgoingPost(text="Film", idempotency_key="b", media=(video,)))
    part = connector.publish(OutgoingPost(text="2/2", idempotency_key="c", reply_to=root.remote_id))
    connector.publish(OutgoingPost(text="Vu", idempotency_key="d", quote_of=root.remote_id))
    reply = x_double.post(fan, "Miam", reply_to=root.remote_id)
    x_double.post(fan, f"@{brand.user.username} hello", quote_of=root.remote_id)
    page = connector.fetch_interactions(cursor=None)
    connector.fetch_interactions(cursor=page.next_cursor)
    connector.hide(remote_id=reply.id)
    connector.unhide(remote_id=reply.id)
    connector.reply(to_remote_id=reply.id, text="Merci", idempotency_key="e")
    connector.post_metrics(remote_ids=[root.remote_id, "1"])
    connector.account_metrics()
    from datetime import UTC, datetime, timedelta

    connector.recent_posts(since=datetime.now(UTC) - timedelta(minutes=1))
    x_double.post(fan, "Un #Levain qui chante", lang="fr")
    connector.search_posts(query="#levain", since=datetime.now(UTC) - timedelta(minutes=1))
    connector.search_posts(query="miam")
    connector.delete(remote_id=part.remote_id)

    # This brand's requests only: the double serves the whole run, and a worker another test
    # started may still be polling it.
    tokens = x_double.world.tokens
    records = [
        r
        for r in list(x_double.records)[start:]
        if r.bearer in tokens and tokens[r.bearer].user_id == brand.user.id
    ]
    problems = [
        f"{r.method} {r.path} {r.status}: {p}"
        for r in records
        for p in answer_problems(r) + request_problems(r)
    ]
    assert problems == []
    assert all(r.status < 400 for r in records), [
        (r.path, r.status) for r in records if r.status >= 400
    ]
    used = {r.route for r in records}
    api_routes = {r.key for r in ROUTES if r.sdk is not None}
    assert api_routes - used == set()
