"""Fidelity: every request the LinkedIn connector (and the connect flow's OAuth exchange)
sends and every answer the double gives fits the shapes declared from LinkedIn's
documentation (declared.py), strictly: an unknown field, a missing required one, a wrong
type each fails. Every declared endpoint is exercised. Mutation tests prove the check bites:
each field of each answer renamed or retyped fails it, a double answering with one field
changed fails it, and a connector sending one field renamed is refused by the double."""

from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PIL import Image

from palabre.networks.base import MediaUpload, OutgoingPost, Rejected
from palabre.networks.linkedin import client as linkedin_client
from palabre.networks.linkedin import connector as linkedin_connector
from palabre.networks.linkedin.connector import LinkedInConnector
from tests.networks.linkedin import channels, declared, server, validator
from tests.networks.linkedin.double import SCOPES, LinkedInDouble
from tests.networks.linkedin.server import Record

pytestmark = [pytest.mark.network, pytest.mark.django_db]

NOT_LINKEDIN = {"oauth.consent"}  # the double's own consent form


def jpeg() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 200, 90)).save(data, "JPEG")
    return data.getvalue()


def everything(double: LinkedInDouble, connected: channels.Connected) -> None:
    """Every operation of the connector, and the OAuth exchange as connecting makes it."""
    connector = connected.channel.get_connector()
    assert isinstance(connector, LinkedInConnector)
    upload = connector.upload_media
    image = upload(MediaUpload("a.jpg", "image/jpeg", jpeg(), alt_text="Un pain"))
    images = [upload(MediaUpload(f"{n}.jpg", "image/jpeg", jpeg())) for n in range(2)]
    pdf = upload(MediaUpload("c.pdf", "application/pdf", b"%PDF-1.4\n" + b"1" * 500))
    video = upload(MediaUpload("v.mp4", "video/mp4", b"\0" * 5000))
    key = "k"
    text = connector.publish(OutgoingPost("Du texte (escapé) #levain", key))
    connector.publish(OutgoingPost("Un lien https://lumiere.fr/pain", key))
    connector.publish(OutgoingPost("Une image", key, media=(image,)))
    connector.publish(OutgoingPost("Deux images", key, media=tuple(images)))
    connector.publish(OutgoingPost("Un document", key, media=(pdf,)))
    connector.publish(OutgoingPost("Une vidéo", key, media=(video,)))
    fan = double.member("Fanny Fan")
    comment = double.comment(text.remote_id, fan, "Bravo")
    double.comment(text.remote_id, double.member("Olivier"), "Oui", parent=comment.urn)
    page = connector.fetch_interactions(cursor=None)
    assert len(page.items) == 2
    answer = connector.reply(to_remote_id=comment.urn, text="Merci !", idempotency_key=key)
    connector.publish(OutgoingPost("La suite", key, reply_to=text.remote_id))
    since = datetime.now(UTC) - timedelta(minutes=5)
    assert connector.recent_posts(since=since)
    assert connector.recent_posts(since=since, in_reply_to=comment.urn)
    double.stats(text.remote_id, impressions=10, clicks=1, likes=2)
    connector.post_metrics(remote_ids=[p.remote_id for p in connector.recent_posts(since=since)])
    connector.account_metrics()
    connector.delete(remote_id=answer.remote_id)
    connector.delete(remote_id=text.remote_id)
    # Reads the connector does not make (it reads posts by author, and a video's status
    # only), answered by the double all the same: their shapes are checked too.
    api = connector.api()
    api.get(linkedin_client.path("images", image.remote_id))
    first = connector.recent_posts(since=since)[0]
    api.get(linkedin_client.path("posts", first.remote_id))
    # The OAuth exchange and the pick step, as the connect flow makes them.
    oauth(double, connected)


