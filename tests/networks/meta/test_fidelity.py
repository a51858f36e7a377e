"""The double checked against Meta's official SDK (`facebook-business`, pinned in pyproject):

- a scenario reaches every route of the double and every variant of its answers (each node
  read with every field its view can give, nested one level), and every answer recorded,
  with every webhook payload, is validated against the type its route declares;
- a mutation test proves the validator bites: for every recorded answer, renaming any field
  at any level, or giving it a value of a wrong type, makes validation fail;
- each route agrees with the SDK method it names (HTTP method, endpoint, node class, what
  it returns), and refuses an unknown parameter or a wrongly typed one with error 100;
- every shape declared outside the SDK has its link to Meta's page, and only narrows what
  the SDK leaves open.

Runs in `make test` (no marker): the double is in-process and needs no database.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.networks.meta import declared, sdk, validator
from tests.networks.meta.double import MetaDouble
from tests.networks.meta.server import (
    COMMON_PARAMS,
    ROUTES,
    VIEWS,
    Call,
    Many,
    Modified,
    Record,
    Route,
    param_problem,
)
from tests.networks.meta.state import (
    Container,
    IGMedia,
    Node,
    Photo,
    ThreadsContainer,
    ThreadsMedia,
    Video,
)

JPEG = b"\xff\xd8\xff\xe0" + b"1" * 300
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"2" * 300


# --- driving the double ---------------------------------------------------------------------


class Driver:
    """Speaks to the double over HTTP and fails loudly on any unexpected answer."""

    def __init__(self, double: MetaDouble) -> None:
        self.double = double
        self.client = httpx.Client(timeout=20)

    def call(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        threads: bool = False,
        expect: int = 200,
        **params: Any,
    ) -> Any:
        values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        if token:
            values["access_token"] = token
        base = (
            f"{self.double.threads_graph_url}/{self.double.threads_version}"
            if threads
            else f"{self.double.url}/{self.double.version}"
        )
        url = f"{base}/{path}"
        if method in ("GET", "DELETE"):
            answer = self.client.request(method, url, params=values)
        else:
            answer = self.client.post(url, data=values)
        assert answer.status_code == expect, (
            f"{method} {path}: {answer.status_code} {answer.text[:500]}"
        )
        return answer.json()

    def all_fields(self, node: Node, token: str | None, *, depth: int = 2) -> str:
        """Every field the node's view can give, nested nodes and edges expanded."""
        call = Call(
            double=self.double,
            method="GET",
            base="threads" if node.kind.startswith("threads") else "graph",
            path="",
            url="",
            params={},
            files={},
            headers={},
            token=self.double.world.tokens.get(token or ""),
        )
        out = []
        for name, value in VIEWS[node.kind].render(call, node).items():
            if isinstance(value, Modified):
                continue  # asked with its modifier by the scenario
            if callable(value):
                value = value()
            if value is None:
                continue
            inner: Node | None = None
            if isinstance(value, Node):
                inner = value
            elif isinstance(value, Many) and value.items and isinstance(value.items[0], Node):
                inner = value.items[0]
            if inner is not None and depth > 1:
                out.append(f"{name}{{{self.all_fields(inner, token, depth=depth - 1)}}}")
            elif isinstance(value, Many):
                out.append(f"{name}.summary(true)")
            else:
                out.append(name)
        return ",".join(out)

    def read_all(self, node_id: str, token: str, *, threads: bool = False) -> Any:
        node = self.double.get(node_id)
        assert node is not None, node_id
        return self.call(
            "GET", node_id, token, threads=threads, fields=self.all_fields(node, token)
        )

    def edge_all(
        self, node_id: str, edge: str, token: str, *, threads: bool = False, **params: Any
    ) -> Any:
        """An edge with every field of its items (the first item's view tells them)."""
        first = self.call(
            "GET", f"{node_id}/{edge}", token, threads=threads, **{**params, "limit": "1"}
        )
        if first["data"] and isinstance(first["data"][0], dict) and "id" in first["data"][0]:
            item = self.double.get(first["data"][0]["id"])
            if item is not None:
                params = {**params, "fields": self.all_fields(item, token)}
        return self.call("GET", f"{node_id}/{edge}", token, threads=threads, **params)


@dataclass
class Scenario:
    double: MetaDouble
    records: list[Record]
    webhooks: list[tuple[str, dict[str, Any]]]
    requests: list[tuple[str, str, dict[str, str]]]


