"""The LinkedIn double itself answers as LinkedIn documents (declared.py): headers required,
URNs encoded, shapes checked, OAuth with refresh tokens, organization ACLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from tests.networks.linkedin import declared, validator
from tests.networks.linkedin.double import LinkedInDouble

HEADERS = {"LinkedIn-Version": "202611", "X-Restli-Protocol-Version": "2.0.0"}


def q(urn: str) -> str:
    return quote(urn, safe="")


def rest(
    double: LinkedInDouble, token: str, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    headers = {**HEADERS, "Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    return httpx.request(method, double.url + path, headers=headers, **kwargs)


def text_post(author: str, text: str) -> dict[str, Any]:
    return {
        "author": author,
        "commentary": text,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }


@pytest.fixture
def brand(linkedin_double_server: LinkedInDouble) -> Any:
    double = linkedin_double_server
    admin = double.member("Brigitte Boulanger")
    org = double.organization(admin, "Boulangerie Lumière", followers=1250)
    yield double, admin, org, double.token(admin)
    double.reset()


def test_the_version_and_protocol_headers_are_required(brand: Any) -> None:
    double, _, org, token = brand
    path = f"/rest/networkSizes/{q(org.urn)}?edgeType=COMPANY_FOLLOWED_BY_MEMBER"
    auth = {"Authorization": f"Bearer {token}"}
    missing = httpx.get(double.url + path, headers={**auth, "X-Restli-Protocol-Version": "2.0.0"})
    assert missing.status_code == 400 and missing.json()["code"] == "VERSION_MISSING"
    old = httpx.get(double.url + path, headers={**auth, **HEADERS, "LinkedIn-Version": "202101"})
    assert old.status_code == 426 and old.json()["code"] == "NONEXISTENT_VERSION"
    no_restli = httpx.get(double.url + path, headers={**auth, "LinkedIn-Version": "202611"})
    assert no_restli.status_code == 400
    raw = rest(
        double, token, "GET", f"/rest/networkSizes/{org.urn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER"
    )
    assert raw.status_code == 400  # a URN in a path must be encoded
    good = rest(double, token, "GET", path)
    assert good.status_code == 200 and good.json() == {"firstDegreeSize": 1250}


def test_a_post_is_created_read_found_and_deleted(brand: Any) -> None:
    double, _, org, token = brand
    created = rest(double, token, "POST", "/rest/posts", json=text_post(org.urn, "Bonjour"))
    assert created.status_code == 201 and created.content == b""
    urn = created.headers["x-restli-id"]
    assert urn.startswith("urn:li:share:")
    read = rest(double, token, "GET", f"/rest/posts/{q(urn)}")
    assert read.status_code == 200 and read.json()["commentary"] == "Bonjour"
    assert validator.problems(declared.POST, read.json()) == []
    found = rest(double, token, "GET", f"/rest/posts?q=author&author={q(org.urn)}&count=10")
    assert [p["id"] for p in found.json()["elements"]] == [urn]
    again = rest(double, token, "POST", "/rest/posts", json=text_post(org.urn, "Bonjour"))
    assert again.status_code == 422 and urn in again.json()["message"]  # a duplicate
    assert rest(double, token, "DELETE", f"/rest/posts/{q(urn)}").status_code == 204
    assert rest(double, token, "GET", f"/rest/posts/{q(urn)}").status_code == 404


def test_unknown_or_missing_fields_are_refused(brand: Any) -> None:
    double, _, org, token = brand
    body = {**text_post(org.urn, "x"), "text": "a field LinkedIn does not know"}
    answer = rest(double, token, "POST", "/rest/posts", json=body)
    assert answer.status_code == 422 and "Unpermitted fields" in answer.json()["message"]
    body = text_post(org.urn, "x")
    del body["distribution"]
    assert rest(double, token, "POST", "/rest/posts", json=body).status_code == 422


def test_tokens_and_roles_are_checked(brand: Any) -> None:
    double, admin, org, token = brand
    other = double.organization(double.member("Someone Else"), "Autre")
    refused = rest(double, token, "POST", "/rest/posts", json=text_post(other.urn, "x"))
    assert refused.status_code == 403 and refused.json()["code"] == "ACCESS_DENIED"
    weak = double.token(admin, scope="r_organization_social")
    assert (
        rest(double, weak, "POST", "/rest/posts", json=text_post(org.urn, "y")).status_code == 403
    )
    double.expire(token)
    expired = rest(double, token, "POST", "/rest/posts", json=text_post(org.urn, "z"))
    assert expired.status_code == 401 and expired.json()["serviceErrorCode"] == 65602
    assert rest(double, "nonsense", "GET", "/rest/posts").status_code == 401


def test_faults_are_injected(brand: Any) -> None:
    double, _, org, token = brand
    double.fail("posts.create", 429, times=1)
    limited = rest(double, token, "POST", "/rest/posts", json=text_post(org.urn, "limited"))
    assert limited.status_code == 429 and "throttle" in limited.json()["message"]
    assert (
        rest(double, token, "POST", "/rest/posts", json=text_post(org.urn, "limited")).status_code
        == 201
    )


def test_oauth_code_refresh_and_acls(brand: Any) -> None:
    double, admin, org, _ = brand
    start = httpx.get(
        double.url + "/oauth/v2/authorization",
        params={
            "response_type": "code",
            "client_id": double.client_id,
            "redirect_uri": "https://palabre.example/back",
            "state": "s1",
            "scope": "w_organization_social r_organization_social rw_organization_admin",
        },
    )
    assert start.status_code == 200 and "Brigitte Boulanger" in start.text
    consent = httpx.get(
        double.url + "/oauth/v2/consent",
        params={
            "client_id": double.client_id,
            "redirect_uri": "https://palabre.example/back",
            "state": "s1",
            "scope": "w_organization_social rw_organization_admin",
            "member": admin.urn,
            "decision": "allow",
        },
    )
    assert consent.status_code == 302
    back = parse_qs(urlsplit(consent.headers["location"]).query)
    assert back["state"] == ["s1"]
    form = {
        "grant_type": "authorization_code",
        "code": back["code"][0],
        "redirect_uri": "https://palabre.example/back",
        "client_id": double.client_id,
        "client_secret": double.client_secret,
    }
    token = httpx.post(double.url + "/oauth/v2/accessToken", data=form)
    assert token.status_code == 200, token.text
    granted = token.json()
    assert validator.problems(declared.ENDPOINTS["oauth.token"]["response"], granted) == []
    assert granted["expires_in"] == 60 * 24 * 3600
    reused = httpx.post(double.url + "/oauth/v2/accessToken", data=form)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    refreshed = httpx.post(
        double.url + "/oauth/v2/accessToken",
        data={
            "grant_type": "refresh_token",
            "refresh_token": granted["refresh_token"],
            "client_id": double.client_id,
            "client_secret": double.client_secret,
        },
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["access_token"] != granted["access_token"]
    acls = rest(
        double,
        refreshed.json()["access_token"],
        "GET",
        "/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED",
    )
    assert acls.status_code == 200, acls.text
    assert [e["organization"] for e in acls.json()["elements"]] == [org.urn]
    org_id = org.urn.rsplit(":", 1)[1]
    looked = rest(double, refreshed.json()["access_token"], "GET", f"/rest/organizations/{org_id}")
    assert looked.json()["localizedName"] == "Boulangerie Lumière"
    cancelled = httpx.get(
        double.url + "/oauth/v2/consent",
        params={
            "redirect_uri": "https://palabre.example/back",
            "state": "s2",
            "decision": "cancel",
        },
    )
    assert "error=user_cancelled_authorize" in cancelled.headers["location"]
