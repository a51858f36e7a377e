"""LinkedIn on its double, as a `NetworkServer` for the connector contract suite
(tests/networks/test_contract.py, harness.py).

One brand for the whole run: a member administering an organization page; one fan, a member
with a token of their own. Each test connects the brand again through LinkedIn's OAuth pages
(consent, then the code exchanged at /oauth/v2/accessToken), which gives it a token of its
own: revoking it harms no other test. Until the connect flow (palabre/networks/linkedin/
oauth.py, channels views: helper li-ops) is merged, `connect` makes the exchange itself and
stores the channel as that flow stores it (`{"organization", "access_token"}`); the lead
swaps in the flow's own services when both are merged.

The fan comments and answers through the API with their own token (w_member_social), as
LinkedIn lets a member do; reading a page's post as a member, reacting and following go
through the double's handle (LinkedIn's API gives members no such reads or writes).

Differences said in the `NetworkServer`: LinkedIn's API brings no mentions, likes, follows or
private messages to a page's inbox (the connector declares comments only); its 429 says no
reset time (its limits are per day: test_connector.py checks the wait until midnight UTC).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from palabre.networks.base import Visibility
from palabre.networks.linkedin import client as linkedin_client
from palabre.networks.linkedin.text import plain
from tests.networks.harness import Account, NetworkServer, Seen
from tests.networks.linkedin.double import SCOPES, LinkedInDouble
from tests.networks.linkedin.state import Comment, Member, Organization, Post

if TYPE_CHECKING:
    from palabre.accounts.models import Workspace
    from palabre.channels.models import Channel

CALLBACK = "https://palabre.example/channels/linkedin/callback"
TIMEOUT = "palabre.networks.linkedin.client.TIMEOUT"
HANG = 1.5  # seconds a "timeout" fault holds the request: past the shortened timeout (1 s)
FAN_SCOPES = "w_member_social r_member_social"


class NotOnThisNetwork(NotImplementedError):
    """What the fan cannot do there; the suite skips before asking (harness.py)."""


class LinkedInPeer:
    def __init__(self, double: LinkedInDouble, fan: Member, org: Organization) -> None:
        self.double, self.fan, self.org = double, fan, org
        self.token = double.token(fan, scope=FAN_SCOPES)
        self.account = Account("fan", fan.urn, fan.name, self.token)
        self.api = linkedin_client.LinkedIn(token=self.token)

    def post(self, text: str) -> str:
        raise NotOnThisNetwork("the double holds organizations' posts, not members' own")

    def reply(self, to: str, text: str) -> str:
        """A comment (on a post) or a reply (to a comment), through the Comments API."""
        if to.startswith("urn:li:comment:"):
            found = self.double.get(to)
            assert isinstance(found, Comment), to
            parent = found.parent or found.urn
            body = {
                "actor": self.fan.urn,
                "object": found.post,
                "message": {"text": text},
                "parentComment": parent,
            }
            where = parent
        else:
            body = {"actor": self.fan.urn, "object": to, "message": {"text": text}}
            where = to
        answer = self.api.post(linkedin_client.path("socialActions", where, "comments"), body)
        return str(answer.body["commentUrn"])

    def reply_text(self, text: str) -> str:
        return text

    def mention(self, text: str) -> str:
        raise NotOnThisNetwork("LinkedIn's API brings no mentions to a page's inbox")

    def message(self, text: str, *, in_reply_to: str | None = None) -> str:
        raise NotOnThisNetwork("LinkedIn's API has no private messages for pages")

    def like(self, remote_id: str) -> None:
        with self.double.world.lock:
            self.double.world.posts[remote_id].likes += 1

    def follow(self) -> None:
        with self.double.world.lock:
            self.org.followers += 1

    def unfollow(self) -> None:
        with self.double.world.lock:
            self.org.followers = max(0, self.org.followers - 1)

    def read(self, remote_id: str) -> Seen | None:
        found = self.double.get(remote_id)
        if isinstance(found, Comment):
            return Seen(
                remote_id=found.urn,
                text=found.text,
                visibility=Visibility.PUBLIC,
                in_reply_to=found.parent or found.post,
            )
        if isinstance(found, Post):
            content = found.body.get("content") or {}
            images = content.get("multiImage", {}).get("images") or (
                [content["media"]] if "media" in content else []
            )
            return Seen(
                remote_id=found.urn,
                text=plain(found.commentary),
                visibility=Visibility.PUBLIC
                if found.body["visibility"] == "PUBLIC"
                else Visibility.FOLLOWERS,
                alt_texts=tuple(i.get("altText", "") for i in images),
            )
        return None

    def public_timeline(self) -> set[str]:
        raise NotOnThisNetwork("LinkedIn's API has no public timeline")


# Endpoint keys of declared.py stand for the paths the suite aims at.
class LinkedInFaults:
    def __init__(self, double: LinkedInDouble) -> None:
        self.double = double

    def status(
        self, path: str, status: int, *, error: str = "", count: int = 1, method: str = ""
    ) -> None:
        self.double.fail(path, status, times=count, message=error)

    def rate_limit(
        self, path: str, *, retry_after: int | None = None, reset: Any = None, count: int = 1
    ) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.double.fail(path, 429, times=count, headers=headers)

    def malformed(self, path: str, *, count: int = 1) -> None:
        self.double.fail(path, 200, times=count, kind="malformed")

    def timeout(self, path: str, *, count: int = 1) -> None:
        self.double.fail(path, 200, times=count, kind="hang", hang=HANG)

    def clear(self) -> None:
        with self.double.world.lock:
            self.double.faults.clear()


def consent(double: LinkedInDouble, admin: Member) -> Any:
    def agree(url: str, account: Account) -> str:
        """The member signs in and allows: the callback URL LinkedIn sends them back to."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        page = httpx.get(url)
        assert page.status_code == 200, page.text[:300]
        answer = httpx.get(
            double.login_url
            + "/oauth/v2/consent?"
            + urlencode({**query, "member": admin.urn, "decision": "allow"})
        )
        assert answer.status_code == 302, answer.text[:300]
        return str(answer.headers["location"])

    return agree


