"""What every call shares: tokens, scopes and roles, retries, pace, errors, the document."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from palabre.accounts.models import Membership, Role
from palabre.api.models import ApiToken, IdempotentAnswer
from palabre.api.tests.conftest import ApiClient, MakeApi
from palabre.api.tokens import TokenRefused, token_create, token_revoke
from palabre.inbox.models import Note
from palabre.inbox.tests.helpers import comment, ingested, poll, published


@pytest.fixture
def question(cast):  # type: ignore[no-untyped-def]
    target = published(cast.workspace, cast.bob)
    asked = comment(target, "Vous livrez à Lyon ?")
    poll(target.channel)
    return ingested(asked)


def test_a_retried_post_with_the_same_key_creates_nothing_twice(
    cast, question, make_api: MakeApi
) -> None:
    api = make_api(cast.bob, cast.workspace)
    path = f"/api/v1/conversations/{question.pk}/notes"
    key = {"Idempotency-Key": "note-1"}
    first = api.post(path, {"text": "Rappeler"}, headers=key)
    again = api.post(path, {"text": "Rappeler"}, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Note.objects.count() == 1
    other = api.post(path, {"text": "Autre chose"}, headers=key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Note.objects.count() == 1
    # Another token's identical key is its own.
    assert (
        make_api(cast.bob, cast.workspace).post(path, {"text": "Rappeler"}, headers=key).status_code
        == 201
    )
    assert Note.objects.count() == 2
    # Without a key, a POST runs each time (the caller chose not to be protected).
    api.post(path, {"text": "Rappeler"})
    assert Note.objects.count() == 3


def test_a_refusal_is_kept_too_and_a_day_old_key_is_free_again(
    cast, question, make_api: MakeApi
) -> None:
    api = make_api(cast.bob, cast.workspace)
    path = f"/api/v1/conversations/{question.pk}/notes"
    key = {"Idempotency-Key": "k"}
    assert api.post(path, {"text": ""}, headers=key).status_code == 422
    assert api.post(path, {"text": ""}, headers=key)["Idempotent-Replayed"] == "true"
    IdempotentAnswer.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert api.post(path, {"text": "Rappeler"}, headers=key).status_code == 201
    too_long = api.post(path, {"text": "x"}, headers={"Idempotency-Key": "k" * 256})
    assert too_long.status_code == 400 and too_long.json()["code"] == "idempotency_key_invalid"


def test_a_token_never_exceeds_its_creators_current_role(cast, question, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace)  # a manager, every scope
    assert api.post(f"/api/v1/conversations/{question.pk}/hide", {}).status_code == 200
    Membership.objects.filter(user=cast.bob).update(role=Role.ANALYST)
    lowered = api.post(f"/api/v1/conversations/{question.pk}/unhide", {})
    assert lowered.status_code == 403 and lowered.json()["code"] == "forbidden"
    assert api.get("/api/v1/conversations").status_code == 200  # an analyst reads the inbox
    Membership.objects.filter(user=cast.bob).delete()
    gone = api.get("/api/v1/conversations")
    assert gone.status_code == 401 and gone.json()["code"] == "token_invalid"


def test_revoked_and_expired_tokens_are_refused_at_once(cast, make_api: MakeApi) -> None:
    api = make_api(cast.bob, cast.workspace)
    assert api.get("/api/v1/workspace").status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    token_revoke(token=token)
    assert api.get("/api/v1/workspace").status_code == 401
    expired = make_api(cast.bob, cast.workspace)
    ApiToken.objects.filter(revoked_at=None).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert expired.get("/api/v1/workspace").status_code == 401


def test_a_forbidden_caller_is_refused_before_its_body_is_read(
    cast, question, make_api: MakeApi
) -> None:
    analyst = make_api(cast.nina, cast.workspace)
    refused = analyst.post(f"/api/v1/conversations/{question.pk}/notes", {"nonsense": [1, 2]})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_only_owners_and_managers_make_workspace_tokens(cast) -> None:
    when = timezone.now() + timedelta(days=30)
    with pytest.raises(TokenRefused):
        token_create(
            workspace=cast.workspace,
            creator=cast.erin,
            name="x",
            kind="workspace",
            scopes=["read"],
            expires_at=when,
        )
    with pytest.raises(TokenRefused):
        token_create(
            workspace=cast.workspace,
            creator=cast.charlie,
            name="x",
            kind="personal",
            scopes=["read"],
            expires_at=when,
        )
    with pytest.raises(TokenRefused):
        token_create(
            workspace=cast.workspace,
            creator=cast.bob,
            name="x",
            kind="personal",
            scopes=["admin"],
            expires_at=when,
        )
    with pytest.raises(TokenRefused):
        token_create(
            workspace=cast.workspace,
            creator=cast.bob,
            name="x",
            kind="personal",
            scopes=["read"],
            expires_at=when + timedelta(days=400),
        )
    token, secret = token_create(
        workspace=cast.workspace,
        creator=cast.bob,
        name="x",
        kind="workspace",
        scopes=["read"],
        expires_at=when,
    )
    assert secret not in token.digest and token.prefix == secret[:14]


def test_too_many_calls_answer_429_with_the_rate_headers(cast, make_api: MakeApi, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PALABRE_API_RATE_PER_MINUTE = 3
    api = make_api(cast.bob, cast.workspace)
    answers = [api.get("/api/v1/workspace") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["RateLimit-Limit"] == "3" and answers[0]["RateLimit-Remaining"] == "2"
    assert answers[3]["RateLimit-Remaining"] == "0" and int(answers[3]["Retry-After"]) >= 1
    assert answers[3].json()["code"] == "rate_limited"


def test_bad_bodies_answer_problems_in_the_token_owners_language(
    cast, question, make_api: MakeApi
) -> None:
    cast.bob.language = "fr"
    cast.bob.save()
    api = make_api(cast.bob, cast.workspace)
    path = f"/api/v1/conversations/{question.pk}/notes"
    for body in ('{"text": ', "[" * 100_000, '{"text": 12}', '{"text": "a\\u0000b"}'):
        answer = api.client.post(
            path, body, content_type="application/json", headers=api._headers(None)
        )
        assert 400 <= answer.status_code < 500, body[:20]
        assert answer["Content-Type"] == "application/problem+json"
    french = api.post(path, {"text": ""})
    assert french.status_code == 422 and "obligatoire" in json.dumps(
        french.json(), ensure_ascii=False
    )
    assert api.get("/api/v1/conversations/999999999999999999999").status_code == 404


def test_the_openapi_document_is_3_1_and_its_docs_page_loads_nothing_from_elsewhere(db) -> None:
    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/conversations" in document["paths"]
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in page and "https://" not in page.split("<body")[0]


def test_no_token_answers_401_with_how_to_send_one(db) -> None:
    answer = ApiClient("").client.get("/api/v1/workspace")
    assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_a_null_character_in_the_address_is_refused_as_a_problem(cast, make_api: MakeApi) -> None:
    answer = make_api(cast.bob, cast.workspace).get("/api/v1/conversations", text="a\x00b")
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
