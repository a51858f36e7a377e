"""Whether the internet can reach this instance at its own address (settings.SITE_URL).

Instagram and Threads fetch a post's images from a URL Palabre gives them, and Meta posts
webhooks to Palabre: both need the address to be one Meta's servers can open. The rule
reads the address as written, with no DNS lookup (what a name resolves to from inside the
server's network says nothing of what it resolves to from Meta's), and calls it
unreachable when:
- it is not https (Meta refuses to call webhooks over plain http, and the media it
  fetches are expected over https);
- its host is an IP address that is not public: loopback, private, link-local, CGNAT,
  reserved… (lib/outbound.address_is_public, the same rule as for outgoing requests);
- its host is `localhost`, a name with no dot (a machine of the local network), or under a
  suffix reserved for local or test use: .localhost, .local (mDNS), .lan, .home.arpa,
  .internal, .intranet, .corp, .private, .test, .example, .invalid (RFC 6761, RFC 8375).
A public name behind a firewall passes this rule: only Meta's own fetch can tell that.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from palabre.lib.outbound import address_is_public

LOCAL_SUFFIXES = (
    ".localhost",
    ".local",
    ".lan",
    ".home.arpa",
    ".internal",
    ".intranet",
    ".corp",
    ".private",
    ".test",
    ".example",
    ".invalid",
)


def site_unreachable_reason(site_url: str) -> str:
    """Why the internet cannot reach `site_url`, in a few words ("" when it may)."""
    try:
        parts = urlsplit(site_url.strip())
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return _("its address is not a valid URL")
    if not host:
        return _("its address is not a valid URL")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and not address_is_public(address):
        return _("%(host)s is a private or local address") % {"host": host}
    if address is None and (
        host == "localhost" or "." not in host or host.endswith(LOCAL_SUFFIXES)
    ):
        return _("%(host)s is a name of the local network only") % {"host": host}
    if parts.scheme != "https":
        return _("it is not served over https")
    return ""