def _facebook(d: Driver, double: MetaDouble) -> list[tuple[str, dict[str, Any]]]:
    admin = double.person("Brigitte Boulanger")
    page = double.page(admin, "Boulangerie Lumière", followers=1200, username="lumiere")
    double.instagram(page, "lumiere.boulangerie", followers=800)
    token = double.page_token(page)
    fan = double.fan("Fanny Fan")
    image = double.serve_media(JPEG, "image/jpeg")
    video = double.serve_media(MP4, "video/mp4")
    pid = page.id

    d.read_all(pid, token)
    d.call("POST", f"{pid}/subscribed_apps", token, subscribed_fields="feed")
    text = d.call("POST", f"{pid}/feed", token, message="Bonjour", published="true")["id"]
    link = d.call("POST", f"{pid}/feed", token, message="Lisez", link="https://example.org/a")["id"]
    single = d.call(
        "POST", f"{pid}/photos", token, url=image, caption="Pain", alt_text_custom="Un pain"
    )
    assert set(single) == {"id", "post_id"}
    unpublished = [
        d.call("POST", f"{pid}/photos", token, url=image, published="false")["id"] for _ in range(2)
    ]
    album = d.call(
        "POST",
        f"{pid}/feed",
        token,
        message="Deux",
        attached_media=[{"media_fbid": i} for i in unpublished],
    )["id"]
    upload = httpx.post(
        f"{double.url}/{double.version}/{pid}/photos",
        data={"access_token": token, "caption": "Téléversé"},
        files={"source": ("p.jpg", JPEG, "image/jpeg")},
    )
    assert upload.status_code == 200, upload.text
    video_id = d.call(
        "POST", f"{pid}/videos", token, file_url=video, description="Four", title="Four"
    )["id"]
    draft = d.call("POST", f"{pid}/videos", token, file_url=video, published="false")["id"]
    published = d.call("POST", draft, token, published="true", description="Four, publié")
    assert published == {"success": True}
    visitor = fan.visitor_post(page, "Ouvert dimanche ?")
    fan.tag_page(page, "Merci")
    for post_id in (text, link, single["post_id"], album, visitor.id):
        double.get(post_id).stats.update(  # type: ignore[union-attr]
            reactions={"like": 3, "love": 1},
            shares=2,
            post_impressions=40,
            post_impressions_unique=30,
        )
    comment = fan.comment(text, "Miam")
    reply = fan.reply(comment.id, "Encore")
    page_reply = d.call("POST", f"{comment.id}/comments", token, message="Merci !")["id"]
    d.call("POST", f"{text}/comments", token, message="Premier")
    hidden = fan.comment(text, "Insulte")
    assert d.call("POST", hidden.id, token, is_hidden="true") == {"success": True}

    for post_id in (text, link, single["post_id"], album, visitor.id, f"{pid}_{video_id}"):
        if double.get(post_id) is not None:
            d.read_all(post_id, token)
    d.read_all(double.get(video_id).post_id or video_id, token)  # type: ignore[union-attr]
    d.read_all(single["id"], token)
    d.read_all(video_id, token)
    for comment_id in (comment.id, reply.id, page_reply, hidden.id):
        d.read_all(comment_id, token)
    for edge in ("feed", "published_posts", "visitor_posts", "tagged"):
        d.edge_all(pid, edge, token, limit="2")
    d.edge_all(text, "comments", token, filter="stream", order="reverse_chronological")
    d.edge_all(text, "comments", token, summary="true")
    d.edge_all(comment.id, "comments", token)
    d.call(
        "GET",
        f"{text}/insights",
        token,
        metric="post_impressions,post_impressions_unique,post_reactions_by_type_total,post_video_views",
    )
    d.call("GET", f"{pid}/insights", token, metric="page_follows,page_daily_follows", period="day")
    sent = d.call(
        "POST",
        f"{pid}/messages",
        token,
        recipient={"comment_id": comment.id},
        message={"text": "En privé"},
    )
    assert set(sent) == {"recipient_id", "message_id"}
    d.call(
        "POST",
        f"{pid}/messages",
        token,
        expect=400,
        recipient={"comment_id": comment.id},
        message={"text": "2"},
    )
    assert d.call("POST", visitor.id, token, is_hidden="true") == {"success": True}
    assert d.call("DELETE", reply.id, token) == {"success": True}
    assert d.call("DELETE", link, token) == {"success": True}
    fan.read_page_posts(page)

    webhooks = [
        ("PageWebhook", double.webhook_for(comment)),
        ("PageWebhook", double.webhook_for(reply)),
        ("PageWebhook", double.webhook_for(comment, verb="remove")),
        ("PageWebhook", double.webhook_for(visitor)),
    ]
    return webhooks


