"""Draft → review → approved or changes requested → scheduled → published, failed or unknown."""

from __future__ import annotations

import html
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.publishing import publisher, workflow
from palabre.publishing.models import Notice, Post, PostStatus, PostTarget, TargetStatus
from palabre.publishing.services import post_create
from palabre.worker import loop

S = PostStatus


@pytest.fixture
def post(cast):
    cast.workspace.approval_required = True
    cast.workspace.save()
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    draft = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Atelier pain samedi à 10 h.",
        category="conversation",
        networks=["mastodon"],
    )
    draft.publish_at = timezone.now() + timedelta(days=2)
    draft.save()
    return draft


def _as(client: Client, user) -> Client:
    client.force_login(user)
    return client


def _form(post: Post, action: str) -> dict:
    variant = post.variants.get()
    local = timezone.localtime(post.publish_at, post.workspace.tzinfo)
    return {
        "post-idea": post.idea,
        "post-category": post.category,
        "post-networks": ["mastodon"],
        "post-publish_at": local.strftime("%Y-%m-%dT%H:%M"),
        "mastodon-text": variant.text,
        "mastodon-channels": [c.pk for c in variant.channels.all()],
        "post-version": Post.objects.get(pk=post.pk).version,
        "action": action,
    }


def _status(post: Post) -> str:
    return Post.objects.get(pk=post.pk).status


def test_the_approval_path_from_draft_to_published(client: Client, cast, post) -> None:
    editor = _as(client, cast.erin)
    editor.post(f"/w/lumiere/posts/{post.pk}/", _form(post, "schedule"), follow=True)
    assert _status(post) == S.DRAFT and not PostTarget.objects.exists()  # approval comes first

    editor.post(f"/w/lumiere/posts/{post.pk}/", _form(post, "submit"))
    assert _status(post) == S.IN_REVIEW
    assert Notice.objects.get(user=cast.anna).post == post
    assert f"/w/lumiere/posts/{post.pk}/review/" in mail.outbox[-1].body  # the e-mailed link

    approver = _as(Client(), cast.anna)
    assert approver.get(f"/w/lumiere/posts/{post.pk}/review/").status_code == 200
    approver.post(
        f"/w/lumiere/posts/{post.pk}/workflow/",
        {"action": "request_changes", "text": "Précisez l'heure."},
    )
    assert _status(post) == S.CHANGES_REQUESTED
    assert post.comments.get().text == "Précisez l'heure."
    assert Notice.objects.filter(user=cast.erin, post=post).exists()

    form = _form(post, "submit") | {
        "mastodon-text": "Atelier pain samedi de 10 h à 12 h, inscription en message."
    }
    editor.post(f"/w/lumiere/posts/{post.pk}/", form)
    page = approver.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode()
    seen = re.search(r'name="seen" value="([0-9a-f]{64})"', page).group(1)  # what was read
    said = approver.post(
        f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "approve", "seen": seen}, follow=True
    )
    assert _status(post) == S.SCHEDULED  # approved with a time: scheduled by the approval
    # The client is told when it goes out, and where ("Approved." told her nothing).
    local = timezone.localtime(post.publish_at, post.workspace.tzinfo)
    told = html.unescape(said.content.decode())
    assert (
        f"Validée\u00a0: elle part le {date_format(local, 'LONG_DAY_TIME_FORMAT')}, sur M." in told
    )
    target = PostTarget.objects.get()
    assert target.next_attempt_at == Post.objects.get(pk=post.pk).publish_at

    PostTarget.objects.update(next_attempt_at=timezone.now())  # its time has come
    loop.run(stop=threading.Event(), until_idle=True)
    assert _status(post) == S.PUBLISHED
    steps = [(t.from_status, t.to_status) for t in Post.objects.get(pk=post.pk).transitions.all()]
    assert steps == [
        (S.DRAFT, S.IN_REVIEW),
        (S.IN_REVIEW, S.CHANGES_REQUESTED),
        (S.CHANGES_REQUESTED, S.IN_REVIEW),
        (S.IN_REVIEW, S.APPROVED),
        (S.APPROVED, S.SCHEDULED),
        (S.SCHEDULED, S.PUBLISHED),
    ]
    assert [t.actor for t in Post.objects.get(pk=post.pk).transitions.all()][
        -1
    ] is None  # Palabre itself


