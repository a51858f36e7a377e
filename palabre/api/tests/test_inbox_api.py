"""The inbox through the API: the page's queues, thread, answers, drafts, notes and hiding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from palabre.api.tests.conftest import MakeApi
from palabre.inbox.models import Interaction, Note, Reply
from palabre.inbox.tests.helpers import comment, ingested, poll, published, run_worker
from palabre.networks.demo.models import DemoPost


@pytest.fixture
def target(cast):  # type: ignore[no-untyped-def]
    return published(cast.workspace, cast.bob)


def test_the_answer_queue_lists_what_the_page_lists_oldest_first(
    cast, target, make_api: MakeApi
) -> None:
    now = timezone.now()
    comment(target, "Merci, super pain !", at=now - timedelta(hours=3))
    comment(target, "Déçu, la commande était froide.", at=now - timedelta(hours=1))
    comment(target, "Ouvert dimanche ?", at=now - timedelta(hours=2))
    poll(target.channel)
    api = make_api(cast.bob, cast.workspace, ["read"])
    answer = api.get("/api/v1/conversations")
    assert answer.status_code == 200, answer.content
    texts = [item["text"] for item in answer.json()["items"]]
    assert texts == ["Ouvert dimanche ?", "Déçu, la commande était froide."]
    praise = api.get("/api/v1/conversations", queue="all", category="praise").json()["items"]
    assert [item["text"] for item in praise] == ["Merci, super pain !"]
    counts = api.get("/api/v1/conversations/counts").json()
    assert counts["answer"] == 2


def test_pages_follow_the_cursor_without_repeating_a_row(cast, target, make_api: MakeApi) -> None:
    now = timezone.now()
    for n in range(7):
        comment(target, f"Question {n} ?", at=now - timedelta(minutes=60 - n), handle=f"@p{n}")
    poll(target.channel)
    api = make_api(cast.bob, cast.workspace, ["read"])
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/conversations", **params).json()
        seen += [item["text"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Question {n} ?" for n in range(7)]
    broken = api.get("/api/v1/conversations", cursor="nonsense!")
    assert broken.status_code == 422 and broken.json()["code"] == "cursor_invalid"


def test_a_read_token_cannot_answer_and_a_write_token_only_drafts(
    cast, target, make_api: MakeApi
) -> None:
    asked = comment(target, "Vous livrez à Lyon ?")
    poll(target.channel)
    question = ingested(asked)
    reader = make_api(cast.bob, cast.workspace, ["read"])
    refused = reader.post(f"/api/v1/conversations/{question.pk}/draft", {"text": "Oui"})
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    assert refused["Content-Type"] == "application/problem+json"
    writer = make_api(cast.bob, cast.workspace, ["read", "write"])
    drafted = writer.post(f"/api/v1/conversations/{question.pk}/draft", {"text": "Oui, le mardi."})
    assert drafted.status_code == 200 and drafted.json()["reply_draft"] == "Oui, le mardi."
    not_sent = writer.post(f"/api/v1/conversations/{question.pk}/replies", {"text": "Oui"})
    assert not_sent.status_code == 403 and not_sent.json()["code"] == "scope_missing"
    assert not Reply.objects.exists()
    # The person sees the draft in the answer box, and sends it.
    browser = Client()
    browser.force_login(cast.bob)
    page = browser.get(f"/w/lumiere/inbox/{question.pk}/").content.decode()
    assert "Oui, le mardi." in page
    assert "Brouillon écrit pour Bob par «\u00a0test\u00a0» (un jeton d’API)" in page


def test_a_publish_token_answers_on_the_network(cast, target, make_api: MakeApi) -> None:
    asked = comment(target, "Vous livrez à Lyon ?")
    poll(target.channel)
    question = ingested(asked)
    api = make_api(cast.bob, cast.workspace, ["read", "publish"])
    sent = api.post(f"/api/v1/conversations/{question.pk}/replies", {"text": "Oui, le mardi."})
    assert sent.status_code == 201, sent.content
    run_worker()
    reply = Reply.objects.get()
    assert reply.status == "sent"
    assert (
        DemoPost.objects.get(pk=int(reply.remote_id.removeprefix("post:"))).text == "Oui, le mardi."
    )
    thread = api.get(f"/api/v1/conversations/{question.pk}").json()
    assert [r["text"] for r in thread["replies"]] == ["Oui, le mardi."]
    # What it was asked under: an assistant cannot answer "Which one?" without it.
    assert thread["on_post"]["post_id"] == target.post_id
    assert thread["on_post"]["text"] == "Le pain du jour est prêt."


def test_notes_assign_done_and_hiding(cast, target, make_api: MakeApi) -> None:
    asked = comment(target, "Déçu par le service")
    poll(target.channel)
    row = ingested(asked)
    api = make_api(cast.bob, cast.workspace)
    assert (
        api.post(f"/api/v1/conversations/{row.pk}/notes", {"text": "Rappeler"}).status_code == 201
    )
    assert Note.objects.get().text == "Rappeler"
    # "@" and a colleague's first name tells them; the answer says whom, and whom not.
    asking = api.post(f"/api/v1/conversations/{row.pk}/notes", {"text": "@erin @personne ?"})
    assert [ref["id"] for ref in asking.json()["told"]] == [cast.erin.pk]
    assert asking.json()["unknown"] == ["personne"]
    assigned = api.post(f"/api/v1/conversations/{row.pk}/assign", {"assignee": cast.alice.pk})
    assert assigned.json()["assigned_to"]["id"] == cast.alice.pk
    reader = api.post(f"/api/v1/conversations/{row.pk}/assign", {"assignee": cast.erin.pk})
    assert reader.status_code == 422  # an editor reads the inbox, and does not answer
    outsider = api.post(f"/api/v1/conversations/{row.pk}/assign", {"assignee": cast.charlie.pk})
    assert outsider.status_code == 422 and outsider.json()["errors"][0]["field"] == "assignee"
    assert api.post(f"/api/v1/conversations/{row.pk}/done", {"done": True}).json()["done"]
    hidden = api.post(f"/api/v1/conversations/{row.pk}/hide", {"reason": "test"})
    assert hidden.status_code == 200 and hidden.json()["conversation"]["hidden"]
    assert Interaction.objects.get(pk=row.pk).hidden
    shown = api.post(f"/api/v1/conversations/{row.pk}/unhide", {"reason": "erreur"})
    assert not shown.json()["conversation"]["hidden"]


def test_another_workspace_answers_404_and_an_unknown_token_401(
    cast, target, make_api: MakeApi
) -> None:
    asked = comment(target, "Ouvert dimanche ?")
    poll(target.channel)
    row = ingested(asked)
    outsider = make_api(cast.charlie, cast.other_workspace)
    assert outsider.get(f"/api/v1/conversations/{row.pk}").status_code == 404
    assert outsider.post(f"/api/v1/conversations/{row.pk}/hide", {}).status_code == 404
    assert outsider.get("/api/v1/conversations").json()["items"] == []
    from palabre.api.tests.conftest import ApiClient

    stranger = ApiClient("palabre_nothing")
    refused = stranger.get("/api/v1/conversations")
    assert refused.status_code == 401 and refused.json()["code"] == "token_invalid"


@pytest.mark.parametrize(
    "value",
    [
        12,
        [1],
        None,
        "2026-99-99T00:00:00+00:00",
        "2026-12-01T00:00:00",
        "0001-01-01T00:00:00+14:00",
    ],
)
def test_a_forged_cursor_is_refused_not_a_500(cast, make_api: MakeApi, value: object) -> None:
    import base64
    import json

    api = make_api(cast.bob, cast.workspace, ["read"])
    for pk in (1, 2**70, "1"):
        raw = json.dumps([value, pk]).encode()
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        answer = api.get("/api/v1/conversations", queue="all", cursor=cursor)
        assert answer.status_code == 422 and answer.json()["code"] == "cursor_invalid"


def test_a_like_is_no_conversation_to_draft_or_answer(cast, target, make_api: MakeApi) -> None:
    like = comment(target, "", kind="like", handle="@sam")
    poll(target.channel)
    row = ingested(like)
    api = make_api(cast.bob, cast.workspace)
    assert api.get(f"/api/v1/conversations/{row.pk}").status_code == 404
    assert api.post(f"/api/v1/conversations/{row.pk}/draft", {"text": "Merci"}).status_code == 404
    assert api.post(f"/api/v1/conversations/{row.pk}/replies", {"text": "Merci"}).status_code == 404
    from palabre.inbox import services

    with pytest.raises(services.InboxRefused):
        services.interaction_draft_reply(interaction=row, actor=cast.bob, text="Merci")
    with pytest.raises(services.InboxRefused):
        services.interaction_reply(interaction=row, actor=cast.bob, text="Merci")
    assert Interaction.objects.get(pk=row.pk).reply_draft == ""
