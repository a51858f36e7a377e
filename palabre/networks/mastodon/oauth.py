"""Connecting a Mastodon account by OAuth: register the app, authorize, exchange the code."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from mastodon import Mastodon

from palabre.lib import crypto, outbound
from palabre.networks.base import Rejected, Unavailable
from palabre.networks.mastodon import server
from palabre.networks.mastodon.connector import SCOPES, TIMEOUT, client, guarded_session
from palabre.networks.mastodon.errors import translated
from palabre.networks.mastodon.models import MastodonApp


def normalize_instance(value: str) -> str:
    """'piaille.fr', 'https://piaille.fr/' and 'https://piaille.fr/@me' all mean https://piaille.fr."""
    value = value.strip()
    try:
        parsed = urlparse(value if "://" in value else f"https://{value}")
        port = f":{parsed.port}" if parsed.port else ""  # ValueError: over 65535, not a number
    except ValueError:  # also "[::1" and other broken hosts
        raise Rejected(f"not an instance address: {value!r}") from None
    if parsed.scheme not in ("https", "http") or not parsed.hostname or "." not in parsed.hostname:
        raise Rejected(f"not an instance address: {value!r}")
    return f"{parsed.scheme}://{parsed.hostname.lower()}{port}"


def app_for(instance: str, redirect_uri: str) -> MastodonApp:
    found = MastodonApp.objects.filter(instance=instance, redirect_uri=redirect_uri).first()
    if found:
        return found
    try:
        with translated():
            client_id, client_secret = Mastodon.create_app(
                "Palabre",
                scopes=SCOPES,
                redirect_uris=redirect_uri,
                website=settings.SITE_URL,
                api_base_url=outbound.check_url(outbound.credentials_url_check(instance)),
                request_timeout=TIMEOUT,
                session=guarded_session(),
            )
    except Exception:  # noqa: BLE001 (whatever answered, or did not, reads the same)
        # A refused address, a closed port, no answer, an error or a page that is not this
        # API: one answer, so that the form tells nothing of what is at an address.
        raise Unavailable(outbound.UNREACHABLE) from None
    return MastodonApp.objects.create(
        instance=instance,
        redirect_uri=redirect_uri,
        client_id=_credential(client_id),
        client_secret_encrypted=crypto.encrypt(_credential(client_secret)),
    )


def authorize_url(app: MastodonApp, *, state: str) -> str:
    """Where the person signs in. Asks the instance where its sign-in page is: an answer
    Mastodon.py refuses (an http page, nonsense) is the instance not answering."""
    api = client(app.instance, client_id=app.client_id, client_secret=app.client_secret)
    try:
        with translated(api):
            url = api.auth_request_url(redirect_uris=app.redirect_uri, scopes=SCOPES, state=state)
    except Exception:  # noqa: BLE001 (as in app_for: one answer, whatever went wrong)
        raise Unavailable(outbound.UNREACHABLE) from None
    return str(url)


def _credential(value: Any) -> str:
    """A client id, secret or token as an instance sends it: printable ASCII without spaces
    (OAuth's token characters), within reason. Anything else is not this API answering."""
    text = value if isinstance(value, str) else ""
    if not 0 < len(text) <= 512 or not all("!" <= char <= "~" for char in text):
        raise Unavailable(outbound.UNREACHABLE)
    return text


def exchange(app: MastodonApp, *, code: str) -> dict[str, Any]:
    """The access token for `code`, what the channel needs to know about the account, and
    what its server says of itself (server.py; unknown when it says nothing)."""
    api = client(app.instance, client_id=app.client_id, client_secret=app.client_secret)
    with translated(api):
        token = _credential(api.log_in(code=code, redirect_uri=app.redirect_uri, scopes=SCOPES))
        me = api.account_verify_credentials()
    found = server.detect(app.instance, access_token=token) or server.unknown()
    host = urlparse(app.instance).netloc  # with its port, where it has one
    try:
        return {
            "instance": app.instance,
            "access_token": token,
            "acct": f"@{me['acct']}@{host}",
            "display_name": me.get("display_name") or me["acct"],
            "max_chars": server.max_chars(found),
            "server": found,
        }
    except (KeyError, TypeError, AttributeError):
        raise Unavailable(outbound.UNREACHABLE) from None  # an answer that is not this API
