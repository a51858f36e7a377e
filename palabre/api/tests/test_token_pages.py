"""The token page: a member makes a token, sees its secret once, uses it, sees its last use,
and revokes it; owners and managers also make workspace tokens and revoke anyone's."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from palabre.accounts.models import User, Workspace
from palabre.api.models import ApiToken
from palabre.api.tests.conftest import ApiClient
from palabre.api.tokens import token_create

PAGE = "/w/lumiere/settings/api/"
SECRET = re.compile(r'id="new-secret">(palabre_[A-Za-z0-9_-]+)<')


@pytest.fixture(autouse=True)
def _in_english(cast) -> None:
    # The page's words as written here, whatever the French catalogue says.
    User.objects.all().update(language="en")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _make(client: Client, **fields: object) -> tuple[Any, str]:
    """POST the form; the answer and the secret on it ('' when none)."""
    data = {"name": "n8n", "kind": "personal", "scopes": ["read"], "life": "30"} | fields
    answer = client.post(PAGE, data)
    found = SECRET.search(answer.content.decode())
    return answer, found.group(1) if found else ""


def _row(page: str, token: ApiToken) -> str:
    match = re.search(rf'<tr data-token="{token.pk}".*?</tr>', page, re.S)
    assert match, f"no row for {token.name}"
    return match.group(0)


def test_the_secret_is_shown_once_and_only_its_digest_is_kept(cast) -> None:
    client = _client(cast.erin)
    answer, secret = _make(client, name="Mon script", scopes=["read", "write"])
    assert answer.status_code == 200
    assert secret, "the new secret is on the answer to the POST"
    assert "no-store" in answer["Cache-Control"]
    page = answer.content.decode()
    assert f'curl -H "Authorization: Bearer {secret}" http' in page
    token = ApiToken.objects.get()
    assert (token.name, token.kind, token.created_by) == ("Mon script", "personal", cast.erin)
    assert token.scopes == ["read", "write"]
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 2
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not [value for value in stored if secret in value]
    assert secret not in str(dict(client.session.items()))
    again = client.get(PAGE).content.decode()
    assert secret not in again
    assert token.prefix in _row(again, token)
    assert "Mon script" in _row(again, token)


def test_the_example_call_names_the_address_the_page_was_opened_at(cast, settings) -> None:
    """Not SITE_URL, which a server started on another port or name may have left as is."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["palabre.example"]
    client = _client(cast.alice)
    client.defaults["HTTP_HOST"] = "palabre.example"
    answer, secret = _make(client)
    assert secret
    assert (
        f'curl -H "Authorization: Bearer {secret}" http://palabre.example/api/v1/workspace'
        in answer.content.decode()
    )


def test_a_token_made_on_the_page_works_until_it_is_revoked(cast) -> None:
    client = _client(cast.alice)
    _answer, secret = _make(client)
    api = ApiClient(secret)
    first = api.get("/api/v1/workspace")
    assert first.status_code == 200, first.content
    assert first.json()["acting_as"] == "alice@example.com"
    assert first.json()["token_scopes"] == ["read"]
    token = ApiToken.objects.get()
    revoked = client.post(f"{PAGE}{token.pk}/revoke/", follow=True)
    assert revoked.redirect_chain == [(PAGE, 302)]
    assert "“n8n” is revoked: it no longer works." in revoked.content.decode()
    assert '<span class="badge disabled">Revoked</span>' in _row(revoked.content.decode(), token)
    assert api.get("/api/v1/workspace").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_last_use_shows_after_a_call(cast) -> None:
    client = _client(cast.bob)
    _answer, secret = _make(client)
    token = ApiToken.objects.get()
    assert "<td data-last-used>never</td>" in _row(client.get(PAGE).content.decode(), token)
    assert ApiClient(secret).get("/api/v1/workspace").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    local = timezone.localtime(token.last_used_at, cast.workspace.tzinfo)
    shown = f"{local.day} {local:%b %Y, %H:%M}"  # "8 Dec 2026, 01:49": English, day first
    assert f"<td data-last-used>{shown}</td>" in _row(client.get(PAGE).content.decode(), token)


