"""Every form: empty, too long, invalid e-mail, wrong time zone → a clear message, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

LONG = "x" * 300


def _errors(client: Client, path: str, data: dict[str, str]) -> str:
    response = client.post(path, data)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def owner(client: Client, cast) -> Client:
    client.force_login(cast.alice)
    return client


CASES = [
    # (path, data, expected French fragment, expected English fragment)
    (
        "/w/lumiere/settings/",
        {"name": "", "timezone": "Europe/Paris"},
        "Ce champ est obligatoire",
        "This field is required",
    ),
    (
        "/w/lumiere/settings/",
        {"name": LONG, "timezone": "Europe/Paris"},
        "au plus 100 caractères",
        "at most 100 characters",
    ),
    (
        "/w/lumiere/settings/",
        {"name": "L", "timezone": "Mars/Olympus"},
        "pas un fuseau horaire connu",
        "is not a known time zone",
    ),
    (
        "/workspaces/",
        {"name": "New", "timezone": "Paris"},
        "pas un fuseau horaire connu",
        "is not a known time zone",
    ),
    (
        "/workspaces/",
        {"name": "", "timezone": ""},
        "Ce champ est obligatoire",
        "This field is required",
    ),
    (
        "/w/lumiere/settings/members/",
        {"email": "not-an-email", "role": "editor"},
        "adresse de courriel valide",
        "valid email address",
    ),
    (
        "/w/lumiere/settings/members/",
        {"email": "a@example.com", "role": "emperor"},
        "Sélectionnez un choix valide",
        "Select a valid choice",
    ),
    (
        "/w/lumiere/settings/members/",
        {"email": LONG + "@example.com", "role": "editor"},
        "au plus 254 caractères",
        "at most 254 characters",
    ),
    (
        "/w/lumiere/settings/channels/",
        {"network": "myspace", "name": "M"},
        "Sélectionnez un choix valide",
        "Select a valid choice",
    ),
    (
        "/w/lumiere/settings/channels/",
        {"network": "x", "name": LONG},
        "au plus 100 caractères",
        "at most 100 characters",
    ),
    ("/account/two-factor/", {"code": ""}, "Ce champ est obligatoire", "This field is required"),
    (
        "/account/two-factor/",
        {"code": "12345678901"},
        "au plus 10 caractères",
        "at most 10 characters",
    ),
    (
        "/account/two-factor/",
        {"password": "correct horse battery", "code": "123456"},
        "pas valide",
        "not valid",
    ),
    (
        "/account/two-factor/",
        {"password": "wrong", "code": "123456"},
        "pas le bon",
        "not the right one",
    ),
    (
        "/w/lumiere/inbox/rules/",
        {"name": "R", "action": "review", "min_abuse": "2"},
        "inférieure ou égale à 1",
        "less than or equal to 1",
    ),
    (
        "/w/lumiere/inbox/rules/",
        {"name": "R", "action": "label"},
        "Nommez l’étiquette",
        "Name the label",
    ),
    (
        "/w/lumiere/inbox/rules/",
        {"name": "R", "action": "hide", "unanswered_hours": "3"},
        "Attendre n’est pas un abus",
        "Waiting is not abuse",
    ),
    (
        "/w/lumiere/inbox/replies/",
        {"title": LONG, "lang": "fr", "text": ""},
        "au plus 100 caractères",
        "at most 100 characters",
    ),
    (
        "/w/lumiere/inbox/settings/",
        {"answer_alert_hours": "0", "retention_months": "500"},
        "supérieure ou égale à 1",
        "greater than or equal to 1",
    ),
    (
        "/w/lumiere/reports/settings/",
        {"business_start": "25:99", "business_end": "", "business_days": ["9"]},
        "Saisissez une heure valide",
        "Enter a valid time",
    ),
    (
        "/w/lumiere/reports/settings/",
        {"business_hours": "on", "business_start": "09:00", "business_end": "18:00"},
        "Choisissez au moins un jour ouvré",
        "Choose at least one business day",
    ),
    (
        "/w/lumiere/reports/settings/",
        {"business_start": "09:00", "business_end": "18:00", "recipients": ["99999"]},
        "Sélectionnez un choix valide",
        "Select a valid choice",
    ),
    (
        "/w/lumiere/strategy/",
        {"kind": "network", "network-network": "x", "network-weekly_budget_minutes": "0"},
        "Ce champ est obligatoire",
        "This field is required",
    ),
    (
        "/w/lumiere/strategy/",
        {
            "kind": "guidelines",
            "guidelines-max_promotional_percent": "150",
            "guidelines-weekly_minimum_minutes": "30",
            "guidelines-hourly_cost": "20",
            "guidelines-currency": "EUR",
        },
        "inférieure ou égale à 100",
        "less than or equal to 100",
    ),
    (
        "/w/lumiere/strategy/",
        {
            "kind": "guidelines",
            "guidelines-max_promotional_percent": "20",
            "guidelines-weekly_minimum_minutes": "30",
            "guidelines-hourly_cost": "20",
            "guidelines-currency": "€€€",
        },
        "Trois lettres",
        "Three letters",
    ),
    (
        "/w/lumiere/time/",
        {
            "kind": "entry",
            "entry-day": "2026-02-31",
            "entry-network": "x",
            "entry-activity": "ads",
            "entry-minutes": "10",
        },
        "Saisissez une date valide",
        "Enter a valid date",
    ),
    (
        "/w/lumiere/strategy/return/",
        {
            "kind": "spend",
            "spend-network": "x",
            "spend-spent_on": "2026-11-01",
            "spend-amount": "abc",
        },
        "Saisissez un nombre",
        "Enter a number",
    ),
    (
        "/w/lumiere/strategy/return/",
        {"kind": "import"},
        "Ce champ est obligatoire",
        "This field is required",
    ),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("path", "data", "fr", "en"), CASES)
def test_bad_input_gets_a_clear_message(owner: Client, cast, language, path, data, fr, en) -> None:
    cast.alice.language = language
    cast.alice.save()
    page = _errors(owner, path, data)
    assert (fr if language == "fr" else en) in page


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login/", {"email": "", "password": ""}),
        ("/login/", {"email": "nope", "password": "x"}),
        ("/login/", {"email": LONG, "password": LONG}),
        ("/password-reset/", {"email": "nope"}),
    ],
)
def test_anonymous_forms_refuse_bad_input_in_french(client: Client, cast, path, data) -> None:
    page = _errors(client, path, data)
    assert "errorlist" in page


def test_setup_refuses_a_weak_password_and_keeps_what_was_typed(client: Client, db) -> None:
    page = _errors(
        client,
        "/setup/",
        {
            "your_name": "Camille",
            "email": "camille@example.com",
            "password": "123",
            "name": "Fournil",
            "timezone": "Europe/Paris",
        },
    )
    assert "trop court" in page
    assert 'value="Fournil"' in page


def test_invitation_signup_refuses_mismatched_passwords(client: Client, cast) -> None:
    from palabre.accounts.models import Invitation

    invitation = Invitation.objects.create(
        workspace=cast.workspace, email="z@example.com", role="editor"
    )
    page = _errors(
        client,
        f"/invitations/{invitation.token}/",
        {
            "name": "",
            "password": "un pain au levain",
            "password_again": "autre chose encore",
        },
    )
    assert "Ce champ est obligatoire" in page
    assert "Les deux mots de passe diffèrent" in page


def test_an_unknown_language_is_ignored(client: Client, cast) -> None:
    client.force_login(cast.alice)
    response = client.post("/language/", {"language": "klingon", "next": "/"})
    assert response.status_code == 302


def test_a_malformed_member_id_is_404(owner: Client) -> None:
    assert owner.post("/w/lumiere/settings/members/99999/", {"role": "editor"}).status_code == 404
