"""The core of the X API double: an HTTP server on 127.0.0.1 (a thread, a free port) that
answers as api.x.com and x.com's OAuth 2.0 page do, from one port:

    /2/...                   api.x.com   (PALABRE_X_API_URL = <url>)
    /i/oauth2/authorize      x.com       (PALABRE_X_AUTHORIZE_URL = <url>/i/oauth2/authorize)

How a module adds an endpoint (api.py, oauth.py):

    @route("POST", "/2/tweets", sdk=PostsClient.create, request=models.CreateRequest,
           returns=models.CreateResponse, scopes=("tweet.write",), status=201)
    def create(call: Call) -> dict[str, Any]: ...

- `sdk`: the xdk client method that sends this request: its query parameters are the only
  ones accepted, of its types (strict.py); `request`: the xdk model of the JSON body;
  `returns`: the xdk model of the answer. A request that does not fit is refused with X's
  400 "Invalid Request", so a connector that sends a wrong field fails; the fidelity test
  validates every recorded request and answer against these models, strictly.
- `auth`: "user" (a Bearer user token with `scopes`), "none" (OAuth's own endpoints).
- the handler returns the body (a dict; `Html`/`Redirect` for the authorize page) or raises
  `XError` for a documented error.

Every API answer carries `x-rate-limit-limit`, `-remaining` and `-reset` (per endpoint and
user, 15-minute windows); past the limit, 429. Faults (`faults`) make the next requests to a
path fail (503, 429…); every exchange is recorded (`records`) for the fidelity test.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import re
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import BaseModel

from tests.networks.x import declared, strict
from tests.networks.x.state import App, Token, User, World

WINDOW = 15 * 60  # X's rate-limit windows: 15 minutes
DEFAULT_LIMIT = 300
MAX_KEPT = 20_000
INVALID_REQUEST = "https://api.twitter.com/2/problems/invalid-request"


class XError(Exception):
    """An error answer as X gives it: a problem (`declared.Problem`) unless `body` says
    otherwise (`model`: what the fidelity test validates it against)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        body: dict[str, Any] | None = None,
        model: type[BaseModel] = declared.Problem,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.body = body or {
            "title": title,
            "type": "about:blank",
            "status": status,
            "detail": detail,
        }
        self.model = model
        self.headers = headers or {}