def test_editing_a_scheduled_post_sends_it_back_to_review(client: Client, cast, post) -> None:
    workflow.post_submit(post=post, actor=cast.erin)
    workflow.post_approve(post=post, actor=cast.anna)
    assert PostTarget.objects.count() == 1
    same = _as(client, cast.erin).post(f"/w/lumiere/posts/{post.pk}/", _form(post, "save"))
    assert same.status_code == 302 and _status(post) == S.SCHEDULED  # saved unchanged: no change
    changed = _form(post, "save") | {"mastodon-text": "Atelier pain samedi à 11 h."}
    client.post(f"/w/lumiere/posts/{post.pk}/", changed)
    assert _status(post) == S.IN_REVIEW
    assert not PostTarget.objects.exists()


def test_cancel_and_duplicate(client: Client, cast, post) -> None:
    cast.workspace.approval_required = False
    cast.workspace.save()
    workflow.post_schedule(post=post, actor=cast.erin, publish_at=post.publish_at)
    manager = _as(client, cast.bob)
    manager.post(f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "cancel"})
    assert _status(post) == S.DRAFT and not PostTarget.objects.exists()
    response = manager.post(f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "duplicate"})
    copy = Post.objects.exclude(pk=post.pk).get()
    assert response.url == f"/w/lumiere/posts/{copy.pk}/"
    assert (copy.status, copy.idea, copy.variants.get().channels.count()) == (S.DRAFT, post.idea, 1)


def test_a_failure_reaches_the_author_and_can_be_retried(cast, post, monkeypatch) -> None:
    from palabre.networks.base import Rejected
    from palabre.networks.demo.connector import DemoConnector

    cast.workspace.approval_required = False
    cast.workspace.save()
    [target] = publisher.post_publish_now(post=post, actor=cast.bob)
    monkeypatch.setattr(
        DemoConnector, "publish", lambda self, p: (_ for _ in ()).throw(Rejected("Texte refusé"))
    )
    loop.run(stop=threading.Event(), until_idle=True)
    assert _status(post) == S.FAILED
    assert "Texte refusé" in PostTarget.objects.get().error
    assert Notice.objects.filter(user=cast.erin, post=post).exists()
    assert cast.erin.email in mail.outbox[-1].to
    monkeypatch.undo()
    workflow.target_retry(target=PostTarget.objects.get(), actor=cast.bob)
    loop.run(stop=threading.Event(), until_idle=True)
    assert _status(post) == S.PUBLISHED


def test_an_unknown_publication_is_decided_by_a_person(client: Client, cast, post) -> None:
    cast.workspace.approval_required = False
    cast.workspace.save()
    [target] = publisher.post_publish_now(post=post, actor=cast.bob)
    PostTarget.objects.filter(pk=target.pk).update(status=TargetStatus.UNKNOWN)
    workflow.post_settle(post=post)
    assert _status(post) == S.UNKNOWN
    _as(client, cast.bob).post(
        f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "confirm", "target": target.pk}
    )
    assert _status(post) == S.PUBLISHED


