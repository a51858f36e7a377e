"""The outbound guard itself: which addresses, one lookup, both HTTP libraries, redirects,
proxies. Real servers on 127.0.0.1 tell what was reached."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import httpx
import pytest
import requests

from palabre.channels.tests.loopback import http_server
from palabre.lib import outbound


@pytest.fixture(autouse=True)
def _nothing_listed(settings: Any) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "169.254.170.2",
        "100.64.0.1",  # CGNAT
        "100.100.100.200",
        "192.0.0.192",
        "168.63.129.16",
        "198.18.0.1",
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "0.0.0.0",  # noqa: S104
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",  # AWS metadata over IPv6
        "fec0::1",  # site-local (deprecated, still private where used)
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
        "2001::1",  # Teredo
    ],
)
def test_inside_and_special_addresses_are_refused(address: str) -> None:
    assert not outbound.address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["1.1.1.1", "151.101.1.1", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert outbound.address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://bsky.social",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/",
        "https://user:secret@bsky.social",
        "https://bsky.social:99999",
        "https://",
        "bsky.social",
    ],
)
def test_only_http_addresses_with_a_host_pass_check_url(url: str) -> None:
    with pytest.raises(outbound.OutboundRefused) as refused:
        outbound.check_url(url)
    assert str(refused.value) == outbound.UNREACHABLE


def test_check_url_keeps_a_good_address() -> None:
    assert outbound.check_url("https://bsky.social") == "https://bsky.social"


def test_a_name_that_resolves_inside_is_refused_and_a_listed_network_lets_it(
    settings: Any,
) -> None:
    with pytest.raises(outbound.OutboundRefused):
        outbound.resolve("localhost", 80)
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.0/8", "::1"]
    assert "127.0.0.1" in outbound.resolve("localhost", 80)
    assert not outbound.host_is_listed("localhost")
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["LocalHost"]
    assert outbound.host_is_listed("localhost.") and not outbound.host_is_listed("localhost2")


def test_one_address_inside_is_enough_to_refuse(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [("151.101.1.1", 443), ("10.0.0.1", 443)]
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", sa) for sa in answers],
    )
    with pytest.raises(outbound.OutboundRefused):
        outbound.resolve("mixed.example", 443)


class _Resolver:
    """pds.test resolves (here only) to 127.0.0.1: a connection that works went to the
    address the guard resolved and checked, and the guard looked it up once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.lookups = 0
        real = socket.getaddrinfo

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host == "pds.test":
                self.lookups += 1
                host = "127.0.0.1"
            return real(host, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("library", ["httpx", "requests"])
def test_the_connection_goes_to_the_address_checked_once(
    library: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolver = _Resolver(monkeypatch)
    with http_server() as server:
        url = f"http://pds.test:{server.port}/xrpc/x"
        with pytest.raises((httpx.ConnectError, requests.ConnectionError)):
            _get(library, url)
        assert server.paths == [] and resolver.lookups == 1
        settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
        assert _get(library, url) == 404
        assert server.paths == ["/xrpc/x"] and resolver.lookups == 2


@pytest.mark.parametrize("library", ["httpx", "requests"])
def test_each_redirect_is_checked_again(library: str, settings: Any) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["localhost"]
    with http_server() as inside:
        with http_server("redirect", location=f"http://127.0.0.1:{inside.port}") as outside:
            with pytest.raises((httpx.ConnectError, requests.ConnectionError)):
                _get(library, f"http://localhost:{outside.port}/a")
            assert outside.paths == ["/a"]
        assert inside.paths == []


@pytest.mark.parametrize("library", ["httpx", "requests"])
def test_a_proxy_from_the_environment_is_not_used(
    library: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["localhost"]
    with http_server() as proxy, http_server() as server:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{proxy.port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        assert _get(library, f"http://localhost:{server.port}/b") == 404
        assert proxy.paths == [] and server.paths == ["/b"]


def test_the_certificate_authorities_still_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An operator's private CA (REQUESTS_CA_BUNDLE), which requests would not read once
    the environment is not trusted for proxies; the loopback Mastodon servers rely on it."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/palabre/private-ca.pem")
    assert outbound.guard_session(requests.Session()).verify == "/etc/palabre/private-ca.pem"
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.setenv("CURL_CA_BUNDLE", "")  # empty: still verified, with the default CAs
    assert outbound.guard_session(requests.Session()).verify is True


def _get(library: str, url: str) -> int:
    if library == "httpx":
        with httpx.Client(follow_redirects=True, timeout=5, **outbound.httpx_options()) as c:
            return c.get(url).status_code
    session = outbound.guard_session(requests.Session())
    return session.get(url, timeout=5).status_code