def invalid(parameter: str, value: str, message: str) -> XError:
    return XError(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        body={
            "errors": [{"parameters": {parameter: [value]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": INVALID_REQUEST,
        },
        model=declared.InvalidRequest,
    )


def unauthorized() -> XError:
    return XError(401, "Unauthorized", "Unauthorized")


def forbidden(detail: str) -> XError:
    return XError(403, "Forbidden", detail)


def not_found(what: str, value: str) -> XError:
    return XError(404, "Not Found Error", f"Could not find {what} with id: [{value}].")


@dataclass
class Html:
    text: str
    status: int = 200


@dataclass
class Redirect:
    location: str


@dataclass
class Route:
    method: str
    pattern: str  # "/2/tweets/{id}/hidden"
    handler: Callable[..., Any]
    returns: type[BaseModel] | None
    sdk: Any = None
    request: type[BaseModel] | None = None
    scopes: tuple[str, ...] = ()
    auth: str = "user"
    status: int = 200
    path_params: tuple[str, ...] = ()
    regex: re.Pattern[str] = field(default_factory=lambda: re.compile(""))

    @property
    def key(self) -> str:
        return f"{self.method} {self.pattern}"


ROUTES: list[Route] = []


def route(
    method: str,
    pattern: str,
    *,
    returns: type[BaseModel] | None,
    sdk: Any = None,
    request: type[BaseModel] | None = None,
    scopes: tuple[str, ...] = (),
    auth: str = "user",
    status: int = 200,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    names = tuple(re.findall(r"{(\w+)}", pattern))
    regex = re.compile("^" + re.sub(r"{(\w+)}", r"(?P<\1>[^/]+)", pattern) + "$")

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        ROUTES.append(
            Route(
                method, pattern, handler, returns, sdk, request, scopes, auth, status, names, regex
            )
        )
        return handler

    return register


@dataclass
class Call:
    server: DoubleServer
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    raw: bytes
    path_params: dict[str, str] = field(default_factory=dict)
    token: Token | None = None
    json: Any = None

    @property
    def world(self) -> World:
        return self.server.world

    @property
    def user(self) -> User:
        assert self.token is not None
        return self.world.users[self.token.user_id]

    def form(self) -> dict[str, str]:
        parsed = urllib.parse.parse_qs(self.raw.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[-1] for k, v in parsed.items()}

    def fields(self, kind: str) -> set[str]:
        """`post.fields`, `user.fields`, `media.fields`; `expansions` for "expansions"."""
        name = kind if kind == "expansions" else f"{kind}.fields"
        return {f for f in self.params.get(name, "").split(",") if f}


@dataclass
class Fault:
    method: str  # "*" for any
    path: str  # a glob: "/2/tweets", "/2/media/*"
    status: int
    times: int
    detail: str = ""
    reset_in: int = 900
    kind: str = "status"  # or "malformed" (an answer cut short), "hang" (no answer in time)
    seconds: float = 0.0  # how long a "hang" holds the request

    def error(self, server: DoubleServer) -> XError:
        if self.status == 429:
            return XError(
                429,
                "Too Many Requests",
                self.detail or "Too Many Requests",
                headers=server.limit_headers_spent(self.reset_in),
            )
        if self.status == 503:
            return XError(503, "Service Unavailable", self.detail or "Service Unavailable")
        if self.status == 401:
            return unauthorized()
        if self.status == 403:
            return forbidden(self.detail or "Forbidden")
        return XError(self.status, "Error", self.detail or "Error")


@dataclass
class Record:
    route: str  # Route.key, or "" when no route answered
    method: str
    path: str
    params: dict[str, str]
    body: Any  # the request's JSON, or None
    status: int
    answer: Any  # the answer's JSON, or None (HTML, redirects)
    model: type[BaseModel] | None  # what the answer must be
    bearer: str = ""  # the access token it came with: whose request it was


def _bearer(headers: dict[str, str]) -> str:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    return value.removeprefix("Bearer ").strip()


class DoubleServer:
    def __init__(self, *, app: App, port: int = 0) -> None:
        self.world = World()
        self.app = app
        self.faults: list[Fault] = []
        self.records: deque[Record] = deque(maxlen=MAX_KEPT)
        self.limits: dict[str, int] = {}  # route pattern glob → requests per window
        self.spent: dict[tuple[str, str, int], int] = {}  # (route, user, window) → count
        # How the next videos and GIFs are processed: (STATUS polls in progress, outcome).
        self.media_plans: deque[tuple[int, str]] = deque()
        # Answer with the tweet names of X's documentation instead of xdk's (a test of the
        # connector's reading of both; the fidelity test never sets it).
        self.tweet_names = False
        self.http = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self.http.daemon_threads = True
        self.port = self.http.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> DoubleServer:
        self._thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()

    # -- serving ---------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        split = urllib.parse.urlsplit(target)
        params = {
            k: v[-1] for k, v in urllib.parse.parse_qs(split.query, keep_blank_values=True).items()
        }
        call = Call(
            self, method, split.path, params, {k.lower(): v for k, v in headers.items()}, raw
        )
        found = self._find(method, split.path)
        model: type[BaseModel] | None = None
        extra: dict[str, str] = {}
        try:
            if found is None:
                raise (
                    not_found("route", split.path)
                    if not split.path.startswith("/2/")
                    else XError(404, "Not Found Error", "Sorry, that page does not exist.")
                )
            route_, call.path_params = found
            model = route_.returns
            with self.world.lock:
                odd = self._fault(method, split.path, kinds=("malformed", "hang"))
            if odd is not None and odd.kind == "malformed":
                return 200, {"Content-Type": "application/json"}, b'{"data": {"id": "1'
            if odd is not None:  # hang: hold the request past the client's timeout
                time.sleep(odd.seconds)
                raise XError(503, "Service Unavailable", "Service Unavailable")
            with self.world.lock:
                answer = self._serve(call, route_, extra)
            status = route_.status
        except XError as error:
            route_ = found[0] if found else None
            status, answer, model = error.status, error.body, error.model
            extra.update(error.headers)
        self.records.append(
            Record(
                route_.key if route_ else "",
                method,
                split.path,
                params,
                call.json,
                status,
                answer if isinstance(answer, dict) else None,
                model if isinstance(answer, dict) else None,
                _bearer(call.headers),
            )
        )
        if isinstance(answer, Html):
            return answer.status, {"Content-Type": "text/html; charset=utf-8"}, answer.text.encode()
        if isinstance(answer, Redirect):
            return 302, {"Location": answer.location}, b""
        if self.tweet_names:
            answer = tweet_names(answer)
        body = json.dumps(answer).encode()
        return status, {"Content-Type": "application/json; charset=utf-8", **extra}, body

    def _find(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route_ in ROUTES:
            match = route_.regex.match(path)
            if match and route_.method == method:
                return route_, match.groupdict()
        return None

    def _serve(self, call: Call, route_: Route, extra: dict[str, str]) -> Any:
        fault = self._fault(call.method, call.path)
        if route_.auth == "user":
            call.token = self.authenticate(call)
            missing = [s for s in route_.scopes if s not in call.token.scope.split()]
            if missing:
                raise forbidden(f"Missing scope: {' '.join(missing)}.")
            extra.update(self._count(route_, call.token.user_id))
        if fault is not None:
            raise fault.error(self)
        if route_.sdk is not None:
            problems = strict.param_problems(
                route_.sdk, call.params, path_params=route_.path_params
            )
            if problems:
                name = problems[0].split(":")[0].split("=")[0]
                raise invalid(name, call.params.get(name, ""), problems[0])
        elif route_.auth == "user" and call.params:
            name = next(iter(call.params))
            raise invalid(name, call.params[name], f"The query parameter [{name}] is not one of []")
        if route_.request is not None:
            try:
                call.json = json.loads(call.raw or b"null")
            except ValueError:
                raise invalid("body", "", "The request body is not valid JSON.") from None
            problems = strict.body_problems(route_.request, call.json)
            if problems:
                raise invalid("body", "", problems[0])
        return route_.handler(call)

    def _fault(
        self, method: str, path: str, *, kinds: tuple[str, ...] = ("status",)
    ) -> Fault | None:
        for fault in self.faults:
            if (
                fault.kind in kinds
                and fault.method in ("*", method)
                and fnmatch.fnmatchcase(path, fault.path)
            ):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def authenticate(self, call: Call) -> Token:
        scheme, _, value = call.headers.get("authorization", "").partition(" ")
        token = self.world.tokens.get(value) if scheme.lower() == "bearer" else None
        if token is None or token.revoked or token.expires_at <= self.world.now():
            raise unauthorized()
        return token

    # -- rate limits -------------------------------------------------------------------

    def _limit(self, route_: Route) -> int:
        for glob, limit in self.limits.items():
            if fnmatch.fnmatchcase(route_.key, glob):
                return limit
        return DEFAULT_LIMIT

    def _count(self, route_: Route, user_id: str) -> dict[str, str]:
        now = self.world.now()
        window = int(now // WINDOW)
        key = (route_.key, user_id, window)
        limit = self._limit(route_)
        self.spent[key] = self.spent.get(key, 0) + 1
        reset = (window + 1) * WINDOW
        headers = {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(0, limit - self.spent[key])),
            "x-rate-limit-reset": str(int(reset)),
        }
        if self.spent[key] > limit:
            raise XError(429, "Too Many Requests", "Too Many Requests", headers=headers)
        return headers

    def limit_headers_spent(self, reset_in: int) -> dict[str, str]:
        return {
            "x-rate-limit-limit": str(DEFAULT_LIMIT),
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(int(self.world.now()) + reset_in),
        }

    def next_media_plan(self) -> tuple[int, str] | None:
        return self.media_plans.popleft() if self.media_plans else None

    def client_of(self, call: Call) -> tuple[str, str]:
        """(client_id, secret) from HTTP Basic (a confidential client), else the form's
        client_id with no secret (a public client)."""
        scheme, _, value = call.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                client_id, _, secret = base64.b64decode(value).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return "", ""
            return urllib.parse.unquote(client_id), urllib.parse.unquote(secret)
        return call.form().get("client_id", ""), ""


# xdk's names → the tweet names X's documentation shows:
# https://docs.x.com/x-api/fundamentals/data-dictionary
OLD_NAMES = {
    "referenced_posts": "referenced_tweets",
    "edit_history_post_ids": "edit_history_tweet_ids",
    "repost_count": "retweet_count",
}


def tweet_names(value: Any, *, key: str = "") -> Any:
    if isinstance(value, dict):
        renamed = {}
        for name, inner in value.items():
            if key == "includes" and name == "posts":
                name = "tweets"
            new = OLD_NAMES.get(name, name)
            renamed[new] = tweet_names(inner, key=name)
        return renamed
    if isinstance(value, list):
        return [tweet_names(item) for item in value]
    return value


def _handler_for(server: DoubleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, headers, body = server.handle(self.command, self.path, dict(self.headers), raw)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (OSError, BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler
