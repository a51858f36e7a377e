"""The one guard for every request the server makes to an address a person typed.

A Bluesky service, a Mastodon instance: any account may type one, and the server then
connects to it, at once (the connection form) and later (the worker, with the stored
address). Without a guard, that reaches the server's own loopback, the private network
and the cloud's metadata service, and the error text tells which ports answer.

The rules, for every connection (redirects included, since each hop opens its own):
- http and https only;
- the host name is resolved once, every address it resolves to is checked, and the
  connection is made to a checked address: no second lookup can answer differently
  (DNS rebinding) between the check and the connection;
- loopback, private, link-local, CGNAT, multicast, reserved and unspecified addresses,
  cloud metadata addresses and IPv6 forms that embed an IPv4 address (IPv4-mapped, 6to4,
  NAT64) are refused, unless PALABRE_OUTBOUND_ALLOWED_HOSTS lists them;
- a refusal says nothing of what is there (OutboundRefused, always the same text);
- answers come uncompressed and end ANSWER_SECONDS after the request was sent (requests:
  an event stream, which reads for hours, has that long for its headers), and a requests
  answer read at once is at most ANSWER_BYTES.

PALABRE_OUTBOUND_ALLOWED_HOSTS (settings.PALABRE_OUTBOUND_ALLOWED_HOSTS, a list) holds host
names (exact, any letter case: the name is then trusted whatever it resolves to), IP
addresses and networks (CIDR: an address in them is allowed). Tests and the local Bluesky
network list `localhost`.

Use: `httpx_options()` for an httpx client (the atproto SDK: Request(**httpx_options())),
`guard_session(session)` for a requests session (Mastodon.py), `check_url(url)` before
storing an address, `resolve(host, port)` for anything else that opens a socket, and
`read_bounded(response, …)` to read a body of unknown size and pace. A compressed
answer raises (a small gzip body can inflate to gigabytes).
"""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpcore
import httpx
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3 import PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection
from urllib3.util.ssl_ import create_urllib3_context

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
S = TypeVar("S", bound=requests.Session)

# Neutral on purpose: the same text whether the address was refused here, the port was
# closed, nothing answered in time or something that is not the expected API answered.
UNREACHABLE = "the server could not be reached"