def _instagram(d: Driver, double: MetaDouble) -> list[tuple[str, dict[str, Any]]]:
    admin = double.person("Iris Instagram")
    page = double.page(admin, "Fromagerie")
    ig = double.instagram(page, "fromagerie", followers=500)
    ig.follower_count_by_day.update(reach=120, views=300)
    token = double.page_token(page)
    fan = double.fan("Igor Fan")
    image = double.serve_media(JPEG, "image/jpeg")
    video = double.serve_media(MP4, "video/mp4")

    d.read_all(ig.id, token)
    single = d.call(
        "POST", f"{ig.id}/media", token, image_url=image, caption="Comté", alt_text="Un comté"
    )["id"]
    d.read_all(single, token)
    media_id = d.call("POST", f"{ig.id}/media_publish", token, creation_id=single)["id"]
    d.read_all(single, token)  # PUBLISHED
    items = [
        d.call(
            "POST",
            f"{ig.id}/media",
            token,
            image_url=image,
            is_carousel_item="true",
            alt_text=f"{i}",
        )["id"]
        for i in range(2)
    ]
    double.plan_containers(polls=2)
    carousel = d.call(
        "POST",
        f"{ig.id}/media",
        token,
        media_type="CAROUSEL",
        children=",".join(items),
        caption="Deux",
    )
    d.read_all(carousel["id"], token)  # IN_PROGRESS
    d.call("POST", f"{ig.id}/media_publish", token, expect=400, creation_id=carousel["id"])
    d.call("GET", carousel["id"], token, fields="status_code")  # the last IN_PROGRESS
    album = d.call("POST", f"{ig.id}/media_publish", token, creation_id=carousel["id"])["id"]
    reel = d.call(
        "POST", f"{ig.id}/media", token, media_type="REELS", video_url=video, caption="Reel"
    )["id"]
    reel_id = d.call("POST", f"{ig.id}/media_publish", token, creation_id=reel)["id"]
    broken = d.call("POST", f"{ig.id}/media", token, image_url=f"{double.url}/_media/none")["id"]
    d.read_all(broken, token)  # ERROR
    stale = d.call("POST", f"{ig.id}/media", token, image_url=image)["id"]
    double.set_container(stale, "EXPIRED")
    d.read_all(stale, token)
    d.call("POST", f"{ig.id}/media_publish", token, expect=400, creation_id=stale)

    comment = fan.ig_comment(media_id, "Délicieux")
    reply = fan.ig_reply(comment.id, "Oui")
    brand_reply = d.call("POST", f"{comment.id}/replies", token, message="Merci")["id"]
    brand_comment = d.call("POST", f"{media_id}/comments", token, message="Premier commentaire")[
        "id"
    ]
    assert d.call("POST", comment.id, token, hide="true") == {"success": True}
    for node_id in (media_id, album, reel_id):
        double.get(node_id).stats.update(reach=50, saved=4, shares=2, views=90)  # type: ignore[union-attr]
        d.read_all(node_id, token)
    for node_id in (comment.id, reply.id, brand_reply, brand_comment):
        d.read_all(node_id, token)
    d.edge_all(ig.id, "media", token, limit="2")
    d.edge_all(album, "children", token)
    d.edge_all(media_id, "comments", token)
    d.edge_all(comment.id, "replies", token)
    tag = fan.ig_tag(ig, "Chez @fromagerie")
    d.edge_all(ig.id, "tags", token)
    mention = fan.ig_mention(ig, "Bravo")
    in_caption = fan.ig_mention(ig, "Vu chez", in_caption=True)
    d.call(
        "GET",
        ig.id,
        token,
        fields=f"mentioned_comment.comment_id({mention.id}){{id,text,timestamp,username,like_count,media{{id,caption,permalink}}}}",
    )
    d.call(
        "GET",
        ig.id,
        token,
        fields=f"mentioned_media.media_id({in_caption.id}){{id,caption,media_type,timestamp,permalink,username,like_count,comments_count}}",
    )
    d.call(
        "POST",
        f"{ig.id}/mentions",
        token,
        media_id=mention.media_id,
        comment_id=mention.id,
        message="Merci !",
    )
    d.call("POST", f"{ig.id}/mentions", token, media_id=in_caption.id, message="Merci !")
    d.call("GET", f"{ig.id}/content_publishing_limit", token, fields="config,quota_usage")
    d.call(
        "GET",
        f"{media_id}/insights",
        token,
        metric="reach,likes,comments,shares,saved,views,total_interactions",
    )
    d.call("GET", f"{ig.id}/insights", token, metric="reach,views", period="day")
    d.call(
        "GET",
        f"{ig.id}/insights",
        token,
        metric="reach,follows",
        period="day",
        metric_type="total_value",
    )
    d.call(
        "POST",
        f"{ig.id}/messages",
        token,
        recipient={"comment_id": reply.id},
        message={"text": "En privé"},
    )
    assert d.call("DELETE", brand_comment, token) == {"success": True}
    assert d.call("DELETE", reel_id, token) == {"success": True}
    d.call("GET", tag.id, token)
    assert d.call(
        "POST", f"{ig.id}/subscribed_apps", token, subscribed_fields="comments,mentions"
    ) == {"success": True}
    d.call("GET", f"{ig.id}/subscribed_apps", token)
    return [
        ("InstagramWebhook", double.webhook_for(comment)),
        ("InstagramWebhook", double.webhook_for(reply)),
        ("InstagramWebhook", double.webhook_for(mention)),  # type: ignore[arg-type]
    ]


