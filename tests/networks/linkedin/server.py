"""The LinkedIn double: an HTTP server on 127.0.0.1 (a thread, a free port) answering as
api.linkedin.com's versioned REST API (`/rest/…`) and www.linkedin.com's OAuth pages
(`/oauth/v2/…`) do, from one port. Shapes: declared.py (each endpoint's documentation page is
linked there); every request body is checked against its endpoint's declared request, every
answer recorded with its declared response (`records`) for the fidelity test.

What every `/rest` request must carry, as LinkedIn requires
(declared.VERSIONING_DOC, declared.PROTOCOL_DOC):
- `Authorization: Bearer <token>`: a token this double issued, not expired nor revoked
  (else 401 with INVALID_ACCESS_TOKEN 65600, REVOKED_ACCESS_TOKEN 65601 or
  EXPIRED_ACCESS_TOKEN 65602);
- `LinkedIn-Version: YYYYMM` (missing: 400 VERSION_MISSING; not an active version: 426
  NONEXISTENT_VERSION);
- `X-Restli-Protocol-Version: 2.0.0` (else 400): URNs in paths are percent-encoded
  (a raw `urn:li:` in a path is refused with 400), lists in queries are `List(a,b)`.

Errors (declared.ERRORS_DOC): `{"status", "serviceErrorCode", "code", "message"}`; 403
ACCESS_DENIED when the member lacks the scope or the organization role; 422 for a body that
does not fit ("Unpermitted fields present in REQUEST_BODY", a missing field) and for a
duplicate post ("Content is a duplicate of urn:li:share:…"); 429 when a test says so
(`fail`). Faults (`fail(key, status, times)`) make the next requests to an endpoint fail.
"""

from __future__ import annotations

import fnmatch
import html
import json
import re
import secrets
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.networks.linkedin import declared, validator
from tests.networks.linkedin.state import (
    Asset,
    Code,
    Comment,
    Post,
    Refresh,
    Token,
    World,
    big_id,
)

# Versions the double treats as active: LinkedIn keeps about a year of monthly versions.
ACTIVE_VERSIONS = {f"{year}{month:02d}" for year in (2025, 2026) for month in range(1, 13)}
DEFAULT_VERSION = "202611"
ACCESS_SECONDS = 60 * 24 * 3600  # 60 days (OAUTH_DOC)
REFRESH_SECONDS = 365 * 24 * 3600  # 1 year (REFRESH_DOC)
CODE_SECONDS = 30 * 60  # an authorization code lives 30 minutes (OAUTH_DOC)
MAX_BODY = 200 * 1024 * 1024
WRITE_SCOPE = "w_organization_social"
READ_SCOPE = "r_organization_social"
ADMIN_SCOPE = "rw_organization_admin"
POSTING_ROLES = {"ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER", "CONTENT_ADMINISTRATOR"}
READING_ROLES = POSTING_ROLES | {"ANALYST", "CURATOR"}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        service_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.service_code = service_code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.service_code is not None:
            body["serviceErrorCode"] = self.service_code
        if self.code is not None:
            body["code"] = self.code
        return body


def denied(message: str) -> ApiError:
    return ApiError(403, message, code="ACCESS_DENIED", service_code=100)


def unprocessable(message: str) -> ApiError:
    return ApiError(422, message)


def not_found(message: str = "Not Found") -> ApiError:
    return ApiError(404, message, code="NOT_FOUND")


@dataclass
class Fault:
    pattern: str  # an endpoint key ("posts.create") or a glob of them ("comments.*")
    status: int
    times: int
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # "status": an error answer; "malformed": 200 with a body that is not JSON; "hang": the
    # answer waits `hang` seconds first (a client's timeout).
    kind: str = "status"
    hang: float = 0.0


class Malformed(Exception):
    pass


@dataclass
class Record:
    key: str
    method: str
    path: str
    query: dict[str, str]
    request: Any
    status: int
    response: Any
    headers: dict[str, str]


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON, or None: empty
    headers: dict[str, str] = field(default_factory=dict)
    html: str | None = None
    location: str | None = None


@dataclass
class Call:
    key: str
    method: str
    path: str
    args: list[str]
    query: dict[str, str]
    body: Any
    raw: bytes
    headers: dict[str, str]
    token: Token | None = None

    @property
    def member(self) -> str:
        assert self.token is not None
        return self.token.member


# (endpoint key, method, path regex): first match wins; `{urn}`/`{id}` become groups.
ROUTES: list[tuple[str, str, re.Pattern[str]]] = []
HANDLERS: dict[str, Any] = {}


def route(key: str) -> Any:
    spec = declared.ENDPOINTS[key]
    path = spec["path"].split("?")[0]
    pattern = re.escape(path).replace(r"\{urn\}", "([^/]+)").replace(r"\{id\}", "([^/]+)")
    pattern = pattern.replace(r"\{token\}", "([^/]+)")
    ROUTES.append((key, spec["method"], re.compile(pattern + "$")))

    def register(handler: Any) -> Any:
        HANDLERS[key] = handler
        return handler

    return register