def oauth(double: LinkedInDouble, connected: channels.Connected) -> None:
    back = "https://palabre.example/channels/linkedin/callback"
    page = httpx.get(
        double.login_url + "/oauth/v2/authorization",
        params={
            "response_type": "code",
            "client_id": double.client_id,
            "redirect_uri": back,
            "state": "st",
            "scope": SCOPES,
        },
    )
    assert page.status_code == 200
    consent = httpx.get(
        double.login_url + "/oauth/v2/consent",
        params={
            "client_id": double.client_id,
            "redirect_uri": back,
            "state": "st",
            "scope": SCOPES,
            "member": connected.admin.urn,
            "decision": "allow",
        },
    )
    code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
    token = httpx.post(
        double.login_url + "/oauth/v2/accessToken",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": back,
            "client_id": double.client_id,
            "client_secret": double.client_secret,
        },
    ).json()
    httpx.post(
        double.login_url + "/oauth/v2/accessToken",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": double.client_id,
            "client_secret": double.client_secret,
        },
    )
    api = linkedin_client.LinkedIn(token=token["access_token"])
    acls = api.get(
        "/rest/organizationAcls",
        linkedin_client.query(q="roleAssignee", role="ADMINISTRATOR", state="APPROVED"),
    )
    for element in acls["elements"]:
        api.get(linkedin_client.path("organizations", element["organization"].rsplit(":", 1)[1]))


def fidelity_problems(records: list[Record]) -> list[str]:
    found = []
    for record in records:
        spec = declared.ENDPOINTS.get(record.key)
        if spec is None:
            found.append(f"{record.method} {record.path}: no declared endpoint")
            continue
        if spec["request"] is not None and record.request is not None:
            found += [
                f"{record.key} request {p}"
                for p in validator.problems(spec["request"], record.request)
            ]
        if record.status >= 400:
            shape = declared.OAUTH_ERROR if record.key == "oauth.token" else declared.ERROR
            found += [f"{record.key} error {p}" for p in validator.problems(shape, record.response)]
        elif spec["response"] is None:
            if record.response is not None:
                found.append(f"{record.key}: a body where LinkedIn sends none")
        else:
            found += [
                f"{record.key} answer {p}"
                for p in validator.problems(spec["response"], record.response)
            ]
        if record.key in ("posts.create", "comments.create") and record.status == 201:
            if "x-restli-id" not in record.headers:
                found.append(f"{record.key}: no x-restli-id header")
    return found


@pytest.fixture
def recorded(
    linkedin_double: LinkedInDouble, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[Record]]:
    monkeypatch.setattr(linkedin_connector, "VIDEO_POLL", 0.01)
    connected = channels.linkedin(linkedin_double, cast.workspace)
    start = len(linkedin_double.records)
    everything(linkedin_double, connected)
    yield linkedin_double.records[start:]


def test_every_request_and_answer_fits_linkedins_documented_shapes(recorded: list[Record]) -> None:
    assert fidelity_problems(recorded) == []
    exercised = {r.key for r in recorded if r.status < 400}
    assert set(declared.ENDPOINTS) - NOT_LINKEDIN - exercised == set()
    assert all(
        declared.ENDPOINTS[k]["doc"].startswith(declared.DOCS)
        for k in declared.ENDPOINTS
        if k not in NOT_LINKEDIN
    )


def _paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*at, key)
            yield from _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:1]):
            yield from _paths(item, (*at, index))


def _mutants(body: Any) -> Iterator[tuple[str, Any]]:
    """Each field renamed, and each field's value given another type."""
    for path in _paths(body):
        if isinstance(path[-1], int):
            continue
        renamed = copy.deepcopy(body)
        parent = renamed
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1] + "_"] = parent.pop(path[-1])
        yield f"rename {'/'.join(map(str, path))}", renamed
        retyped = copy.deepcopy(body)
        parent = retyped
        for step in path[:-1]:
            parent = parent[step]
        old = parent[path[-1]]
        parent[path[-1]] = (
            ([old] if not isinstance(old, list) else {"x": old})
            if not isinstance(old, str)
            else 12345
        )
        yield f"retype {'/'.join(map(str, path))}", retyped