def _threads(d: Driver, double: MetaDouble) -> list[tuple[str, dict[str, Any]]]:
    user = double.threads_user("atelier", name="L'Atelier", followers=90)
    user.views_by_day.update({"2026-05-01": 10, "2026-05-02": 20})
    token = double.threads_token(user)
    fan = double.fan("Théo Fan")
    image = double.serve_media(JPEG, "image/jpeg")
    video = double.serve_media(MP4, "video/mp4")

    def publish(**params: Any) -> str:
        container = d.call("POST", f"{user.id}/threads", token, threads=True, **params)["id"]
        d.read_all(container, token, threads=True)
        return str(
            d.call(
                "POST", f"{user.id}/threads_publish", token, threads=True, creation_id=container
            )["id"]
        )

    d.read_all(user.id, token, threads=True)
    d.call("GET", "me", token, threads=True, fields="id,username,name")
    text = publish(media_type="TEXT", text="Bonjour", reply_control="mentioned_only")
    picture = publish(media_type="IMAGE", image_url=image, text="Photo", alt_text="Une photo")
    moving = publish(media_type="VIDEO", video_url=video, text="Vidéo")
    items = [
        d.call(
            "POST",
            f"{user.id}/threads",
            token,
            threads=True,
            media_type="IMAGE",
            image_url=image,
            is_carousel_item="true",
        )["id"]
        for _ in range(2)
    ]
    carousel = publish(media_type="CAROUSEL", children=",".join(items), text="Deux")
    part_two = publish(media_type="TEXT", text="Suite", reply_to_id=text)
    broken = d.call(
        "POST",
        f"{user.id}/threads",
        token,
        threads=True,
        media_type="VIDEO",
        video_url=f"{double.url}/_media/none",
    )["id"]
    d.read_all(broken, token, threads=True)  # ERROR + error_message
    double.plan_containers(polls=1)
    pending = d.call(
        "POST", f"{user.id}/threads", token, threads=True, media_type="TEXT", text="Attente"
    )["id"]
    d.read_all(pending, token, threads=True)  # IN_PROGRESS
    d.call(
        "POST", f"{user.id}/threads_publish", token, threads=True, expect=400, creation_id=broken
    )

    reply = fan.threads_reply(text, "Super")
    deeper = fan.threads_reply(reply.id, "Oui")
    mention = fan.threads_mention(user, "Regardez")
    assert d.call("POST", f"{reply.id}/manage_reply", token, threads=True, hide="true") == {
        "success": True
    }
    for node_id in (text, picture, moving, carousel, part_two, reply.id, deeper.id):
        double.get(node_id).stats.update(views=30, likes=3, reposts=1, quotes=1, shares=1)  # type: ignore[union-attr]
        d.read_all(node_id, token, threads=True)
    d.edge_all(user.id, "threads", token, threads=True, limit="2")
    d.edge_all(user.id, "replies", token, threads=True)
    d.edge_all(user.id, "mentions", token, threads=True)
    d.edge_all(text, "replies", token, threads=True)
    d.edge_all(text, "conversation", token, threads=True, reverse="false")
    d.call(
        "GET",
        f"{user.id}/threads_publishing_limit",
        token,
        threads=True,
        fields="quota_usage,config,reply_quota_usage,reply_config",
    )
    d.call(
        "GET",
        f"{text}/insights",
        token,
        threads=True,
        metric="views,likes,replies,reposts,quotes,shares",
    )
    d.call(
        "GET",
        f"{user.id}/threads_insights",
        token,
        threads=True,
        metric="views,likes,followers_count",
    )
    tagged = fan.threads_post("Une fournée #Levain")
    every = d.all_fields(tagged, token)
    for mode, q in (("KEYWORD", "fournée"), ("TAG", "levain")):
        found = d.call(
            "GET",
            "keyword_search",
            token,
            threads=True,
            q=q,
            search_mode=mode,
            search_type="RECENT",
            since=str(int(tagged.created) - 60),
            limit="10",
            fields=every,
        )
        assert [m["id"] for m in found["data"]] == [tagged.id], found
        assert "owner" not in found["data"][0]
    assert d.call("DELETE", moving, token, threads=True) == {"success": True, "deleted_id": moving}
    return [
        ("ThreadsWebhook", double.webhook_for(reply)),
        ("ThreadsWebhook", double.webhook_for(deeper)),
        ("ThreadsWebhook", double.webhook_for(mention)),
    ]


