"""LinkedIn's OAuth 2.0 three-legged flow with the instance's own LinkedIn app, and the
organizations the member who signed in administers.

- `PALABRE_LINKEDIN_CLIENT_ID` / `_CLIENT_SECRET`: the app's (docs/networks/linkedin.md);
  `PALABRE_LINKEDIN_LOGIN_URL` / `_API_URL` point elsewhere in tests (api.py).
- Authorization: `GET <login>/oauth/v2/authorization?response_type=code&client_id&redirect_uri
  &state&scope`, back with `code` and `state` (or `error=user_cancelled_authorize`);
  exchange: `POST <login>/oauth/v2/accessToken`, form-encoded, `grant_type=authorization_code`
  (https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow).
- An access token lives 60 days (`expires_in`). Only some apps get refresh tokens
  (`refresh_token`, `refresh_token_expires_in`, 365 days, not renewed by a refresh); a refresh
  gives a new access token (https://learn.microsoft.com/en-us/linkedin/shared/authentication/
  programmatic-refresh-tokens). Without one, the owners are told before the token expires
  (channels/grants.py).
- Organizations: `GET /rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`,
  then each one's name from `GET /rest/organizations/{id}`
  (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/
  organization-access-control-by-role, .../organizations/organization-lookup-api).

Tokens travel in the form body or the Authorization header, never in a URL, never logged.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from palabre.lib import outbound
from palabre.networks.base import AuthExpired, ConnectorError, Rejected, Unavailable
from palabre.networks.linkedin import api, client, errors

SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")
MAX_ORGANIZATIONS = 200  # pages of ACLs read; a member administering more is not Palabre's case
ACL_PAGE = 50
# LinkedIn's organization ids are numbers; the URN becomes a channel's account id (at most
# 100 characters): anything else is not one LinkedIn gives, and is not offered.
ORGANIZATION = re.compile(r"urn:li:organization:[0-9]{1,30}")


@dataclass(frozen=True)
class Grant:
    """What the token endpoint gave: the access token, and a refresh token where LinkedIn
    grants them to this app."""

    access_token: str
    expires_at: datetime
    refresh_token: str = ""
    refresh_expires_at: datetime | None = None

    def credentials(self) -> dict[str, str]:
        found = {"access_token": self.access_token}
        if self.refresh_token:
            found["refresh_token"] = self.refresh_token
            if self.refresh_expires_at is not None:
                found["refresh_expires_at"] = self.refresh_expires_at.isoformat()
        return found


@dataclass(frozen=True)
class Organization:
    """One organization the member administers: a channel to be."""

    urn: str  # urn:li:organization:123
    name: str
    vanity: str = ""

    @property
    def id(self) -> str:
        return self.urn.rsplit(":", 1)[-1]

    def as_row(self) -> dict[str, str]:
        return asdict(self)


def client_id() -> str:
    return str(getattr(settings, "PALABRE_LINKEDIN_CLIENT_ID", "") or "")


def client_secret() -> str:
    return str(getattr(settings, "PALABRE_LINKEDIN_CLIENT_SECRET", "") or "")


def configured() -> bool:
    return bool(client_id() and client_secret())


def authorize_url(*, redirect_uri: str, state: str) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id(),
        "redirect_uri": redirect_uri,
        "state": state,
        "scope": " ".join(SCOPES),
    }
    return f"{api.login_url()}/oauth/v2/authorization?{urlencode(params)}"


def code_exchange(*, code: str, redirect_uri: str) -> Grant:
    return _token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})


def token_refresh(*, refresh_token: str) -> Grant:
    """A new access token from the refresh token (which LinkedIn gives back unchanged)."""
    grant = _token({"grant_type": "refresh_token", "refresh_token": refresh_token})
    if not grant.refresh_token:
        return Grant(grant.access_token, grant.expires_at, refresh_token)
    return grant


def _token(form: dict[str, str]) -> Grant:
    body = {**form, "client_id": client_id(), "client_secret": client_secret()}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    url = f"{api.login_url()}/oauth/v2/accessToken"
    try:
        with (
            httpx.Client(timeout=client.TIMEOUT, **outbound.httpx_options()) as http,
            http.stream("POST", url, headers=headers, content=urlencode(body).encode()) as answer,
        ):
            raw = client._read(answer)
    except (httpx.HTTPError, OSError):
        raise Unavailable(outbound.UNREACHABLE) from None
    parsed = client._parse(raw)
    if answer.status_code >= 400:
        raise _token_refusal(answer.status_code, parsed, answer.headers)
    return _grant(parsed)


def _token_refusal(status: int, body: Any, headers: httpx.Headers) -> ConnectorError:
    """The token endpoint's refusals: a refresh token no longer valid means connecting
    again; a refused code or client is said as LinkedIn said it."""
    reason = errors.message_of(body) or f"HTTP {status}"
    if status == 429 or status >= 500:
        return errors.translate(status, body, headers)
    if "refresh token" in reason.lower():
        return AuthExpired(
            gettext("LinkedIn no longer accepts the refresh token (%(reason)s).")
            % {"reason": reason.rstrip(".")}
        )
    return Rejected(gettext("LinkedIn refused: %(reason)s") % {"reason": reason})


def _grant(body: Any) -> Grant:
    if not isinstance(body, dict):
        raise Unavailable(gettext("LinkedIn's token answer could not be read"))
    token, lifetime = body.get("access_token"), _seconds(body.get("expires_in"))
    if not isinstance(token, str) or not token or lifetime is None:
        raise Unavailable(gettext("LinkedIn's token answer could not be read"))
    now = timezone.now()
    expires_at = now + timedelta(seconds=lifetime)
    refresh = body.get("refresh_token")
    if not isinstance(refresh, str) or not refresh:
        return Grant(token, expires_at)
    refresh_lifetime = _seconds(body.get("refresh_token_expires_in"))
    refresh_expires = (
        None if refresh_lifetime is None else now + timedelta(seconds=refresh_lifetime)
    )
    return Grant(token, expires_at, refresh, refresh_expires)


MAX_LIFETIME = 2 * 366 * 86400  # a token said to live longer is taken to live this long


def _seconds(value: object) -> int | None:
    """A positive whole number of seconds (at most MAX_LIFETIME: a huge one would overflow
    the date), or None."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return min(value, MAX_LIFETIME)
    return None


