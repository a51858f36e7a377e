"""The core of the Graph API double: an HTTP server on 127.0.0.1 (a thread, a free port)
that answers as graph.facebook.com, www.facebook.com (the login dialog), graph.threads.net
and threads.net (its login) do, from one port:

    /v26.0/...                 graph.facebook.com   (PALABRE_META_GRAPH_URL = <url>)
    /www/v26.0/dialog/oauth    www.facebook.com     (PALABRE_META_LOGIN_URL = <url>/www)
    /threads/v1.0/...          graph.threads.net    (PALABRE_THREADS_GRAPH_URL = <url>/threads)
    /threads-www/oauth/...     threads.net          (PALABRE_THREADS_LOGIN_URL = <url>/threads-www)
    /_media/<id>               files a test serves (MetaDouble.serve_media)

How a network module adds an endpoint (facebook.py, instagram.py, threads.py, oauth.py):

    @route("GET", "page", "feed", returns="list<PagePost>", sdk="Page.get_feed")
    def page_feed(call: Call, page: Page) -> Many:
        return Many(call.world.of(Post, page_id=page.id, by=page.id))

- `route(method, kind, edge, *, returns, sdk=None, params=None, files=(), auth="owner",
  base="graph", doc=None)`: `kind` is the node kind the path's id must be (state.py's
  `Node.kind`: "page", "post", "ig_user"…; "me" is the token's own node), or "/" for a
  fixed path (`edge` is then the whole path, e.g. "oauth/access_token"). `edge` is "" for the
  node itself.
- `returns`: the answer's type, as the SDK spells it: a class ("Page"), "list<PagePost>"
  for an edge (`{data, paging}`), or a schema of schemas.py ("Success", "OAuthToken"…).
  The fidelity test validates every recorded answer against it.
- `sdk`: the SDK method ("Page.get_feed") whose `param_types` the request's parameters
  must satisfy; `params`: a declared schema instead (same type strings), for what the SDK
  does not describe (give `doc`, the link to Meta's page). An unknown parameter or one of
  the wrong type is refused with Graph error 100, so a connector that sends one fails.
- `auth`: "owner" (a valid token acting for the node's owner: its Page, Threads user,
  person), "any" (any valid token of the app: public reads), "none" (OAuth exchanges,
  checked by the handler), "app" (debug_token).
- The handler gets the `Call` and the node and returns: a Node (rendered with `fields=`
  through its view), `Many(nodes)` (an edge, paged by cursors), or a plain dict (sent as is);
  `Html`/`Redirect` for the login pages. It raises `GraphError` for a documented error.
- `@view("page", "Page", defaults=("name", "id"))` declares how a node kind renders: a
  function returning {field: value}; values may be callables (computed only when asked),
  nodes (rendered with the nested selection) or `Many` (nested edges, `.limit(n)`).

Every answer carries `X-App-Usage`; every answer is recorded (`records`) with its declared
type, for the fidelity test. Faults (`faults`) make the next requests to a path fail.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import fnmatch
import hashlib
import hmac
import json
import re
import secrets
import socket
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.networks.meta import sdk
from tests.networks.meta.fields import FieldRequest, FieldsSyntaxError, parse
from tests.networks.meta.state import App, Node, Token, World

GRAPH_VERSION = "v26.0"
THREADS_VERSION = "v1.0"
MAX_KEPT = 50_000
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
# Parameters any Graph request may carry, beyond its endpoint's own: the token and its
# proof (https://developers.facebook.com/docs/graph-api/securing-requests), field selection,
# cursor and time paging (https://developers.facebook.com/docs/graph-api/results), and
# `method`/`suppress_http_code` of https://developers.facebook.com/docs/graph-api/guides/debugging
COMMON_PARAMS = {
    "access_token": "string",
    "appsecret_proof": "string",
    "appsecret_time": "int",
    "fields": "string",
    "limit": "unsigned int",
    "after": "string",
    "before": "string",
    "since": "datetime",
    "until": "datetime",
    "pretty": "bool",
    "format": "string",
    "suppress_http_code": "bool",
    "summary": "bool",
    "date_format": "string",
}


class GraphError(Exception):
    """A documented Graph API error:
    https://developers.facebook.com/docs/graph-api/guides/error-handling"""

    def __init__(
        self,
        message: str,
        *,
        code: int,
        type: str = "OAuthException",  # noqa: A002 (the wire name)
        subcode: int | None = None,
        status: int = 400,
        transient: bool = False,
        user_title: str | None = None,
        user_msg: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.type = type
        self.subcode = subcode
        self.status = status
        self.transient = transient
        self.user_title = user_title
        self.user_msg = user_msg
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.type,
            "code": self.code,
            "is_transient": self.transient,
            "fbtrace_id": "A" + secrets.token_hex(10),
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.user_title:
            error["error_user_title"] = self.user_title
        if self.user_msg:
            error["error_user_msg"] = self.user_msg
        return {"error": error}


def invalid_param(message: str, *, subcode: int | None = None) -> GraphError:
    return GraphError(f"(#100) {message}", code=100, subcode=subcode)


# --- what handlers return ---------------------------------------------------------------


@dataclass
class Many:
    """An edge: a list of nodes (newest first as the handler orders them), paged by cursors."""

    items: list[Any]
    summary: dict[str, Any] | None = None  # what `.summary(true)` adds, e.g. total_count
    paged: bool = True  # False: `{data}` alone (insights, publishing limits)


@dataclass
class Modified:
    """A view's field that reads its modifiers, e.g. `mentioned_comment.comment_id(123)`."""

    compute: Callable[[dict[str, str]], Any]


@dataclass
class Html:
    text: str
    status: int = 200


@dataclass
class Redirect:
    location: str


@dataclass
class Raw:
    """Bytes as they are (files a test serves)."""

    body: bytes
    content_type: str


# --- routes and views -------------------------------------------------------------------


@dataclass
class Route:
    method: str
    kind: str
    edge: str
    handler: Callable[..., Any]
    returns: str
    sdk: str | None = None
    params: dict[str, str] | None = None
    files: tuple[str, ...] = ()
    auth: str = "owner"
    base: str = "graph"
    doc: str | None = None

    @property
    def key(self) -> str:
        return f"{self.base} {self.method} {self.kind}/{self.edge}"

    def declared_params(self) -> tuple[dict[str, str], sdk.Method | None]:
        declared = dict(self.params or {})
        method = sdk.method(self.sdk) if self.sdk else None
        if method is not None:
            declared = {**method.params, **declared}
        return declared, method


ROUTES: list[Route] = []


def route(
    method: str,
    kind: str,
    edge: str = "",
    *,
    returns: str,
    sdk: str | None = None,  # noqa: A002 (shadows the module only here)
    params: dict[str, str] | None = None,
    files: tuple[str, ...] = (),
    auth: str = "owner",
    base: str = "graph",
    doc: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        ROUTES.append(
            Route(method, kind, edge, handler, returns, sdk, params, files, auth, base, doc)
        )
        return handler

    return register


@dataclass
class View:
    kind: str
    type_name: str
    defaults: tuple[str, ...]
    render: Callable[[Call, Any], dict[str, Any]]


VIEWS: dict[str, View] = {}


def view(kind: str, type_name: str, *, defaults: tuple[str, ...] = ("id",)) -> Callable[..., Any]:
    def register(render: Callable[[Call, Any], dict[str, Any]]) -> Callable[..., Any]:
        VIEWS[kind] = View(kind, type_name, defaults, render)
        return render

    return register


# --- one request --------------------------------------------------------------------------


@dataclass
class Call:
    """One request, as handlers see it."""

    double: Any  # the MetaDouble
    method: str
    base: str  # "graph", "threads", "www", "threads-www"
    path: str  # after the version, e.g. "12345/feed"
    url: str  # the full request URL, for paging links
    params: dict[str, str]
    files: dict[str, bytes]
    headers: dict[str, str]
    multi: dict[str, list[str]] = field(default_factory=dict)  # every value of each name
    token: Token | None = None
    route: Route | None = None
    context: dict[str, Any] = field(default_factory=dict)  # what a handler tells the views

    @property
    def world(self) -> World:
        return self.double.world

    def app(self) -> App:
        return self.double.threads_app if self.base.startswith("threads") else self.double.app

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.params.get(name)
        if value is None:
            return default
        return value.lower() in ("true", "1")

    def json_param(self, name: str) -> Any:
        value = self.params.get(name)
        if value is None:
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise invalid_param(f"Param {name} must be JSON") from None

    def list_param(self, name: str) -> list[str]:
        value = self.params.get(name, "")
        if value.startswith("["):
            found = self.json_param(name)
            return [str(v) for v in found] if isinstance(found, list) else []
        return [v.strip() for v in value.split(",") if v.strip()]

    def time_param(self, name: str) -> float | None:
        value = self.params.get(name)
        return None if value is None else parse_time(value)

    def require(self, *names: str) -> None:
        for name in names:
            if not self.params.get(name) and name not in self.files:
                raise invalid_param(f"The parameter {name} is required")


def parse_time(value: str) -> float:
    """Graph's `since`/`until`: a Unix timestamp or an ISO 8601 date."""
    if re.fullmatch(r"-?\d+", value):
        return float(value)
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid_param(f"Invalid time ({value})") from None
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def graph_time(moment: float) -> str:
    """Time as the Graph API writes it: 2026-05-01T12:00:00+0000."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(moment))


# --- parameters -----------------------------------------------------------------------


def check_params(call: Call, route_: Route) -> None:
    declared, method = route_.declared_params()
    for name, raw in call.params.items():
        type_name = declared.get(name) or COMMON_PARAMS.get(name)
        if type_name is None:
            raise invalid_param(f"Param {name} is not a valid parameter for this endpoint")
        enum = sdk.enum_values(method, type_name) if method is not None else None
        problem = param_problem(type_name, raw, enum, method)
        if problem:
            raise invalid_param(f"Param {name} {problem}")
    for name in call.files:
        if name not in route_.files and declared.get(name) != "file":
            raise invalid_param(f"Param {name} is not a valid file parameter for this endpoint")


def param_problem(
    type_name: str, raw: str, enum: list[str] | None, method: sdk.Method | None
) -> str:
    """Why `raw` (as sent, text) is not a `type_name`, or "" when it is."""
    if enum is not None:
        return "" if raw in enum else f"must be one of {{{', '.join(enum)}}}"
    if type_name in ("string",):
        return ""
    if type_name in ("int",):
        return "" if re.fullmatch(r"-?\d+", raw) else "must be an integer"
    if type_name in ("unsigned int",):
        return "" if re.fullmatch(r"\d+", raw) else "must be a non-negative integer"
    if type_name == "float":
        try:
            float(raw)
        except ValueError:
            return "must be a number"
        return ""
    if type_name == "bool":
        return "" if raw.lower() in ("true", "false", "1", "0") else "must be a boolean"
    if type_name == "datetime":
        try:
            parse_time(raw)
        except GraphError:
            return "must be a time"
        return ""
    if type_name in ("Object", "object", "map") or type_name.startswith("map<"):
        if type_name == "Object" and not raw.startswith(("{", "[")):
            return ""  # Graph takes a plain value where it says Object (metric=reach)
        try:
            return "" if isinstance(json.loads(raw), dict | list) else "must be an object"
        except ValueError:
            return "must be a JSON object"
    if type_name == "list" or type_name.startswith("list<"):
        inner = type_name[5:-1] if type_name.startswith("list<") else "string"
        if raw.startswith("["):
            try:
                items = json.loads(raw)
            except ValueError:
                return "must be a JSON array"
            if not isinstance(items, list):
                return "must be an array"
        else:
            items = [v for v in raw.split(",")]
        for item in items:
            text = item if isinstance(item, str) else json.dumps(item)
            enum = sdk.enum_values(method, inner) if method is not None else None
            problem = param_problem(inner, text, enum, method)
            if problem:
                return f"item {text!r} {problem}"
        return ""
    if type_name == "file":
        return "must be a file"
    return ""  # a class name (an id): Graph takes any id


# --- rendering ------------------------------------------------------------------------


def render(call: Call, node: Any, sub: list[FieldRequest] | None) -> dict[str, Any]:
    node_view = VIEWS.get(node.kind)
    if node_view is None:
        raise RuntimeError(f"no view for {node.kind}")
    available = node_view.render(call, node)
    wanted = sub if sub is not None else [FieldRequest(n) for n in node_view.defaults]
    out: dict[str, Any] = {}
    for request in wanted:
        if request.name not in available:
            raise GraphError(
                f"(#100) Tried accessing nonexisting field ({request.name}) on node type "
                f"({node_view.type_name})",
                code=100,
            )
        value = available[request.name]
        if isinstance(value, Modified):
            value = value.compute(request.modifiers)
        elif callable(value):
            value = value()
        if value is None:
            continue
        if isinstance(value, Many):
            out[request.name] = nested_edge(call, node, request, value)
        else:
            out[request.name] = expand(call, value, request)
    if "id" in available and "id" not in out and available["id"] is not None:
        out["id"] = available["id"]  # Graph always names the node it answers about
    return out


def nested_edge(call: Call, node: Any, request: FieldRequest, many: Many) -> dict[str, Any]:
    """An edge inside a node (`comments.limit(5){message}`): its `next` link is the edge's
    own URL, as Graph gives it."""
    prefix = {"threads": "/threads/"}.get(call.base, "/")
    version = call.double.threads_version if call.base == "threads" else call.double.version
    query = (
        {"access_token": call.params.get("access_token", "")}
        if call.params.get("access_token")
        else {}
    )
    if request.sub is not None:
        query["fields"] = call.params.get("fields", "") and _unparse(request.sub)
    url = f"{call.double.url}{prefix}{version}/{node.id}/{request.name}?{urllib.parse.urlencode(query)}"
    return page(
        call,
        many,
        request.sub,
        limit=_limit(request.modifiers.get("limit"), nested=True),
        after=None,
        before=None,
        summary=request.modifiers.get("summary") == "true",
        nested=True,
        url=url,
    )


def _unparse(requests: list[FieldRequest]) -> str:
    out = []
    for request in requests:
        text = request.name + "".join(f".{k}({v})" for k, v in request.modifiers.items())
        if request.sub is not None:
            text += "{" + _unparse(request.sub) + "}"
        out.append(text)
    return ",".join(out)


def expand(call: Call, value: Any, request: FieldRequest | None) -> Any:
    if isinstance(value, Node) or getattr(value, "kind", None) in VIEWS:
        return render(call, value, request.sub if request else None)
    if isinstance(value, list):
        return [expand(call, v, request) for v in value]
    return value


def _limit(raw: str | None, *, nested: bool = False) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit():
        raise invalid_param("Param limit must be a non-negative integer")
    # `.limit(0)` on a nested edge asks for its summary only.
    return max(0 if nested else 1, min(int(raw), MAX_LIMIT))


def _cursor(node_id: str) -> str:
    return base64.urlsafe_b64encode(node_id.encode()).decode().rstrip("=")


def _uncursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:
        raise invalid_param("Invalid cursor") from None


def page(
    call: Call,
    many: Many,
    sub: list[FieldRequest] | None,
    *,
    limit: int,
    after: str | None,
    before: str | None,
    summary: bool = False,
    nested: bool = False,
    url: str | None = None,
) -> dict[str, Any]:
    """An edge as the Graph API pages it: `{data, paging: {cursors: {before, after}, next,
    previous}}`; `next` only when there is more, `previous` only when there was some before.
    https://developers.facebook.com/docs/graph-api/results"""
    items = many.items
    ids = [_item_id(item, i) for i, item in enumerate(items)]
    start = 0
    if after:
        target = _uncursor(after)
        if target not in ids:
            raise invalid_param("Invalid cursor: the item it points at is gone")
        start = ids.index(target) + 1
    elif before:
        target = _uncursor(before)
        if target not in ids:
            raise invalid_param("Invalid cursor: the item it points at is gone")
        start = max(0, ids.index(target) - limit)
    chosen = items[start : start + limit] if many.paged else items
    data = [expand(call, item, FieldRequest("", sub=sub)) for item in chosen]
    out: dict[str, Any] = {"data": data}
    if chosen and many.paged:
        paging: dict[str, Any] = {
            "cursors": {
                "before": _cursor(ids[start]),
                "after": _cursor(ids[start + len(chosen) - 1]),
            }
        }
        if start + len(chosen) < len(items):
            paging["next"] = _with(
                url or call.url, after=paging["cursors"]["after"], limit=str(limit)
            )
        if start > 0 and not nested:
            paging["previous"] = _with(
                call.url, before=paging["cursors"]["before"], limit=str(limit)
            )
        out["paging"] = paging
    if summary and many.summary is not None:
        out["summary"] = many.summary
    return out


def _item_id(item: Any, index: int) -> str:
    found = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    return str(found if found is not None else index)


def _with(url: str, **changes: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [
        (k, v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if k not in ("after", "before", "limit")
    ]
    query += list(changes.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


# --- faults ---------------------------------------------------------------------------


@dataclass
class Fault:
    """The next `times` requests whose path matches `pattern` (fnmatch, on the path without
    the query, e.g. "/v26.0/*/media_publish") fail this way."""

    pattern: str
    times: int = 1
    method: str | None = None
    code: int = 1
    subcode: int | None = None
    status: int | None = None
    message: str = "An unknown error has occurred."
    type: str = "OAuthException"
    transient: bool | None = None
    user_title: str | None = None
    user_msg: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # a malformed body, sent as is
    delay: float = 0.0  # seconds before answering; with `drop`, the connection is closed
    drop: bool = False
    # The request is carried out first (a post is made…), then the answer is lost or
    # replaced: what a client sees when the network did the thing but the reply never came.
    after: bool = False

    def error(self) -> GraphError:
        transient = self.transient if self.transient is not None else self.code in (1, 2)
        status = self.status or (500 if self.code in (1, 2) else 400)
        return GraphError(
            self.message,
            code=self.code,
            type=self.type,
            subcode=self.subcode,
            status=status,
            transient=transient,
            user_title=self.user_title,
            user_msg=self.user_msg,
            headers=self.headers,
        )


# --- the server -----------------------------------------------------------------------


@dataclass
class Record:
    route: str  # Route.key, or "error"
    returns: str  # the declared type of `body`
    status: int
    body: Any
    params: dict[str, str] = field(default_factory=dict)  # what the request carried


class DoubleServer:
    """The HTTP server and its dispatch. MetaDouble (double.py) adds the test handle."""

    def __init__(self, *, app: App, threads_app: App, port: int = 0) -> None:
        self.world = World()
        self.app = app
        self.threads_app = threads_app
        self.world.apps = {app.id: app, threads_app.id: threads_app}
        self.faults: list[Fault] = []
        # The latest answers and requests (bounded: a session or `make meta-local` runs long).
        self.records: deque[Record] = deque(maxlen=MAX_KEPT)
        self.record = True
        self.requests: deque[tuple[str, str, dict[str, str]]] = deque(maxlen=MAX_KEPT)
        self.usage = {"call_count": 1, "total_cputime": 1, "total_time": 1}
        self.require_proof = False
        self.media: dict[str, Raw] = {}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="meta-double", daemon=True
        )

    version = GRAPH_VERSION
    threads_version = THREADS_VERSION

    @property
    def graph_url(self) -> str:
        return self.url

    @property
    def login_url(self) -> str:
        return f"{self.url}/www"

    @property
    def threads_graph_url(self) -> str:
        return f"{self.url}/threads"

    @property
    def threads_login_url(self) -> str:
        return f"{self.url}/threads-www"

    def start(self) -> DoubleServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- dispatch

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urllib.parse.urlsplit(raw_path)
        path = parts.path
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        files: dict[str, bytes] = {}
        try:
            form, files = _read_body(headers, body)
        except ValueError:
            form = []
        pairs += form
        params = dict(pairs)
        multi: dict[str, list[str]] = {}
        for name, value in pairs:
            multi.setdefault(name, []).append(value)
        with self.world.lock:
            self.requests.append((method, path, dict(params)))
        fault = self._fault(method, path)
        if fault is not None and fault.after:
            self._serve_call(method, path, parts.query, params, multi, files, headers)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                raise ConnectionAbortedError
            if fault.body is not None:
                return (
                    fault.status or 500,
                    {"Content-Type": "text/html", **self._usage_headers(), **fault.headers},
                    fault.body,
                )
            error = fault.error()
            return self._error(error)
        return self._serve_call(method, path, parts.query, params, multi, files, headers)

    def _serve_call(
        self,
        method: str,
        path: str,
        query: str,
        params: dict[str, str],
        multi: dict[str, list[str]],
        files: dict[str, bytes],
        headers: dict[str, str],
    ) -> tuple[int, dict[str, str], bytes]:
        base, rest = _split_base(path)
        call = Call(
            double=self,
            method=method,
            base=base,
            path=rest,
            url=f"{self.url}{path}?{query}" if query else f"{self.url}{path}",
            params=params,
            files=files,
            headers=headers,
            multi=multi,
        )
        try:
            result, route_ = self._dispatch(call)
        except GraphError as error:
            return self._error(error)
        return self._answer(call, route_, result)

    def _fault(self, method: str, path: str) -> Fault | None:
        with self.world.lock:
            for fault in self.faults:
                if (
                    fault.times > 0
                    and fnmatch.fnmatch(path, fault.pattern)
                    and fault.method in (None, method)
                ):
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def _dispatch(self, call: Call) -> tuple[Any, Route | None]:
        if call.base == "media":
            found = self.media.get(call.path)
            if found is None:
                return Html("not found", 404), None
            return found, None
        route_, node = self._find(call)
        call.route = route_
        check_params(call, route_)
        if route_.auth != "none":
            call.token = self.authenticate(call)
            self._authorize(call, route_, node)
        if call.params.get("fields") is not None:
            self._fields(call)  # a syntax error is an error before anything happens
        # No lock around the handler: one may fetch a URL this very server answers
        # (serve_media). Those that count (quotas) lock the world themselves.
        return route_.handler(call, node), route_

    def _find(self, call: Call) -> tuple[Route, Node | None]:
        path = call.path.strip("/")
        for candidate in ROUTES:
            if (
                candidate.base == call.base
                and candidate.kind == "/"
                and candidate.edge == path
                and candidate.method == call.method
            ):
                return candidate, None
        if call.base in ("www", "threads-www") or not path:
            raise GraphError("Unknown path components: /" + path, code=2500)
        node_id, _, edge = path.partition("/")
        if node_id == "me":
            token = self.authenticate(call)
            node = self.world.get(token.subject)
        else:
            node = self.world.get(node_id)
        if node is None:
            raise GraphError(
                f"Unsupported {call.method.lower()} request. Object with ID '{node_id}' does not "
                "exist, cannot be loaded due to missing permissions, or does not support this "
                "operation. Please read the Graph API documentation at "
                "https://developers.facebook.com/docs/graph-api",
                code=100,
                subcode=33,
                type="GraphMethodException",
            )
        for candidate in ROUTES:
            if (
                candidate.base == call.base
                and candidate.kind == node.kind
                and candidate.edge == edge
                and candidate.method == call.method
            ):
                return candidate, node
        if edge:
            raise GraphError(f"(#100) Unknown path components: /{edge}", code=2500)
        raise GraphError(
            f"Unsupported {call.method.lower()} request. Object with ID '{node_id}' does not "
            "support this operation.",
            code=100,
            subcode=33,
            type="GraphMethodException",
        )

    def authenticate(self, call: Call) -> Token:
        if call.token is not None:
            return call.token
        value = call.params.get("access_token")
        bearer = call.headers.get("authorization", "")
        if not value and bearer.lower().startswith("bearer "):
            value = bearer[7:].strip()
        if not value:
            raise GraphError("An access token is required to request this resource.", code=104)
        token = self.world.tokens.get(value)
        app = call.app()
        if token is None and value == f"{app.id}|{app.secret}":
            token = Token(value=value, app_id=app.id, kind="app", subject=app.id)
        if token is None or token.app_id != app.id:
            raise GraphError("Invalid OAuth access token - Cannot parse access token", code=190)
        proof = call.params.get("appsecret_proof")
        if proof is not None:
            expected = hmac.new(app.secret.encode(), value.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(proof, expected):
                raise GraphError(
                    "Invalid appsecret_proof provided in the API argument",
                    code=100,
                    type="GraphMethodException",
                )
        elif self.require_proof and token.kind != "app":
            raise GraphError(
                "API calls from the server require an appsecret_proof argument",
                code=100,
                type="GraphMethodException",
            )
        token_error = self.token_error(token)
        if token_error is not None:
            raise token_error
        call.token = token
        return token

    def token_error(self, token: Token) -> GraphError | None:
        """Why a token no longer works (code 190 and its subcodes), or None."""
        chain = [token]
        if token.parent and token.parent in self.world.tokens:
            chain.append(self.world.tokens[token.parent])
        for one in chain:
            if one.invalid_subcode is not None:
                reason = {
                    458: f"The user has not authorized application {one.app_id}.",
                    460: "The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
                    467: "The user is enrolled in a blocking, logged-in checkpoint.",
                }.get(one.invalid_subcode, "The session is invalid.")
                return GraphError(
                    f"Error validating access token: {reason}",
                    code=190,
                    subcode=one.invalid_subcode,
                    status=400,
                )
        if token.expires is not None and token.expires <= self.world.now():
            return GraphError(
                f"Error validating access token: Session has expired on {time.strftime('%A, %d-%b-%y %H:%M:%S', time.gmtime(token.expires))} PDT.",
                code=190,
                subcode=463,
            )
        return None

    def _authorize(self, call: Call, route_: Route, node: Node | None) -> None:
        token = call.token
        assert token is not None
        if route_.auth in ("any", "app") or node is None:
            return
        if token.subject == node.owner:
            return
        raise GraphError("(#200) Permissions error", code=200, type="OAuthException", status=403)

    def _fields(self, call: Call) -> list[FieldRequest] | None:
        raw = call.params.get("fields")
        if raw is None or raw == "":
            return None
        try:
            return parse(raw)
        except FieldsSyntaxError as error:
            raise invalid_param(str(error)) from None

    def _answer(
        self, call: Call, route_: Route | None, result: Any
    ) -> tuple[int, dict[str, str], bytes]:
        headers = self._usage_headers()
        if isinstance(result, Html):
            return (
                result.status,
                {"Content-Type": "text/html; charset=utf-8", **headers},
                result.text.encode(),
            )
        if isinstance(result, Redirect):
            return 302, {"Location": result.location, **headers}, b""
        if isinstance(result, Raw):
            return 200, {"Content-Type": result.content_type, **headers}, result.body
        try:
            if isinstance(result, Node):
                body: Any = render(call, result, self._fields(call))
            elif isinstance(result, Many):
                body = page(
                    call,
                    result,
                    self._fields(call),
                    limit=_limit(call.params.get("limit")),
                    after=call.params.get("after"),
                    before=call.params.get("before"),
                    summary=call.flag("summary"),
                )
            else:
                body = result
        except GraphError as error:
            return self._error(error)
        if self.record and route_ is not None:
            with self.world.lock:
                self.records.append(
                    Record(route_.key, route_.returns, 200, body, dict(call.params))
                )
        return (
            200,
            {"Content-Type": "application/json; charset=UTF-8", **headers},
            json.dumps(body).encode(),
        )

    def _error(self, error: GraphError) -> tuple[int, dict[str, str], bytes]:
        body = error.body()
        if self.record:
            with self.world.lock:
                self.records.append(Record("error", "GraphError", error.status, body))
        headers = {
            "Content-Type": "application/json; charset=UTF-8",
            "WWW-Authenticate": 'OAuth "Facebook Platform" "invalid_request"',
            **self._usage_headers(),
            **error.headers,
        }
        return error.status, headers, json.dumps(body).encode()

    def _usage_headers(self) -> dict[str, str]:
        # https://developers.facebook.com/docs/graph-api/overview/rate-limiting
        return {"X-App-Usage": json.dumps(self.usage), "x-fb-trace-id": secrets.token_hex(6)}


BASES = (
    ("/threads-www/", "threads-www"),
    ("/threads/", "threads"),
    ("/www/", "www"),
    ("/_media/", "media"),
)


def _split_base(path: str) -> tuple[str, str]:
    """("graph", "123/feed") for /v26.0/123/feed; the version, when given, is dropped."""
    found = next(
        ((base, path[len(prefix) :]) for prefix, base in BASES if path.startswith(prefix)), None
    )
    base, rest = found or ("graph", path.lstrip("/"))
    if base == "media":
        return base, rest
    version = re.match(r"v\d+\.\d+(/|$)", rest)
    return base, rest[version.end() :] if version else rest


def _read_body(
    headers: dict[str, str], body: bytes
) -> tuple[list[tuple[str, str]], dict[str, bytes]]:
    content_type = headers.get("content-type", "")
    if not body:
        return [], {}
    if content_type.startswith("application/x-www-form-urlencoded") or not content_type:
        return urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True), {}
    if content_type.startswith("application/json"):
        loaded = json.loads(body)
        if not isinstance(loaded, dict):
            raise ValueError("not an object")
        return [(k, _text(v)) for k, v in loaded.items()], {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        form: list[tuple[str, str]] = []
        files: dict[str, bytes] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = payload
            else:
                form.append((name, payload.decode("utf-8", "replace")))
        return form, files
    return [], {}


def _text(value: Any) -> str:
    """A JSON body's value as a form would carry it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _handler_for(server: DoubleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One write per answer, sent at once: headers and body apart wait on delayed ACKs.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet: tests read `requests` instead

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                status, out_headers, out = server.handle(self.command, self.path, headers, body)
            except ConnectionAbortedError:
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            except Exception as error:  # noqa: BLE001 (a double's bug answers 500, loudly)
                import traceback

                traceback.print_exc()
                status, out_headers, out = (
                    500,
                    {"Content-Type": "text/plain"},
                    f"double crashed: {error!r}".encode(),
                )
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(out)
            self.wfile.flush()

        do_GET = do_POST = do_DELETE = do_HEAD = _serve

    return Handler