def _logins(d: Driver, double: MetaDouble) -> None:
    from urllib.parse import parse_qs, urlencode, urlsplit

    admin = double.person("Louise Login")
    page = double.page(admin, "Librairie")
    double.instagram(page, "librairie")
    redirect = "http://127.0.0.1:9/callback"
    dialog = f"{double.login_url}/{double.version}/dialog/oauth?" + urlencode(
        {
            "client_id": double.app.id,
            "redirect_uri": redirect,
            "state": "x",
            "response_type": "code",
        }
    )
    code = parse_qs(urlsplit(double.facebook_consent(dialog, person=admin)).query)["code"][0]
    app = {"client_id": double.app.id, "client_secret": double.app.secret}
    short = d.call("GET", "oauth/access_token", None, redirect_uri=redirect, code=code, **app)
    long = d.call(
        "GET",
        "oauth/access_token",
        None,
        grant_type="fb_exchange_token",
        fb_exchange_token=short["access_token"],
        **app,
    )
    d.read_all(admin.id, long["access_token"])
    d.call("GET", "me", long["access_token"], fields="id,name")
    accounts = d.call(
        "GET",
        "me/accounts",
        long["access_token"],
        fields="id,name,access_token,followers_count,fan_count,link,username,instagram_business_account{id,username,name,followers_count}",
    )
    app_token = f"{double.app.id}|{double.app.secret}"
    d.call("GET", "debug_token", app_token, input_token=long["access_token"])
    d.call("GET", "debug_token", app_token, input_token=accounts["data"][0]["access_token"])
    d.call("GET", "debug_token", app_token, input_token="nonsense")
    d.call("DELETE", "me/permissions", long["access_token"])
    d.call(
        "GET", "debug_token", app_token, input_token=long["access_token"]
    )  # invalid now, with error

    user = double.threads_user("login.threads")
    dialog = f"{double.threads_login_url}/oauth/authorize?" + urlencode(
        {
            "client_id": double.threads_app.id,
            "redirect_uri": redirect,
            "scope": "threads_basic",
            "response_type": "code",
        }
    )
    location = double.threads_consent(dialog, user=user)
    code = parse_qs(urlsplit(location.split("#")[0]).query)["code"][0]
    base = double.threads_graph_url
    short = httpx.post(
        f"{base}/oauth/access_token",
        data={
            "client_id": double.threads_app.id,
            "client_secret": double.threads_app.secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect,
            "code": code,
        },
    ).json()
    long = httpx.get(
        f"{base}/access_token",
        params={
            "grant_type": "th_exchange_token",
            "client_secret": double.threads_app.secret,
            "access_token": short["access_token"],
        },
    ).json()
    double.world.tokens[long["access_token"]].issued -= 2 * 86400
    httpx.get(
        f"{base}/refresh_access_token",
        params={"grant_type": "th_refresh_token", "access_token": long["access_token"]},
    ).raise_for_status()


def _errors(d: Driver, double: MetaDouble) -> None:
    admin = double.person("Eve Errors")
    page = double.page(admin, "Erreurs")
    token = double.page_token(page)
    d.call("GET", page.id, None, expect=400)
    d.call("GET", page.id, "garbage", expect=400)
    gone = double.page_token(page)
    double.expire(gone)
    d.call("GET", page.id, gone, expect=400)
    d.call("GET", page.id, token, expect=400, fields="name,nope")
    d.call("GET", "999999999", token, expect=400)
    double.fail(
        f"/{double.version}/{page.id}",
        code=368,
        message="(#368) The action attempted has been deemed abusive",
        user_title="Blocked",
        user_msg="You can't do this now",
        subcode=1390008,
    )
    d.call("GET", page.id, token, expect=400)
    double.rate_limit(f"/{double.version}/{page.id}", code=80001, business_id=page.id)
    d.call("GET", page.id, token, expect=400)
    double.fail(f"/{double.version}/{page.id}", code=2, message="Service temporarily unavailable")
    d.call("GET", page.id, token, expect=500)


@pytest.fixture(scope="module")
def scenario() -> Iterator[Scenario]:
    double = MetaDouble().start()
    try:
        d = Driver(double)
        hooks = _facebook(d, double) + _instagram(d, double) + _threads(d, double)
        _logins(d, double)
        _errors(d, double)
        yield Scenario(double, list(double.records), hooks, list(double.requests))
    finally:
        double.stop()


