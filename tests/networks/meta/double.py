"""The Graph API double as tests hold it: `MetaDouble`, the server (server.py) with its
network modules loaded, and a handle to make the world a test needs.

    double = MetaDouble().start()            # or the `meta_double` fixture (fixtures.py)
    admin = double.person("Brigitte Boulanger")
    page = double.page(admin, "Boulangerie Lumière", followers=1200)
    ig = double.instagram(page, "lumiere.boulangerie", followers=800)
    th = double.threads_user("lumiere.threads")
    page_token = double.page_token(page)     # what connect stores (never expires)
    threads_token = double.threads_token(th)
    fan = double.fan("Fanny Fan")            # a person + an IG account + a Threads profile
    fan.comment(post_id, "Lovely!")          # Facebook; fan.reply(comment_id, …)
    fan.visitor_post(page, "Open on Sunday?"); fan.tag_page(page, "…")
    fan.ig_comment(media_id, "…"); fan.ig_reply(comment_id, "…"); fan.ig_mention(ig, "…")
    fan.ig_tag(ig, "caption"); fan.threads_reply(media_id, "…"); fan.threads_mention(th, "…")
    fan.read_page_posts(page)                # what the brand published, over HTTP
    double.expire(token); double.revoke(token, subcode=458)
    double.plan_containers(polls=3, outcome="FINISHED")   # or ERROR, EXPIRED
    double.fail("/v26.0/*/media_publish", code=2, times=1); double.rate_limit("/v26.0/*", code=4)
    double.send_webhook(url, double.webhook_comment(comment)); double.handshake(url, verify_token=…)
    double.serve_media(b"...", "image/jpeg") -> URL on the double itself
    double.settings()                        # the PALABRE_* values pointing at it

Tests share one server per session: each makes its own people and Pages (unique ids);
`reset()` (the fixture calls it after each test) clears faults, plans and usage, not data.
"""

from __future__ import annotations

import json
import secrets
import string
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tests.networks.meta import facebook, instagram, oauth, threads, webhooks  # noqa: F401 (routes)
from tests.networks.meta.server import DoubleServer, Fault, Raw
from tests.networks.meta.state import (
    LONG_LIVED_SECONDS,
    App,
    Comment,
    Container,
    IGComment,
    IGMedia,
    IGUser,
    Node,
    Page,
    Person,
    Post,
    ThreadsContainer,
    ThreadsMedia,
    ThreadsUser,
    Token,
)

META_APP_ID = "880011223344556"
META_APP_SECRET = "double-meta-app-secret-0123456789"  # noqa: S105 (a test double's)
THREADS_APP_ID = "990011223344557"
THREADS_APP_SECRET = "double-threads-app-secret-0123456789"  # noqa: S105
CONFIG_ID = "770011223344558"
WEBHOOK_TOKEN = "double-webhook-verify-token"  # noqa: S105


def _shortcode() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(11))


