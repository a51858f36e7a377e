"""Facebook, Instagram and Threads on the Graph API double, as `NetworkServer`s for the
connector contract suite (tests/networks/test_contract.py, harness.py).

One brand for the whole run, as on Mastodon's servers: a person administering a Page with
an Instagram professional account, and a Threads profile; one fan, who is a Facebook person,
an Instagram account and a Threads profile (`MetaDouble.fan`). Each test connects the brand
again through Palabre's own connect services (Facebook Login for Business and its picker,
Threads' login), which gives it a token of its own: revoking it harms no other test.

The fan acts through the Graph APIs over HTTP where they let a person act: reading what the
brand published (posts, comments, media, Threads posts: what the fan sees, `Seen`), and on
Threads posting, answering and mentioning with the fan's own token. Where Meta's APIs give
a person no way to act (commenting on a Page's post, on an Instagram media, tagging,
liking: the Pages and Instagram APIs act for Pages and professional accounts only), the fan
acts through the double's handle (double.py's `Fan`), as the person's app would.

What these networks do not have is said in the `NetworkServer` (skipped with that reason),
or follows from what the connectors declare (messages, mute, block, report).
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx
from django.conf import settings
from django.urls import reverse

from palabre.networks.base import Visibility
from palabre.networks.instagram.parse import TAG
from tests.networks.harness import Account, NetworkServer, Seen
from tests.networks.meta.double import Fan, MetaDouble
from tests.networks.meta.state import (
    Comment,
    IGComment,
    IGMedia,
    IGUser,
    Page,
    Post,
    ThreadsMedia,
    ThreadsUser,
)

if TYPE_CHECKING:
    from palabre.accounts.models import User, Workspace
    from palabre.channels.models import Channel

STATE = "contract-state"
HANG = 1.5  # seconds a "timeout" fault holds the request: past the shortened timeout (1 s)
TIMEOUT = "palabre.networks.meta.graph.TIMEOUT"
# Likes and follows are counted (post_metrics, account_metrics), never brought to the inbox.
NO_LIKES_OR_FOLLOWS = {
    # Its reactions could be listed (a post's `reactions` edge): the connector counts them.
    "facebook": "the Facebook connector counts reactions and followers; the inbox gets neither",
    "instagram": "Instagram's API lists no likers and no followers, it counts them",
    "threads": "Threads' API lists no likers and no followers, it counts them",
}
NO_CONTENT_WARNINGS = "{} has no content warnings (Palabre offers them on Mastodon only)"
NO_RESET = (
    "Meta's rate limits say no reset time: the usage headers give minutes to wait "
    "(X-Business-Use-Case-Usage) or a percentage used (X-App-Usage)"
)


# --- the fan --------------------------------------------------------------------------


class NotOnThisNetwork(NotImplementedError):
    """What the fan cannot do there; the suite skips before asking (harness.py)."""


class GraphReader:
    """GET requests to the double with the fan's own token, as the fan's app makes them."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        # One client for the run: a new one per request costs more than the request.
        self.client = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def get(self, path: str, **params: str) -> dict[str, Any] | None:
        """The node or edge; None when Graph says it does not exist (deleted, or hidden
        from the fan): error 100, subcode 33."""
        answer = self.client.get(f"{self.base}/{path}", params=params)
        body = answer.json()
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and error.get("error_subcode") == 33:
            return None
        assert answer.status_code == 200 and error is None, answer.text[:300]
        return dict(body)

    def post(self, path: str, **data: str) -> dict[str, Any]:
        answer = self.client.post(f"{self.base}/{path}", data=data)
        assert answer.status_code == 200, answer.text[:300]
        return dict(answer.json())


class MetaPeer:
    """What the fan does alike on the three networks."""

    account: Account
    double: MetaDouble

    def reply_text(self, text: str) -> str:
        return text  # an answer notifies whom it answers: nobody is named in front

    def message(self, text: str, *, in_reply_to: str | None = None) -> str:
        raise NotOnThisNetwork("the double has no private conversations (Messenger, Direct)")

    def public_timeline(self) -> set[str]:
        raise NotOnThisNetwork("Meta's APIs have no public timeline")

    def follow(self) -> None:
        self._followers(+1)

    def unfollow(self) -> None:
        self._followers(-1)

    def _followers(self, change: int) -> None:
        raise NotImplementedError