def json_routes() -> list[Route]:
    return [r for r in ROUTES if r.returns != "Html"]


# --- the answers ------------------------------------------------------------------------------


def test_the_scenario_reaches_every_route(scenario: Scenario) -> None:
    reached = {r.route for r in scenario.records}
    missing = [r.key for r in json_routes() if r.key not in reached]
    assert missing == []
    assert "error" in reached


def test_every_answer_is_what_its_route_declares(scenario: Scenario) -> None:
    problems = [
        f"{record.route}: {problem}"
        for record in scenario.records
        for problem in validator.validate(validator.route_type(record.returns), record.body)
    ]
    assert problems == []


def test_every_request_carried_parameters_of_the_declared_types(scenario: Scenario) -> None:
    """What the scenario sent, route by route, against the SDK's param_types (or the
    route's declared ones): the double enforces it at run time; this proves the scenario
    used parameters at all, and of the declared types."""
    routes = {r.key: r for r in ROUTES}
    problems, checked = [], 0
    for record in scenario.records:
        if record.route not in routes:
            continue
        declared_params, method = routes[record.route].declared_params()
        for name, raw in record.params.items():
            type_name = declared_params.get(name) or COMMON_PARAMS.get(name)
            enum = sdk.enum_values(method, type_name) if method and type_name else None
            problem = (
                "undeclared" if type_name is None else param_problem(type_name, raw, enum, method)
            )
            checked += 1
            if problem:
                problems.append(f"{record.route} {name}={raw!r}: {problem}")
    assert problems == []
    assert checked > 300


def test_every_webhook_payload_is_what_meta_documents(scenario: Scenario) -> None:
    kinds = {kind for kind, _ in scenario.webhooks}
    assert kinds == {"PageWebhook", "InstagramWebhook", "ThreadsWebhook"}
    problems = [p for kind, payload in scenario.webhooks for p in validator.validate(kind, payload)]
    assert problems == []


def test_the_answers_use_the_fields_their_classes_declare(scenario: Scenario) -> None:
    """Not a handful: the scenario's answers hold many of the SDK classes' fields."""
    used: dict[str, set[str]] = {}
    for record in scenario.records:
        for _path, type_name, value in walk(validator.route_type(record.returns), record.body):
            if isinstance(value, dict) and validator.fields_of(type_name) is not None:
                used.setdefault(type_name, set()).update(value)
    for cls in (
        "Page",
        "PagePost",
        "Comment",
        "IGUser",
        "IGMedia",
        "IGComment",
        "InsightsResult",
        "InstagramInsightsResult",
    ):
        assert len(used.get(cls, ())) >= 3, (cls, used.get(cls))


# --- the mutation test --------------------------------------------------------------------------


def walk(
    type_name: str, value: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], str, Any]]:
    """(path, declared type, value) for the value and everything inside it."""
    yield path, type_name, value
    alternatives = validator.split_top(type_name, "|")
    if len(alternatives) > 1:
        chosen = next(
            (a for a in alternatives if not validator.validate(a, value)), alternatives[0]
        )
        yield from list(walk(chosen, value, path))[1:]
        return
    if type_name.startswith("edge<") and isinstance(value, dict):
        inner = type_name[5:-1]
        for key, item in value.items():
            child = {"data": f"list<{inner}>", "paging": "Paging", "summary": "EdgeSummary"}[key]
            yield from walk(child, item, (*path, key))
    elif type_name.startswith("list<") and isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(type_name[5:-1], item, (*path, i))
    elif type_name.startswith("map<") and isinstance(value, dict):
        kinds = validator.split_top(type_name[4:-1], ",")
        for key, item in value.items():
            yield from walk(kinds[-1], item, (*path, key))
    elif isinstance(value, dict):
        fields = validator.fields_of(type_name) or {}
        for key, item in value.items():
            yield from walk(fields.get(key, "Object"), item, (*path, key))


def wrong_value(value: Any) -> Any:
    """A value of another JSON type than `value`'s."""
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {"not": "a list"}
    return "not an object"