def test_an_editor_cannot_make_a_workspace_token(cast) -> None:
    client = _client(cast.erin)
    page = client.get(PAGE).content.decode()
    assert 'name="kind"' not in page  # not offered
    answer, secret = _make(client, kind="workspace", name="Forgé")
    assert answer.status_code == 200 and secret == ""
    assert "Only owners and managers create workspace tokens." in answer.content.decode()
    assert 'value="Forgé"' in answer.content.decode()
    assert not ApiToken.objects.exists()
    answer, secret = _make(client, kind="admin")
    assert "Select a valid choice. admin is not one of" in answer.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_owners_and_managers_make_workspace_tokens(cast, who: str) -> None:
    client = _client(cast.users[who])
    assert 'name="kind"' in client.get(PAGE).content.decode()
    _answer, secret = _make(client, kind="workspace", name="Agenda")
    assert secret
    assert ApiToken.objects.get().kind == "workspace"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "n8n\x00"}, "Null characters are not allowed."),
        ({"name": "deux\nlignes"}, "A name cannot contain a line break"),
        ({"name": "   "}, "This field is required."),
        ({"name": "x" * 101}, "Ensure this value has at most 100 characters"),
        ({"scopes": []}, "Choose at least one scope."),
        ({"scopes": ["read", "admin"]}, "Select a valid choice. admin is not one of"),
        ({"life": "date", "expires_on": ""}, "Choose the date the token expires."),
        ({"life": "date", "expires_on": "+400"}, "Choose a day after today and within a year"),
        ({"life": "date", "expires_on": "+0"}, "Choose a day after today and within a year"),
        ({"life": "date", "expires_on": "+366"}, "Choose a day after today and within a year"),
        ({"life": "date", "expires_on": "99999-01-01"}, "Enter a valid date."),
        ({"life": "date", "expires_on": "2026-02-30\x00"}, "Enter a valid date."),
        ({"life": "1000"}, "Select a valid choice."),
        ({"kind": "admin"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_lost(
    cast, fields: dict[str, object], message: str
) -> None:
    day = fields.get("expires_on")
    if isinstance(day, str) and day.startswith("+"):
        fields["expires_on"] = (cast.workspace.local_date() + timedelta(days=int(day))).isoformat()
    answer, secret = _make(_client(cast.bob), **{"name": "Mon flux"} | fields)
    page = answer.content.decode()
    assert answer.status_code == 200 and secret == ""
    assert message in page
    assert not ApiToken.objects.exists()
    if "name" not in fields:  # what was typed is still there
        assert 'value="Mon flux"' in page


def test_a_date_within_the_year_makes_a_token_that_works_through_that_day(cast) -> None:
    last = cast.workspace.local_date() + timedelta(days=365)
    _answer, secret = _make(_client(cast.erin), life="date", expires_on=last.isoformat())
    assert secret
    expires = ApiToken.objects.get().expires_at
    assert timezone.localtime(expires, cast.workspace.tzinfo).date() >= last
    assert expires <= timezone.now() + timedelta(days=366)


def _token(user: User, kind: str = "personal", workspace: Workspace | None = None) -> ApiToken:
    token, _secret = token_create(
        workspace=workspace or Workspace.objects.get(slug="lumiere"),
        creator=user,
        name=f"{user.name} {kind}",
        kind=kind,
        scopes=["read"],
        expires_at=timezone.now() + timedelta(days=30),
    )
    return token


@pytest.mark.parametrize("who", ["alice", "bob", "erin", "carl", "anna", "nina"])
def test_every_member_opens_the_page_and_an_outsider_gets_404(cast, who: str) -> None:
    assert _client(cast.users[who]).get(PAGE).status_code == 200
    assert _client(cast.charlie).get(PAGE).status_code == 404
    assert Client().get(PAGE).url.startswith("/login/?next=")  # asked to sign in


def test_a_member_sees_and_revokes_only_their_own(cast) -> None:
    mine, theirs = _token(cast.erin), _token(cast.carl)
    shared = _token(cast.bob, "workspace")
    client = _client(cast.erin)
    page = client.get(PAGE).content.decode()
    assert "Erin personal" in page
    assert "Carl personal" not in page and "Bob workspace" not in page
    for other in (theirs, shared):
        assert client.post(f"{PAGE}{other.pk}/revoke/").status_code == 404
        other.refresh_from_db()
        assert other.revoked_at is None
    assert client.post(f"{PAGE}{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_owners_and_managers_revoke_any_token_of_the_workspace(cast, who: str) -> None:
    tokens = [_token(cast.erin), _token(cast.carl), _token(cast.alice, "workspace")]
    client = _client(cast.users[who])
    page = client.get(PAGE).content.decode()
    assert "each member’s personal ones" in page
    for token in tokens:
        assert token.name in page
        assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(revoked_at=None).exists()


def test_another_workspaces_tokens_answer_404(cast) -> None:
    elsewhere = _token(cast.charlie, "workspace", cast.other_workspace)
    alice = _client(cast.alice)
    assert elsewhere.name not in alice.get(PAGE).content.decode()
    assert alice.post(f"{PAGE}{elsewhere.pk}/revoke/").status_code == 404
    # Charlie's own token, through Alice's workspace's address: 404 too.
    charlie = _client(cast.charlie)
    assert charlie.post(f"{PAGE}{elsewhere.pk}/revoke/").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.revoked_at is None
    assert charlie.post(f"/w/ailleurs/settings/api/{elsewhere.pk}/revoke/").status_code == 302


def test_revoking_takes_a_post(cast) -> None:
    token = _token(cast.alice)
    assert _client(cast.alice).get(f"{PAGE}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_is_linked_from_the_settings_and_the_account(cast) -> None:
    assert f'href="{PAGE}"' in _client(cast.bob).get("/w/lumiere/settings/").content.decode()
    assert f'href="{PAGE}"' in _client(cast.erin).get("/account/").content.decode()
    page = _client(cast.erin).get(PAGE).content.decode()
    assert 'href="/api/v1/docs"' in page and 'href="/api/v1/openapi.json"' in page
    # An editor has no settings' tabs: the page stands alone, its sections under its title.
    assert 'class="tabs"' not in page and '<h2 id="h-make">' in page
    assert '<h3 id="h-make">' in _client(cast.bob).get(PAGE).content.decode()


def test_the_list_says_each_scope_in_a_word_and_in_full_on_hover(cast) -> None:
    client = _client(cast.erin)
    _make(client, name="Moderation", scopes=["moderate", "read"])
    token = ApiToken.objects.get(name="Moderation")
    row = _row(client.get(PAGE).content.decode(), token)
    assert '<span title="Read">Read</span>, <span title="Hide and show comments">Moderate' in row
    assert "<code>" not in row.replace(f"<code>{token.prefix}…</code>", "")


def test_a_scope_palabre_no_longer_has_is_listed_as_stored(cast) -> None:
    token = _token(cast.erin)
    ApiToken.objects.filter(pk=token.pk).update(scopes=["read", "stats", "write"])
    token.refresh_from_db()
    with translation.override("en"):
        words = token.scope_words
    assert words == [
        ("Read", "Read"),
        ("Write", "Write drafts, notes and replies to approve"),
        ("stats", "stats"),
    ]