class FacebookPeer(MetaPeer):
    def __init__(self, double: MetaDouble, fan: Fan, page: Page) -> None:
        self.double, self.fan, self.page = double, fan, page
        self.account = Account("fan", fan.person.id, fan.person.name, fan.token)
        self.graph = GraphReader(f"{double.graph_url}/{double.version}", fan.token)

    def post(self, text: str) -> str:
        raise NotOnThisNetwork("the double holds Pages' feeds, not people's own")

    def reply(self, to: str, text: str) -> str:
        # The Pages API comments as a Page only: the fan's comment is made by the double.
        if isinstance(self.double.get(to), Comment):
            return self.fan.reply(to, text).id
        return self.fan.comment(to, text).id

    def mention(self, text: str) -> str:
        """A visitor post on the Page: what Facebook addresses to a Page."""
        return self.fan.visitor_post(self.page, text).id

    def like(self, remote_id: str) -> None:
        post = self.double.get(remote_id)
        assert isinstance(post, Post), remote_id
        with self.double.world.lock:
            reactions = post.stats.setdefault("reactions", {})
            reactions["like"] = reactions.get("like", 0) + 1

    def _followers(self, change: int) -> None:
        with self.double.world.lock:
            self.page.followers_count = max(0, self.page.followers_count + change)

    def read(self, remote_id: str) -> Seen | None:
        if isinstance(self.double.get(remote_id), Comment):
            return self._comment(remote_id)
        found = self.graph.get(remote_id, fields="id,message,is_published,attachments")
        if found is None or found.get("is_published") is False:
            return None
        photos = [_photo_id(a) for a in _attachments(found.get("attachments"))]
        alt_texts = tuple(self._alt_text(p) for p in photos if p)
        return Seen(
            remote_id=str(found["id"]),
            text=str(found.get("message") or ""),
            visibility=Visibility.PUBLIC,  # a Page's published post is for anyone
            alt_texts=alt_texts,
        )

    def _comment(self, remote_id: str) -> Seen | None:
        found = self.graph.get(remote_id, fields="id,message,parent,object")
        if found is None:
            return None
        answered = _id_of(found.get("parent")) or _id_of(found.get("object"))
        return Seen(
            remote_id=str(found["id"]),
            text=str(found.get("message") or ""),
            visibility=Visibility.PUBLIC,
            in_reply_to=answered or None,
        )

    def _alt_text(self, photo_id: str) -> str:
        photo = self.graph.get(photo_id, fields="alt_text_custom")
        return str((photo or {}).get("alt_text_custom") or "")


class InstagramPeer(MetaPeer):
    def __init__(self, double: MetaDouble, fan: Fan, brand: IGUser) -> None:
        self.double, self.fan, self.brand = double, fan, brand
        # The fan reads with their Facebook token: media are public to any of the app's.
        self.account = Account("fan", fan.ig.id, fan.ig.username, fan.token)
        self.graph = GraphReader(f"{double.graph_url}/{double.version}", fan.token)
        self.under: dict[str, str] = {}  # comment id → the media it is under, once seen

    def post(self, text: str) -> str:
        return self.fan.ig_post(text).id

    def reply(self, to: str, text: str) -> str:
        # The Instagram API comments as a professional account only: the double makes it.
        if isinstance(self.double.get(to), IGComment):
            return self.fan.ig_reply(to, text).id
        return self.fan.ig_comment(to, text).id

    def mention(self, text: str) -> str:
        """A post of the fan's that tags the brand: what the tags edge lists (mentions in
        captions and comments come by webhook only). Palabre names it by its media, with the
        prefix that tells it from a comment (networks/instagram/parse.py)."""
        return TAG + self.fan.ig_tag(self.brand, text).id

    def like(self, remote_id: str) -> None:
        media = self.double.get(remote_id)
        assert isinstance(media, IGMedia), remote_id
        with self.double.world.lock:
            media.like_count += 1

    def _followers(self, change: int) -> None:
        with self.double.world.lock:
            self.brand.followers_count = max(0, self.brand.followers_count + change)

    def read(self, remote_id: str) -> Seen | None:
        node = self.double.get(remote_id)
        if isinstance(node, IGComment):
            self.under[remote_id] = node.media_id
        if remote_id in self.under:
            return self._comment(remote_id, self.under[remote_id])
        found = self.graph.get(remote_id, fields="id,caption,alt_text,children{alt_text}")
        if found is None:
            return None
        children = _data(found.get("children"))
        alts = [c.get("alt_text") for c in children] if children else [found.get("alt_text")]
        return Seen(
            remote_id=str(found["id"]),
            text=str(found.get("caption") or ""),
            visibility=Visibility.PUBLIC,
            alt_texts=tuple(str(a or "") for a in alts),
        )

    def _comment(self, remote_id: str, media_id: str) -> Seen | None:
        """A comment as the fan sees it: under its media, among its comments."""
        shape = "id,text,parent_id"
        found = self.graph.get(
            media_id, fields=f"comments.limit(100){{{shape},replies.limit(100){{{shape}}}}}"
        )
        for comment in _data((found or {}).get("comments")):
            for one in [comment, *_data(comment.get("replies"))]:
                if str(one.get("id")) == remote_id:
                    return Seen(
                        remote_id=remote_id,
                        text=str(one.get("text") or ""),
                        visibility=Visibility.PUBLIC,
                        in_reply_to=str(one.get("parent_id") or media_id),
                    )
        return None