class MetaDouble(DoubleServer):
    def __init__(self, *, port: int = 0) -> None:
        super().__init__(
            app=App(META_APP_ID, META_APP_SECRET, "Palabre (double)", "facebook"),
            threads_app=App(
                THREADS_APP_ID, THREADS_APP_SECRET, "Palabre Threads (double)", "threads"
            ),
            port=port,
        )
        self._plans: deque[tuple[int, str]] = deque()
        self.default_plan = (0, "FINISHED")

    def start(self) -> MetaDouble:
        super().start()
        return self

    # -- configuration -------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """The Palabre settings (and environment variables) that point at this double."""
        return {
            "PALABRE_META_GRAPH_URL": self.graph_url,
            "PALABRE_META_LOGIN_URL": self.login_url,
            "PALABRE_META_API_VERSION": self.version,
            "PALABRE_META_APP_ID": self.app.id,
            "PALABRE_META_APP_SECRET": self.app.secret,
            "PALABRE_META_CONFIG_ID": CONFIG_ID,
            "PALABRE_META_WEBHOOK_TOKEN": WEBHOOK_TOKEN,
            "PALABRE_THREADS_GRAPH_URL": self.threads_graph_url,
            "PALABRE_THREADS_LOGIN_URL": self.threads_login_url,
            "PALABRE_THREADS_API_VERSION": self.threads_version,
            "PALABRE_THREADS_APP_ID": self.threads_app.id,
            "PALABRE_THREADS_APP_SECRET": self.threads_app.secret,
        }

    def reset(self) -> None:
        """What one test changed of the server's behaviour goes (its data stays: tests
        pick their own)."""
        with self.world.lock:
            self.faults.clear()
            self._plans.clear()
            self.default_plan = (0, "FINISHED")
            self.usage = {"call_count": 1, "total_cputime": 1, "total_time": 1}
            self.require_proof = False
            self.world.offset = 0.0

    # -- people, Pages, accounts ---------------------------------------------------

    def person(self, name: str) -> Person:
        return self.world.add(Person(id=self.world.new_id(), name=name))

    def page(
        self,
        admin: Person,
        name: str,
        *,
        followers: int = 0,
        fans: int | None = None,
        username: str = "",
    ) -> Page:
        page = self.world.add(
            Page(
                id=self.world.new_id(),
                name=name,
                username=username,
                followers_count=followers,
                fan_count=followers if fans is None else fans,
                admins=[admin.id],
            )
        )
        admin.pages.append(page.id)
        return page

    def instagram(self, page: Page, username: str, *, followers: int = 0, name: str = "") -> IGUser:
        """An Instagram professional account linked to `page` (Facebook Login's way)."""
        user = self.world.add(
            IGUser(
                id=self.world.new_id(),
                username=username,
                name=name or username,
                page_id=page.id,
                followers_count=followers,
            )
        )
        page.ig_user_id = user.id
        return user

    def threads_user(self, username: str, *, name: str = "", followers: int = 0) -> ThreadsUser:
        return self.world.add(
            ThreadsUser(
                id=self.world.new_id(),
                username=username,
                name=name or username,
                followers_count=followers,
            )
        )

    def fan(self, name: str) -> Fan:
        person = self.person(name)
        handle = name.lower().replace(" ", ".") + "." + self.world.new_id()[-4:]
        ig = self.world.add(IGUser(id=self.world.new_id(), username=handle, name=name))
        th = self.threads_user(handle, name=name)
        return Fan(self, person, ig, th, self.user_token(person))

    # -- tokens ----------------------------------------------------------------------

    def user_token(
        self, person: Person, *, pages: list[Page] | None = None, long_lived: bool = True
    ) -> str:
        now = self.world.now()
        token = self.world.new_token(
            app_id=self.app.id,
            kind="user",
            subject=person.id,
            person_id=person.id,
            expires=now + (LONG_LIVED_SECONDS if long_lived else 3600),
            long_lived=long_lived,
            scopes=list(oauth.FACEBOOK_SCOPES),
            pages=[p.id for p in pages] if pages is not None else list(person.pages),
            data_access_expires=now + 90 * 86400,
        )
        return token.value

    def page_token_for(self, user_token: Token, page: Page) -> str:
        """The Page token /me/accounts gives for `user_token`: it never expires when the
        user token is long-lived, and dies with it when the user revokes."""
        token = self.world.new_token(
            app_id=self.app.id,
            kind="page",
            subject=page.id,
            person_id=user_token.person_id,
            expires=None if user_token.long_lived else user_token.expires,
            long_lived=user_token.long_lived,
            scopes=user_token.scopes,
            pages=[page.id],
            parent=user_token.value,
            data_access_expires=user_token.data_access_expires,
        )
        return token.value

    def page_token(self, page: Page) -> str:
        """A never-expiring Page token (as connecting stores), from a first admin's
        long-lived user token."""
        admin = self.world.get(page.admins[0])
        assert isinstance(admin, Person)
        user = self.world.tokens[self.user_token(admin, pages=[page])]
        return self.page_token_for(user, page)

    def threads_token(self, user: ThreadsUser, *, long_lived: bool = True) -> str:
        token = self.world.new_token(
            app_id=self.threads_app.id,
            kind="threads",
            subject=user.id,
            person_id=user.id,
            expires=self.world.now() + (LONG_LIVED_SECONDS if long_lived else 3600),
            long_lived=long_lived,
            scopes=list(oauth.THREADS_SCOPES),
        )
        return token.value

    def expire(self, token: str) -> None:
        """The token's time is up (190/463)."""
        self.world.tokens[token].expires = self.world.now() - 1

    def revoke(self, token: str, *, subcode: int = 458) -> None:
        """The person removed the app (458), changed their password (460)…: 190/<subcode>."""
        self.world.tokens[token].invalid_subcode = subcode

    def token(self, value: str) -> Token:
        return self.world.tokens[value]

    # -- consent, as a browser would ---------------------------------------------------

    def facebook_consent(
        self,
        dialog_url: str,
        *,
        person: Person,
        pages: list[Page] | None = None,
        allow: bool = True,
    ) -> str:
        """Open the login dialog at `dialog_url` (what Palabre redirects to), pick `person`
        and `pages`, and return where the dialog redirects (Palabre's callback, with code)."""
        answer = httpx.get(dialog_url, timeout=10)
        answer.raise_for_status()
        query = {k: v[0] for k, v in parse_qs(urlsplit(dialog_url).query).items()}
        form = [
            (k, query.get(k, ""))
            for k in ("client_id", "redirect_uri", "state", "scope", "config_id")
        ]
        form += [("person", person.id), ("decision", "allow" if allow else "cancel")]
        chosen = (
            pages
            if pages is not None
            else [p for i in person.pages if isinstance(p := self.world.get(i), Page)]
        )
        form += [("pages", p.id) for p in chosen]
        confirm = httpx.post(
            f"{self.login_url}/{self.version}/dialog/oauth/confirm",
            content=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        if confirm.status_code != 302:
            raise AssertionError(f"the dialog refused: {confirm.status_code} {confirm.text[:300]}")
        return confirm.headers["location"]

    def threads_consent(self, dialog_url: str, *, user: ThreadsUser, allow: bool = True) -> str:
        answer = httpx.get(dialog_url, timeout=10)
        answer.raise_for_status()
        query = {k: v[0] for k, v in parse_qs(urlsplit(dialog_url).query).items()}
        form = {k: query.get(k, "") for k in ("client_id", "redirect_uri", "state", "scope")}
        form.update(user=user.id, decision="allow" if allow else "cancel")
        confirm = httpx.post(
            f"{self.threads_login_url}/oauth/authorize/confirm", data=form, timeout=10
        )
        if confirm.status_code != 302:
            raise AssertionError(f"the dialog refused: {confirm.status_code} {confirm.text[:300]}")
        return confirm.headers["location"]

    # -- content -----------------------------------------------------------------------

    def new_post(
        self,
        page: Page,
        *,
        by: str,
        message: str = "",
        link: str | None = None,
        photos: list[str] | None = None,
        video_id: str | None = None,
        published: bool = True,
        tagged: bool = False,
    ) -> Post:
        post = self.world.add(
            Post(
                id=f"{page.id}_{self.world.new_id()}",
                page_id=page.id,
                by=by,
                message=message,
                link=link,
                created=self.world.now(),
                published=published,
                photos=list(photos or []),
                video_id=video_id,
                tagged=tagged,
            )
        )
        for photo_id in post.photos:
            photo = self.world.get(photo_id)
            if photo is not None:
                photo.post_id = post.id  # type: ignore[attr-defined]
        return post

    def new_comment(
        self, post: Post, *, by: str, message: str, parent: Comment | None = None
    ) -> Comment:
        local = post.id.split("_")[-1]
        return self.world.add(
            Comment(
                id=f"{local}_{self.world.new_id()}",
                page_id=post.page_id,
                post_id=post.id,
                parent_id=parent.id if parent else None,
                by=by,
                message=message,
                created=self.world.now(),
            )
        )

    def new_ig_comment(
        self, media: IGMedia, *, by: str, text: str, parent: IGComment | None = None
    ) -> IGComment:
        mentions = [u.id for u in self.world.of(IGUser) if f"@{u.username}" in text]
        return self.world.add(
            IGComment(
                id=self.world.new_id(),
                media_id=media.id,
                parent_id=parent.id if parent else None,
                by=by,
                text=text,
                created=self.world.now(),
                mentions=mentions,
                page_id=media.page_id,
            )
        )

    def publish_container(self, container: Container) -> IGMedia:
        user = self.world.get(container.user_id)
        assert isinstance(user, IGUser)
        kind = {
            "IMAGE": "IMAGE",
            "VIDEO": "VIDEO",
            "REELS": "VIDEO",
            "CAROUSEL": "CAROUSEL_ALBUM",
            "STORIES": "IMAGE",
        }[container.media_type]
        media = self.world.add(
            IGMedia(
                id=self.world.new_id(),
                user_id=user.id,
                page_id=user.page_id,
                caption=container.text,
                media_type=kind,
                product_type="REELS"
                if container.media_type == "REELS"
                else "STORY"
                if container.media_type == "STORIES"
                else "FEED",
                media_url=container.image_url or container.video_url,
                alt_text=container.alt_text,
                created=self.world.now(),
                shortcode=_shortcode(),
            )
        )
        for child_id in container.children:
            child = self.world.get(child_id)
            if isinstance(child, Container):
                item = self.publish_container(child)
                item.parent_id = media.id
                media.children.append(item.id)
        container.published_id = media.id
        return media

    def publish_threads_container(self, container: ThreadsContainer) -> ThreadsMedia:
        kind = {
            "TEXT": "TEXT_POST",
            "IMAGE": "IMAGE",
            "VIDEO": "VIDEO",
            "CAROUSEL": "CAROUSEL_ALBUM",
        }[container.media_type]
        parent = self.world.get(container.reply_to_id) if container.reply_to_id else None
        root = None
        if isinstance(parent, ThreadsMedia):
            root = parent.root_id or parent.id
        media = self.world.add(
            ThreadsMedia(
                id=self.world.new_id(),
                user_id=container.user_id,
                text=container.text,
                media_type=kind,
                media_url=container.image_url or container.video_url,
                alt_text=container.alt_text,
                created=self.world.now(),
                reply_to_id=container.reply_to_id,
                root_id=root,
                reply_audience=threads.REPLY_CONTROLS.get(
                    container.reply_control or "everyone", "EVERYONE"
                ),
                shortcode=_shortcode(),
            )
        )
        for child_id in container.children:
            child = self.world.get(child_id)
            if isinstance(child, ThreadsContainer):
                item = self.publish_threads_container(child)
                item.parent_id = media.id
                media.children.append(item.id)
        container.published_id = media.id
        return media

    def delete_tree(self, node_id: str) -> None:
        """Remove a node and what hangs from it (comments, replies, carousel items)."""
        with self.world.lock:
            doomed = {node_id}
            changed = True
            while changed:
                changed = False
                for node in list(self.world.nodes.values()):
                    if node.id in doomed:
                        continue
                    links = [
                        getattr(node, a, None)
                        for a in ("post_id", "parent_id", "media_id", "reply_to_id")
                    ]
                    if any(link in doomed for link in links if link):
                        doomed.add(node.id)
                        changed = True
            for gone in doomed:
                self.world.remove(gone)

    def posts(self, page: Page) -> list[Post]:
        """The Page's own published posts, newest first (state, not HTTP)."""
        return list(
            reversed([p for p in self.world.of(Post, page_id=page.id, by=page.id) if p.published])
        )

    def ig_media(self, user: IGUser) -> list[IGMedia]:
        return list(
            reversed([m for m in self.world.of(IGMedia, user_id=user.id) if m.parent_id is None])
        )

    def threads_posts(self, user: ThreadsUser) -> list[ThreadsMedia]:
        return list(reversed(self.world.of(ThreadsMedia, user_id=user.id)))

    def get(self, node_id: str) -> Node | None:
        return self.world.get(node_id)

    # -- containers --------------------------------------------------------------------

    def plan_containers(self, *, polls: int = 0, outcome: str = "FINISHED", count: int = 1) -> None:
        """The next `count` containers stay IN_PROGRESS for `polls` status reads, then
        become `outcome` (FINISHED, ERROR or EXPIRED)."""
        assert outcome in ("FINISHED", "ERROR", "EXPIRED")
        for _ in range(count):
            self._plans.append((polls, outcome))

    def next_container_plan(self) -> tuple[int, str]:
        with self.world.lock:
            return self._plans.popleft() if self._plans else self.default_plan

    def set_container(self, container_id: str, status: str, *, error: str = "") -> None:
        """Force a container's state now: FINISHED, ERROR, EXPIRED or IN_PROGRESS (one
        more read)."""
        container = self.world.get(container_id)
        assert isinstance(container, Container)
        container.polls_left = 1 if status == "IN_PROGRESS" else 0
        if status == "EXPIRED":
            container.created -= 25 * 3600
        elif status != "IN_PROGRESS":
            container.outcome = status
            container.error = error or ("UNKNOWN" if status == "ERROR" else "")

    # -- faults ------------------------------------------------------------------------

    def fail(self, pattern: str, *, code: int = 1, times: int = 1, **fields: Any) -> Fault:
        """The next `times` requests whose path matches `pattern` answer this Graph error
        (Fault's fields: subcode, status, message, transient, headers, method…)."""
        fault = Fault(pattern=pattern, code=code, times=times, **fields)
        with self.world.lock:
            self.faults.append(fault)
        return fault

    def rate_limit(
        self,
        pattern: str,
        *,
        code: int = 4,
        times: int = 1,
        regain_minutes: int = 5,
        business_id: str = "",
    ) -> Fault:
        """A rate-limit error with the usage headers that explain it: the app's
        (X-App-Usage at 100 %) for code 4, the business use case's (X-Business-Use-Case-Usage
        at 100 %, with estimated_time_to_regain_access) for Page limits (32, 80001…).
        https://developers.facebook.com/docs/graph-api/overview/rate-limiting"""
        messages = {
            4: "(#4) Application request limit reached",
            17: "(#17) User request limit reached",
            32: "(#32) Page request limit reached",
            613: "(#613) Calls to this api have exceeded the rate limit.",
        }
        business = code == 32 or code >= 80000 or bool(business_id)
        app_usage = 100 if code == 4 else 35
        headers = {
            "X-App-Usage": json.dumps(
                {"call_count": app_usage, "total_cputime": 20, "total_time": 25}
            )
        }
        if business:
            headers["X-Business-Use-Case-Usage"] = json.dumps(
                {
                    business_id or "0": [
                        {
                            "type": "pages",
                            "call_count": 100,
                            "total_cputime": 20,
                            "total_time": 25,
                            "estimated_time_to_regain_access": regain_minutes,
                        }
                    ]
                }
            )
        return self.fail(
            pattern,
            code=code,
            times=times,
            message=messages.get(code, f"(#{code}) Rate limit reached"),
            headers=headers,
            transient=False,
            status=400,
        )

    def malformed(
        self,
        pattern: str,
        *,
        times: int = 1,
        body: bytes = b"<html><body>Sorry, something went wrong.</body></html>",
        status: int = 500,
    ) -> Fault:
        return self.fail(pattern, times=times, body=body, status=status)

    def hang(self, pattern: str, *, seconds: float, times: int = 1, drop: bool = True) -> Fault:
        """Answer nothing for `seconds`, then close the connection (or answer, drop=False)."""
        return self.fail(pattern, times=times, delay=seconds, drop=drop)

    def lose_answer(
        self, pattern: str, *, times: int = 1, delay: float = 0.0, method: str | None = "POST"
    ) -> Fault:
        """The request is carried out (the post exists), then the connection closes with no
        answer after `delay` seconds: an interrupted publish, for reconciliation tests."""
        return self.fail(pattern, times=times, delay=delay, drop=True, after=True, method=method)

    # -- files and webhooks ------------------------------------------------------------

    def serve_media(self, body: bytes, content_type: str = "image/jpeg") -> str:
        """A URL on the double that serves `body` (for media a test did not sign itself)."""
        key = secrets.token_hex(8)
        self.media[key] = Raw(body, content_type)
        return f"{self.url}/_media/{key}"

    def send_webhook(
        self,
        url: str,
        payload: dict[str, Any],
        *,
        threads: bool = False,
        signed: bool = True,
        tamper: bool = False,
    ) -> httpx.Response:
        secret = (self.threads_app if threads else self.app).secret
        return webhooks.send(url, payload, secret=secret, signed=signed, tamper=tamper)

    def handshake(
        self, url: str, *, verify_token: str = WEBHOOK_TOKEN, challenge: str = "1158201444"
    ) -> httpx.Response:
        return webhooks.handshake(url, verify_token=verify_token, challenge=challenge)

    def webhook_for(self, node: Node, *, verb: str = "add") -> dict[str, Any]:
        """The webhook payload Meta would send about `node` (a Facebook comment or visitor
        post, an Instagram comment, a Threads reply or mention)."""
        now = int(self.world.now())
        if isinstance(node, Comment):
            author = self.world.get(node.by)
            return webhooks.page_feed(
                page_id=node.page_id,
                time=now,
                item="comment",
                verb=verb,
                post_id=node.post_id,
                comment_id=node.id,
                parent_id=node.parent_id,
                from_id=node.by,
                from_name=getattr(author, "name", ""),
                message=node.message,
                created_time=int(node.created),
            )
        if isinstance(node, Post):
            author = self.world.get(node.by)
            return webhooks.page_feed(
                page_id=node.page_id,
                time=now,
                item="status" if not node.photos else "photo" if len(node.photos) == 1 else "post",
                verb=verb,
                post_id=node.id,
                from_id=node.by,
                from_name=getattr(author, "name", ""),
                message=node.message,
                created_time=int(node.created),
            )
        if isinstance(node, IGComment):
            media = self.world.get(node.media_id)
            assert isinstance(media, IGMedia)
            author = self.world.get(node.by)
            if media.user_id != self._ig_target(node):
                return webhooks.instagram_mention(
                    ig_user_id=self._ig_target(node),
                    time=now,
                    media_id=media.id,
                    comment_id=node.id,
                )
            return webhooks.instagram_comment(
                ig_user_id=media.user_id,
                time=now,
                comment_id=node.id,
                text=node.text,
                media_id=media.id,
                from_id=node.by,
                from_username=getattr(author, "username", ""),
                parent_id=node.parent_id,
                media_product_type=media.product_type,
            )
        if isinstance(node, ThreadsMedia):
            root = self.world.get(node.root_id or "") if node.root_id else None
            author = self.world.get(node.user_id)
            target = (
                root.user_id if isinstance(root, ThreadsMedia) else self._threads_mentioned(node)
            )
            value: dict[str, Any] = {
                "id": node.id,
                "username": getattr(author, "username", ""),
                "text": node.text,
                "media_type": node.media_type,
                "permalink": f"https://www.threads.net/@{getattr(author, 'username', '')}/post/{node.shortcode}",
                "shortcode": node.shortcode,
                "timestamp": time_text(node.created),
            }
            if node.reply_to_id:
                value["replied_to"] = {"id": node.reply_to_id}
            if isinstance(root, ThreadsMedia):
                owner = self.world.get(root.user_id)
                value["root_post"] = {
                    "id": root.id,
                    "owner_id": root.user_id,
                    "username": getattr(owner, "username", ""),
                }
            return webhooks.threads_event(
                field="replies"
                if isinstance(root, ThreadsMedia) and root.user_id == target
                else "mentions",
                app_id=self.threads_app.id,
                target_id=target,
                time=now,
                media=value,
            )
        raise TypeError(f"no webhook for {type(node).__name__}")

    def _ig_target(self, comment: IGComment) -> str:
        media = self.world.get(comment.media_id)
        assert isinstance(media, IGMedia)
        return (
            comment.mentions[0]
            if comment.mentions and media.user_id not in comment.mentions and media.page_id is None
            else media.user_id
        )

    def _threads_mentioned(self, media: ThreadsMedia) -> str:
        for user in self.world.of(ThreadsUser):
            if f"@{user.username}" in media.text:
                return user.id
        return media.user_id


def time_text(moment: float) -> str:
    from tests.networks.meta.server import graph_time

    return graph_time(moment)


@dataclass
class Fan:
    """Somebody who talks to the brand: a Facebook person, an Instagram account and a
    Threads profile, all named alike."""

    double: MetaDouble
    person: Person
    ig: IGUser
    threads: ThreadsUser
    token: str  # the person's Facebook user token

    @property
    def world(self) -> Any:
        return self.double.world

    # Facebook
    def comment(self, post_id: str, message: str) -> Comment:
        post = self.world.get(post_id)
        assert isinstance(post, Post), post_id
        return self.double.new_comment(post, by=self.person.id, message=message)

    def reply(self, comment_id: str, message: str) -> Comment:
        parent = self.world.get(comment_id)
        assert isinstance(parent, Comment), comment_id
        post = self.world.get(parent.post_id)
        assert isinstance(post, Post)
        while parent.parent_id:  # Facebook threads one level deep
            parent = self.world.get(parent.parent_id)
        return self.double.new_comment(post, by=self.person.id, message=message, parent=parent)

    def visitor_post(self, page: Page, message: str) -> Post:
        return self.double.new_post(page, by=self.person.id, message=message)

    def tag_page(self, page: Page, message: str) -> Post:
        """A post of the fan's that tags the Page (the Page's `tagged` edge)."""
        return self.double.new_post(
            page, by=self.person.id, message=f"{message} @{page.name}", tagged=True
        )

    def read_page_posts(self, page: Page, **params: str) -> list[dict[str, Any]]:
        """The Page's feed as another person reads it, over HTTP."""
        answer = httpx.get(
            f"{self.double.url}/{self.double.version}/{page.id}/feed",
            params={
                "access_token": self.token,
                "fields": "id,message,created_time,attachments{type,url,media,subattachments}",
                **params,
            },
            timeout=10,
        )
        answer.raise_for_status()
        return list(answer.json()["data"])

    # Instagram
    def ig_comment(self, media_id: str, text: str) -> IGComment:
        media = self.world.get(media_id)
        assert isinstance(media, IGMedia), media_id
        return self.double.new_ig_comment(media, by=self.ig.id, text=text)

    def ig_reply(self, comment_id: str, text: str) -> IGComment:
        parent = self.world.get(comment_id)
        assert isinstance(parent, IGComment), comment_id
        media = self.world.get(parent.media_id)
        assert isinstance(media, IGMedia)
        top = self.world.get(parent.parent_id) if parent.parent_id else parent
        assert isinstance(top, IGComment)
        return self.double.new_ig_comment(media, by=self.ig.id, text=text, parent=top)

    def ig_post(self, caption: str, *, tags: list[IGUser] | None = None) -> IGMedia:
        return self.world.add(  # type: ignore[no-any-return]
            IGMedia(
                id=self.world.new_id(),
                user_id=self.ig.id,
                caption=caption,
                media_url=f"https://scontent.example/ig/{self.ig.id}.jpg",
                created=self.world.now(),
                shortcode=_shortcode(),
                tags=[t.id for t in tags or []],
            )
        )

    def ig_tag(self, brand: IGUser, caption: str) -> IGMedia:
        """A post of the fan's that tags the brand (the brand's `tags` edge)."""
        return self.ig_post(caption, tags=[brand])

    def ig_mention(
        self, brand: IGUser, text: str, *, in_caption: bool = False
    ) -> IGComment | IGMedia:
        """@brand in a comment on the fan's own post (mentioned_comment), or in a caption
        (mentioned_media)."""
        if in_caption:
            return self.ig_post(f"{text} @{brand.username}")
        media = self.ig_post("A post of mine")
        return self.double.new_ig_comment(media, by=self.ig.id, text=f"{text} @{brand.username}")

    # Threads
    def threads_reply(self, media_id: str, text: str) -> ThreadsMedia:
        parent = self.world.get(media_id)
        assert isinstance(parent, ThreadsMedia), media_id
        return self.world.add(  # type: ignore[no-any-return]
            ThreadsMedia(
                id=self.world.new_id(),
                user_id=self.threads.id,
                text=text,
                created=self.world.now(),
                reply_to_id=parent.id,
                root_id=parent.root_id or parent.id,
                shortcode=_shortcode(),
            )
        )

    def threads_mention(self, brand: ThreadsUser, text: str) -> ThreadsMedia:
        return self.world.add(  # type: ignore[no-any-return]
            ThreadsMedia(
                id=self.world.new_id(),
                user_id=self.threads.id,
                text=f"{text} @{brand.username}",
                created=self.world.now(),
                shortcode=_shortcode(),
            )
        )

    def threads_post(self, text: str) -> ThreadsMedia:
        return self.world.add(  # type: ignore[no-any-return]
            ThreadsMedia(
                id=self.world.new_id(),
                user_id=self.threads.id,
                text=text,
                created=self.world.now(),
                shortcode=_shortcode(),
            )
        )