def connect(double: LinkedInDouble, agree: Any, brand: Account, org: Organization) -> Any:
    def connected(workspace: Workspace) -> Channel:
        from palabre.channels.models import Channel

        url = (
            double.login_url
            + "/oauth/v2/authorization?"
            + urlencode(
                {
                    "response_type": "code",
                    "client_id": double.client_id,
                    "redirect_uri": CALLBACK,
                    "state": f"contract-{time.monotonic_ns()}",
                    "scope": SCOPES,
                }
            )
        )
        back = parse_qs(urlsplit(agree(url, brand)).query)
        token = httpx.post(
            double.login_url + "/oauth/v2/accessToken",
            data={
                "grant_type": "authorization_code",
                "code": back["code"][0],
                "redirect_uri": CALLBACK,
                "client_id": double.client_id,
                "client_secret": double.client_secret,
            },
        ).json()
        api = linkedin_client.LinkedIn(token=token["access_token"])
        acls = api.get(
            "/rest/organizationAcls",
            linkedin_client.query(q="roleAssignee", role="ADMINISTRATOR", state="APPROVED"),
        )
        urns = [e["organization"] for e in acls["elements"]]
        assert org.urn in urns
        found = api.get(linkedin_client.path("organizations", org.urn.rsplit(":", 1)[1]))
        channel = Channel.objects.create(
            workspace=workspace,
            network="linkedin",
            connector="linkedin",
            name=found["localizedName"],
            handle=found["vanityName"],
            account_id=org.urn,
        )
        channel.save_credentials(
            {
                "organization": org.urn,
                "access_token": token["access_token"],
                "refresh_token": token.get("refresh_token", ""),
            }
        )
        return channel

    return connected


def servers(double: LinkedInDouble) -> dict[str, NetworkServer]:
    admin = double.member("Brigitte Boulanger")
    org = double.organization(
        admin, "Boulangerie Lumière (contrat)", followers=1250, vanity="lumiere-contrat"
    )
    fan = LinkedInPeer(double, double.member("Fanny Fan"), org)
    brand = Account("brand", org.urn, org.vanity, double.token(admin))
    agree = consent(double, admin)

    def revoke(channel: Channel) -> None:
        double.revoke(channel.credentials["access_token"])

    return {
        "linkedin-double": NetworkServer(
            name="linkedin-double",
            network="linkedin",
            base_url=double.api_url,
            accounts={"brand": brand, "fan": fan.account},
            handle=org.vanity,
            consent=agree,
            connect=connect(double, agree, brand, org),
            peer=fan,
            relationship=lambda author: set(),
            revoke=revoke,
            faults=LinkedInFaults(double),
            fault_paths={
                "publish": "posts.create",
                "notifications": "comments.list",
                "account": "network_size",
            },
            client_timeout=TIMEOUT,
            # The brand's answers are comments: only recent_posts(in_reply_to=) lists them.
            answers_listed_with_posts=False,
            no_rate_limit_reset=(
                "LinkedIn's 429 says no reset time: its limits are per day and reset at "
                "midnight UTC (test_connector.py checks that wait)"
            ),
            no_content_warnings="LinkedIn has no content warnings",
            no_likes_or_follows=(
                "LinkedIn's API brings no reactions or follows to a page's inbox: the "
                "connector counts them (share statistics, network size)"
            ),
            no_reports="LinkedIn's API offers no reports",
            extra={"double": double},
        )
    }
