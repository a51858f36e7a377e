from __future__ import annotations

import pytest
from django.utils import translation

from palabre.lib.reachable import site_unreachable_reason


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:8000", "private or local address"),
        ("https://127.0.0.1", "private or local address"),
        ("https://[::1]:8443", "private or local address"),
        ("https://10.1.2.3", "private or local address"),
        ("https://192.168.1.20", "private or local address"),
        ("https://172.16.0.5", "private or local address"),
        ("https://169.254.1.1", "private or local address"),
        ("https://100.64.3.4", "private or local address"),  # CGNAT (Tailscale's, too)
        ("https://[fd12::1]", "private or local address"),
        ("https://[::ffff:10.0.0.1]", "private or local address"),
        ("https://localhost", "local network only"),
        ("https://palabre.localhost", "local network only"),
        ("https://palabre.local", "local network only"),
        ("https://nas.lan", "local network only"),
        ("https://palabre.home.arpa", "local network only"),
        ("https://palabre.internal", "local network only"),
        ("https://palabre.test", "local network only"),
        ("https://intranet", "local network only"),
        ("http://palabre.example.org", "not served over https"),
        ("ftp://palabre.example.org", "not served over https"),
        ("", "not a valid URL"),
        ("https://[not-an-ip", "not a valid URL"),
    ],
)
def test_addresses_the_internet_cannot_reach_say_why(url: str, says: str) -> None:
    with translation.override("en"):
        assert says in site_unreachable_reason(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://palabre.example.org",
        "https://social.boulangerie-lumiere.fr:8443",
        "https://93.184.215.14",
        "https://PALABRE.EXAMPLE.ORG.",
        "https://[2606:4700::6810:84e5]",
    ],
)
def test_public_https_addresses_may_be_reached(url: str) -> None:
    assert site_unreachable_reason(url) == ""
