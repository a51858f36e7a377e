"""Settings → Webhooks: who may, what another workspace sees (nothing), the form's answers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palabre.accounts.models import User
from palabre.webhooks.models import Delivery, DeliveryStatus, Subscription
from palabre.webhooks.services import URL_REFUSED
from palabre.webhooks.tests.helpers import subscribe

PASSWORD = "correct horse battery"
URL = "http://127.0.0.1:9/hook"


@pytest.fixture
def hooked(cast, settings) -> Subscription:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1", "hooks.lumiere.test"]
    subscription, _secret = subscribe(cast.workspace, cast.bob, URL)
    return subscription


def _delivery(subscription: Subscription, n: int = 0, **fields) -> Delivery:
    empty = {"type": "post.published", "timestamp": "2026-12-04T09:00:00Z", "data": {}}
    return Delivery.objects.create(
        subscription=subscription,
        message_id=f"msg_{subscription.pk}_{n}",
        event="post.published",
        key=f"post:{n}",
        payload=fields.pop("payload", empty),
        **fields,
    )


def _as(client: Client, name: str) -> Client:
    """Logged in as `name`, reading English (Django's own messages are asserted on)."""
    User.objects.filter(email=f"{name}@example.com").update(language="en")
    client.login(email=f"{name}@example.com", password=PASSWORD)
    return client


def _pages(subscription: Subscription) -> list[str]:
    slug, pk = subscription.workspace.slug, subscription.pk
    return [
        reverse("workspace_settings_webhooks", args=[slug]),
        reverse("workspace_settings_webhook_new", args=[slug]),
        reverse("workspace_settings_webhook", args=[slug, pk]),
    ]


def _actions(subscription: Subscription, delivery: Delivery) -> list[str]:
    slug, pk = subscription.workspace.slug, subscription.pk
    return [
        reverse("workspace_settings_webhook_disable", args=[slug, pk]),
        reverse("workspace_settings_webhook_enable", args=[slug, pk]),
        reverse("workspace_settings_webhook_send_again", args=[slug, pk, delivery.pk]),
        reverse("workspace_settings_webhook_test", args=[slug, pk]),
        reverse("workspace_settings_webhook_delete", args=[slug, pk]),  # last: it deletes
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("bob", 200), ("erin", 403), ("carl", 403), ("anna", 403), ("nina", 403)],
)
def test_owners_and_managers_only(client: Client, hooked, who: str, status: int) -> None:
    _as(client, who)
    for url in _pages(hooked):
        assert client.get(url).status_code == status, url
    expected = 302 if status == 200 else 403
    for url in _actions(hooked, _delivery(hooked)):
        assert client.post(url).status_code == expected, url