class ThreadsPeer(MetaPeer):
    def __init__(self, double: MetaDouble, fan: Fan, brand: ThreadsUser) -> None:
        self.double, self.fan, self.brand = double, fan, brand
        token = double.threads_token(fan.threads)
        self.account = Account("fan", fan.threads.id, fan.threads.username, token)
        self.graph = GraphReader(f"{double.threads_graph_url}/{double.threads_version}", token)

    def post(self, text: str, *, reply_to: str = "") -> str:
        """Published with the fan's own token: a container, then its publication."""
        # https://developers.facebook.com/docs/threads/posts
        fields = {"media_type": "TEXT", "text": text}
        if reply_to:
            fields["reply_to_id"] = reply_to
        made = self.graph.post(f"{self.account.id}/threads", **fields)
        published = self.graph.post(f"{self.account.id}/threads_publish", creation_id=made["id"])
        return str(published["id"])

    def reply(self, to: str, text: str) -> str:
        return self.post(text, reply_to=to)

    def mention(self, text: str) -> str:
        return self.post(f"@{self.brand.username} {text}")

    def like(self, remote_id: str) -> None:
        # The Threads API has no like: the double counts it in the post's insights.
        media = self.double.get(remote_id)
        assert isinstance(media, ThreadsMedia), remote_id
        with self.double.world.lock:
            media.stats["likes"] = int(media.stats.get("likes", 0)) + 1

    def _followers(self, change: int) -> None:
        with self.double.world.lock:
            self.brand.followers_count = max(0, self.brand.followers_count + change)

    def read(self, remote_id: str) -> Seen | None:
        found = self.graph.get(
            remote_id, fields="id,text,alt_text,media_type,replied_to,children{alt_text}"
        )
        if found is None:
            return None
        children = _data(found.get("children"))
        with_media = found.get("media_type") not in ("TEXT_POST", None)
        alts = [c.get("alt_text") for c in children] if children else [found.get("alt_text")]
        return Seen(
            remote_id=str(found["id"]),
            text=str(found.get("text") or ""),
            visibility=Visibility.PUBLIC,  # everything on Threads is public
            in_reply_to=_id_of(found.get("replied_to")) or None,
            alt_texts=tuple(str(a or "") for a in alts) if with_media else (),
        )


def _data(edge: Any) -> list[dict[str, Any]]:
    data = edge.get("data") if isinstance(edge, dict) else None
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _attachments(edge: Any) -> list[dict[str, Any]]:
    """Each photo of a post's attachments: an album's are its subattachments."""
    found = []
    for attachment in _data(edge):
        found += _data(attachment.get("subattachments")) or [attachment]
    return [a for a in found if a.get("type") == "photo"]


def _photo_id(attachment: dict[str, Any]) -> str:
    return _id_of(attachment.get("target"))


def _id_of(node: Any) -> str:
    return str(node.get("id") or "") if isinstance(node, dict) else ""


# --- faults ---------------------------------------------------------------------------


