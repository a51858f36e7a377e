"""Issue 14 (trust): bounded dates and money, and hostile bodies, on the strategy's inputs.

Each test names the observation of the issue it keeps closed (docs/security.md lists them).
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from palabre.strategy.conversions import webhook_token_new
from palabre.strategy.models import AdSpend, Conversion, Objective, Strategy

pytestmark = pytest.mark.django_db
PLAN = "/w/lumiere/strategy/"
RETURN = "/w/lumiere/strategy/return/"
HOOK = "/hooks/lumiere/conversions/"


@pytest.fixture
def hook(client: Client, cast) -> Client:
    token = webhook_token_new(strategy=Strategy.objects.get(workspace=cast.workspace))
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client.raise_request_exception = False
    return client


def _objective(client: Client, deadline: str):
    return client.post(
        PLAN,
        {
            "kind": "objective",
            "objective-metric": "clicks",
            "objective-target": "40",
            "objective-deadline": deadline,
        },
    )


def _import(client: Client, text: str):
    upload = SimpleUploadedFile("conversions.csv", text.encode(), content_type="text/csv")
    return client.post(RETURN, {"kind": "import", "import-file": upload})


def test_observation_6_an_objective_deadline_is_between_today_and_ten_years(
    manager: Client, cast
) -> None:
    today = cast.workspace.local_date()
    for deadline, message in [
        ("2020-01-31", "The deadline cannot be in the past."),
        (str(today - timedelta(days=1)), "The deadline cannot be in the past."),
        (str(today.replace(year=today.year + 11)), "The deadline must be within 10 years."),
        ("9999-12-31", "The deadline must be within 10 years."),
    ]:
        response = _objective(manager, deadline)
        html = response.content.decode()
        assert response.status_code == 200 and message in html, deadline
        assert 'value="40"' in html  # the rest of the input is kept
    assert not Objective.objects.exists()
    assert _objective(manager, str(today)).status_code == 302
    assert _objective(manager, str(today.replace(year=today.year + 10))).status_code == 302
    assert Objective.objects.count() == 2


def test_observation_6_ad_spend_is_not_in_the_future_nor_before_2000(manager: Client, cast) -> None:
    today = cast.workspace.local_date()
    for day, message in [
        ("2030-01-01", "Ad spend cannot be recorded in the future."),
        (str(today + timedelta(days=1)), "Ad spend cannot be recorded in the future."),
        ("1999-12-31", "The date must be in 2000 or later."),
        ("0001-01-01", "The date must be in 2000 or later."),
    ]:
        response = manager.post(
            RETURN,
            {
                "kind": "spend",
                "spend-network": "mastodon",
                "spend-spent_on": day,
                "spend-amount": "12",
                "spend-note": "Boost",
            },
        )
        html = response.content.decode()
        assert response.status_code == 200 and message in html, day
        assert 'value="Boost"' in html and 'value="12"' in html
    assert not AdSpend.objects.exists()


def test_observation_6_a_conversion_is_not_dated_in_the_future(
    manager: Client, hook: Client, cast
) -> None:
    html = _import(manager, "id,date,value\nA1,2026-11-02,10\nA2,2030-01-01,10\n").content.decode()
    assert "Line 3: “date” cannot be in the future" in html and "Line 2" not in html
    body = json.dumps({"id": "W1", "date": "2030-01-01T10:00:00+01:00", "value": 10})
    response = hook.post(HOOK, body, content_type="application/json")
    assert response.status_code == 400 and "future" in response.json()["error"]
    assert not Conversion.objects.exists()


def _nested(depth: int) -> str:
    return json.dumps({"id": "N1", "date": "2026-11-02", "extra": "@"}).replace(
        '"@"', "[" * depth + "]" * depth
    )


def test_observation_17_the_webhook_refuses_deep_or_large_bodies(hook: Client) -> None:
    deep = hook.post(HOOK, "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert deep.status_code == 413 and "64 KB" in deep.json()["error"]  # not even read whole
    deep = hook.post(HOOK, "[" * 30_000 + "]" * 30_000, content_type="application/json")
    assert deep.status_code == 400 and "nested too deeply" in deep.json()["error"]
    # Deeper than the limit inside an otherwise good object: refused before parsing.
    response = hook.post(HOOK, _nested(40), content_type="application/json")
    assert response.status_code == 400 and "nested" in response.json()["error"]
    big = json.dumps({"id": "B1", "date": "2026-11-02", "padding": "x" * 70_000})
    response = hook.post(HOOK, big, content_type="application/json")
    assert response.status_code == 413 and "64 KB" in response.json()["error"]
    assert not Conversion.objects.exists()
    # Brackets inside a string, and a nesting within the limit, are fine.
    text = json.dumps({"id": '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{\\"', "date": "2026-11-02"})
    assert hook.post(HOOK, text, content_type="application/json").status_code == 201
    assert hook.post(HOOK, _nested(20), content_type="application/json").status_code == 201


def test_observation_17_a_conversions_csv_field_over_128_kb_is_a_line_error(
    manager: Client,
) -> None:
    text = "id,date,value,network\nA1,2026-11-02,1,\nA2,2026-11-02,1," + "x" * 140_000 + "\n"
    response = _import(manager, text)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Line 3: A field is longer than 128 KB" in html
    assert not Conversion.objects.exists()
    # The lines before it are still checked, and told.
    text = "id,date,value,network\nA1,hier,1,\n" + "x" * 140_000 + "\nA3,2026-11-02,1,\n"
    html = _import(manager, text).content.decode()
    assert "Line 2: “date”" in html and "Line 3: A field is longer than 128 KB" in html
    assert not Conversion.objects.exists()


def test_observation_17_money_fits_its_column_and_a_conversion_can_be_deleted(
    manager: Client, hook: Client, cast
) -> None:
    html = _import(manager, "id,date,value\nA1,2026-11-02,9999999999.999\n").content.decode()
    assert "Line 2: “value” must be at most 9999999999.99" in html
    body = json.dumps({"id": "W1", "date": "2026-11-02", "value": "9999999999.999"})
    response = hook.post(HOOK, body, content_type="application/json")
    assert response.status_code == 400 and "at most 9999999999.99" in response.json()["error"]
    assert not Conversion.objects.exists()
    # The largest amount the column holds is taken, twice: their sum is larger still.
    day = cast.workspace.local_date() - timedelta(days=2)
    _import(manager, f"id,date,value\nM1,{day},9999999999.99\nM2,{day},9999999999.99\n")
    assert Conversion.objects.count() == 2
    # A row stored before amounts were bounded (SQLite took it; PostgreSQL never could).
    bad = Conversion.objects.create(
        workspace=cast.workspace,
        external_id="OLD",
        occurred_at=Conversion.objects.get(external_id="M1").occurred_at,
        source="csv",
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE strategy_conversion SET value = 10000000000 WHERE id = %s", [bad.pk]
            )
    for who in ("bob", "nina", "anna"):  # the page works for everyone who reads it
        manager.force_login(getattr(cast, who))
        page = manager.get(RETURN)
        assert page.status_code == 200, who
    manager.force_login(cast.bob)
    html = manager.get(RETURN).content.decode()
    assert "OLD" in html and f'action="/w/lumiere/strategy/conversions/{bad.pk}/delete/"' in html
    # Deleting asks for the confirmation; then the row is gone, whatever its value.
    path = f"/w/lumiere/strategy/conversions/{bad.pk}/delete/"
    assert manager.post(path).status_code == 302
    assert Conversion.objects.filter(pk=bad.pk).exists()
    assert manager.post(path, {"confirm": "delete"}).status_code == 302
    assert not Conversion.objects.filter(pk=bad.pk).exists()
    assert Conversion.objects.filter(value=Decimal("9999999999.99")).count() == 2
    # Another workspace's conversion is not found, and readers may not delete.
    theirs = Conversion.objects.create(
        workspace=cast.other_workspace, external_id="T", occurred_at=bad.occurred_at, source="csv"
    )
    other = f"/w/lumiere/strategy/conversions/{theirs.pk}/delete/"
    assert manager.post(other, {"confirm": "delete"}).status_code == 404
    manager.force_login(cast.nina)
    mine = Conversion.objects.get(external_id="M1")
    assert (
        manager.post(
            f"/w/lumiere/strategy/conversions/{mine.pk}/delete/", {"confirm": "delete"}
        ).status_code
        == 403
    )
    assert Conversion.objects.count() == 3


def test_a_nul_character_is_refused_not_stored(manager: Client, hook: Client) -> None:
    """PostgreSQL stores no NUL character: it answered 500 in the import, the webhook, and
    the strategy page's ?network=."""
    html = _import(manager, "id,date,contact\nA\x001,2026-11-02,\nB,2026-11-02,x\x00y\n")
    page = html.content.decode()
    assert "Line 2: “id” contains a character that cannot be stored (NUL" in page
    assert "Line 3: “contact” contains a character that cannot be stored (NUL" in page
    body = json.dumps({"id": "W\u00001", "date": "2026-11-02"})
    response = hook.post(HOOK, body, content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["error"]
    assert not Conversion.objects.exists()
    # In an address, a NUL is refused before any view (palabre/web/nulbytes.py).
    refused = manager.get(PLAN + "?network=a%00b")
    assert refused.status_code == 400 and "null character" in refused.content.decode()


@pytest.mark.parametrize("malformed", ["²", "", "-1", "1.5", "9" * 23])
def test_a_malformed_id_to_remove_is_not_found(manager: Client, malformed: str) -> None:
    response = manager.post(PLAN + "remove/", {"kind": "audience", "id": malformed})
    assert response.status_code == 404


def test_ad_spend_fits_its_column(manager: Client, cast) -> None:
    """Money is bounded by its column in every form too (ad spend: 10 digits, 2 after the
    point), with a message and the rest of the input kept."""
    today = str(cast.workspace.local_date())
    data = {"kind": "spend", "spend-network": "x", "spend-spent_on": today, "spend-note": "Boost"}
    page = manager.post(RETURN, data | {"spend-amount": "100000000"}).content.decode()
    assert "less than or equal to 99999999.99" in page and 'value="Boost"' in page
    assert manager.post(RETURN, data | {"spend-amount": "99999999.99"}).status_code == 302
    assert AdSpend.objects.get().amount == Decimal("99999999.99")


def test_the_delete_confirmation_speaks_french(client: Client, cast) -> None:
    Conversion.objects.create(
        workspace=cast.workspace, external_id="CMD-1", occurred_at=timezone.now(), source="csv"
    )
    cast.bob.language = "fr"
    cast.bob.save()
    client.force_login(cast.bob)
    page = client.get(RETURN).content.decode()
    assert "Supprimer la conversion « CMD-1 » ?" in page and "Supprimer…" in page


def test_amounts_are_written_with_the_currencys_sign(manager: Client, cast) -> None:
    """ "16,67 EUR" everywhere, and "$25,00" in the French settings (a walk through the
    demo): the sign after the amount, as French writes it."""
    import html as html_text

    Strategy.objects.update_or_create(
        workspace=cast.workspace, defaults={"hourly_cost": Decimal("25"), "currency": "EUR"}
    )
    manager.post("/language/", {"language": "fr", "next": "/"})
    page = html_text.unescape(manager.get(RETURN).content.decode())
    assert "25,00\u00a0€" in page and " EUR" not in page
    cast.workspace.x_monthly_cap_usd = Decimal("25")
    cast.workspace.save()
    settings_page = html_text.unescape(manager.get("/w/lumiere/settings/").content.decode())
    assert "25,00\u00a0$" in settings_page and "$25" not in settings_page
    # The channels page said "$25.00" on the French page (a walkthrough).
    from palabre.channels.services import channel_create_demo

    x = channel_create_demo(workspace=cast.workspace, network="x", name="X")
    type(x).objects.filter(pk=x.pk).update(connector="demo_x")  # the demo's, billed as X
    channels_page = html_text.unescape(
        manager.get("/w/lumiere/settings/channels/").content.decode()
    )
    assert "25,00\u00a0$" in channels_page and "25.00" not in channels_page


@pytest.mark.parametrize(
    ("language", "currency", "written"),
    [
        ("fr", "EUR", "25,00\u00a0€"),
        ("en", "EUR", "€25.00"),  # was "25.00 €" in English, beside X's "$25.00"
        ("en", "USD", "$25.00"),
        ("en", "CHF", "25.00\u00a0CHF"),  # no sign: its code, after
        ("fr", "CHF", "25,00\u00a0CHF"),
    ],
)
def test_an_amount_is_written_as_its_readers_language_writes_it(
    manager: Client, cast, language, currency, written
) -> None:
    import html as html_text

    Strategy.objects.update_or_create(
        workspace=cast.workspace, defaults={"hourly_cost": Decimal("25"), "currency": currency}
    )
    manager.post("/language/", {"language": language, "next": "/"})
    page = html_text.unescape(manager.get(RETURN).content.decode())
    assert written in page  # "An hour of time costs …"