SCHEMES = ("http", "https")
# Ranges `is_global` lets through that still lead inside or nowhere useful.
_ALSO_REFUSED = [
    ipaddress.ip_network(n)
    for n in (
        "100.64.0.0/10",  # CGNAT (also: Alibaba Cloud's metadata, 100.100.100.200)
        "192.0.0.0/24",  # IETF protocol assignments (Oracle Cloud's 192.0.0.192)
        "198.18.0.0/15",  # benchmarking
        "168.63.129.16/32",  # Azure's wire server
        "fd00:ec2::254/128",  # AWS's metadata over IPv6 (a unique local address anyway)
        "fec0::/10",  # IPv6 site-local: deprecated, but still a private network where used
    )
]
_NAT64 = [ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48")]


class OutboundRefused(OSError):
    """The address may not be reached from this server; the text tells nothing more."""

    def __init__(self) -> None:
        super().__init__(UNREACHABLE)


class OutboundCutShort(OSError):
    """An answer longer than allowed, or not whole by the deadline: not read."""


def _allowed() -> tuple[frozenset[str], list[Network]]:
    names: set[str] = set()
    networks: list[Network] = []
    for entry in getattr(settings, "PALABRE_OUTBOUND_ALLOWED_HOSTS", []):
        entry = entry.strip().lower()
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return frozenset(names), networks


def host_is_listed(host: str) -> bool:
    """The operator trusts this host name (PALABRE_OUTBOUND_ALLOWED_HOSTS), as it resolves."""
    names, _networks = _allowed()
    return host.strip("[]").lower().rstrip(".") in names


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_is_public(address: IPAddress) -> bool:
    """Whether an address is one the Internet routes to someone else's server."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and not address_is_public(embedded):
            return False
        if address.teredo:
            return False
    return not (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or any(address in network for network in _ALSO_REFUSED)
    )


def host_is_trusted(host: str) -> bool:
    """Listed by the operator (PALABRE_OUTBOUND_ALLOWED_HOSTS), by name or by address."""
    if host_is_listed(host):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    _names, networks = _allowed()
    return any(address.version == n.version and address in n for n in networks)


def credentials_url_check(url: str) -> str:
    """An address Palabre sends a person's credentials to (an app password, an OAuth
    exchange): HTTPS, but for a server the operator listed (a local one, a test's)."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not host_is_trusted(parts.hostname or ""):
        raise OutboundRefused
    return url


def address_is_allowed(address: IPAddress) -> bool:
    _names, networks = _allowed()
    if any(address.version == n.version and address in n for n in networks):
        return True
    return address_is_public(address)


def resolve(host: str, port: int) -> list[str]:
    """The addresses to connect to, resolved once and each checked: connect to these, never
    to `host` again. Raises OutboundRefused when the name does not resolve or when any
    address it resolves to may not be reached (one inside is reason enough)."""
    host = host.strip("[]")
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise OutboundRefused() from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in found:
        text = str(sockaddr[0])
        try:
            address = ipaddress.ip_address(text.partition("%")[0])
        except ValueError:
            raise OutboundRefused() from None
        if not address_is_allowed(address):
            raise OutboundRefused()
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise OutboundRefused()
    return addresses


def check_url(url: str) -> str:
    """`url` when it is an http(s) address with a host and no credentials in it; the host is
    not resolved here (the connection checks it, each time)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port out of range raises here)
    except ValueError:
        raise OutboundRefused() from None
    if parts.scheme not in SCHEMES or not parts.hostname or parts.username or parts.password:
        raise OutboundRefused()
    return url


# --- httpx (the atproto SDK) ---------------------------------------------------------


# The longest a request may go on answering, from the last byte Palabre sent (httpx) or
# from its start (requests); a TLS handshake has as long. A server trickling its headers a
# byte at a time, each within the read timeout, held a web process or a worker at will.
ANSWER_SECONDS = 300


# Where a deadline cannot be given to each read (requests' reads, a TLS handshake: each
# socket read has its own timeout, and a server answering a byte at a time, each within it,
# held a worker for as long as it liked), a timer's thread shuts the sockets down at the
# deadline: the blocked read ends, and the request fails as any broken connection does.
_watching = threading.local()


class _Watch:
    """The sockets one request (or one block: `deadline`) uses, shut down when its time is
    up. The lock keeps a cut from running once the request is over."""

    def __init__(self, *, request: bool) -> None:
        self.request = request  # one request's (re-armed once it is sent), or a block's
        self.sockets: list[socket.socket] = []
        self.cut = False
        self.ends_at = 0.0  # time.monotonic()'s
        self._over = False
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def arm(self, seconds: float) -> None:
        """The time left from now (again, once the request is sent: see GuardedAdapter)."""
        with self._lock:
            if self._timer:
                self._timer.cancel()
            if self._over or self.cut:
                return
            self.ends_at = time.monotonic() + seconds
            self._timer = threading.Timer(seconds, self.shut)
            self._timer.daemon = True
            self._timer.start()

    def add(self, sock: socket.socket | None) -> None:
        with self._lock:
            if sock is not None and not self._over:
                self.sockets.append(sock)
                if self.cut:  # a connection opened after the cut
                    _shut(sock)

    def shut(self) -> None:
        with self._lock:
            if self._over:
                return
            self.cut = True
            for sock in self.sockets:
                _shut(sock)

    def end(self) -> None:
        with self._lock:
            self._over = True
            if self._timer:
                self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown: a TLS socket's would drop its state under the thread
    # reading it. A socket wrapped in TLS since it was added is detached (no descriptor).
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watches() -> list[_Watch]:
    if not hasattr(_watching, "stack"):
        _watching.stack = []
    return _watching.stack


@contextmanager
def _watched(seconds: float, *, request: bool = True) -> Iterator[_Watch]:
    """Every socket the current thread uses while the block runs is shut down `seconds`
    after the block began (or after the watch is armed again), then `cut`. Blocks nest:
    a socket joins every watch around it, and the first to end cuts it."""
    watch = _Watch(request=request)
    watch.arm(seconds)
    _watches().append(watch)
    try:
        yield watch
    finally:
        watch.end()
        _watches().remove(watch)


def deadline(seconds: float) -> Any:
    """A block whose requests (requests' and httpx's, here, in this thread) end `seconds`
    from now at the latest, however many there are: a detection of several documents
    shares one deadline."""
    return _watched(seconds, request=False)


def _block_ends() -> float | None:
    """When the innermost-ending `deadline` block around this thread's work ends."""
    return min((w.ends_at for w in _watches() if not w.request), default=None)


def _watch(sock: socket.socket | None) -> None:
    for watch in _watches():
        watch.add(sock)


def _sent() -> None:
    """The request is written: its answer has ANSWER_SECONDS from now (an outer `deadline`
    keeps its time)."""
    requests_watched = [w for w in _watches() if w.request]
    if requests_watched:
        requests_watched[-1].arm(ANSWER_SECONDS)


class _WatchedSSLSocket(ssl.SSLSocket):
    """Joins the watch before its handshake, which a server can trickle too."""

    def do_handshake(self, block: bool = False) -> None:
        _watch(self)
        super().do_handshake(block)


class _Deadlined(httpcore.NetworkStream):
    """A connection whose reads stop ANSWER_SECONDS after the request was last written, or
    at the end of a `deadline` block around them, whichever comes first."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream
        self._deadline: float | None = None

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, timeout)
        self._deadline = time.monotonic() + ANSWER_SECONDS

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        ends = [t for t in (self._deadline, _block_ends()) if t is not None]
        if ends:
            left = min(ends) - time.monotonic()
            if left <= 0:
                raise httpcore.ReadTimeout("the answer took too long")
            timeout = left if timeout is None else min(timeout, left)
        return self._stream.read(max_bytes, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        with _watched(ANSWER_SECONDS):  # the handshake: ssl_context makes watched sockets
            return _Deadlined(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore opens every TCP connection here: resolved, checked, then connected by
    address (TLS still checks the certificate against the host name)."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        if host_is_listed(host):
            stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
            return _Deadlined(stream)
        try:
            addresses = resolve(host, port)
        except OutboundRefused:
            raise httpcore.ConnectError(UNREACHABLE) from None
        error: Exception = httpcore.ConnectError(UNREACHABLE)
        for address in addresses:
            try:
                stream = super().connect_tcp(address, port, timeout, local_address, socket_options)
                return _Deadlined(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as failed:
                error = failed
        raise error


# Answers are asked for as they are ("identity") and refused compressed, never inflated:
# a few kilobytes of gzip or deflate from a server someone named can be gigabytes decoded.
PLAIN = "identity"


def _compressed(headers: Any) -> bool:
    return str(headers.get("Content-Encoding") or PLAIN).strip().lower() != PLAIN


class GuardedTransport(httpx.HTTPTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["Accept-Encoding"] = PLAIN
        response = super().handle_request(request)
        if _compressed(response.headers):
            response.close()
            raise httpx.DecodingError("a compressed answer, refused", request=request)
        return response

    def __init__(self) -> None:
        super().__init__()
        # httpx.HTTPTransport takes no network backend: its pool is made again with one and
        # httpx 0.28's default settings (never a proxy: see httpx_options).
        context = httpx.create_ssl_context()
        context.sslsocket_class = _WatchedSSLSocket
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(),
        )


def httpx_options() -> dict[str, Any]:
    """Keyword arguments for an httpx.Client (atproto's Request) that make it guarded. No
    proxy from the environment: a proxy would resolve the name itself, unchecked."""
    return {"transport": GuardedTransport(), "trust_env": False}


# --- requests (Mastodon.py) ----------------------------------------------------------


# A requests answer has ANSWER_SECONDS from the request's start to its last byte (to its
# headers, for an event stream, which reads for hours), and one read at once ANSWER_BYTES.
ANSWER_BYTES = 50 * 1024 * 1024
UPLOAD_RATE = 4 * 1024 * 1024  # bytes: 300 s more for each (a 99 MB video: about 2 hours)
MAX_REDIRECTS = 3  # each hop is a request with its own time


_TLS: dict[str, tuple[tuple[int, ...], ssl.SSLContext]] = {}


def _tls_context(bundle: str) -> ssl.SSLContext:
    """One TLS context per trust bundle (urllib3's pools are keyed by it), whose sockets
    are watched from their handshake; loaded again when the bundle's file changes (an
    operator's update-ca-certificates, a test's new authority)."""
    found = os.stat(bundle)  # a file copied over it keeping its time still has a new ctime
    stamp = (found.st_ino, found.st_ctime_ns, found.st_mtime_ns, found.st_size)
    known = _TLS.get(bundle)
    if known and known[0] == stamp:
        return known[1]
    context = create_urllib3_context()
    context.sslsocket_class = _WatchedSSLSocket
    if os.path.isdir(bundle):
        context.load_verify_locations(capath=bundle)
    else:
        context.load_verify_locations(cafile=bundle)
    _TLS[bundle] = (stamp, context)
    return context


class _WatchedConnectionMixin:
    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)  # a kept-alive connection: opened by an earlier request
        super().request(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _sent()
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


@functools.cache
def _watched_class(base: type[HTTPConnection]) -> type[HTTPConnection]:
    """A listed host's connections, as urllib3 (or a test's recorder) makes them, watched."""
    return type(f"Watched{base.__name__}", (_WatchedConnectionMixin, base), {})


class _GuardedConnectionMixin:
    _dns_host: str
    port: int
    timeout: Any
    source_address: tuple[str, int] | None
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        try:
            addresses = resolve(self._dns_host, self.port)
        except OutboundRefused:
            raise NewConnectionError(self, UNREACHABLE) from None  # type: ignore[arg-type]
        error: OSError = OutboundRefused()
        for address in addresses:
            try:
                sock = create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
                _watch(sock)
                return sock
            except TimeoutError as failed:
                raise ConnectTimeoutError(self, UNREACHABLE) from failed
            except OSError as failed:
                error = failed
        raise NewConnectionError(self, UNREACHABLE) from error  # type: ignore[arg-type]


class GuardedHTTPConnection(_GuardedConnectionMixin, _WatchedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, _WatchedConnectionMixin, HTTPSConnection):
    pass


class _GuardedPoolManager(PoolManager):
    def _new_pool(
        self,
        scheme: str,
        host: str,
        port: int,
        request_context: dict[str, Any] | None = None,
    ) -> HTTPConnectionPool:
        if scheme not in SCHEMES:
            raise OutboundRefused()
        pool = super()._new_pool(scheme, host, port, request_context)
        if host_is_listed(host):  # trusted wherever it leads, still on time
            pool.ConnectionCls = _watched_class(pool.ConnectionCls)
        else:
            pool.ConnectionCls = (
                GuardedHTTPSConnection if scheme == "https" else GuardedHTTPConnection
            )
        return pool


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        self.poolmanager = _GuardedPoolManager(
            num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        raise OutboundRefused()  # a proxy would resolve the name itself, unchecked

    def send(  # HTTPAdapter.send's arguments, passed on
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        request.headers["Accept-Encoding"] = PLAIN  # as GuardedTransport does
        # Sending has ANSWER_SECONDS, and as long again for each UPLOAD_RATE of its body (a
        # video to Mastodon); the answer has ANSWER_SECONDS once it is sent (_sent).
        size = len(request.body or b"") if isinstance(request.body, bytes | str) else 0
        with _watched(ANSWER_SECONDS * (1 + size / UPLOAD_RATE)) as watch:
            response = super().send(request, stream, timeout, verify, cert, proxies)
            if _compressed(response.headers):
                response.close()
                raise requests.exceptions.ContentDecodingError("a compressed answer, refused")
            # Read here, on time and bounded: requests would read it after (a redirect's
            # too, even for an event stream).
            if not stream or response.is_redirect:
                try:
                    response._content = _whole(response, watch)
                except BaseException:
                    response.close()
                    raise
        return response

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        super().cert_verify(conn, url, verify, cert)
        context = getattr(conn, "conn_kw", {}).get("ssl_context")  # the pool's connections'
        if any(context is ours for _, ours in list(_TLS.values())):  # its bundle is loaded
            conn.ca_certs = conn.ca_cert_dir = None

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """HTTPS through a TLS context whose sockets are watched from their handshake
        (requests' documented way to give its pools another context)."""
        host, pool = super().build_connection_pool_key_attributes(request, verify, cert)
        if host.get("scheme") == "https" and verify is not False and "cert_file" not in pool:
            bundle = verify if isinstance(verify, str) else requests.certs.where()
            for key in ("ca_certs", "ca_cert_dir"):
                pool.pop(key, None)
            pool["ssl_context"] = _tls_context(bundle)
        return host, pool


def _whole(response: requests.Response, watch: _Watch) -> bytes:
    """The body, at most ANSWER_BYTES, read before the watch's cut (iter_content says a
    broken connection as requests does, and gives the connection back once read)."""
    body = _gathered(response.headers, response.iter_content(READ_CHUNK), limit=ANSWER_BYTES)
    if any(w.cut for w in (watch, *_watches())):  # its end was a cut, not the server's
        raise OutboundCutShort("not whole in time")
    return body


def guard_session(session: S) -> S:
    """`session`, its http and https connections guarded; no proxy or .netrc from the
    environment. The certificate authorities still come from it: an operator's (or a test
    run's) private CA in REQUESTS_CA_BUNDLE, which requests reads only with trust_env."""
    session.trust_env = False
    session.max_redirects = MAX_REDIRECTS
    session.verify = (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    )
    for prefix in ("http://", "https://"):
        session.mount(prefix, GuardedAdapter())
    return session


READ_CHUNK = 64 * 1024


def read_bounded(response: requests.Response, *, limit: int, deadline: float) -> bytes:
    """The body of `response` (requested with stream=True): at most `limit` bytes, read
    whole before `deadline` (a time.monotonic() moment), else OutboundCutShort. Each step
    reads the socket once, so a body trickled a byte at a time is cut at the deadline too
    (a step waits at most the request's read timeout)."""
    chunks = iter(lambda: response.raw.read1(READ_CHUNK, decode_content=True), b"")
    return _gathered(response.headers, chunks, limit=limit, deadline=deadline)


def _gathered(
    headers: Any, chunks: Iterable[bytes], *, limit: int, deadline: float | None = None
) -> bytes:
    """A body from its chunks: none past `limit` bytes (declared or counted), nor past
    `deadline` (a time.monotonic() moment), else OutboundCutShort."""
    declared = headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise OutboundCutShort(f"over {limit} bytes")
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise OutboundCutShort(f"over {limit} bytes")
        if deadline is not None and time.monotonic() > deadline:
            raise OutboundCutShort("not whole in time")
    return bytes(body)


def read_httpx_bounded(response: httpx.Response, *, limit: int, deadline: float) -> bytes:
    """The same for an httpx response read in a `stream(...)` block: at most `limit` bytes,
    read whole before `deadline` (a time.monotonic() moment), else OutboundCutShort."""
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit or time.monotonic() > deadline:
            raise OutboundCutShort(f"over {limit} bytes or not whole in time")
    return bytes(body)