def test_an_outsider_and_another_workspaces_owner_get_404(client: Client, cast, hooked) -> None:
    delivery = _delivery(hooked)
    anonymous = Client()
    for url in _pages(hooked):  # asked to sign in, whatever the workspace (accounts tests)
        assert anonymous.get(url).url.startswith("/login/?next="), url
    for url in _actions(hooked, delivery):
        assert anonymous.post(url).url == "/login/", url
    _as(client, "charlie")  # owner of "ailleurs"
    for url in _pages(hooked):
        assert client.get(url).status_code == 404, url
    for url in _pages(hooked) + _actions(hooked, delivery):
        assert client.post(url).status_code == 404, url
    # Alice's own pages, another workspace's subscription and delivery in them: 404 too.
    theirs, _secret = subscribe(cast.other_workspace, cast.charlie, URL)
    mine = reverse("workspace_settings_webhook", args=["lumiere", theirs.pk])
    other_delivery = _delivery(theirs, 1)
    _as(client, "alice")
    assert client.get(mine).status_code == 404
    send = "workspace_settings_webhook_send_again"
    assert (
        client.post(reverse(send, args=["lumiere", hooked.pk, other_delivery.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("workspace_settings_webhook_delete", args=["lumiere", theirs.pk])
        ).status_code
        == 404
    )
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_writes_are_post_only_with_csrf(cast, hooked) -> None:
    delivery = _delivery(hooked)
    client = _as(Client(enforce_csrf_checks=True), "alice")
    for url in _actions(hooked, delivery):
        assert client.get(url).status_code == 405, url
        assert client.post(url).status_code == 403, url  # no CSRF token
    new = reverse("workspace_settings_webhook_new", args=["lumiere"])
    assert client.post(new, {"url": URL, "events": ["post.published"]}).status_code == 403
    assert Subscription.objects.count() == 1 and Subscription.objects.get().active


def test_creating_shows_the_secret_once(client: Client, cast, hooked) -> None:
    _as(client, "bob")
    new = reverse("workspace_settings_webhook_new", args=["lumiere"])
    answer = client.post(
        new,
        {
            "url": "https://hooks.lumiere.test/palabre",
            "description": "n8n",
            "events": ["post.published", "interaction.received"],
        },
    )
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    created = Subscription.objects.get(description="n8n")
    assert (created.created_by, created.events) == (
        cast.bob,
        ["post.published", "interaction.received"],
    )
    assert created.secret.startswith("whsec_") and created.secret in answer.content.decode()
    assert created.secret not in created.secret_encrypted  # encrypted at rest
    for url in _pages(created):
        assert created.secret not in client.get(url).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/hook",  # private
        "http://192.168.1.20:8080/",  # private
        "http://169.254.169.254/latest/meta-data/",  # the cloud's metadata
        "http://127.0.0.1:8000/",  # loopback
        "http://[::1]:8000/",  # loopback
        "http://localhost/hook",  # resolves to loopback
        "http://[::ffff:10.0.0.1]/",  # a private IPv4 address in IPv6 clothing
        "ftp://hooks.lumiere.test/",
        "hooks.lumiere.test/palabre",  # no scheme
        "https://user:password@hooks.lumiere.test/",
        "https://hooks.lumiere.test/a b",
        "https://nowhere.invalid/hook",  # does not resolve
        "https://hooks.lumiere.test:99999/",
        "javascript:alert(1)",
    ],
)
def test_a_refused_address_is_answered_with_a_message(
    client: Client, cast, hooked, settings, url
) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["hooks.lumiere.test"]
    _as(client, "alice")
    new = reverse("workspace_settings_webhook_new", args=["lumiere"])
    answer = client.post(new, {"url": url, "events": ["post.published"]})
    assert answer.status_code == 200
    assert str(URL_REFUSED) in answer.content.decode().replace("&#x27;", "'")
    assert Subscription.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"url": URL}, "Choose at least one event."),
        ({"url": URL, "events": ["post.deleted"]}, "Select a valid choice."),
        ({"url": "", "events": ["post.published"]}, "This field is required."),
        ({"url": "https://a.test/" + "x" * 2100, "events": ["post.published"]}, "at most 2000"),
        ({"url": "https://a.test/\x00", "events": ["post.published"]}, "Null characters"),
        (
            {"url": URL, "events": ["post.published"], "description": "a\nb"},
            "line break",
        ),
    ],
)
def test_bad_input_is_answered_never_a_500(client: Client, cast, hooked, data, expected) -> None:
    _as(client, "alice")
    new = reverse("workspace_settings_webhook_new", args=["lumiere"])
    answer = client.post(new, data)
    assert answer.status_code == 200
    assert expected in answer.content.decode()
    assert Subscription.objects.count() == 1


