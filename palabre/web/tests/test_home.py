"""Home: what needs each role now, answered and approved in place."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Interaction, Reply
from palabre.inbox.tests.helpers import comment, poll, published
from palabre.publishing import workflow
from palabre.publishing.content import post_content
from palabre.publishing.media import media_store
from palabre.publishing.models import Post, PostStatus, PostTarget, PostVariant, TargetStatus
from palabre.publishing.services import post_create
from palabre.publishing.tests.media_samples import image
from palabre.strategy.timesheet import timer_start

HOME = "/w/lumiere/"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def in_review(cast) -> Post:
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Atelier pain samedi à 10 h.",
        category="conversation",
        networks=["mastodon"],
    )
    variant = post.variants.get()
    variant.text = "Atelier pain samedi à 10 h, inscription en message."
    variant.save()
    post.publish_at = timezone.now() + timedelta(days=2)
    post.save()
    workflow.post_submit(post=post, actor=cast.erin)
    return post


@pytest.fixture
def waiting(cast) -> list[Interaction]:
    target = published(cast.workspace, cast.alice, network="bluesky")
    old = timezone.now() - timedelta(hours=5)
    comment(target, "Vous ouvrez le dimanche ?", handle="@hugo", name="Hugo", at=old)
    comment(target, "Toujours pas de réponse à mon message, c’est dommage.", name="Claire")
    poll(target.channel)
    return list(Interaction.objects.filter(needs_answer=True).order_by("created_at"))


def _parts(page: str) -> set[str]:
    return set(re.findall(r'data-home="(\w+)"', page))


def test_each_role_sees_only_the_parts_its_rights_allow(cast, in_review, waiting) -> None:
    expected = {
        "alice": {"figures", "waiting", "approvals", "upcoming", "time"},
        "bob": {"figures", "waiting", "approvals", "upcoming", "time"},
        "erin": {"waiting", "upcoming", "time"},  # the editor has no reports
        "carl": {"media", "time"},  # the photographer: the media library, and their time
        "anna": {"figures", "approvals", "upcoming"},  # the client
        "nina": {"figures", "waiting", "upcoming", "time"},
    }
    for name, parts in expected.items():
        page = _as(cast.users[name]).get(HOME).content.decode()
        assert _parts(page) == parts, name


def test_the_approver_lands_on_the_posts_to_approve_with_each_preview(cast, in_review) -> None:
    page = _as(cast.anna).get(HOME).content.decode()
    assert page.index('data-home="approvals"') < page.index('data-home="upcoming"')
    assert "Atelier pain samedi à 10 h, inscription en message." in page  # the preview
    assert re.search(r'name="seen" value="[0-9a-f]{64}"', page)


def test_one_click_approves_the_version_shown_and_comes_back_home(cast, in_review) -> None:
    approver = _as(cast.anna)
    page = approver.get(HOME).content.decode()
    seen = re.search(r'name="seen" value="([0-9a-f]{64})"', page).group(1)
    answer = approver.post(
        f"/w/lumiere/posts/{in_review.pk}/workflow/",
        {"action": "approve", "seen": seen, "back": "home"},
    )
    assert answer.status_code == 302 and answer["Location"] == HOME
    assert Post.objects.get(pk=in_review.pk).status == PostStatus.SCHEDULED
    assert 'data-approval="' not in approver.get(HOME).content.decode()


def test_an_approval_of_a_version_that_changed_meanwhile_approves_nothing(cast, in_review) -> None:
    approver = _as(cast.anna)
    page = approver.get(HOME).content.decode()
    seen = re.search(r'name="seen" value="([0-9a-f]{64})"', page).group(1)
    before = post_content(in_review)
    variant = in_review.variants.get()
    variant.text = "Atelier annulé."
    variant.save()
    workflow.post_content_written(post=in_review, actor=cast.erin, before=before)
    answer = approver.post(
        f"/w/lumiere/posts/{in_review.pk}/workflow/",
        {"action": "approve", "seen": seen, "back": "home"},
        follow=True,
    )
    assert Post.objects.get(pk=in_review.pk).status == PostStatus.IN_REVIEW
    assert "rien n’a été validé" in answer.content.decode()  # the French interface


def test_the_manager_answers_the_oldest_question_from_home(cast, waiting) -> None:
    manager = _as(cast.bob)
    page = manager.get(HOME).content.decode()
    oldest, newest = waiting
    assert page.index(f'data-waiting="{oldest.pk}"') < page.index(f'data-waiting="{newest.pk}"')
    answer = manager.post(
        f"/w/lumiere/inbox/{oldest.pk}/reply/",
        {"text": "Oui, de 8 h à 13 h !", "back": "home"},
    )
    assert answer.status_code == 302 and answer["Location"] == HOME
    assert Reply.objects.get().interaction == oldest


def test_an_answer_from_home_comes_back_at_the_questions_with_its_message_there(
    cast, waiting
) -> None:
    """A new user's walk: each answer sent from home reloaded it at the top, the questions
    out of view; the message at the top would be out of view at the questions."""
    manager = _as(cast.bob)
    oldest, _newest = waiting
    answer = manager.post(
        f"/w/lumiere/inbox/{oldest.pk}/reply/", {"text": "Oui !", "back": "home", "at": "waiting"}
    )
    assert answer["Location"] == f"{HOME}?at=waiting#h-waiting"
    page = manager.get(answer["Location"]).content.decode()
    waiting_part = page[page.index('data-home="waiting"') :]
    assert 'class="messages"' in waiting_part and page.count('class="messages"') == 1
    # Only the home's own parts: anything else comes back to the top, its message there.
    for at in ("https://evil.example/", "trouble", "nowhere"):
        manager.post(
            f"/w/lumiere/inbox/{_newest.pk}/reply/",
            {"text": f"Réponse pour {at}", "back": "home", "at": at},  # the same twice: refused
        )
        page = manager.get(f"{HOME}?at={at}").content.decode()
        assert page.index('class="messages"') < page.index('data-home="waiting"'), at


def test_an_answered_question_leaves_home_and_the_inbox_s_queue_together(cast, waiting) -> None:
    manager = _as(cast.bob)
    oldest, newest = waiting
    manager.post(f"/w/lumiere/inbox/{oldest.pk}/reply/", {"text": "Oui !", "back": "home"})
    page = manager.get(HOME).content.decode()
    assert f'data-waiting="{oldest.pk}"' not in page and f'data-waiting="{newest.pk}"' in page
    queue = manager.get("/w/lumiere/inbox/").content.decode()  # the reply is still queued
    assert f"/inbox/{oldest.pk}/" not in queue and f"/inbox/{newest.pk}/" in queue


def test_each_waiting_question_says_which_post_it_answers(cast, waiting) -> None:
    cast.bob.language = "en"  # "sur : …" once the catalogue has the sentence
    cast.bob.save()
    page = _as(cast.bob).get(HOME).content.decode()
    part = page[page.index('data-home="waiting"') :]
    assert part.count("data-answered-post") == 2
    assert "on: Le pain du jour est prêt." in part


def test_back_is_home_or_nothing_never_an_address_from_the_form(cast, waiting) -> None:
    manager = _as(cast.bob)
    answer = manager.post(
        f"/w/lumiere/inbox/{waiting[0].pk}/reply/",
        {"text": "Bonjour !", "back": "https://evil.example/"},
    )
    assert answer["Location"] == f"/w/lumiere/inbox/{waiting[0].pk}/"


def test_an_editor_reads_the_waiting_items_but_cannot_answer_them_from_home(cast, waiting) -> None:
    page = _as(cast.erin).get(HOME).content.decode()
    assert "Vous ouvrez le dimanche" in page and "/reply/" not in page


def test_failed_and_held_publications_come_with_their_fix(cast) -> None:
    target = published(cast.workspace, cast.alice, network="bluesky")
    PostTarget.objects.filter(pk=target.pk).update(
        status=TargetStatus.FAILED, error="The network refused the image."
    )
    page = _as(cast.bob).get(HOME).content.decode()
    assert 'data-home="trouble"' in page and "The network refused the image." in page
    assert 'value="retry"' in page
    assert 'value="retry"' not in _as(cast.erin).get(HOME).content.decode()  # no PUBLISH


def test_a_publication_no_worker_took_is_said_to_be_late(cast) -> None:
    """With the worker stopped, a post due at 17:26 stayed "Scheduled" with a past time,
    left "Upcoming", and nothing anywhere said it had not gone out."""
    target = published(cast.workspace, cast.alice, network="bluesky")
    due = timezone.now() - timedelta(minutes=25)
    PostTarget.objects.filter(pk=target.pk).update(
        status=TargetStatus.SCHEDULED, next_attempt_at=due, published_at=None
    )
    cast.bob.language = "en"
    cast.bob.save()
    page = _as(cast.bob).get(HOME).content.decode()
    assert 'data-home="late"' in page and f'data-late="{target.pk}"' in page
    assert "Late: due 25\xa0minutes ago, and not sent yet. No worker has taken it" in page
    post = _as(cast.bob).get(f"/w/lumiere/posts/{target.post_id}/").content.decode()
    assert "No worker has taken it" in post
    cast.erin.language = "en"  # who cannot publish is not sent to the worker
    cast.erin.save()
    theirs = _as(cast.erin).get(HOME).content.decode()
    assert "and not sent yet." in theirs and "worker" not in theirs
    # Given up by the worker after repeated errors: no next attempt, late all the same.
    PostTarget.objects.filter(pk=target.pk).update(
        next_attempt_at=None, publish_at=due, last_error="TypeError: boom", attempts=8
    )
    page = _as(cast.bob).get(HOME).content.decode()
    assert "Palabre stopped trying after repeated errors." in page
    assert "The last one: “TypeError: boom”" in html.unescape(page)
    PostTarget.objects.filter(pk=target.pk).update(next_attempt_at=due)
    # Taken by a worker (its lease running), waiting for a retry, or just due: not late.
    for change in (
        {"claimed_until": timezone.now() + timedelta(minutes=1)},
        {"next_attempt_at": timezone.now() + timedelta(minutes=5)},
        {"next_attempt_at": timezone.now() - timedelta(minutes=2)},
    ):
        reset = {"next_attempt_at": due, "claimed_until": None}
        PostTarget.objects.filter(pk=target.pk).update(**reset | change)
        assert 'data-home="late"' not in _as(cast.bob).get(HOME).content.decode()


def test_an_answer_no_worker_took_is_said_to_be_late(cast, waiting) -> None:
    """With no worker running, an answer said "Sending" for good, and nothing anywhere said
    it was not going out (a walk through the demo)."""
    from palabre.inbox.services import interaction_reply

    older, _newer = waiting
    reply = interaction_reply(interaction=older, actor=cast.bob, text="Oui, dès 7 h.")
    cast.bob.language = "en"
    cast.bob.save()
    assert "data-late-answers" not in _as(cast.bob).get(HOME).content.decode()  # just queued
    Reply.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=14))
    page = _as(cast.bob).get(HOME).content.decode()
    assert "1 answer waits to be sent for more than 10 minutes" in page
    item = _as(cast.bob).get(f"/w/lumiere/inbox/{older.pk}/").content.decode()
    assert "data-late-reply" in item and "Check that Palabre’s worker is running" in item
    # Given up by the worker after repeated errors: no next attempt, late all the same.
    gone = {"next_attempt_at": None, "created_at": timezone.now() - timedelta(minutes=30)}
    Reply.objects.filter(pk=reply.pk).update(**gone)
    item = _as(cast.bob).get(f"/w/lumiere/inbox/{older.pk}/").content.decode()
    assert "Palabre stopped trying after repeated errors" in item
    held = {"claimed_until": timezone.now() + timedelta(minutes=1)}  # a worker has it
    Reply.objects.filter(pk=reply.pk).update(**held)
    assert "data-late-answers" not in _as(cast.bob).get(HOME).content.decode()


def test_the_moderators_see_what_waits_for_review_threats_first(cast, waiting) -> None:
    """Threats waiting for a moderator were only in the inbox's "To review", not on home."""
    older, newer = waiting
    Interaction.objects.filter(pk=older.pk).update(in_review=True, category="abuse")
    Interaction.objects.filter(pk=newer.pk).update(
        in_review=True, category="abuse", abuse_kind="threat"
    )
    page = _as(cast.bob).get(HOME).content.decode()
    part = page.split('data-home="review"')[1].split("</section>")[0]
    assert part.index(f'data-review="{newer.pk}"') < part.index(f'data-review="{older.pk}"')
    # The inbox's "To review" in the same order: it listed the oldest first, spam before a
    # threat, against what the home page had just said (a walk through the demo).
    inbox = _as(cast.bob).get("/w/lumiere/inbox/?q=review").content.decode()
    assert inbox.index(newer.text) < inbox.index(older.text)
    assert 'data-home="review"' not in _as(cast.erin).get(HOME).content.decode()  # no MODERATE
    Interaction.objects.filter(pk=newer.pk).update(hidden=True)  # decided: gone from there
    page = _as(cast.bob).get(HOME).content.decode()
    assert f'data-review="{newer.pk}"' not in page and f'data-review="{older.pk}"' in page