class GraphFaults:
    """The double's fault injector (MetaDouble.fail and its kin) as the suite's `Faults`:
    `path` is a pattern of the double's (fnmatch on the path, version included)."""

    def __init__(self, double: MetaDouble) -> None:
        self.double = double

    def status(
        self, path: str, status: int, *, error: str = "", count: int = 1, method: str = ""
    ) -> None:
        """A failure as Graph reports its own: a 5xx is code 2 ("Service temporarily
        unavailable", transient); anything else code 100 with the words given.
        https://developers.facebook.com/docs/graph-api/guides/error-handling"""
        if status >= 500:
            message, code = error or "Service temporarily unavailable", 2
        else:
            message, code = error or "(#100) Invalid parameter", 100
        self.double.fail(
            path, code=code, status=status, message=message, times=count, method=method or None
        )

    def rate_limit(
        self,
        path: str,
        *,
        retry_after: int | None = None,
        reset: datetime | None = None,
        count: int = 1,
    ) -> None:
        """A Page limit reached (code 32), whose X-Business-Use-Case-Usage says how many
        minutes until access comes back; Meta never gives a reset time (NO_RESET)."""
        if retry_after is None or reset is not None:
            raise NotImplementedError(NO_RESET)
        minutes = math.ceil(retry_after / 60)
        self.double.rate_limit(path, code=32, times=count, regain_minutes=minutes)

    def malformed(self, path: str, *, count: int = 1) -> None:
        self.double.malformed(path, times=count, body=b'{"id": "1', status=200)  # cut short

    def timeout(self, path: str, *, count: int = 1) -> None:
        self.double.hang(path, seconds=HANG, times=count)

    def clear(self) -> None:
        with self.double.world.lock:
            self.double.faults.clear()


# --- connecting, as Palabre's own services do it ----------------------------------------


def _owner(workspace: Workspace) -> User:
    from palabre.accounts.models import Membership, Role

    membership = Membership.objects.filter(workspace=workspace, role=Role.OWNER).first()
    assert membership is not None, "the workspace has no owner to connect it"
    return membership.user


def _callback_query(back: str, callback: str) -> dict[str, str]:
    back = back.split("#", 1)[0]  # a browser never sends the fragment Threads appends
    assert back.startswith(callback + "?"), back
    query = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(back).query).items()}
    assert query.get("state") == STATE and query.get("code"), back
    return query


def _facebook_login(
    consent: Callable[[str, Account], str], brand: Account, key: str
) -> Callable[[Workspace], Channel]:
    def connect(workspace: Workspace) -> Channel:
        """Facebook Login for Business: the dialog, the code exchanged, the picker."""
        from palabre.channels import meta

        callback = settings.SITE_URL + reverse("meta_callback")
        url = meta.meta_connect_start(redirect_uri=callback, state=STATE)
        query = _callback_query(consent(url, brand), callback)
        owner = _owner(workspace)
        pending = meta.meta_login_finish(
            workspace=workspace, user=owner, code=query["code"], redirect_uri=callback
        )
        picked = meta.pending_connect(pending=pending, user=owner, keys={key})
        assert not picked.refused and len(picked.connected) == 1, picked
        return picked.connected[0]

    return connect


def _threads_login(
    consent: Callable[[str, Account], str], brand: Account
) -> Callable[[Workspace], Channel]:
    def connect(workspace: Workspace) -> Channel:
        from palabre.channels import meta

        callback = settings.SITE_URL + reverse("threads_callback")
        url = meta.threads_connect_start(redirect_uri=callback, state=STATE)
        query = _callback_query(consent(url, brand), callback)
        return meta.threads_connect_finish(
            workspace=workspace, code=query["code"], redirect_uri=callback
        )

    return connect


def _revoke(double: MetaDouble, field: str) -> Callable[[Channel], None]:
    def revoke(channel: Channel) -> None:
        """The person removed the app from their settings: 190/458."""
        double.revoke(channel.credentials[field])

    return revoke


def _no_relationship(author_id: str) -> set[str]:
    return set()  # nothing to mute or block: the connectors declare neither


# --- the three servers ------------------------------------------------------------------