def test_the_log_is_newest_first_paginated_and_escaped(client: Client, hooked) -> None:
    for n in range(30):
        _delivery(hooked, n, status=DeliveryStatus.DELIVERED, response_status=200)
    _delivery(
        hooked,
        99,
        status=DeliveryStatus.FAILED,
        response_status=500,
        response_excerpt="<script>alert('x')</script>",
        last_error="The receiver did not answer with a 2xx status.",
        attempts=3,
    )
    _as(client, "alice")
    url = reverse("workspace_settings_webhook", args=["lumiere", hooked.pk])
    page = client.get(url).content.decode()
    assert page.index(f"msg_{hooked.pk}_99") < page.index(f"msg_{hooked.pk}_29")
    assert (
        "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    )
    assert "HTTP 500" in page and "did not answer with a 2xx status" in page
    assert f"msg_{hooked.pk}_0<" not in page  # on page 2
    second = client.get(url + "?page=2").content.decode()
    assert f"msg_{hooked.pk}_0<" in second


def test_disable_enable_send_again_and_delete(client: Client, hooked) -> None:
    delivery = _delivery(hooked, status=DeliveryStatus.DELIVERED)
    _as(client, "bob")
    slug, pk = "lumiere", hooked.pk
    client.post(reverse("workspace_settings_webhook_disable", args=[slug, pk]))
    hooked.refresh_from_db()
    assert not hooked.active and hooked.disabled_reason == "Disabled by a person."
    answer = client.post(
        reverse("workspace_settings_webhook_send_again", args=[slug, pk, delivery.pk]), follow=True
    )
    assert "once the webhook is enabled again" in answer.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    answer = client.post(reverse("workspace_settings_webhook_enable", args=[slug, pk]), follow=True)
    assert "1 event waiting is sent now." in answer.content.decode()
    hooked.refresh_from_db()
    assert hooked.active and hooked.disabled_reason == ""
    client.post(reverse("workspace_settings_webhook_delete", args=[slug, pk]))
    assert not Subscription.objects.exists() and not Delivery.objects.exists()


def test_the_settings_page_links_to_webhooks(client: Client, cast) -> None:
    _as(client, "bob")
    page = client.get(reverse("workspace_settings", args=["lumiere"])).content.decode()
    assert reverse("workspace_settings_webhooks", args=["lumiere"]) in page


def test_a_new_secret_is_shown_once_and_the_old_one_signs_for_a_day(client: Client, hooked) -> None:
    old = hooked.secret
    _as(client, "bob")
    url = reverse("workspace_settings_webhook_secret", args=["lumiere", hooked.pk])
    answer = client.post(url)
    hooked.refresh_from_db()
    new = hooked.secret
    page = answer.content.decode()
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert new != old and new in page and old not in page
    assert hooked.secrets_signing == [new, old]
    for shown in _pages(hooked):
        text = client.get(shown).content.decode()
        assert new not in text and old not in text
    client.post(url)  # again within the day (a double click): the new one is replaced,
    hooked.refresh_from_db()  # the one before (which the receiving tool holds) still signs
    assert hooked.secrets_signing == [hooked.secret, old] and hooked.secret != new
    Subscription.objects.filter(pk=hooked.pk).update(
        previous_secret_until=timezone.now() - timedelta(seconds=1)
    )
    hooked.refresh_from_db()
    assert hooked.secrets_signing == [hooked.secret]


def test_a_new_secret_is_asked_first_and_says_what_a_second_one_drops(
    client: Client, hooked
) -> None:
    _as(client, "bob")
    log = reverse("workspace_settings_webhook", args=["lumiere", hooked.pk])
    page = client.get(log).content.decode()

    def secret_confirm(page: str) -> tuple[str, str]:
        [confirm] = [c for c in page.split('<details class="confirm">') if "New secret…" in c]
        inside, after = confirm.split("</details>", 1)
        return inside, after

    confirm, _after = secret_confirm(page)
    assert confirm.index("New secret…") < confirm.index("</summary>")  # a click opens, asks
    assert "still signs for a day" in confirm and "stops signing now" not in page
    client.post(reverse("workspace_settings_webhook_secret", args=["lumiere", hooked.pk]))
    page = client.get(log).content.decode()
    confirm, after = secret_confirm(page)
    assert "The secret given last time stops signing now" in confirm
    assert "The previous secret still signs until" in after  # in view, not folded


def test_deleting_a_webhook_asks_first(client: Client, hooked) -> None:
    _as(client, "bob")
    page = client.get(reverse("workspace_settings_webhook", args=["lumiere", hooked.pk]))
    said = page.content.decode()
    delete = reverse("workspace_settings_webhook_delete", args=["lumiere", hooked.pk])
    confirm = said[said.index(f'action="{delete}"') - 600 :]
    assert '<details class="confirm">' in confirm and "Delete…" in confirm
    assert "the events waiting are not sent" in confirm


def test_a_failing_webhook_says_what_to_check(client: Client, hooked) -> None:
    Subscription.objects.filter(pk=hooked.pk).update(failing_since=timezone.now())
    _as(client, "bob")
    page = client.get(reverse("workspace_settings_webhook", args=["lumiere", hooked.pk]))
    said = page.content.decode()
    assert "check that the receiving tool is running and its address is right" in said


def test_only_owners_and_managers_of_the_workspace_give_a_new_secret(
    client: Client, cast, hooked
) -> None:
    url = reverse("workspace_settings_webhook_secret", args=["lumiere", hooked.pk])
    before = hooked.secret_encrypted
    for who, status in (("erin", 403), ("nina", 403), ("charlie", 404)):
        assert _as(Client(), who).post(url).status_code == status, who
    assert Client().post(url).url == "/login/"
    guarded = _as(Client(enforce_csrf_checks=True), "alice")
    assert guarded.get(url).status_code == 405
    assert guarded.post(url).status_code == 403  # no CSRF token
    hooked.refresh_from_db()
    assert hooked.secret_encrypted == before and hooked.previous_secret_encrypted == ""


def test_each_row_of_the_log_says_what_its_event_is_about(client: Client, hooked) -> None:
    """Rows of one type looked alike: which post and where, who wrote what, which channel.
    Read without the payloads: the page's queries do not grow with its rows."""
    went = {"post": {"idea": "Pain <b>du jour</b>"}, "publication": {"channel": {"name": "X"}}}
    said = {"interaction": {"author": {"name": "Claire"}, "text": "Ouvert\ndimanche ? " * 50}}
    alert = {"alert": {"channel": {"name": "Insta"}}}
    for n, data in enumerate((went, said, alert, {})):
        _delivery(hooked, n, payload={"type": "post.published", "data": data})
    _as(client, "alice")
    url = reverse("workspace_settings_webhook", args=["lumiere", hooked.pk])
    with CaptureQueriesContext(connection) as four:
        page = client.get(url)
    found = re.findall(r'<span class="ugc small" data-subject>(.*?)</span>', page.content.decode())
    assert found == [
        "Insta",
        "Claire: “Ouvert dimanche ? Ouvert dimanche ? Ouvert dimanche ? Ouver…”",  # 60
        "“Pain &lt;b&gt;du jour&lt;/b&gt;” · X",
    ]
    for n in range(4, 12):
        _delivery(hooked, n, payload={"type": "post.published", "data": said})
    with CaptureQueriesContext(connection) as twelve:
        assert client.get(url).content.decode().count("data-subject") == 11
    assert len(twelve) == len(four)