def test_the_running_timer_shows_in_every_pages_header(cast) -> None:
    timer_start(workspace=cast.workspace, user=cast.erin, network="mastodon", activity="reply")
    client = _as(cast.erin)
    for path in (HOME, "/w/lumiere/calendar/"):
        page = client.get(path).content.decode()
        assert "data-timer-since" in page and "0\u00a0h\u00a000" in page, path
    assert "data-timer-since" not in _as(cast.bob).get(HOME).content.decode()  # erin's own


def test_empty_states_say_what_to_do_next(cast) -> None:
    page = _as(cast.bob).get(HOME).content.decode()
    assert "Personne n’attend de réponse." in page  # the instance speaks French
    assert "Rien à valider." in page
    assert "Rien de prévu." in page and "/compose/" in page


def test_another_workspaces_home_is_not_found(cast) -> None:
    assert _as(cast.charlie).get(HOME).status_code == 404


def test_media_without_a_description_shows_those_a_planned_post_carries_first(
    cast, in_review
) -> None:
    def stored(name: str, alt: str = ""):
        return media_store(
            workspace=cast.workspace,
            uploaded_by=cast.carl,
            name=name,
            data=image(),
            alt_text=alt,
            tags=[],
        )

    planned, _described = stored("four.jpg"), stored("vitrine.jpg", "La vitrine")
    in_review.variants.get().media.set([planned])
    newest = stored("pétrin.jpg")
    page = _as(cast.carl).get(HOME).content.decode()
    part = page[page.index('data-home="media"') :]
    assert part.index("four.jpg") < part.index("pétrin.jpg")
    assert "vitrine.jpg" not in part
    # Each leads to its description's field in the library (a page, not a form's address).
    link = f"/w/lumiere/media/#alt-{planned.pk}"
    assert f'href="{link}"' in part
    library = _as(cast.carl).get(link.split("#")[0]).content.decode()
    assert f'id="alt-{planned.pk}"' in library
    # Described, it leaves the list; with nothing left the editor's home has no such part.
    for item in (planned, newest):
        item.alt_text = "Le four à bois"
        item.save()
    page = _as(cast.carl).get(HOME).content.decode()
    part = page[page.index('data-home="media"') :]
    assert 'class="empty-state"' in part[: part.index("</section>")]
    assert 'data-home="media"' not in _as(cast.erin).get(HOME).content.decode()