def administered(*, access_token: str) -> tuple[str, list[Organization]]:
    """(the member's URN, the organizations they are an approved ADMINISTRATOR of)."""
    linkedin = client.LinkedIn(token=access_token)
    try:
        member, urns = "", []
        for start in range(0, MAX_ORGANIZATIONS, ACL_PAGE):
            page = linkedin.get(
                "/rest/organizationAcls",
                client.query(
                    q="roleAssignee",
                    role="ADMINISTRATOR",
                    state="APPROVED",
                    start=start,
                    count=ACL_PAGE,
                ),
            )
            elements = page.get("elements") if isinstance(page, dict) else None
            if not isinstance(elements, list):
                raise Unavailable(gettext("LinkedIn's list of organizations could not be read"))
            for acl in elements:
                found = acl.get("organization") if isinstance(acl, dict) else None
                if isinstance(found, str) and ORGANIZATION.fullmatch(found):
                    urns.append(found)
                    member = member or str(acl.get("roleAssignee") or "")
            if len(elements) < ACL_PAGE:
                break
        return member, [_organization(linkedin, urn) for urn in dict.fromkeys(urns)]
    finally:
        linkedin.close()


def _organization(linkedin: client.LinkedIn, urn: str) -> Organization:
    found = linkedin.get(client.path("organizations", urn.rsplit(":", 1)[-1]))
    if not isinstance(found, dict):
        return Organization(urn, urn)
    name = found.get("localizedName")
    vanity = found.get("vanityName")
    return Organization(
        urn,
        (name if isinstance(name, str) and name.strip() else urn)[:100],
        vanity if isinstance(vanity, str) else "",
    )