def test_two_tabs_deciding_an_unknown_publication_do_not_both_act(cast, post) -> None:
    """One tab retries the publication, another, opened before, confirms it went out: the
    confirmation wrote "published" over the retry the worker was about to send (and the
    other way round, a retry over a confirmation sent the post again)."""
    cast.workspace.approval_required = False
    cast.workspace.save()
    [target] = publisher.post_publish_now(post=post, actor=cast.bob)
    PostTarget.objects.filter(pk=target.pk).update(status=TargetStatus.UNKNOWN)
    first_tab, second_tab = PostTarget.objects.get(), PostTarget.objects.get()
    workflow.target_retry(target=first_tab, actor=cast.bob)
    with pytest.raises(workflow.TransitionRefused):
        workflow.target_confirm_published(target=second_tab, actor=cast.bob)
    assert PostTarget.objects.get().status == TargetStatus.SCHEDULED
    PostTarget.objects.filter(pk=target.pk).update(status=TargetStatus.UNKNOWN)
    first_tab, second_tab = PostTarget.objects.get(), PostTarget.objects.get()
    workflow.target_confirm_published(target=first_tab, actor=cast.bob)
    with pytest.raises(workflow.TransitionRefused):
        workflow.target_retry(target=second_tab, actor=cast.bob)
    assert PostTarget.objects.get().status == TargetStatus.PUBLISHED


def test_comments_are_threaded(client: Client, cast, post) -> None:
    approver = _as(client, cast.anna)
    approver.post(f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "comment", "text": "Joli !"})
    first = post.comments.get()
    _as(Client(), cast.erin).post(
        f"/w/lumiere/posts/{post.pk}/workflow/",
        {"action": "comment", "text": "Merci", "parent": first.pk},
    )
    assert list(first.replies.values_list("text", flat=True)) == ["Merci"]
    page = html.unescape(approver.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode())
    assert "Joli !" in page and "Merci" in page


def test_a_comment_reaches_the_author_and_the_others_in_the_discussion(
    client: Client, cast, post
) -> None:
    """The client's approver asked a question, then approved: the author was told only
    "Approved", the question reached nobody who did not open the post (a walk)."""
    workflow.post_submit(post=post, actor=cast.erin)
    approver = _as(client, cast.anna)
    url = f"/w/lumiere/posts/{post.pk}/workflow/"
    approver.post(url, {"action": "comment", "text": "Peut-on préciser le prix ?"})
    told = Notice.objects.filter(post=post, message=workflow.COMMENTED)
    assert [n.user for n in told] == [cast.erin]
    assert "Anna a commenté «\u00a0Atelier pain samedi" in told.get().reader_text
    assert "Peut-on préciser le prix ?" in told.get().reader_text
    # The author answers: the approver is told.
    _as(Client(), cast.erin).post(url, {"action": "comment", "text": "5 € la part"})
    to_anna = Notice.objects.get(post=post, message=workflow.COMMENTED, user=cast.anna)
    assert "5 € la part" in to_anna.text
    # A request for changes says so once ("changes requested"), not also as a comment.
    before = told.count()
    workflow.post_request_changes(post=post, actor=cast.anna, comment="Et l’heure de fin ?")
    assert told.count() == before


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("erin", "approve", 403),
        ("carl", "comment", 403),
        ("nina", "approve", 403),
        ("charlie", "approve", 404),
        ("anna", "cancel", 403),
        ("anna", "explode", 403),
    ],
)
def test_who_may_do_what_in_the_workflow(client: Client, cast, post, who, action, status) -> None:
    _as(client, getattr(cast, who))
    assert (
        client.post(f"/w/lumiere/posts/{post.pk}/workflow/", {"action": action}).status_code
        == status
    )


def test_a_bad_target_is_404_not_500(client: Client, cast, post) -> None:
    _as(client, cast.bob)
    for value in ("", "abc", "999999"):
        response = client.post(
            f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "retry", "target": value}
        )
        assert response.status_code == 404
    assert not Channel.objects.filter(workspace=cast.other_workspace).exists()


def test_notices_show_in_the_header_and_are_read_on_their_page(client: Client, cast, post) -> None:
    workflow.post_submit(post=post, actor=cast.erin)
    approver = _as(client, cast.anna)
    assert 'class="small notices-link"' in approver.get("/w/lumiere/").content.decode()
    page = html.unescape(approver.get("/w/lumiere/notices/").content.decode())
    assert "Une publication attend votre validation" in page
    assert f"/w/lumiere/posts/{post.pk}/review/" in page  # the approver's way in
    assert not Notice.objects.filter(user=cast.anna, read_at=None).exists()