def test_the_previews_show_everything_that_goes_out(cast, in_review) -> None:
    """The thread's parts, the first comment, each image's description and every channel:
    the approval covers them, so the approver sees them, on home and on the review page."""
    other = channel_create_demo(workspace=cast.workspace, network="mastodon", name="Second")
    photo = media_store(
        workspace=cast.workspace,
        uploaded_by=cast.carl,
        name="four.jpg",
        data=image(),
        alt_text="Le four à bois allumé",
        tags=[],
    )
    before = post_content(in_review)
    variant = in_review.variants.get()
    variant.thread = ["Deuxième partie du fil."]
    variant.first_comment = "Code promo PAIN10 en premier commentaire."
    variant.save()
    variant.channels.add(other)
    variant.media.set([photo])
    workflow.post_content_written(post=in_review, actor=cast.erin, before=before)
    for url in (HOME, f"/w/lumiere/posts/{in_review.pk}/review/"):
        page = _as(cast.anna).get(url).content.decode()
        for shown in ("Deuxième partie du fil.", "PAIN10", "Le four à bois allumé", "Second"):
            assert shown in page, (url, shown)


def test_a_save_landing_while_the_review_page_is_drawn_cannot_be_approved(
    cast, in_review, monkeypatch
) -> None:
    from palabre.publishing import services

    check = services.variant_check

    def a_save_lands_meanwhile(**kwargs):
        PostVariant.objects.filter(post=in_review).update(text="Texte glissé en douce.")
        return check(**kwargs)

    monkeypatch.setattr(services, "variant_check", a_save_lands_meanwhile)
    approver = _as(cast.anna)
    page = approver.get(f"/w/lumiere/posts/{in_review.pk}/review/").content.decode()
    assert "glissé" not in page
    seen = re.search(r'name="seen" value="([0-9a-f]{64})"', page).group(1)
    approver.post(f"/w/lumiere/posts/{in_review.pk}/workflow/", {"action": "approve", "seen": seen})
    assert Post.objects.get(pk=in_review.pk).status == PostStatus.IN_REVIEW


