"""The double's own behaviour: tokens, fields, cursors, errors and faults, containers,
webhooks, logins. Plain HTTP (httpx) against the running server, as a connector talks to it."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.networks.meta.double import MetaDouble

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200


@pytest.fixture
def brand(meta_double: MetaDouble) -> dict[str, Any]:
    admin = meta_double.person("Brigitte Boulanger")
    page = meta_double.page(admin, "Boulangerie Lumière", followers=1200)
    ig = meta_double.instagram(page, "lumiere.boulangerie", followers=800)
    th = meta_double.threads_user("lumiere.threads", followers=300)
    return {
        "admin": admin,
        "page": page,
        "ig": ig,
        "threads": th,
        "token": meta_double.page_token(page),
        "threads_token": meta_double.threads_token(th),
    }


def graph(
    double: MetaDouble, method: str, path: str, token: str | None, **params: Any
) -> httpx.Response:
    values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    if token:
        values["access_token"] = token
    url = f"{double.url}/{double.version}/{path}"
    if method == "GET" or method == "DELETE":
        return httpx.request(method, url, params=values, timeout=10)
    return httpx.post(url, data=values, timeout=10)


def threads(
    double: MetaDouble, method: str, path: str, token: str, **params: Any
) -> httpx.Response:
    values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    values["access_token"] = token
    url = f"{double.threads_graph_url}/{double.threads_version}/{path}"
    if method in ("GET", "DELETE"):
        return httpx.request(method, url, params=values, timeout=10)
    return httpx.post(url, data=values, timeout=10)


def error_of(answer: httpx.Response) -> dict[str, Any]:
    body = answer.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


# --- tokens -------------------------------------------------------------------------------


def test_every_answer_carries_app_usage(meta_double: MetaDouble, brand: dict[str, Any]) -> None:
    ok = graph(meta_double, "GET", brand["page"].id, brand["token"])
    refused = graph(meta_double, "GET", brand["page"].id, "garbage")
    for answer in (ok, refused):
        usage = json.loads(answer.headers["x-app-usage"])
        assert set(usage) == {"call_count", "total_cputime", "total_time"}


def test_token_errors_are_190_with_their_subcodes(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    page_id = brand["page"].id
    assert error_of(graph(meta_double, "GET", page_id, None))["code"] == 104
    assert error_of(graph(meta_double, "GET", page_id, "garbage"))["code"] == 190

    expiring = meta_double.page_token(brand["page"])
    meta_double.expire(expiring)
    expired = error_of(graph(meta_double, "GET", page_id, expiring))
    assert (expired["code"], expired["error_subcode"]) == (190, 463)

    revoked = meta_double.page_token(brand["page"])
    meta_double.revoke(revoked)
    error = error_of(graph(meta_double, "GET", page_id, revoked))
    assert (error["code"], error["error_subcode"]) == (190, 458)
    assert graph(meta_double, "GET", page_id, brand["token"]).status_code == 200


def test_bearer_header_and_appsecret_proof(meta_double: MetaDouble, brand: dict[str, Any]) -> None:
    token = brand["token"]
    url = f"{meta_double.url}/{meta_double.version}/{brand['page'].id}"
    assert httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    proof = hmac.new(meta_double.app.secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    assert (
        graph(meta_double, "GET", brand["page"].id, token, appsecret_proof=proof).status_code == 200
    )
    wrong = error_of(graph(meta_double, "GET", brand["page"].id, token, appsecret_proof="0" * 64))
    assert wrong["code"] == 100 and "appsecret_proof" in wrong["message"]


def test_a_page_token_acts_only_for_its_page(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    other_admin = meta_double.person("Other")
    other = meta_double.page(other_admin, "Elsewhere")
    answer = graph(meta_double, "POST", f"{other.id}/feed", brand["token"], message="hi")
    assert error_of(answer)["code"] == 200
    assert other.id not in [p.page_id for p in meta_double.posts(other)]


# --- parameters, fields, paging -----------------------------------------------------------


def test_unknown_or_mistyped_parameters_are_error_100(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    page_id = brand["page"].id
    unknown = error_of(
        graph(meta_double, "POST", f"{page_id}/feed", brand["token"], message="x", mesage="y")
    )
    assert unknown["code"] == 100 and "mesage" in unknown["message"]
    mistyped = error_of(
        graph(
            meta_double, "POST", f"{page_id}/feed", brand["token"], message="x", published="maybe"
        )
    )
    assert mistyped["code"] == 100 and "published" in mistyped["message"]
    enum = error_of(
        graph(meta_double, "GET", f"{page_id}_1/comments", brand["token"], filter="everything")
    )
    assert enum["code"] == 100


def test_fields_select_nest_and_refuse_unknown(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    page = brand["page"]
    answer = graph(
        meta_double,
        "GET",
        page.id,
        brand["token"],
        fields="name,followers_count,instagram_business_account{username}",
    ).json()
    assert answer == {
        "name": "Boulangerie Lumière",
        "followers_count": 1200,
        "instagram_business_account": {"username": "lumiere.boulangerie", "id": brand["ig"].id},
        "id": page.id,
    }
    default = graph(meta_double, "GET", page.id, brand["token"]).json()
    assert default == {"name": "Boulangerie Lumière", "id": page.id}
    error = error_of(graph(meta_double, "GET", page.id, brand["token"], fields="name,nope"))
    assert error["code"] == 100 and "nope" in error["message"]
    syntax = error_of(graph(meta_double, "GET", page.id, brand["token"], fields="name{"))
    assert syntax["code"] == 100


def test_cursors_walk_an_edge_and_next_only_when_more(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    page = brand["page"]
    made = [meta_double.new_post(page, by=page.id, message=f"post {i}") for i in range(5)]
    seen: list[str] = []
    params: dict[str, Any] = {"limit": "2", "fields": "id,message"}
    pages = 0
    while True:
        body = graph(
            meta_double, "GET", f"{page.id}/published_posts", brand["token"], **params
        ).json()
        pages += 1
        seen += [p["id"] for p in body["data"]]
        assert set(body["paging"]["cursors"]) == {"before", "after"}
        if "next" not in body["paging"]:
            break
        next_query = parse_qs(urlsplit(body["paging"]["next"]).query)
        assert next_query["after"] == [body["paging"]["cursors"]["after"]]
        params["after"] = body["paging"]["cursors"]["after"]
    assert pages == 3
    assert seen == [p.id for p in reversed(made)]  # newest first, none twice
    empty = graph(
        meta_double, "GET", f"{meta_double.page(brand['admin'], 'Empty').id}/feed", brand["token"]
    ).json()
    assert empty == {"data": []}


def test_nested_edge_limit_and_summary(meta_double: MetaDouble, brand: dict[str, Any]) -> None:
    page = brand["page"]
    post = meta_double.new_post(page, by=page.id, message="croissants")
    fan = meta_double.fan("Fanny")
    for i in range(3):
        fan.comment(post.id, f"miam {i}")
    body = graph(
        meta_double,
        "GET",
        post.id,
        brand["token"],
        fields="comments.limit(2).summary(true){message,from}",
    ).json()
    comments = body["comments"]
    assert [c["message"] for c in comments["data"]] == ["miam 0", "miam 1"]
    assert comments["summary"]["total_count"] == 3
    assert "next" in comments["paging"]
    follow = httpx.get(comments["paging"]["next"]).json()
    assert [c["message"] for c in follow["data"]] == ["miam 2"]


# --- faults -----------------------------------------------------------------------------


def test_injected_graph_error_then_normal_service(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    path = f"/{meta_double.version}/{brand['page'].id}/feed"
    meta_double.fail(path, code=2, times=2, message="Service temporarily unavailable")
    for _ in range(2):
        answer = graph(meta_double, "POST", f"{brand['page'].id}/feed", brand["token"], message="x")
        error = error_of(answer)
        assert answer.status_code == 500 and error["code"] == 2 and error["is_transient"] is True
    assert (
        graph(
            meta_double, "POST", f"{brand['page'].id}/feed", brand["token"], message="x"
        ).status_code
        == 200
    )
    assert len(meta_double.posts(brand["page"])) == 1  # the failed ones did nothing


def test_rate_limit_carries_usage_headers(meta_double: MetaDouble, brand: dict[str, Any]) -> None:
    meta_double.rate_limit(
        f"/{meta_double.version}/*", code=32, regain_minutes=7, business_id=brand["page"].id
    )
    answer = graph(meta_double, "GET", brand["page"].id, brand["token"])
    assert error_of(answer)["code"] == 32
    assert (
        json.loads(answer.headers["x-app-usage"])["call_count"] < 100
    )  # the Page's limit, not the app's
    buc = json.loads(answer.headers["x-business-use-case-usage"])
    assert buc[brand["page"].id][0]["estimated_time_to_regain_access"] == 7


def test_app_rate_limit_fills_app_usage(meta_double: MetaDouble, brand: dict[str, Any]) -> None:
    meta_double.rate_limit(f"/{meta_double.version}/*", code=4)
    answer = graph(meta_double, "GET", brand["page"].id, brand["token"])
    assert error_of(answer)["code"] == 4
    assert json.loads(answer.headers["x-app-usage"])["call_count"] == 100
    assert "x-business-use-case-usage" not in answer.headers


def test_malformed_body_and_hang(meta_double: MetaDouble, brand: dict[str, Any]) -> None:
    meta_double.malformed(f"/{meta_double.version}/{brand['page'].id}")
    answer = graph(meta_double, "GET", brand["page"].id, brand["token"])
    assert answer.status_code == 500 and answer.text.startswith("<html>")
    meta_double.hang(f"/{meta_double.version}/{brand['page'].id}", seconds=0.5)
    with pytest.raises(httpx.HTTPError):
        httpx.get(
            f"{meta_double.url}/{meta_double.version}/{brand['page'].id}",
            params={"access_token": brand["token"]},
            timeout=0.2,
        )


def test_a_lost_answer_still_did_the_thing(meta_double: MetaDouble, brand: dict[str, Any]) -> None:
    page = brand["page"]
    meta_double.lose_answer(f"/{meta_double.version}/{page.id}/feed")
    with pytest.raises(httpx.HTTPError):
        graph(meta_double, "POST", f"{page.id}/feed", brand["token"], message="Parti sans réponse")
    assert [p.message for p in meta_double.posts(page)] == ["Parti sans réponse"]
    listed = graph(
        meta_double, "GET", f"{page.id}/published_posts", brand["token"], fields="message"
    ).json()
    assert [p["message"] for p in listed["data"]] == ["Parti sans réponse"]


# --- Instagram containers ---------------------------------------------------------------


def test_container_in_progress_then_finished_then_published(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    ig = brand["ig"]
    url = meta_double.serve_media(JPEG)
    meta_double.plan_containers(polls=2, outcome="FINISHED")
    container = graph(
        meta_double, "POST", f"{ig.id}/media", brand["token"], image_url=url, caption="Pain"
    ).json()["id"]
    early = error_of(
        graph(meta_double, "POST", f"{ig.id}/media_publish", brand["token"], creation_id=container)
    )
    assert (early["code"], early["error_subcode"]) == (9007, 2207027)
    statuses = [
        graph(meta_double, "GET", container, brand["token"], fields="status_code").json()[
            "status_code"
        ]
        for _ in range(3)
    ]
    assert statuses == ["IN_PROGRESS", "IN_PROGRESS", "FINISHED"]
    media_id = graph(
        meta_double, "POST", f"{ig.id}/media_publish", brand["token"], creation_id=container
    ).json()["id"]
    assert (
        graph(meta_double, "GET", container, brand["token"], fields="status_code").json()[
            "status_code"
        ]
        == "PUBLISHED"
    )
    media = graph(meta_double, "GET", media_id, brand["token"], fields="caption,media_type").json()
    assert media == {"caption": "Pain", "media_type": "IMAGE", "id": media_id}


def test_a_url_that_cannot_be_fetched_makes_the_container_error(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    ig = brand["ig"]
    gone = f"{meta_double.url}/_media/nothing-here"
    container = graph(meta_double, "POST", f"{ig.id}/media", brand["token"], image_url=gone).json()[
        "id"
    ]
    body = graph(meta_double, "GET", container, brand["token"], fields="status_code,status").json()
    assert body["status_code"] == "ERROR" and "404" in body["status"]
    refused = error_of(
        graph(meta_double, "POST", f"{ig.id}/media_publish", brand["token"], creation_id=container)
    )
    assert refused["code"] == 9007


def test_the_double_fetches_the_url_it_is_given(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    hits: list[str] = []

    class Files(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(JPEG)))
            self.end_headers()
            self.wfile.write(JPEG)

        def log_message(self, *args: Any) -> None:
            pass

    files = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    threading.Thread(target=files.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{files.server_address[1]}/media/signed?{urlencode({'sig': 'abc'})}"
        answer = graph(
            meta_double, "POST", f"{brand['ig'].id}/media", brand["token"], image_url=url
        )
        assert answer.status_code == 200
        assert hits == ["/media/signed?sig=abc"]
    finally:
        files.shutdown()
        files.server_close()


def test_expired_container_and_daily_quota(meta_double: MetaDouble, brand: dict[str, Any]) -> None:
    ig = brand["ig"]
    url = meta_double.serve_media(JPEG)
    container = graph(meta_double, "POST", f"{ig.id}/media", brand["token"], image_url=url).json()[
        "id"
    ]
    meta_double.set_container(container, "EXPIRED")
    assert (
        graph(meta_double, "GET", container, brand["token"], fields="status_code").json()[
            "status_code"
        ]
        == "EXPIRED"
    )
    expired = error_of(
        graph(meta_double, "POST", f"{ig.id}/media_publish", brand["token"], creation_id=container)
    )
    assert expired["error_subcode"] == 2207020

    ig.quota_total = 1
    first = graph(meta_double, "POST", f"{ig.id}/media", brand["token"], image_url=url).json()["id"]
    assert (
        graph(
            meta_double, "POST", f"{ig.id}/media_publish", brand["token"], creation_id=first
        ).status_code
        == 200
    )
    limit = graph(
        meta_double,
        "GET",
        f"{ig.id}/content_publishing_limit",
        brand["token"],
        fields="config,quota_usage",
    ).json()
    assert limit["data"][0]["quota_usage"] == 1 and limit["data"][0]["config"]["quota_total"] == 1
    second = graph(meta_double, "POST", f"{ig.id}/media", brand["token"], image_url=url).json()[
        "id"
    ]
    over = error_of(
        graph(meta_double, "POST", f"{ig.id}/media_publish", brand["token"], creation_id=second)
    )
    assert (over["code"], over["error_subcode"]) == (9, 2207042)


# --- webhooks ---------------------------------------------------------------------------


def test_webhook_is_signed_with_the_app_secret(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    received: list[tuple[dict[str, str], bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            query = parse_qs(urlsplit(self.path).query)
            ok = query.get("hub.verify_token") == ["double-webhook-verify-token"]
            out = query["hub.challenge"][0].encode() if ok else b""
            self.send_response(200 if ok else 403)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args: Any) -> None:
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{hook.server_address[1]}/webhooks/meta"
    try:
        assert meta_double.handshake(url).text == "1158201444"
        assert meta_double.handshake(url, verify_token="wrong").status_code == 403
        post = meta_double.new_post(brand["page"], by=brand["page"].id, message="hello")
        comment = meta_double.fan("Fanny").comment(post.id, "Bravo")
        meta_double.send_webhook(url, meta_double.webhook_for(comment))
        headers, body = received[0]
        expected = (
            "sha256=" + hmac.new(meta_double.app.secret.encode(), body, hashlib.sha256).hexdigest()
        )
        assert headers["x-hub-signature-256"] == expected
        change = json.loads(body)["entry"][0]["changes"][0]
        assert change["field"] == "feed" and change["value"]["comment_id"] == comment.id
        meta_double.send_webhook(url, meta_double.webhook_for(comment), tamper=True)
        assert (
            received[1][0]["x-hub-signature-256"]
            != "sha256="
            + hmac.new(meta_double.app.secret.encode(), received[1][1], hashlib.sha256).hexdigest()
        )
    finally:
        hook.shutdown()
        hook.server_close()


# --- logins -----------------------------------------------------------------------------


def test_facebook_login_code_exchange_long_lived_and_page_tokens(
    meta_double: MetaDouble, brand: dict[str, Any]
) -> None:
    redirect = "http://127.0.0.1:9/channels/meta/callback"
    dialog = f"{meta_double.login_url}/{meta_double.version}/dialog/oauth?" + urlencode(
        {
            "client_id": meta_double.app.id,
            "redirect_uri": redirect,
            "state": "s1",
            "config_id": "1",
            "response_type": "code",
        }
    )
    assert "Boulangerie Lumière" in httpx.get(dialog).text
    location = meta_double.facebook_consent(dialog, person=brand["admin"], pages=[brand["page"]])
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(redirect) and query["state"] == ["s1"]
    exchange = {
        "client_id": meta_double.app.id,
        "client_secret": meta_double.app.secret,
        "redirect_uri": redirect,
    }
    short = graph(
        meta_double, "GET", "oauth/access_token", None, code=query["code"][0], **exchange
    ).json()
    assert short["token_type"] == "bearer" and short["expires_in"] <= 7200
    again = error_of(
        graph(meta_double, "GET", "oauth/access_token", None, code=query["code"][0], **exchange)
    )
    assert again["error_subcode"] == 36009
    long = graph(
        meta_double,
        "GET",
        "oauth/access_token",
        None,
        grant_type="fb_exchange_token",
        fb_exchange_token=short["access_token"],
        client_id=meta_double.app.id,
        client_secret=meta_double.app.secret,
    ).json()
    assert long["expires_in"] > 50 * 86400
    me = graph(meta_double, "GET", "me", long["access_token"], fields="id,name").json()
    assert me == {"id": brand["admin"].id, "name": "Brigitte Boulanger"}
    accounts = graph(
        meta_double,
        "GET",
        "me/accounts",
        long["access_token"],
        fields="id,name,access_token,instagram_business_account{id,username}",
    ).json()["data"]
    assert [a["id"] for a in accounts] == [brand["page"].id]
    page_token = accounts[0]["access_token"]
    assert accounts[0]["instagram_business_account"] == {
        "id": brand["ig"].id,
        "username": "lumiere.boulangerie",
    }
    debug = graph(
        meta_double,
        "GET",
        "debug_token",
        f"{meta_double.app.id}|{meta_double.app.secret}",
        input_token=page_token,
    ).json()["data"]
    assert debug["is_valid"] is True and debug["type"] == "PAGE" and debug["expires_at"] == 0
    assert graph(meta_double, "DELETE", "me/permissions", long["access_token"]).json() == {
        "success": True
    }
    assert error_of(graph(meta_double, "GET", brand["page"].id, page_token))["error_subcode"] == 458


def test_threads_login_and_token_lifecycle(meta_double: MetaDouble, brand: dict[str, Any]) -> None:
    redirect = "http://127.0.0.1:9/channels/threads/callback"
    dialog = f"{meta_double.threads_login_url}/oauth/authorize?" + urlencode(
        {
            "client_id": meta_double.threads_app.id,
            "redirect_uri": redirect,
            "scope": "threads_basic",
            "response_type": "code",
            "state": "t",
        }
    )
    location = meta_double.threads_consent(dialog, user=brand["threads"])
    code = parse_qs(urlsplit(location.split("#")[0]).query)["code"][0]
    short = httpx.post(
        f"{meta_double.threads_graph_url}/oauth/access_token",
        data={
            "client_id": meta_double.threads_app.id,
            "client_secret": meta_double.threads_app.secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect,
            "code": code,
        },
    ).json()
    assert short["user_id"] == int(brand["threads"].id)
    long = httpx.get(
        f"{meta_double.threads_graph_url}/access_token",
        params={
            "grant_type": "th_exchange_token",
            "client_secret": meta_double.threads_app.secret,
            "access_token": short["access_token"],
        },
    ).json()
    assert long["token_type"] == "bearer" and long["expires_in"] > 50 * 86400
    refresh = {"grant_type": "th_refresh_token", "access_token": long["access_token"]}
    too_soon = httpx.get(f"{meta_double.threads_graph_url}/refresh_access_token", params=refresh)
    assert error_of(too_soon)["code"] == 100
    meta_double.world.advance(2 * 86400)
    refreshed = httpx.get(
        f"{meta_double.threads_graph_url}/refresh_access_token", params=refresh
    ).json()
    assert refreshed["access_token"] != long["access_token"]
    me = threads(meta_double, "GET", "me", refreshed["access_token"], fields="id,username").json()
    assert me == {"id": brand["threads"].id, "username": "lumiere.threads"}