class DoubleServer:
    def __init__(self, *, port: int = 0, client_id: str, client_secret: str) -> None:
        self.world = World()
        self.client_id = client_id
        self.client_secret = client_secret
        self.faults: list[Fault] = []
        self.records: list[Record] = []
        self.refuse_duplicates = True
        self.grant_refresh_tokens = True
        self.video_polls = 0  # GET /rest/videos answers PROCESSING this many times
        self.video_fails = False  # then PROCESSING_FAILED
        self.posted_hook: Any = None  # called after a post is created (crash tests)
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life -----------------------------------------------------------------------------

    def start(self) -> DoubleServer:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:
                double._serve(self, "GET")

            def do_POST(self) -> None:
                double._serve(self, "POST")

            def do_PUT(self) -> None:
                double._serve(self, "PUT")

            def do_DELETE(self) -> None:
                double._serve(self, "DELETE")

        server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        server.daemon_threads = True
        server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- faults ---------------------------------------------------------------------------

    def fail(
        self,
        pattern: str,
        status: int,
        *,
        times: int = 1,
        message: str = "",
        headers: dict[str, str] | None = None,
        kind: str = "status",
        hang: float = 0.0,
    ) -> None:
        """The next `times` requests to the endpoints matching `pattern` answer `status`
        (or, `kind` "malformed", an unreadable body; "hang", late)."""
        with self.world.lock:
            self.faults.append(
                Fault(pattern, status, times, message, headers or {}, kind=kind, hang=hang)
            )

    def _fault(self, key: str) -> ApiError | None:
        with self.world.lock:
            found = None
            for fault in self.faults:
                if fault.times > 0 and fnmatch.fnmatch(key, fault.pattern):
                    fault.times -= 1
                    found = fault
                    break
        if found is None:
            return None
        if found.kind == "hang":
            time.sleep(found.hang)
            return None
        if found.kind == "malformed":
            raise Malformed
        return _injected(found)

    # -- serving --------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        split = urllib.parse.urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(min(length, MAX_BODY)) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        query = _query(split.query)
        key, args = self._match(method, split.path, query.get("action"))
        request_body: Any = None
        try:
            if key is None:
                raise not_found(f"No route for {method} {split.path}")
            call = Call(key, method, split.path, args, query, None, raw, headers)
            if split.path.startswith(("/rest/", "/upload/")):
                self._check_headers(call, rest=split.path.startswith("/rest/"))
            spec = declared.ENDPOINTS[key]
            action = spec["path"].partition("?")[2]
            if action:
                want = dict(urllib.parse.parse_qsl(action))
                if any(query.get(k) != v for k, v in want.items()):
                    raise ApiError(400, f"Unknown action {query.get('action')!r}")
                query = {k: v for k, v in query.items() if k not in want}
                call.query = query
            if "query" in spec:
                found = validator.query_problems(spec["query"], query)
                if found:
                    raise ApiError(400, "Invalid query parameters: " + "; ".join(found))
            elif query and key != "oauth.token":
                raise ApiError(400, f"Unknown query parameters: {sorted(query)}")
            if spec["request"] is not None:
                try:
                    request_body = json.loads(raw or b"null")
                except ValueError:
                    raise ApiError(400, "Unable to parse the request body as JSON") from None
                call.body = request_body
                found = validator.problems(spec["request"], request_body)
                if found:
                    unknown = [p for p in found if p.endswith("unknown field")]
                    raise unprocessable(
                        ("Unpermitted fields present in REQUEST_BODY: " if unknown else "")
                        + "; ".join(found)
                    )
            fault = self._fault(key)
            if fault:
                raise fault
            answer: Answer = HANDLERS[key](self, call)
        except Malformed:
            self._send_raw(handler, 200, b"{not json", "application/json")
            return
        except ApiError as error:
            answer = Answer(error.status, error.body(), error.headers)
            if key == "oauth.token" and error.code:
                answer.body = {"error": error.code, "error_description": error.message}
        self._record(key or "?", method, split.path, query, request_body, answer)
        self._send(handler, answer)

    def _match(self, method: str, path: str, action: str | None) -> tuple[str | None, list[str]]:
        for key, wanted, pattern in ROUTES:
            found = pattern.match(path)
            declared_action = declared.ENDPOINTS[key]["path"].partition("?action=")[2] or None
            if found and wanted == method and declared_action in (None, action):
                return key, [_path_arg(part) for part in found.groups()]
        return None, []

    def _check_headers(self, call: Call, *, rest: bool) -> None:
        if rest:
            version = call.headers.get("linkedin-version")
            if not version:
                raise ApiError(
                    400,
                    "A version must be present. Please specify a version by adding the "
                    "LinkedIn-Version header.",
                    code="VERSION_MISSING",
                )
            if version not in ACTIVE_VERSIONS:
                raise ApiError(
                    426, f"Requested version {version} is not active", code="NONEXISTENT_VERSION"
                )
            if call.headers.get("x-restli-protocol-version") != "2.0.0":
                raise ApiError(400, "X-Restli-Protocol-Version 2.0.0 is required by this double")
            if "urn:li:" in call.path:
                raise ApiError(400, "Syntax exception in path variables: URNs must be encoded")
        auth = call.headers.get("authorization", "")
        value = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        with self.world.lock:
            token = self.world.tokens.get(value)
            if token is None:
                raise ApiError(
                    401, "Invalid access token", code="INVALID_ACCESS_TOKEN", service_code=65600
                )
            if token.revoked:
                raise ApiError(
                    401,
                    "The token used in the request has been revoked by the user",
                    code="REVOKED_ACCESS_TOKEN",
                    service_code=65601,
                )
            if token.expires_at <= self.world.now():
                raise ApiError(
                    401,
                    "The token used in the request has expired",
                    code="EXPIRED_ACCESS_TOKEN",
                    service_code=65602,
                )
        call.token = token

    def _record(
        self, key: str, method: str, path: str, query: dict[str, str], request: Any, answer: Answer
    ) -> None:
        with self.world.lock:
            self.records.append(
                Record(
                    key,
                    method,
                    path,
                    dict(query),
                    request,
                    answer.status,
                    answer.body,
                    dict(answer.headers),
                )
            )
            del self.records[:-20_000]

    def _send_raw(
        self, handler: BaseHTTPRequestHandler, status: int, data: bytes, content_type: str
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _send(self, handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        if answer.html is not None:
            data = answer.html.encode()
            content_type = "text/html; charset=utf-8"
        elif answer.body is not None:
            data = json.dumps(answer.body).encode()
            content_type = "application/json"
        else:
            data = b""
            content_type = ""
        status = 302 if answer.location else answer.status
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        if answer.location:
            handler.send_header("Location", answer.location)
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    # -- helpers for handlers ----------------------------------------------------------

    def need(self, call: Call, scope: str, organization: str | None, roles: set[str]) -> None:
        """403 unless the token has `scope` and its member one of `roles` on
        `organization` (an organization URN; None: the scope alone)."""
        token = call.token
        assert token is not None
        if scope not in token.scope.split():
            raise denied(f"Not enough permissions to access: {call.key} (needs {scope})")
        if organization is None:
            return
        org = self.organization_of(organization)
        if org is None or org.roles.get(token.member) not in roles:
            raise denied(
                f"Not enough permissions to access: {call.method} {call.path} as {organization}"
            )

    def organization_of(self, urn: str) -> Any:
        if not urn.startswith("urn:li:organization:"):
            return None
        try:
            return self.world.organizations.get(int(urn.rsplit(":", 1)[1]))
        except ValueError:
            return None

    def upload_url(self, token: str) -> str:
        return f"{self.url}/upload/{token}"


def _injected(fault: Fault) -> ApiError:
    texts = {
        401: ("Invalid access token", "INVALID_ACCESS_TOKEN", 65600),
        403: ("Not enough permissions to access this resource", "ACCESS_DENIED", 100),
        422: ("ERROR :: /commentary :: the content was refused", None, None),
        429: (
            "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
            None,
            None,
        ),
        500: ("Internal Server Error", None, None),
        503: ("Service Unavailable", None, None),
    }
    message, code, service = texts.get(fault.status, ("Error", None, None))
    return ApiError(
        fault.status,
        fault.message or message,
        code=code,
        service_code=service,
        headers=fault.headers,
    )


def _path_arg(part: str) -> str:
    return urllib.parse.unquote(part)


def _query(raw: str) -> dict[str, str]:
    """A Rest.li 2.0 query: `name=value` pairs, values percent-decoded (a `List(…)` keeps its
    parentheses and commas, which Rest.li 2.0 leaves unencoded)."""
    found: dict[str, str] = {}
    for pair in raw.split("&") if raw else []:
        name, _, value = pair.partition("=")
        found[urllib.parse.unquote_plus(name)] = urllib.parse.unquote_plus(value)
    return found


def rest_list(value: str) -> list[str]:
    """`List(a,b)` → [a, b] (URNs with parentheses, comment URNs, are not listed here)."""
    inner = value.removeprefix("List(").removesuffix(")")
    return [item for item in inner.split(",") if item]


# --- posts (declared.POSTS_DOC) --------------------------------------------------------

# The little text format (https://learn.microsoft.com/en-us/linkedin/marketing/
# community-management/shares/little-text-format): reserved characters must be escaped;
# LinkedIn loses the text from an unescaped one on. Templates kept: mentions, hashtags.
LITTLE_RESERVED = set("|{}@[]()<>#\\*_~")
LITTLE_TEMPLATES = re.compile(
    r"@\[[^\[\]\n]+\]\(urn:li:(?:organization|person):[A-Za-z0-9_-]+\)"
    r"|\{hashtag\|\\#\|\w+\}"
)


def shown(commentary: str) -> str:
    """What LinkedIn keeps of a commentary: up to its first unescaped reserved character
    that starts no template."""
    at = 0
    while at < len(commentary):
        char = commentary[at]
        if char == "\\":
            at += 2
            continue
        if char in LITTLE_RESERVED:
            template = LITTLE_TEMPLATES.match(commentary, at)
            if template is None:
                return commentary[:at]
            at = template.end()
            continue
        at += 1
    return commentary


def post_view(post: Post) -> dict[str, Any]:
    body = post.body
    view: dict[str, Any] = {
        "id": post.urn,
        "author": post.author,
        "commentary": post.commentary,
        "visibility": body["visibility"],
        "distribution": body["distribution"],
        "lifecycleState": body["lifecycleState"],
        "lifecycleStateInfo": {"isEditedByAuthor": False},
        "isReshareDisabledByAuthor": bool(body.get("isReshareDisabledByAuthor", False)),
        "createdAt": post.created_ms,
        "publishedAt": post.created_ms,
        "lastModifiedAt": post.created_ms,
    }
    for name in ("content", "contentLandingPage", "reshareContext", "container"):
        if name in body:
            view[name] = body[name]
    return view


@route("posts.create")
def posts_create(double: DoubleServer, call: Call) -> Answer:
    body = call.body
    double.need(call, WRITE_SCOPE, body["author"], POSTING_ROLES)
    content = body.get("content") or {}
    world = double.world
    with world.lock:
        ids = []
        if "media" in content:
            ids = [content["media"]["id"]]
            if ids[0].startswith("urn:li:document:") and not content["media"].get("title"):
                raise unprocessable("ERROR :: /content/media/title :: a document needs a title")
        elif "multiImage" in content:
            ids = [image["id"] for image in content["multiImage"]["images"]]
            if not 2 <= len(ids) <= 20:
                raise unprocessable("ERROR :: /content/multiImage/images :: 2 to 20 images")
            if not all(i.startswith("urn:li:image:") for i in ids):
                raise unprocessable("ERROR :: /content/multiImage/images :: images only")
        for urn in ids:
            asset = world.assets.get(urn)
            if asset is None or asset.owner != body["author"]:
                raise unprocessable(f"ERROR :: /content :: {urn} is not a media of the author")
            if asset.status != "AVAILABLE":
                raise unprocessable(f"ERROR :: /content :: {urn} is {asset.status}")
        if len(body["commentary"]) > 3000:
            raise unprocessable(
                f"ERROR :: /commentary :: String is too long. Length: "
                f"{len(body['commentary'])}. Max length: 3000"
            )
        if double.refuse_duplicates:
            for post in world.posts.values():
                if (
                    not post.deleted
                    and post.author == body["author"]
                    and post.commentary == body["commentary"]
                    and post.body.get("content") == body.get("content")
                    and world.now_ms() - post.created_ms < 24 * 3600 * 1000
                ):
                    raise unprocessable(f"Content is a duplicate of {post.urn}")
        # A text, link or single-image post is a share; video, document and multi-image
        # posts are ugcPosts (their statistics are asked for under `ugcPosts`).
        media_post = bool(ids) and (len(ids) > 1 or not ids[0].startswith("urn:li:image:"))
        kind = "ugcPost" if media_post else "share"
        urn = f"urn:li:{kind}:{big_id()}"
        world.posts[urn] = Post(
            urn, body["author"], shown(body["commentary"]), body, world.now_ms()
        )
    if double.posted_hook:
        double.posted_hook(urn)
    return Answer(201, None, {"x-restli-id": urn})


def _post(double: DoubleServer, urn: str) -> Post:
    post = double.world.posts.get(urn)
    if post is None or post.deleted:
        raise not_found(f"Post {urn} does not exist")
    return post


@route("posts.get")
def posts_get(double: DoubleServer, call: Call) -> Answer:
    with double.world.lock:
        post = _post(double, call.args[0])
    double.need(call, READ_SCOPE, post.author, READING_ROLES)
    return Answer(200, post_view(post))


@route("posts.delete")
def posts_delete(double: DoubleServer, call: Call) -> Answer:
    with double.world.lock:
        post = _post(double, call.args[0])
        double.need(call, WRITE_SCOPE, post.author, POSTING_ROLES)
        post.deleted = True
    return Answer(204)


@route("posts.by_author")
def posts_by_author(double: DoubleServer, call: Call) -> Answer:
    author = call.query["author"]
    double.need(call, READ_SCOPE, author, READING_ROLES)
    start, count = int(call.query.get("start", 0)), min(int(call.query.get("count", 10)), 100)
    with double.world.lock:
        posts = sorted(
            (p for p in double.world.posts.values() if p.author == author and not p.deleted),
            key=lambda p: (p.created_ms, p.urn),
            reverse=True,
        )
        page = [post_view(p) for p in posts[start : start + count]]
    return Answer(200, {"paging": _paging(start, count, len(posts)), "elements": page})


def _paging(start: int, count: int, total: int) -> dict[str, Any]:
    links = []
    if start + count < total:
        links.append(
            {
                "rel": "next",
                "href": f"?start={start + count}&count={count}",
                "type": "application/json",
            }
        )
    return {"start": start, "count": count, "links": links, "total": total}


# --- media (declared.IMAGES_DOC, VIDEOS_DOC, DOCUMENTS_DOC) --------------------------------


def _initialize(double: DoubleServer, call: Call, kind: str) -> Asset:
    request = call.body["initializeUploadRequest"]
    double.need(call, WRITE_SCOPE, request["owner"], POSTING_ROLES)
    prefix = {"image": "C4D10AQ", "video": "C5D10AQ", "document": "D4D10AQ"}[kind]
    urn = f"urn:li:{kind}:{prefix}{secrets.token_urlsafe(9).replace('-', 'x').replace('_', 'y')}"
    asset = Asset(urn, kind, request["owner"])
    with double.world.lock:
        double.world.assets[urn] = asset
    return asset


def _upload_token(double: DoubleServer, asset: Asset, part: int = 0) -> str:
    token = secrets.token_urlsafe(18)
    with double.world.lock:
        double.world.uploads[token] = (asset.urn, part)
    return token


@route("images.initialize")
def images_initialize(double: DoubleServer, call: Call) -> Answer:
    asset = _initialize(double, call, "image")
    url = double.upload_url(_upload_token(double, asset))
    expires = double.world.now_ms() + 24 * 3600 * 1000
    return Answer(
        200, {"value": {"uploadUrlExpiresAt": expires, "uploadUrl": url, "image": asset.urn}}
    )


@route("documents.initialize")
def documents_initialize(double: DoubleServer, call: Call) -> Answer:
    asset = _initialize(double, call, "document")
    url = double.upload_url(_upload_token(double, asset))
    expires = double.world.now_ms() + 24 * 3600 * 1000
    return Answer(
        200, {"value": {"uploadUrlExpiresAt": expires, "uploadUrl": url, "document": asset.urn}}
    )


PART = 4 * 1024 * 1024  # videos are uploaded in parts of 4 MB (VIDEOS_DOC)


@route("videos.initialize")
def videos_initialize(double: DoubleServer, call: Call) -> Answer:
    size = call.body["initializeUploadRequest"]["fileSizeBytes"]
    if size <= 0 or size > 500 * 1024 * 1024:
        raise unprocessable("ERROR :: /initializeUploadRequest/fileSizeBytes :: 75 KB to 500 MB")
    asset = _initialize(double, call, "video")
    asset.size = size
    count = (size + PART - 1) // PART
    asset.parts = [None] * count
    asset.etags = [""] * count
    asset.upload_token = secrets.token_hex(8) if count > 1 else ""
    instructions = [
        {
            "uploadUrl": double.upload_url(_upload_token(double, asset, n)),
            "firstByte": n * PART,
            "lastByte": min(size, (n + 1) * PART) - 1,
        }
        for n in range(count)
    ]
    expires = double.world.now_ms() + 24 * 3600 * 1000
    return Answer(
        200,
        {
            "value": {
                "uploadUrlsExpireAt": expires,
                "video": asset.urn,
                "uploadInstructions": instructions,
                "uploadToken": asset.upload_token,
            }
        },
    )


@route("upload.put")
def upload_put(double: DoubleServer, call: Call) -> Answer:
    with double.world.lock:
        found = double.world.uploads.pop(call.args[0], None)
        if found is None:
            raise not_found("Unknown upload URL")
        asset = double.world.assets[found[0]]
        if asset.kind == "video":
            part = found[1]
            expected = min(asset.size, (part + 1) * PART) - part * PART
            if len(call.raw) != expected:
                raise ApiError(400, f"Part {part} must be {expected} bytes, got {len(call.raw)}")
            asset.parts[part] = call.raw
            etag = secrets.token_hex(12)
            asset.etags[part] = etag
            asset.uploaded = all(p is not None for p in asset.parts)
            return Answer(200, None, {"ETag": etag})
        if not call.raw:
            raise ApiError(400, "Empty upload")
        if asset.kind == "document" and not call.raw.startswith(b"%PDF"):
            raise unprocessable("The document could not be processed: not a PDF")
        asset.data = call.raw
        asset.uploaded = True
    return Answer(201)


@route("videos.finalize")
def videos_finalize(double: DoubleServer, call: Call) -> Answer:
    request = call.body["finalizeUploadRequest"]
    with double.world.lock:
        asset = double.world.assets.get(request["video"])
        if asset is None or asset.kind != "video":
            raise not_found("Unknown video")
        double.need(call, WRITE_SCOPE, asset.owner, POSTING_ROLES)
        if request["uploadToken"] != asset.upload_token:
            raise ApiError(400, "uploadToken does not match")
        if not asset.uploaded or request["uploadedPartIds"] != asset.etags:
            raise ApiError(400, "uploadedPartIds do not match the uploaded parts")
        asset.finalized = True
        asset.polls_left = double.video_polls
        asset.failed = double.video_fails
    return Answer(200)


def _asset_view(asset: Asset) -> dict[str, Any]:
    return {"id": asset.urn, "owner": asset.owner, "status": asset.status}


@route("images.get")
def images_get(double: DoubleServer, call: Call) -> Answer:
    with double.world.lock:
        asset = double.world.assets.get(call.args[0])
        if asset is None or asset.kind != "image":
            raise not_found("Unknown image")
        double.need(call, READ_SCOPE, asset.owner, READING_ROLES)
        return Answer(200, _asset_view(asset))


@route("videos.get")
def videos_get(double: DoubleServer, call: Call) -> Answer:
    with double.world.lock:
        asset = double.world.assets.get(call.args[0])
        if asset is None or asset.kind != "video":
            raise not_found("Unknown video")
        double.need(call, READ_SCOPE, asset.owner, READING_ROLES)
        view = _asset_view(asset)
        if asset.finalized and asset.polls_left > 0:
            asset.polls_left -= 1
        return Answer(200, view)


# --- comments (declared.COMMENTS_DOC) -----------------------------------------------------


def comment_view(world: World, comment: Comment) -> dict[str, Any]:
    replies = world.comments_on(comment.urn)
    stamp = {"actor": comment.actor, "time": comment.created_ms}
    view: dict[str, Any] = {
        "id": comment.id,
        "commentUrn": comment.urn,
        "$URN": comment.urn,
        "actor": comment.actor,
        "object": comment.post,
        "message": {"text": comment.text, "attributes": comment.attributes},
        "created": stamp,
        "lastModified": dict(stamp),
        "likesSummary": {
            "selectedLikes": [],
            "aggregatedTotalLikes": 0,
            "likedByCurrentUser": False,
            "totalLikes": 0,
        },
        "commentsSummary": {
            "selectedComments": [r.urn for r in replies[:10]],
            "totalFirstLevelComments": len(replies),
            "aggregatedTotalComments": len(replies),
        },
    }
    if comment.parent:
        view["parentComment"] = comment.parent
    return view


def _thread_post(double: DoubleServer, target: str) -> tuple[Post, Comment | None]:
    """The post a comments path is about, and the parent comment when it names one."""
    world = double.world
    if target.startswith("urn:li:comment:"):
        parent = world.comments.get(target)
        if parent is None or parent.deleted:
            raise not_found(f"Comment {target} does not exist")
        return _post(double, parent.post), parent
    return _post(double, target), None


@route("comments.list")
def comments_list(double: DoubleServer, call: Call) -> Answer:
    with double.world.lock:
        post, _ = _thread_post(double, call.args[0])
        double.need(call, READ_SCOPE, post.author, READING_ROLES)
        found = double.world.comments_on(call.args[0])
        # Newest first, as LinkedIn sorts comments by default (uncertain: the page does not
        # say; tests must not rely on the order).
        found.reverse()
        start, count = int(call.query.get("start", 0)), min(int(call.query.get("count", 10)), 100)
        page = [comment_view(double.world, c) for c in found[start : start + count]]
    return Answer(200, {"paging": _paging(start, count, len(found)), "elements": page})


@route("comments.get")
def comments_get(double: DoubleServer, call: Call) -> Answer:
    world = double.world
    with world.lock:
        post, _ = _thread_post(double, call.args[0])
        double.need(call, READ_SCOPE, post.author, READING_ROLES)
        comment = world.comments.get(f"urn:li:comment:({post.urn},{call.args[1]})")
        if comment is None or comment.deleted:
            raise not_found("Comment does not exist")
        return Answer(200, comment_view(world, comment))


@route("comments.create")
def comments_create(double: DoubleServer, call: Call) -> Answer:
    body = call.body
    world = double.world
    with world.lock:
        post, parent = _thread_post(double, call.args[0])
        if body["object"] != post.urn:
            raise unprocessable("ERROR :: /object :: must be the post the comment is on")
        if (parent.urn if parent else None) != body.get("parentComment"):
            raise unprocessable("ERROR :: /parentComment :: must be the comment in the path")
        if parent and parent.parent:
            raise unprocessable("ERROR :: /parentComment :: replies are one level deep")
        if body["actor"].startswith("urn:li:organization:"):
            double.need(call, WRITE_SCOPE, body["actor"], POSTING_ROLES)
        elif body["actor"] != call.member or "w_member_social" not in call.token.scope.split():  # type: ignore[union-attr]
            raise denied("Not enough permissions to comment as this actor")
        if not body["message"]["text"].strip():
            raise unprocessable("ERROR :: /message/text :: must not be empty")
        if len(body["message"]["text"]) > 1250:
            raise unprocessable("ERROR :: /message/text :: length must be at most 1250")
        comment = Comment(
            str(big_id()),
            post.urn,
            body["actor"],
            body["message"]["text"],
            world.now_ms(),
            parent=parent.urn if parent else None,
            attributes=body["message"].get("attributes", []),
        )
        world.comments[comment.urn] = comment
        view = comment_view(world, comment)
    if double.posted_hook:
        double.posted_hook(comment.urn)
    return Answer(201, view, {"x-restli-id": comment.id})


@route("comments.delete")
def comments_delete(double: DoubleServer, call: Call) -> Answer:
    world = double.world
    actor = call.query["actor"]
    with world.lock:
        post, _ = _thread_post(double, call.args[0])
        urn = f"urn:li:comment:({post.urn},{call.args[1]})"
        comment = world.comments.get(urn)
        if comment is None or comment.deleted:
            raise not_found(f"Comment {urn} does not exist")
        # The organization may delete its own comments and the comments on its posts.
        if actor.startswith("urn:li:organization:"):
            double.need(call, WRITE_SCOPE, actor, POSTING_ROLES)
            if actor not in (comment.actor, post.author):
                raise denied("Not enough permissions to delete this comment")
        elif actor != call.member or comment.actor != actor:
            raise denied("Not enough permissions to delete this comment")
        comment.deleted = True
    return Answer(204)


# --- statistics and organizations -----------------------------------------------------


@route("share_statistics")
def share_statistics(double: DoubleServer, call: Call) -> Answer:
    org = call.query["organizationalEntity"]
    double.need(call, ADMIN_SCOPE, org, {"ADMINISTRATOR"})
    if "shares" in call.query and "ugcPosts" in call.query:
        raise ApiError(400, "shares and ugcPosts cannot be asked in one request")
    wanted = [("share", u) for u in rest_list(call.query.get("shares", ""))]
    wanted += [("ugcPost", u) for u in rest_list(call.query.get("ugcPosts", ""))]
    elements = []
    with double.world.lock:
        for field_name, urn in wanted:
            post = double.world.posts.get(urn)
            if post is None or post.author != org or post.kind != field_name:
                raise denied(f"Data Processing Exception while processing fields [{urn}]")
            comments = sum(
                1 for c in double.world.comments.values() if c.post == urn and not c.deleted
            )
            engaged = post.clicks + post.likes + comments + post.shares
            elements.append(
                {
                    "organizationalEntity": org,
                    field_name: urn,
                    "totalShareStatistics": {
                        "uniqueImpressionsCount": post.unique_impressions,
                        "shareCount": post.shares,
                        "engagement": engaged / post.impressions if post.impressions else 0.0,
                        "clickCount": post.clicks,
                        "likeCount": post.likes,
                        "impressionCount": post.impressions,
                        "commentCount": comments,
                    },
                }
            )
    return Answer(200, {"paging": _paging(0, len(elements), len(elements)), "elements": elements})


@route("network_size")
def network_size(double: DoubleServer, call: Call) -> Answer:
    org = double.organization_of(call.args[0])
    if org is None:
        raise not_found("Unknown organization")
    return Answer(200, {"firstDegreeSize": org.followers})


@route("organization_acls")
def organization_acls(double: DoubleServer, call: Call) -> Answer:
    if not {ADMIN_SCOPE, READ_SCOPE, WRITE_SCOPE} & set(call.token.scope.split()):  # type: ignore[union-attr]
        raise denied("Not enough permissions to access: organizationAcls")
    role = call.query.get("role")
    state = call.query.get("state", "APPROVED")
    found = []
    with double.world.lock:
        for org in sorted(double.world.organizations.values(), key=lambda o: o.id):
            held = org.roles.get(call.member)
            if held and (role is None or role == held) and state == "APPROVED":
                found.append(
                    {
                        "roleAssignee": call.member,
                        "state": "APPROVED",
                        "role": held,
                        "organization": org.urn,
                    }
                )
    start, count = int(call.query.get("start", 0)), int(call.query.get("count", 10))
    return Answer(
        200, {"paging": _paging(start, count, len(found)), "elements": found[start : start + count]}
    )


@route("organizations.get")
def organizations_get(double: DoubleServer, call: Call) -> Answer:
    try:
        org = double.world.organizations.get(int(call.args[0]))
    except ValueError:
        org = None
    if org is None:
        raise not_found("Unknown organization")
    if call.member not in org.roles:
        raise denied("Not enough permissions to access this organization")
    return Answer(
        200,
        {
            "id": org.id,
            "$URN": org.urn,
            "localizedName": org.name,
            "vanityName": org.vanity,
            "name": {
                "localized": {"fr_FR": org.name},
                "preferredLocale": {"country": "FR", "language": "fr"},
            },
            "primaryOrganizationType": "NONE",
        },
    )


# --- OAuth 2.0, 3-legged (declared.OAUTH_DOC, REFRESH_DOC) -----------------------------


@route("oauth.authorize")
def oauth_authorize(double: DoubleServer, call: Call) -> Answer:
    """The consent page: pick the member who signs in; "Allow" redirects with a code,
    "Cancel" with error=user_cancelled_authorize (as LinkedIn does)."""
    query = call.query
    if query["client_id"] != double.client_id:
        raise ApiError(400, "Invalid client_id", code="invalid_request")
    redirect = query["redirect_uri"]
    with double.world.lock:
        members = list(double.world.members.values())
    rows = "".join(
        f'<label><input type="radio" name="member" value="{html.escape(m.urn)}"'
        f"{' checked' if i == 0 else ''}> {html.escape(m.name)}</label><br>"
        for i, m in enumerate(members)
    )
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in query.items()
    )
    page = (
        "<!doctype html><html><head><title>LinkedIn (double): sign in</title></head><body>"
        f"<h1>Palabre would like to access your LinkedIn pages</h1>"
        f"<p>Scopes: {html.escape(query['scope'])}</p>"
        f'<form method="get" action="/oauth/v2/consent">{hidden}{rows}'
        '<button name="decision" value="allow">Allow</button> '
        '<button name="decision" value="cancel">Cancel</button></form>'
        f"<p>Redirects to {html.escape(redirect)}</p></body></html>"
    )
    return Answer(200, html=page)


def consent(double: DoubleServer, call: Call) -> Answer:
    query = dict(call.query)
    redirect = query.get("redirect_uri", "")
    state = query.get("state")
    extra = {"state": state} if state is not None else {}
    if query.get("decision") != "allow":
        params = {
            "error": "user_cancelled_authorize",
            "error_description": "The user cancelled the authorization",
            **extra,
        }
        return Answer(302, location=_with_query(redirect, params))
    member = query.get("member", "")
    if member not in double.world.members:
        raise ApiError(400, "Unknown member")
    code = secrets.token_urlsafe(24)
    with double.world.lock:
        double.world.codes[code] = Code(
            member, redirect, query.get("scope", ""), query.get("client_id", "")
        )
    return Answer(302, location=_with_query(redirect, {"code": code, **extra}))


def _with_query(url: str, params: dict[str, str]) -> str:
    joiner = "&" if "?" in url else "?"
    return url + joiner + urllib.parse.urlencode(params)


def oauth_error(status: int, error: str, description: str) -> ApiError:
    return ApiError(status, description, code=error)


@route("oauth.token")
def oauth_token(double: DoubleServer, call: Call) -> Answer:
    form = dict(urllib.parse.parse_qsl(call.raw.decode("utf-8", "replace")))
    if call.query:
        raise oauth_error(400, "invalid_request", "Parameters go in the form body")
    if call.headers.get("content-type", "").split(";")[0] != "application/x-www-form-urlencoded":
        raise oauth_error(400, "invalid_request", "Content-Type must be x-www-form-urlencoded")
    if (
        form.get("client_id") != double.client_id
        or form.get("client_secret") != double.client_secret
    ):
        raise oauth_error(401, "invalid_client", "Client authentication failed")
    world = double.world
    grant = form.get("grant_type")
    with world.lock:
        if grant == "authorization_code":
            code = world.codes.get(form.get("code", ""))
            if code is None or code.used or world.now() - code.created > CODE_SECONDS:
                raise oauth_error(
                    400, "invalid_grant", "The authorization code is invalid or expired"
                )
            if code.redirect_uri != form.get("redirect_uri"):
                raise oauth_error(
                    400,
                    "invalid_request",
                    "Unable to retrieve access token: appid/redirect uri/code "
                    "verifier does not match authorization code",
                )
            code.used = True
            member, scope = code.member, code.scope
            refresh_expires = world.now() + REFRESH_SECONDS
        elif grant == "refresh_token":
            old = world.refreshes.get(form.get("refresh_token", ""))
            if old is None or old.expires_at <= world.now():
                raise oauth_error(
                    400, "invalid_request", "The provided refresh token is invalid or expired"
                )
            member, scope, refresh_expires = old.member, old.scope, old.expires_at
        else:
            raise oauth_error(400, "unsupported_grant_type", "grant_type is not supported")
        access = "AQV" + secrets.token_urlsafe(40)
        world.tokens[access] = Token(access, member, scope, world.now() + ACCESS_SECONDS)
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": ACCESS_SECONDS,
            "scope": ",".join(scope.split()),
        }
        if double.grant_refresh_tokens:
            if grant == "refresh_token":
                refresh = form["refresh_token"]  # LinkedIn gives the same refresh token back
            else:
                refresh = "AQX" + secrets.token_urlsafe(40)
                world.refreshes[refresh] = Refresh(refresh, member, scope, refresh_expires)
            body["refresh_token"] = refresh
            body["refresh_token_expires_in"] = int(refresh_expires - world.now())
    return Answer(200, body)


ROUTES.append(("oauth.consent", "GET", re.compile(r"/oauth/v2/consent$")))
HANDLERS["oauth.consent"] = consent