def test_changes_asked_by_the_approver_wait_on_the_authors_home(cast, in_review) -> None:
    """The approver asked for changes: the author's home said nothing of it, and the post
    left "to come" (a walkthrough)."""
    workflow.post_request_changes(
        post=in_review, actor=cast.anna, comment="Précisez l’heure de fin, s’il vous plaît."
    )
    page = _as(cast.erin).get("/w/lumiere/").content.decode()
    assert "changes" in _parts(page)
    part = page.split('data-home="changes"')[1].split("</section>")[0]
    assert "Atelier pain samedi" in part and "Précisez l’heure de fin" in part
    assert f"/w/lumiere/posts/{in_review.pk}/" in part
    assert "changes" not in _parts(_as(cast.anna).get("/w/lumiere/").content.decode())
    workflow.post_submit(post=Post.objects.get(pk=in_review.pk), actor=cast.erin)
    assert "changes" not in _parts(_as(cast.erin).get("/w/lumiere/").content.decode())


def test_what_approvers_asked_is_read_in_one_query_however_many_posts(cast, in_review) -> None:
    """The home read each post's request for changes with a query of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from palabre.web.home import changes_asked

    workflow.post_request_changes(post=in_review, actor=cast.anna, comment="Revoir l’heure")
    with CaptureQueriesContext(connection) as one:
        changes_asked(cast.workspace, cast.erin)
    for n in range(4):
        again = post_create(
            workspace=cast.workspace,
            author=cast.erin,
            idea=f"Autre {n}",
            category="helpful",
            networks=["mastodon"],
        )
        workflow.post_submit(post=again, actor=cast.erin)
        workflow.post_request_changes(post=again, actor=cast.anna, comment=f"Revoir {n}")
    with CaptureQueriesContext(connection) as five:
        shown, count = changes_asked(cast.workspace, cast.erin)
    assert count == 5 and len(five) == len(one)
    assert {c.said for c in shown} == {"Revoir l’heure", *(f"Revoir {n}" for n in range(4))}
    assert {c.by for c in shown} == {cast.anna}