def servers(double: MetaDouble) -> dict[str, NetworkServer]:
    """Facebook's, Instagram's and Threads' `NetworkServer`s, sharing one brand and one fan."""
    admin = double.person("Brigitte Boulanger")
    page = double.page(admin, "Boulangerie Lumière (contrat)", followers=1200)
    ig = double.instagram(page, f"lumiere.contrat.{double.world.new_id()[-6:]}", followers=800)
    th = double.threads_user(f"lumiere.contrat.{double.world.new_id()[-6:]}", followers=300)
    fan = double.fan("Fanny Fan")
    graph, threads = f"/{double.version}", f"/threads/{double.threads_version}"
    common: dict[str, Any] = {
        "relationship": _no_relationship,
        "faults": GraphFaults(double),
        "client_timeout": TIMEOUT,
        # The brand's answers are comments (a Threads reply is listed with the replies).
        "answers_listed_with_posts": False,
        "no_rate_limit_reset": NO_RESET,
        "extra": {"double": double, "fan": fan},
    }

    def facebook_consent(url: str, account: Account) -> str:
        """The Page's admin logs in and grants the Page (the Instagram account comes with
        the Page it is linked to)."""
        assert account.id in (page.id, ig.id)
        return double.facebook_consent(url, person=admin, pages=[page])

    fb_fan, ig_fan, th_fan = (
        FacebookPeer(double, fan, page),
        InstagramPeer(double, fan, ig),
        ThreadsPeer(double, fan, th),
    )
    fb_brand = Account("brand", page.id, page.name, double.page_token(page))
    ig_brand = Account("brand", ig.id, ig.username, double.page_token(page))
    th_brand = Account("brand", th.id, th.username, double.threads_token(th))

    def threads_consent(url: str, account: Account) -> str:
        assert account.id == th.id
        return double.threads_consent(url, user=th)

    facebook = NetworkServer(
        name="graph-double-facebook",
        network="facebook",
        base_url=double.graph_url,
        accounts={"brand": fb_brand, "fan": fb_fan.account},
        handle=page.name,
        consent=facebook_consent,
        connect=_facebook_login(facebook_consent, fb_brand, f"facebook:{page.id}"),
        peer=fb_fan,
        revoke=_revoke(double, "page_token"),
        token_field="page_token",
        fault_paths={
            "publish": f"{graph}/{page.id}/feed",
            "notifications": f"{graph}/{page.id}/feed",
            "account": f"{graph}/{page.id}",
        },
        no_content_warnings=NO_CONTENT_WARNINGS.format("Facebook"),
        no_likes_or_follows=NO_LIKES_OR_FOLLOWS["facebook"],
        no_length_refusal=(
            "Facebook documents no length its API refuses (63,206 is its composer's, "
            "uncertain): the double refuses none"
        ),
        **common,
    )
    instagram = NetworkServer(
        name="graph-double-instagram",
        network="instagram",
        base_url=double.graph_url,
        accounts={"brand": ig_brand, "fan": ig_fan.account},
        handle=f"@{ig.username}",
        consent=facebook_consent,
        connect=_facebook_login(facebook_consent, ig_brand, f"instagram:{ig.id}"),
        peer=ig_fan,
        revoke=_revoke(double, "page_token"),
        token_field="page_token",
        fault_paths={
            "publish": f"{graph}/{ig.id}/media_publish",
            "notifications": f"{graph}/{ig.id}/media",
            "account": f"{graph}/{ig.id}",
        },
        media_required=True,
        no_content_warnings=NO_CONTENT_WARNINGS.format("Instagram"),
        no_likes_or_follows=NO_LIKES_OR_FOLLOWS["instagram"],
        no_length_refusal=(
            "Meta documents no error for a caption over Instagram's 2,200 characters: the "
            "double refuses none (the composer stops it first)"
        ),
        no_post_deletion="Instagram's API deletes comments, never media",
        **common,
    )
    threads_server = NetworkServer(
        name="graph-double-threads",
        network="threads",
        base_url=double.threads_graph_url,
        accounts={"brand": th_brand, "fan": th_fan.account},
        handle=f"@{th.username}",
        consent=threads_consent,
        connect=_threads_login(threads_consent, th_brand),
        peer=th_fan,
        revoke=_revoke(double, "access_token"),
        fault_paths={
            "publish": f"{threads}/{th.id}/threads_publish",
            "notifications": f"{threads}/{th.id}/mentions",
            "account": f"{threads}/{th.id}/threads_insights",
        },
        no_content_warnings=NO_CONTENT_WARNINGS.format("Threads"),
        no_likes_or_follows=NO_LIKES_OR_FOLLOWS["threads"],
        search_authors_by_username=(
            "Threads' keyword search leaves the owner out: the username says who "
            "(https://developers.facebook.com/docs/threads/keyword-search)"
        ),
        **common,
    )
    return {s.name: s for s in (facebook, instagram, threads_server)}