def _at(body: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        body = body[step]
    return body


def test_any_renamed_or_retyped_field_fails_validation(scenario: Scenario) -> None:
    """Every key of every recorded answer (and webhook payload), at every level: renamed, or
    given a value of another type, validation must fail. Keys of maps (free by
    declaration) are only retyped; open types (Object) must not be emitted at all."""
    samples = [(validator.route_type(r.returns), r.body) for r in scenario.records]
    samples += list(scenario.webhooks)
    seen: set[str] = set()
    not_biting: list[str] = []
    open_values: list[str] = []
    mutations = 0
    for type_name, body in samples:
        walked = list(walk(type_name, body))
        types_at = {path: found for path, found, _ in walked}
        for path, declared_type, value in walked:
            if not path:
                continue
            if declared_type in validator.OPEN:
                open_values.append(f"{type_name} {path}")
            container_type = types_at[path[:-1]]
            signature = f"{type_name} {container_type} {path[-1] if isinstance(path[-1], str) else '#'} {declared_type}"
            if signature in seen:
                continue
            seen.add(signature)
            retyped = copy.deepcopy(body)
            _at(retyped, path[:-1])[path[-1]] = wrong_value(value)
            mutations += 1
            if not validator.validate(type_name, retyped):
                not_biting.append(f"retype {type_name} {path}")
            is_map = any(t.startswith("map<") for t in validator.split_top(container_type, "|"))
            if isinstance(path[-1], str) and not is_map:
                renamed = copy.deepcopy(body)
                parent = _at(renamed, path[:-1])
                parent[path[-1] + "_renamed"] = parent.pop(path[-1])
                mutations += 1
                if not validator.validate(type_name, renamed):
                    not_biting.append(f"rename {type_name} {path}")
    assert open_values == [], "an Object field the double sends needs a refinement in declared.py"
    assert not_biting == []
    assert mutations > 500  # the whole scenario, not a sample


def test_the_validator_refuses_what_it_should() -> None:
    assert validator.validate("Page", {"id": "1", "name": "x"}) == []
    assert validator.validate("Page", {"id": 1})  # an id is a string
    assert validator.validate("Page", {"nope": "x"})
    assert validator.validate("PagePost", {"created_time": "2026-05-01 12:00:00"})
    assert validator.validate("PagePost", {"created_time": "2026-05-01T12:00:00+0000"}) == []
    assert validator.validate("Page", {"fan_count": -1})  # unsigned
    assert validator.validate("Page", {"fan_count": True})  # a bool is no int
    assert validator.validate("edge<Page>", {"paging": {}})  # no data
    assert validator.validate("edge<Page>", {"data": [], "cursor": {}})
    assert validator.validate("IGContainer", {"id": "1", "status_code": "DONE"})  # enum
    assert validator.validate("InsightsValue", {"value": {"like": "3"}})
    assert validator.validate("InsightsValue", {"value": {"like": 3}}) == []
    assert validator.validate("list<string>", ["a", 1])
    assert validator.validate("NoSuchType", {})


# --- routes against the SDK --------------------------------------------------------------------


def test_each_route_is_the_sdk_method_it_names() -> None:
    problems = []
    for route in json_routes():
        if route.sdk is None:
            if not route.doc:
                problems.append(f"{route.key}: neither an SDK method nor a documentation link")
            continue
        method = sdk.method(route.sdk)
        view_type = VIEWS[route.kind].type_name if route.kind in VIEWS else None
        if method.http != route.method:
            problems.append(f"{route.key}: the SDK's {route.sdk} is {method.http}")
        if method.endpoint != f"/{route.edge}":
            problems.append(f"{route.key}: the SDK's {route.sdk} is {method.endpoint}")
        if view_type != method.cls:
            problems.append(
                f"{route.key}: the node is a {view_type}, {route.sdk} is on {method.cls}"
            )
        returned = route.returns[5:-1] if route.returns.startswith("list<") else route.returns
        if method.target != "AbstractCrudObject" and returned != method.target:
            if returned not in declared.SCHEMAS or not route.doc:
                problems.append(f"{route.key}: returns {returned}, the SDK says {method.target}")
    assert problems == []


def test_each_view_is_a_declared_type() -> None:
    for view in VIEWS.values():
        assert validator.fields_of(view.type_name) is not None, view.type_name


def test_a_wrong_parameter_is_refused_on_every_route() -> None:
    """Each route, an unknown parameter; each declared parameter whose type is not free text,
    a value of the wrong type: Graph error 100, nothing done."""
    double = MetaDouble().start()
    try:
        client = httpx.Client(timeout=10)
        problems = []
        checked = 0
        ids = _nodes(double)
        nodes = len(double.world.nodes)
        for route in json_routes():
            declared_params, method = route.declared_params()
            base = {
                "graph": f"{double.url}/{double.version}",
                "threads": f"{double.threads_graph_url}/{double.threads_version}",
                "www": f"{double.login_url}/{double.version}",
                "threads-www": double.threads_login_url,
            }[route.base]
            path = (
                route.edge if route.kind == "/" else f"{ids[route.kind]}/{route.edge}".rstrip("/")
            )
            attempts = [("not_a_graph_param", "1")]
            for name, type_name in declared_params.items():
                enum = sdk.enum_values(method, type_name) if method else None
                wrong = _wrong_param(type_name, enum)
                if wrong is not None:
                    attempts.append((name, wrong))
            for name, value in attempts:
                params = {name: value}
                if route.method in ("GET", "DELETE"):
                    answer = client.request(route.method, f"{base}/{path}", params=params)
                else:
                    answer = client.post(f"{base}/{path}", data=params)
                checked += 1
                body = (
                    answer.json()
                    if answer.headers.get("content-type", "").startswith("application/json")
                    else {}
                )
                if body.get("error", {}).get("code") != 100:
                    problems.append(
                        f"{route.key} {name}={value!r}: {answer.status_code} {answer.text[:120]}"
                    )
        assert problems == []
        assert checked > 200
        assert len(double.world.nodes) == nodes  # refused before anything was done
    finally:
        double.stop()


def _nodes(double: MetaDouble) -> dict[str, str]:
    """One node of every kind a route names (so a refusal is about the parameter)."""
    admin = double.person("Param Checker")
    page = double.page(admin, "Params")
    ig = double.instagram(page, "params")
    th = double.threads_user("params")
    fan = double.fan("Param Fan")
    post = double.new_post(page, by=page.id, message="x")
    comment = fan.comment(post.id, "x")
    photo = double.world.add(Photo(id=double.world.new_id(), page_id=page.id))
    video = double.world.add(Video(id=double.world.new_id(), page_id=page.id))
    media = double.world.add(IGMedia(id=double.world.new_id(), user_id=ig.id, page_id=page.id))
    ig_comment = fan.ig_comment(media.id, "x")
    container = double.world.add(
        Container(id=double.world.new_id(), user_id=ig.id, owner_page=page.id)
    )
    threads_container = double.world.add(ThreadsContainer(id=double.world.new_id(), user_id=th.id))
    threads_media = double.world.add(ThreadsMedia(id=double.world.new_id(), user_id=th.id))
    found = {
        "person": admin,
        "page": page,
        "ig_user": ig,
        "threads_user": th,
        "post": post,
        "comment": comment,
        "photo": photo,
        "video": video,
        "ig_media": media,
        "ig_comment": ig_comment,
        "container": container,
        "threads_container": threads_container,
        "threads_media": threads_media,
    }
    return {kind: node.id for kind, node in found.items()}


def _wrong_param(type_name: str, enum: list[str] | None) -> str | None:
    if enum is not None:
        return "NOT_AN_ENUM_VALUE"
    if type_name in ("int", "unsigned int", "float"):
        return "twelve"
    if type_name == "bool":
        return "maybe"
    if type_name == "datetime":
        return "next tuesday"
    if type_name in ("map", "object") or type_name.startswith("map<"):
        return "{not json"
    if type_name.startswith("list<") and type_name[5:-1] in (
        "int",
        "unsigned int",
        "bool",
        "float",
    ):
        return '["x"]'
    return None


# --- the declarations outside the SDK ------------------------------------------------------------


def test_every_declared_shape_links_to_meta_and_resolves() -> None:
    assert set(declared.SCHEMAS) == set(declared.DOCS)
    assert all(
        url.startswith("https://developers.facebook.com/docs/") for url in declared.DOCS.values()
    )
    problems = []
    for name, fields in declared.SCHEMAS.items():
        if sdk.find(name) is not None:
            problems.append(f"{name} shadows an SDK class")
        for field, type_name in fields.items():
            problems += [f"{name}.{field}: {p}" for p in _unresolved(type_name)]
    for (owner, field), refined in declared.REFINEMENTS.items():
        owner_class = sdk.find(owner)
        assert owner_class is not None, owner
        original = owner_class.field_types.get(field)
        edge = owner_class.edge("GET", f"/{field}")
        if original not in validator.OPEN and not (edge and edge.target == "AbstractCrudObject"):
            problems.append(
                f"{owner}.{field} is {original} in the SDK: a refinement may only narrow Object"
            )
        problems += [f"{owner}.{field}: {p}" for p in _unresolved(refined)]
    assert problems == []


def _unresolved(type_name: str) -> list[str]:
    for part in validator.split_top(type_name, "|"):
        inner = part
        while inner.startswith(("list<", "edge<", "map<")):
            inner = validator.split_top(inner[inner.index("<") + 1 : -1], ",")[-1]
        known = (
            inner in ("string", "int", "unsigned int", "bool", "float", "datetime")
            or inner in validator.OPEN
            or validator.enum_values(inner) is not None
            or validator.fields_of(inner) is not None
        )
        if not known:
            return [f"{inner} is declared nowhere"]
    return []
