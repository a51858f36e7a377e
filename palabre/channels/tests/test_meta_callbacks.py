"""Meta's deauthorize and data-deletion callbacks (Facebook Login's and Threads'), with
signed requests made as Meta makes them, and forged ones."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client

from palabre.channels.models import Channel, ChannelGrant, ChannelStatus, DataDeletion, GrantApp
from palabre.networks.meta.signed_request import signed_request_make
from palabre.publishing.models import Notice

META_SECRET = "meta-app-secret"  # noqa: S105
THREADS_SECRET = "threads-app-secret"  # noqa: S105


@pytest.fixture(autouse=True)
def _apps(settings) -> None:
    settings.PALABRE_META_APP_SECRET = META_SECRET
    settings.PALABRE_THREADS_APP_SECRET = THREADS_SECRET
    settings.SITE_URL = "https://palabre.example.org"


def connected(workspace, connector: str, account_id: str, *, by: str, app=GrantApp.META) -> Channel:
    channel = Channel.objects.create(
        workspace=workspace,
        network=connector,
        connector=connector,
        name=f"{connector} {account_id}",
        account_id=account_id,
    )
    channel.save_credentials({"page_id": account_id, "page_token": "EAAtoken"})
    ChannelGrant.objects.create(channel=channel, app=app, granted_by=by)
    return channel


def signed(user_id: str, secret: str = META_SECRET) -> dict[str, str]:
    payload = {"algorithm": "HMAC-SHA256", "issued_at": 1_700_000_000, "user_id": user_id}
    return {"signed_request": signed_request_make(payload, app_secret=secret)}


def test_deauthorizing_marks_that_persons_channels_and_tells_their_owners(
    client: Client, cast
) -> None:
    page = connected(cast.workspace, "facebook", "101", by="555")
    ig = connected(cast.workspace, "instagram", "1784", by="555")
    someone_elses = connected(cast.other_workspace, "facebook", "202", by="666")
    response = client.post("/hooks/meta/deauthorize/", signed("555"))
    assert response.status_code == 200
    for channel in (page, ig):
        channel.refresh_from_db()
        assert channel.status == ChannelStatus.NEEDS_RECONNECT
        # Stored as Palabre's msgid, said in each reader's language (the channels page, notices).
        assert channel.status_reason == (
            "the person who connected it removed Palabre from their account"
        )
        assert channel.credentials  # kept: reconnecting replaces them
    someone_elses.refresh_from_db()
    assert someone_elses.status == ChannelStatus.ACTIVE
    # Owners and managers of that workspace, once per channel; not the editor, not charlie.
    told = sorted(Notice.objects.values_list("user__email", flat=True))
    assert told == ["alice@example.com"] * 2 + ["bob@example.com"] * 2
    urls = {n.url for n in Notice.objects.all()}
    assert urls == {f"/w/lumiere/settings/channels/#channel-{c.pk}" for c in (page, ig)}
    assert len(mail.outbox) == 4
    assert "a retiré Palabre" in Notice.objects.filter(user=cast.alice).first().text


def test_meta_posts_a_urlencoded_form(client: Client, cast) -> None:
    page = connected(cast.workspace, "facebook", "101", by="555")
    response = client.post(
        "/hooks/meta/deauthorize/",
        urlencode(signed("555")),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    page.refresh_from_db()
    assert page.status == ChannelStatus.NEEDS_RECONNECT


def test_a_second_deauthorization_tells_no_one_again(client: Client, cast) -> None:
    connected(cast.workspace, "facebook", "101", by="555")
    client.post("/hooks/meta/deauthorize/", signed("555"))
    client.post("/hooks/meta/deauthorize/", signed("555"))
    assert Notice.objects.count() == 2  # alice and bob, once


def test_a_threads_deauthorization_is_signed_with_the_threads_secret(client: Client, cast) -> None:
    channel = connected(cast.workspace, "threads", "7890", by="7890", app=GrantApp.THREADS)
    assert client.post("/hooks/threads/deauthorize/", signed("7890")).status_code == 400
    assert client.post("/hooks/meta/deauthorize/", signed("7890")).status_code == 200
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ACTIVE  # a Meta app's user is not a Threads one
    response = client.post("/hooks/threads/deauthorize/", signed("7890", THREADS_SECRET))
    assert response.status_code == 200
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.NEEDS_RECONNECT


def test_data_deletion_forgets_the_access_and_answers_a_status_page(client: Client, cast) -> None:
    page = connected(cast.workspace, "facebook", "101", by="555")
    response = client.post("/hooks/meta/deletion/", signed("555"))
    assert response.status_code == 200
    answer = response.json()
    code = answer["confirmation_code"]
    assert code.isalnum() and len(code) >= 16
    assert answer["url"] == f"https://palabre.example.org/data-deletion/{code}/"
    page.refresh_from_db()
    assert page.status == ChannelStatus.DISABLED
    assert page.credentials_encrypted == ""
    assert not ChannelGrant.objects.filter(granted_by="555").exists()
    assert Notice.objects.filter(user=cast.alice, text__contains="est déconnecté").exists()
    status = client.get(f"/data-deletion/{code}/")
    assert status.status_code == 200
    page_text = status.content.decode()
    # What the page says, not its assets' addresses (a static file's hash held "101").
    text = re.sub(r'(?:href|src)="[^"]*"', "", page_text)
    assert code in text
    assert "1 account" in text or "1 compte" in text
    assert "Lumière" not in text and "101" not in text  # nothing about the workspace or Page


def test_data_deletion_for_someone_unknown_still_answers(client: Client, db) -> None:
    response = client.post("/hooks/meta/deletion/", signed("999"))
    assert response.status_code == 200
    deletion = DataDeletion.objects.get(code=response.json()["confirmation_code"])
    assert deletion.channels_forgotten == 0


def test_an_unknown_status_code_is_not_found(client: Client, db) -> None:
    assert client.get("/data-deletion/0123456789abcdef0123/").status_code == 404


@pytest.mark.parametrize("path", ["/hooks/meta/deauthorize/", "/hooks/meta/deletion/"])
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"signed_request": ""},
        {"signed_request": "abc"},
        {"signed_request": "%%%.%%%"},
        {"signed_request": "a.b"},
        signed("555", secret="not the app secret"),
        {"signed_request": signed("555")["signed_request"] + "x"},
        {"signed_request": "x" * 20_000},
    ],
)
def test_forged_or_malformed_requests_are_refused(client: Client, cast, path, data) -> None:
    page = connected(cast.workspace, "facebook", "101", by="555")
    response = client.post(path, data)
    assert response.status_code == 400
    page.refresh_from_db()
    assert page.status == ChannelStatus.ACTIVE and page.credentials
    assert not DataDeletion.objects.exists()


def test_a_body_that_is_not_a_form_is_refused(client: Client, db) -> None:
    for body in (b"\xff\xfe\x00", b"signed_request=" + b"a" * 20_000):
        response = client.generic(
            "POST", "/hooks/meta/deletion/", body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 400


def test_the_callbacks_only_take_posts(client: Client, db) -> None:
    assert client.get("/hooks/meta/deauthorize/").status_code == 405
    assert client.get("/hooks/threads/deletion/").status_code == 405


def test_without_an_app_secret_nothing_is_believed(client: Client, cast, settings) -> None:
    connected(cast.workspace, "facebook", "101", by="555")
    settings.PALABRE_META_APP_SECRET = ""
    assert client.post("/hooks/meta/deletion/", signed("555", secret="")).status_code == 400