def test_mutation_every_field_renamed_or_retyped_fails(recorded: list[Record]) -> None:
    checked = 0
    survivors = []
    for record in recorded:
        spec = declared.ENDPOINTS[record.key]
        if record.status >= 400 or spec["response"] is None or record.response is None:
            continue
        for what, mutant in _mutants(record.response):
            # A field declared free-form ("any": a localized name's map of locales, an
            # attribute's value) takes any value: it is renamed, not retyped, and what is
            # inside it is not a documented field.
            steps = what.split(" ", 1)[1].split("/")
            inside = steps if what.startswith("retype") else steps[:-1]
            if _free_form(spec["response"], inside):
                continue
            checked += 1
            if not validator.problems(spec["response"], mutant):
                survivors.append(f"{record.key}: {what}")
    assert checked > 100
    assert survivors == []


def _free_form(shape: Any, steps: list[str]) -> bool:
    for step in steps:
        if isinstance(shape, declared.OneOf):
            shape = shape.members.get(step)
        elif isinstance(shape, dict):
            shape = shape.get(step, shape.get(f"{step}?"))
        elif isinstance(shape, list):
            shape = shape[0]
        if shape == "any":
            return True
    return False


@pytest.mark.parametrize(
    ("key", "change"),
    [
        ("posts.get", lambda body: body.update(createdAt=str(body["createdAt"]))),
        (
            "posts.by_author",
            lambda body: body["elements"][0].update(text=body["elements"][0]["commentary"]),
        ),
        ("comments.list", lambda body: body["elements"][0].pop("commentUrn")),
        (
            "share_statistics",
            lambda body: body["elements"][0]["totalShareStatistics"].update(
                impressions=body["elements"][0]["totalShareStatistics"].pop("impressionCount")
            ),
        ),
        ("network_size", lambda body: body.update(firstDegreeSize="1250")),
        (
            "organization_acls",
            lambda body: body["elements"][0].update(
                organizationalTarget=body["elements"][0].pop("organization")
            ),
        ),
        ("oauth.token", lambda body: body.update(expires_in=str(body["expires_in"]))),
        (
            "images.initialize",
            lambda body: body["value"].update(upload_url=body["value"].pop("uploadUrl")),
        ),
    ],
)
def test_mutation_a_double_answering_one_field_differently_fails(
    linkedin_double: LinkedInDouble,
    cast: Any,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    change: Any,
) -> None:
    monkeypatch.setattr(linkedin_connector, "VIDEO_POLL", 0.01)
    original = server.HANDLERS[key]

    def mutated(double: Any, call: Any) -> Any:
        answer = original(double, call)
        if answer.body and (
            not isinstance(answer.body.get("elements"), list) or answer.body["elements"]
        ):
            change(answer.body)
        return answer

    monkeypatch.setitem(server.HANDLERS, key, mutated)
    connected = channels.linkedin(linkedin_double, cast.workspace)
    start = len(linkedin_double.records)
    # The connector may trip on the changed answer (then the records stop there): fine.
    with contextlib.suppress(Exception):
        everything(linkedin_double, connected)
    problems = fidelity_problems(linkedin_double.records[start:])
    assert any(p.startswith(key) for p in problems), problems


def test_mutation_a_connector_sending_a_renamed_field_is_refused(
    linkedin_double: LinkedInDouble, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    connected = channels.linkedin(linkedin_double, cast.workspace)
    connector = connected.channel.get_connector()
    real = linkedin_client._json

    def renamed(body: dict[str, Any]) -> bytes:
        body = dict(body)
        if "commentary" in body:
            body["text"] = body.pop("commentary")
        return real(body)

    monkeypatch.setattr(linkedin_client, "_json", renamed)
    with pytest.raises(Rejected) as refused:
        connector.publish(OutgoingPost("Bonjour", "k"))
    assert "Unpermitted fields" in refused.value.reason
