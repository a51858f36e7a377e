"""Conversions: a CSV import (all or nothing, never twice) and the authenticated webhook."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from palabre.analytics.community import funnel_counts
from palabre.inbox.models import Contact, Identity
from palabre.strategy.conversions import webhook_token_new
from palabre.strategy.links import link_create
from palabre.strategy.models import Conversion, Strategy

pytestmark = pytest.mark.django_db
PAGE = "/w/lumiere/strategy/return/"
HOOK = "/hooks/lumiere/conversions/"


@pytest.fixture
def marie(cast) -> Contact:
    contact = Contact.objects.create(workspace=cast.workspace, name="Marie")
    Identity.objects.create(
        workspace=cast.workspace,
        contact=contact,
        network="mastodon",
        remote_id="m",
        handle="marie@piaille.fr",
    )
    return contact


def _import(client: Client, text: str):
    upload = SimpleUploadedFile("conversions.csv", text.encode(), content_type="text/csv")
    return client.post(PAGE, {"kind": "import", "import-file": upload})


def test_a_csv_import_records_attributes_and_tags_customers(manager: Client, cast, marie) -> None:
    link = link_create(
        workspace=cast.workspace,
        actor=cast.bob,
        destination="https://l.example/",
        network="instagram",
    )
    text = (
        "id,date,value,network,link,contact,customer\n"
        f"A1,2026-11-02,24.50,,{link.code},,\n"
        'A2,2026-11-03T15:30,"12,00",mastodon,,@Marie@piaille.fr,oui\n'
        "A3,2026-11-04,,,,inconnu,yes\n"
    )
    response = _import(manager, text)
    assert response.status_code == 302
    rows = {c.external_id: c for c in Conversion.objects.all()}
    assert rows["A1"].network == "instagram" and rows["A1"].link == link  # the link's network
    assert rows["A1"].value == Decimal("24.50") and rows["A2"].value == Decimal("12.00")
    assert rows["A2"].contact == marie and rows["A3"].contact is None
    marie.refresh_from_db()
    assert "customer" in marie.tags and funnel_counts(cast.workspace)["customers"] == 1
    # The same file again: nothing counted twice.
    _import(manager, text)
    assert Conversion.objects.count() == 3


def test_french_spreadsheets_with_semicolons(manager: Client) -> None:
    _import(manager, "\ufeffid;date;value\nF1;2026-11-02;10,5\n")
    assert Conversion.objects.get().value == Decimal("10.50")


def test_one_bad_line_imports_nothing_and_every_bad_line_is_told(manager: Client, cast) -> None:
    text = "id,date,value,network\nok,2026-11-02,1,\n,2026-11-02,1,\nb,hier,1,\nc,2026-11-02,-4,\nd,2026-11-02,1,myspace\n"
    html = _import(manager, text).content.decode()
    assert "Line 3:" in html and "Line 4:" in html and "Line 5:" in html and "Line 6:" in html
    assert "Line 2:" not in html and "myspace" in html
    assert not Conversion.objects.exists()
    cast.bob.language = "fr"
    cast.bob.save()
    french = _import(manager, text).content.decode()
    assert "Ligne 4" in french
    for broken in ["", "nom,valeur\nx,1\n", "\xff\xfe".encode("latin-1").decode("latin-1")]:
        assert _import(manager, broken).status_code == 200
    upload = SimpleUploadedFile("c.csv", b"\xff\xfeid", content_type="text/csv")
    html = manager.post(PAGE, {"kind": "import", "import-file": upload}).content.decode()
    assert "pas du texte UTF-8" in html


def test_the_webhook_needs_the_secret(client: Client, cast, marie) -> None:
    strategy = Strategy.objects.get(workspace=cast.workspace)
    body = json.dumps(
        {
            "id": "W1",
            "date": "2026-11-20T10:00:00+01:00",
            "value": 30,
            "network": "mastodon",
            "contact": "marie@piaille.fr",
            "customer": True,
        }
    )
    assert client.post(HOOK, body, content_type="application/json").status_code == 401
    token = webhook_token_new(strategy=strategy)
    wrong = client.post(
        HOOK, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert wrong.status_code == 401
    elsewhere = client.post(
        "/hooks/ailleurs/conversions/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert elsewhere.status_code == 401  # another workspace's hook does not take this secret
    ok = client.post(
        HOOK, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert ok.status_code == 201 and ok.json()["status"] == "recorded"
    again = client.post(
        HOOK, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert again.status_code == 200 and again.json()["status"] == "already recorded"
    conversion = Conversion.objects.get()
    assert (conversion.source, conversion.value, conversion.contact) == (
        "webhook",
        Decimal("30.00"),
        marie,
    )
    marie.refresh_from_db()
    assert marie.tags == ["customer"]
    assert Strategy.objects.get(pk=strategy.pk).webhook_token_hash != token  # only its hash is kept


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"not json", "JSON object"),
        (b"[1, 2]", "JSON object"),
        (json.dumps({"date": "2026-11-20"}).encode(), "id"),
        (json.dumps({"id": "x", "date": "tomorrow"}).encode(), "date"),
        (json.dumps({"id": "x", "date": "2026-02-31"}).encode(), "date"),
        (json.dumps({"id": "x", "date": "2026-13-40T10:00"}).encode(), "date"),
        (json.dumps({"id": "x", "date": "9999-12-31"}).encode(), "date"),
        (json.dumps({"id": "x", "date": "2026-11-20", "value": "lots"}).encode(), "value"),
        (json.dumps({"id": "x", "date": "2026-11-20", "link": "nope"}).encode(), "tracked link"),
    ],
)
def test_the_webhook_explains_a_bad_body(client: Client, cast, body: bytes, fragment: str) -> None:
    token = webhook_token_new(strategy=Strategy.objects.get(workspace=cast.workspace))
    response = client.post(
        HOOK, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400 and fragment in response.json()["error"]
    assert not Conversion.objects.exists()


def test_only_managers_import_or_make_a_secret(client: Client, cast) -> None:
    client.force_login(cast.nina)  # the analyst reads the return, changes nothing
    assert client.get(PAGE).status_code == 200
    assert client.post(PAGE, {"kind": "token"}).status_code == 403
    client.force_login(cast.bob)
    html = client.post(PAGE, {"kind": "token"}).content.decode()
    assert 'id="new-token"' in html
    assert Strategy.objects.get(workspace=cast.workspace).webhook_token_hash
