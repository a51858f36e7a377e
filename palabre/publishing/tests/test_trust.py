"""Issue 14, approval and publishing: what the client approved is exactly what goes out, and
what went out is never lost. One test per observation (see docs/security.md)."""

from __future__ import annotations

import html
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from palabre.channels.models import Channel, ChannelStatus
from palabre.channels.services import channel_create_demo
from palabre.networks.demo.models import DemoPost
from palabre.publishing import publisher, services, workflow
from palabre.publishing.models import (
    Notice,
    Post,
    PostChange,
    PostStatus,
    PostTarget,
    PostTransition,
    TargetStatus,
)
from palabre.publishing.services import ContentLocked, post_create
from palabre.worker import loop

S = PostStatus
APPROVED_TEXT = "Atelier pain samedi à 10 h."
NEW_TEXT = "Atelier pain samedi à 10 h, et soldes à -70 % !"


def _run_worker() -> None:
    loop.run(stop=threading.Event(), until_idle=True)


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(cast, networks=("mastodon",), when=timedelta(days=2)) -> Post:
    for network in networks:
        if not Channel.objects.filter(workspace=cast.workspace, network=network).exists():
            channel_create_demo(workspace=cast.workspace, network=network, name=network.title())
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea=APPROVED_TEXT,
        category="conversation",
        networks=list(networks),
    )
    post.publish_at = timezone.now() + when if when is not None else None
    post.save()
    return Post.objects.get(pk=post.pk)


def _approved(cast) -> Post:
    post = _post(cast)
    workflow.post_submit(post=post, actor=cast.erin)
    workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=cast.anna)
    return Post.objects.get(pk=post.pk)


def _form(post: Post, action: str = "save", **changes) -> dict:
    """The composer's fields as the page would send them, with the version it was opened at."""
    page = _as(post.author).get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    version = re.search(r'name="post-version" value="(\d+)"', page)
    data: dict = {
        "post-idea": post.idea,
        "post-category": post.category,
        "post-networks": [v.network for v in post.variants.all()],
        "post-publish_at": timezone.localtime(post.publish_at, post.workspace.tzinfo).strftime(
            "%Y-%m-%dT%H:%M"
        )
        if post.publish_at
        else "",
        "action": action,
    }
    if version:
        data["post-version"] = version.group(1)
    for variant in post.variants.all():
        data[f"{variant.network}-text"] = variant.text
        data[f"{variant.network}-channels"] = [c.pk for c in variant.channels.all()]
    return data | changes


def _page(response) -> str:
    return html.unescape(response.content.decode())


# Observation 1 -------------------------------------------------------------------------


def test_observation_1_an_edited_failed_post_is_not_retried_with_unapproved_text(approval) -> None:
    post = _approved(approval)
    PostTarget.objects.update(next_attempt_at=timezone.now())
    Channel.objects.update(status=ChannelStatus.NEEDS_RECONNECT)
    _run_worker()  # the token expired: held
    assert Post.objects.get(pk=post.pk).status == S.FAILED
    _as(approval.erin).post(
        f"/w/lumiere/posts/{post.pk}/", _form(post, "save", **{"mastodon-text": NEW_TEXT})
    )
    Channel.objects.update(status=ChannelStatus.ACTIVE)
    for target in PostTarget.objects.all():
        _as(approval.bob).post(
            f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "retry", "target": target.pk}
        )
    PostTarget.objects.update(next_attempt_at=timezone.now())
    _run_worker()
    assert not DemoPost.objects.filter(text=NEW_TEXT).exists()
    post = Post.objects.get(pk=post.pk)
    assert post.status == S.IN_REVIEW
    assert post.transitions.filter(to_status=S.IN_REVIEW, actor=approval.erin).exists()


def test_observation_1_the_worker_refuses_content_changed_after_approval(approval) -> None:
    post = _approved(approval)
    post.variants.update(text=NEW_TEXT)  # any path at all, even one that forgot the rule
    PostTarget.objects.update(next_attempt_at=timezone.now())
    _run_worker()
    assert not DemoPost.objects.exists()
    assert Post.objects.get(pk=post.pk).status == S.IN_REVIEW
    assert Notice.objects.filter(user=approval.anna, post=post).count() == 2  # submit, then this


# Observation 2 -------------------------------------------------------------------------


def test_observation_2_a_published_post_keeps_its_targets_and_idea(cast) -> None:
    post = _post(cast, networks=("mastodon", "bluesky"))
    publisher.post_publish_now(post=post, actor=cast.bob)
    _run_worker()
    assert Post.objects.get(pk=post.pk).status == S.PUBLISHED
    before = set(PostTarget.objects.values_list("pk", "remote_id"))
    response = _as(cast.erin).post(
        f"/w/lumiere/posts/{post.pk}/",
        _form(post, "save", **{"post-networks": ["mastodon"], "post-idea": "Réécrit"}),
        follow=True,
    )
    assert set(PostTarget.objects.values_list("pk", "remote_id")) == before
    post = Post.objects.get(pk=post.pk)
    assert post.idea == APPROVED_TEXT and post.variants.count() == 2
    assert "Bluesky" in _page(response)  # the refusal names the published network


# Observation 3 -------------------------------------------------------------------------


def test_observation_3_an_approval_is_of_the_version_the_approver_saw(approval) -> None:
    post = _post(approval)
    workflow.post_submit(post=post, actor=approval.erin)
    approver = _as(approval.anna)
    page = approver.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode()
    seen = re.search(r'name="seen" value="([0-9a-f]*)"', page)
    _as(approval.erin).post(
        f"/w/lumiere/posts/{post.pk}/", _form(post, "save", **{"mastodon-text": NEW_TEXT})
    )
    response = approver.post(
        f"/w/lumiere/posts/{post.pk}/workflow/",
        {"action": "approve", "seen": seen.group(1) if seen else ""},
        follow=True,
    )
    assert Post.objects.get(pk=post.pk).status == S.IN_REVIEW
    assert not PostTarget.objects.exists()
    assert NEW_TEXT in _page(response)  # the current version is what the page shows now


def test_two_approvals_at_the_same_moment_approve_once(approval) -> None:
    """Two approvers (or two tabs) each holding the post as it was in review: the second is
    refused, and the history and the notices say approved once."""
    post = _post(approval)
    workflow.post_submit(post=post, actor=approval.erin)
    first, second = Post.objects.get(pk=post.pk), Post.objects.get(pk=post.pk)
    workflow.post_approve(post=first, actor=approval.anna)
    with pytest.raises(workflow.TransitionRefused):
        workflow.post_approve(post=second, actor=approval.bob)
    moves = PostTransition.objects.filter(post=post, to_status__in=[S.APPROVED, S.SCHEDULED])
    assert [m.actor for m in moves.filter(to_status=S.APPROVED)] == [approval.anna]
    assert PostTarget.objects.filter(post=post).count() == 1


# Observation 4 -------------------------------------------------------------------------


def test_observation_4_an_editor_cannot_publish_by_scheduling_in_the_past(cast) -> None:
    post = _post(cast, when=None)
    past = timezone.localtime(timezone.now() - timedelta(hours=3), cast.workspace.tzinfo)
    response = _as(cast.erin).post(
        f"/w/lumiere/posts/{post.pk}/",
        _form(post, "schedule", **{"post-publish_at": past.strftime("%Y-%m-%dT%H:%M")}),
        follow=True,
    )
    _run_worker()
    assert not PostTarget.objects.exists() and not DemoPost.objects.exists()
    assert Post.objects.get(pk=post.pk).status == S.DRAFT
    assert "passé" in _page(response)


# Observation 6 (publish dates) --------------------------------------------------------


@pytest.mark.parametrize("typed", ["0002-01-01T10:00", "9999-12-31T23:00"])
def test_observation_6_a_publish_date_out_of_bounds_is_refused(cast, typed) -> None:
    post = _post(cast, when=None)
    response = _as(cast.bob).post(
        f"/w/lumiere/posts/{post.pk}/",
        _form(post, "schedule", **{"post-publish_at": typed, "mastodon-text": NEW_TEXT}),
    )
    assert response.status_code == 200  # the form again, with a message
    assert NEW_TEXT in _page(response)  # the person's other input kept
    post = Post.objects.get(pk=post.pk)
    assert post.publish_at is None and not PostTarget.objects.exists()


def test_observation_6_an_approval_after_the_planned_time_asks_for_a_new_time(approval) -> None:
    post = _post(approval)
    workflow.post_submit(post=post, actor=approval.erin)
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - timedelta(hours=1))
    approver = _as(approval.anna)
    page = approver.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode()
    seen = re.search(r'name="seen" value="([0-9a-f]*)"', page)
    approver.post(
        f"/w/lumiere/posts/{post.pk}/workflow/",
        {"action": "approve", "seen": seen.group(1) if seen else ""},
    )
    assert Post.objects.get(pk=post.pk).status == S.IN_REVIEW
    assert not PostTarget.objects.exists()
    assert (
        'name="publish_at"' in approver.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode()
    )


# Observation 7 -------------------------------------------------------------------------


def test_observation_7_invalid_variants_block_submission_and_approval(approval) -> None:
    post = _post(approval, when=None)
    post.variants.update(text="é" * 600)  # over Mastodon's 500
    with pytest.raises(workflow.PublishRefused):
        workflow.post_submit(post=post, actor=approval.erin)
    Post.objects.filter(pk=post.pk).update(status=S.IN_REVIEW)
    with pytest.raises(workflow.PublishRefused):
        workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=approval.anna)
    assert Post.objects.get(pk=post.pk).status == S.IN_REVIEW


# Observation 8 (posts) ------------------------------------------------------------------


def test_observation_8_a_stale_save_is_refused_and_nothing_is_lost(cast) -> None:
    post = _post(cast, when=None)
    erins = _form(post, "save", **{"mastodon-text": "La version d’Erin"})
    bobs = _form(post, "save", **{"mastodon-text": "La version de Bob"})
    _as(cast.erin).post(f"/w/lumiere/posts/{post.pk}/", erins)
    response = _as(cast.bob).post(f"/w/lumiere/posts/{post.pk}/", bobs)
    assert post.variants.get().text == "La version d’Erin"
    page = _page(response)
    assert response.status_code == 200
    assert "La version de Bob" in page and "La version d’Erin" in page  # both, side by side
    assert "Non enregistré : quelqu’un a enregistré cette publication" in page
    # Having seen Erin's, Bob saves again from the form as shown: his own text wins, knowingly.
    version = re.search(r'name="post-version" value="(\d+)"', page).group(1)
    again = _as(cast.bob).post(f"/w/lumiere/posts/{post.pk}/", bobs | {"post-version": version})
    assert again.status_code == 302 and post.variants.get().text == "La version de Bob"


# Observation 9 -------------------------------------------------------------------------


def test_observation_9_an_edit_after_approval_tells_the_approver(approval) -> None:
    post = _approved(approval)
    mail.outbox.clear()
    before = Notice.objects.filter(user=approval.anna).count()
    response = _as(approval.erin).post(
        f"/w/lumiere/posts/{post.pk}/",
        _form(post, "save", **{"mastodon-text": NEW_TEXT}),
        follow=True,
    )
    assert Post.objects.get(pk=post.pk).status == S.IN_REVIEW
    assert Notice.objects.filter(user=approval.anna).count() == before + 1
    assert [m.to for m in mail.outbox] == [[approval.anna.email]]
    page = _page(response)
    assert "Renvoyée en validation" in page and "Brouillon enregistré" not in page


# Observation 17: the calendar's channel filter -----------------------------------------


def test_observation_17_a_huge_channel_filter_is_ignored(cast) -> None:
    response = _as(cast.erin).get("/w/lumiere/calendar/?channel=12345678901234567890123")
    assert response.status_code == 200


# Around the observations: the approval's details, media, the upgrade -------------------


def test_an_owner_may_approve_invalid_variants_with_a_reason_kept_in_the_history(approval):
    post = _post(approval, when=None)
    workflow.post_submit(post=post, actor=approval.erin)
    post.variants.update(text="é" * 600)
    with pytest.raises(workflow.PublishRefused):  # a manager may not, even with a reason
        workflow.post_approve(post=post, actor=approval.bob, override_reason="Urgent")
    with pytest.raises(workflow.PublishRefused):  # the owner, only with a reason
        workflow.post_approve(post=post, actor=approval.alice)
    page = _page(_as(approval.alice).get(f"/w/lumiere/posts/{post.pk}/review/"))
    assert "Valider quand même" in page and "500" in page  # the errors, shown to decide
    workflow.post_approve(post=post, actor=approval.alice, override_reason="Le client insiste")
    post = Post.objects.get(pk=post.pk)
    assert post.status == S.APPROVED
    assert "Le client insiste" in post.transitions.last().note


def test_an_approval_after_the_planned_time_with_a_new_time_schedules_it(approval) -> None:
    post = _post(approval)
    workflow.post_submit(post=post, actor=approval.erin)
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - timedelta(hours=1))
    post = Post.objects.get(pk=post.pk)
    new = timezone.now() + timedelta(hours=5)
    workflow.post_approve(post=post, actor=approval.anna, seen=None, publish_at=new)
    post = Post.objects.get(pk=post.pk)
    assert post.status == S.SCHEDULED and post.publish_at == new and workflow.post_cleared(post)


def test_a_media_alt_text_change_sends_a_held_post_back_to_review(approval, settings, tmp_path):
    """The digest reads the alt text, and the media library sends the post back itself."""
    from palabre.publishing.media import media_store, media_update
    from palabre.publishing.tests.media_samples import image

    settings.MEDIA_ROOT = tmp_path
    item = media_store(
        workspace=approval.workspace,
        uploaded_by=approval.carl,
        name="pain.png",
        data=image(800, 600, "PNG"),
        alt_text="Une miche",
        tags=[],
    )
    post = _post(approval)
    post.variants.get().media.set([item])
    workflow.post_submit(post=post, actor=approval.erin)
    workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=approval.anna)
    PostTarget.objects.update(status=TargetStatus.HELD)
    Post.objects.filter(pk=post.pk).update(status=S.FAILED)
    change = media_update(item=item, alt_text="Une miche brûlée", tags=[], actor=approval.carl)
    assert [p.pk for p in change.back_to_review] == [post.pk]
    post = Post.objects.get(pk=post.pk)
    assert post.status == S.IN_REVIEW and not PostTarget.objects.exists()
    assert post.transitions.last().note == (
        "Un média qu’elle utilise a été modifié ou supprimé dans la médiathèque."
    )
    review = _page(_as(approval.anna).get(f"/w/lumiere/posts/{post.pk}/review/"))
    assert "Modifié depuis la dernière validation : Mastodon : médias ou texte alternatif" in review
    assert not workflow.post_edited(post=post, actor=approval.carl)  # already in review


def test_the_upgrade_records_what_was_already_approved(approval) -> None:
    """The data migration's function, on rows as an older Palabre left them."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "palabre.publishing.migrations.0007_record_approved_content"
    )
    post = _approved(approval)  # scheduled
    draft = _post(approval, when=None)
    Post.objects.update(approved_digest="", approved_content=None, approved_version=None)
    assert not workflow.post_may_go_out(Post.objects.get(pk=post.pk))
    migration.record_approved_content(apps, None)
    assert workflow.post_cleared(Post.objects.get(pk=post.pk))
    assert Post.objects.get(pk=draft.pk).approved_digest == ""
    PostTarget.objects.update(next_attempt_at=timezone.now())
    _run_worker()
    assert Post.objects.get(pk=post.pk).status == S.PUBLISHED
    assert DemoPost.objects.get().text == APPROVED_TEXT  # exactly the approved text


def test_a_published_variant_cannot_be_rewritten_by_the_service(cast) -> None:
    from palabre.publishing import services

    post = _post(cast, networks=("mastodon", "bluesky"))
    publisher.post_publish_now(post=post, actor=cast.bob)
    _run_worker()
    variants = {
        v.network: services.variant_data(v) for v in Post.objects.get(pk=post.pk).variants.all()
    }
    variants["bluesky"] = services.VariantData(
        text="Réécrit", channels=variants["bluesky"].channels
    )
    with pytest.raises(services.ContentLocked):
        services.post_update(
            post=Post.objects.get(pk=post.pk),
            idea=APPROVED_TEXT,
            category="conversation",
            networks=["mastodon", "bluesky"],
            variants=variants,
            publish_at=Post.objects.get(pk=post.pk).publish_at,
        )
    assert set(DemoPost.objects.values_list("text", flat=True)) == {APPROVED_TEXT}
    assert Post.objects.get(pk=post.pk).variants.get(network="bluesky").text == APPROVED_TEXT


def test_a_published_post_can_still_be_saved_a_day_later(cast) -> None:
    """Its time has passed and is read-only: a save that changes nothing published goes
    through (a network added for later, the category)."""
    post = _post(cast, networks=("mastodon",))
    publisher.post_publish_now(post=post, actor=cast.bob)
    _run_worker()
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - timedelta(days=1))
    post = Post.objects.get(pk=post.pk)
    response = _as(cast.erin).post(
        f"/w/lumiere/posts/{post.pk}/", _form(post, "save", **{"post-category": "helpful"})
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).category == "helpful"


def test_a_retry_of_content_changed_after_approval_is_refused(approval) -> None:
    post = _approved(approval)
    PostTarget.objects.update(status=TargetStatus.FAILED)
    Post.objects.filter(pk=post.pk).update(status=S.FAILED)
    post.variants.update(text=NEW_TEXT)  # changed by a path that forgot to say so
    target = PostTarget.objects.get()
    response = _as(approval.bob).post(
        f"/w/lumiere/posts/{post.pk}/workflow/",
        {"action": "retry", "target": target.pk},
        follow=True,
    )
    assert "de retour en validation" in _page(response)
    assert Post.objects.get(pk=post.pk).status == S.IN_REVIEW
    _run_worker()
    assert not DemoPost.objects.exists()


# Found by the attacker's review of issue 14 ----------------------------------------------


def _half_published(cast, monkeypatch) -> Post:
    """Approved with a first comment; the post went out, the comment did not (yet)."""
    from palabre.networks.base import RateLimited
    from palabre.networks.demo.connector import DemoConnector

    post = _post(cast, when=timedelta(minutes=5))
    post.variants.update(first_comment="Réservez au 01 23 45 67 89.")
    if cast.workspace.approval_required:
        workflow.post_submit(post=post, actor=cast.erin)
        workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=cast.anna)
    else:
        workflow.post_schedule(post=post, actor=cast.bob, publish_at=post.publish_at)

    def wait(self, **kwargs):
        # Refused before anything was created (unlike a 5xx, which may come after the network
        # took the comment and keeps the target `publishing`): scheduled, its post out.
        raise RateLimited("slow down")

    monkeypatch.setattr(DemoConnector, "reply", wait)
    PostTarget.objects.update(next_attempt_at=timezone.now())
    _run_worker()
    target = PostTarget.objects.get()
    assert target.remote_id and target.status == TargetStatus.SCHEDULED
    return Post.objects.get(pk=post.pk)


def test_cancelling_an_approved_post_says_first_that_its_approval_is_lost(approval) -> None:
    """One click turned a client-approved post back into a draft."""
    post = _approved(approval)
    page = _page(_as(approval.erin).get(f"/w/lumiere/posts/{post.pk}/"))
    asked = page.split("Annuler la publication…")[1].split("</details>")[0]
    assert "perd sa validation" in asked and 'value="cancel"' in asked
    _as(approval.erin).post(f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "cancel"})
    assert Post.objects.get(pk=post.pk).status == S.DRAFT


def test_a_published_post_takes_no_new_network(approval, monkeypatch) -> None:
    """Ticking X on a published post saved a variant no approval and no publishing would
    ever reach, and the calendar listed the post as published on X."""
    post = _half_published(approval, monkeypatch)
    page = _page(_as(approval.erin).get(f"/w/lumiere/posts/{post.pk}/"))
    assert 'value="x"' not in page and "pour publier aussi sur un autre réseau" in page
    sent = _form(post, "save", **{"post-networks": ["mastodon", "x"]})
    refused = _page(_as(approval.erin).post(f"/w/lumiere/posts/{post.pk}/", sent))
    assert "Déjà publiée\u00a0: plus aucun réseau ne s’ajoute" in refused
    assert list(post.variants.values_list("network", flat=True)) == ["mastodon"]
    with pytest.raises(ContentLocked, match="To publish on X too, duplicate the post"):
        with translation.override("en"):
            services.post_update(
                post=post,
                idea=post.idea,
                category=post.category,
                networks=["mastodon", "x"],
                variants={"mastodon": services.variant_data(post.variants.get())},
                publish_at=post.publish_at,
            )
    assert list(post.variants.values_list("network", flat=True)) == ["mastodon"]


def test_a_half_published_post_is_out_an_edit_keeps_its_target_and_sends_nothing_twice(
    approval, monkeypatch
) -> None:
    post = _half_published(approval, monkeypatch)
    target = PostTarget.objects.get()
    page = _page(_as(approval.erin).get(f"/w/lumiere/posts/{post.pk}/"))
    assert "Publiée : cette variante ne se modifie plus." in page
    _as(approval.erin).post(  # the read-only fields keep what went out
        f"/w/lumiere/posts/{post.pk}/", _form(post, "save", **{"mastodon-text": NEW_TEXT})
    )
    assert post.variants.get().text == APPROVED_TEXT
    with pytest.raises(ContentLocked):  # and the service refuses it whatever the page sent
        services.post_update(
            post=post,
            idea=post.idea,
            category=post.category,
            networks=["mastodon"],
            variants={"mastodon": services.VariantData(text=NEW_TEXT)},
            publish_at=post.publish_at,
        )
    moved = _as(approval.erin).post(
        "/w/lumiere/calendar/move/", {"post": post.pk, "date": "2031-01-01"}, follow=True
    )
    assert "déjà partie" in _page(moved)
    cancel = _as(approval.erin).post(
        f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "cancel"}, follow=True
    )
    assert "ne peut pas être annulée" in _page(cancel)
    assert PostTarget.objects.get().pk == target.pk
    assert Post.objects.get(pk=post.pk).publish_at == post.publish_at
    monkeypatch.undo()
    PostTarget.objects.update(next_attempt_at=timezone.now())
    _run_worker()
    sent = DemoPost.objects.order_by("pk")
    assert [p.text for p in sent] == [APPROVED_TEXT, "Réservez au 01 23 45 67 89."]


def test_split_never_rewrites_a_published_variant_and_sends_a_changed_one_back(approval) -> None:
    post = _post(approval)
    post.variants.update(text=" ".join(["Le levain travaille toute la nuit, sans bruit."] * 20))
    Post.objects.filter(pk=post.pk).update(status=S.IN_REVIEW)
    workflow.post_approve(  # too long for Mastodon: only an owner's override approves it
        post=Post.objects.get(pk=post.pk), actor=approval.alice, override_reason="Voulu ainsi."
    )
    post = Post.objects.get(pk=post.pk)
    assert post.status == S.SCHEDULED
    _as(approval.erin).post(f"/w/lumiere/posts/{post.pk}/", _form(post, "split-mastodon"))
    post = Post.objects.get(pk=post.pk)
    assert post.variants.get().thread and post.status == S.IN_REVIEW  # split, then to review
    PostTarget.objects.all().delete()
    published = _post(approval, when=None)
    published.variants.update(text="Court.")
    target = PostTarget.objects.create(
        post=published,
        variant=published.variants.get(),
        channel=Channel.objects.get(network="mastodon"),
        publish_at=timezone.now(),
        status=TargetStatus.PUBLISHED,
        remote_id="post:9",
    )
    response = _as(approval.erin).post(
        f"/w/lumiere/posts/{published.pk}/", _form(published, "split-mastodon"), follow=True
    )
    assert published.variants.get().text == "Court." and PostTarget.objects.get(pk=target.pk)
    assert "Déjà publiée sur Mastodon" in _page(response)


def test_an_approval_records_exactly_what_was_checked_even_if_a_save_lands_meanwhile(
    approval, monkeypatch
) -> None:
    post = _post(approval)
    workflow.post_submit(post=post, actor=approval.erin)
    seen = workflow.post_digest(Post.objects.get(pk=post.pk))
    checked = workflow.post_problems

    def meanwhile(post, **kwargs):  # the editor's save commits between check and record
        post.variants.update(text=NEW_TEXT)
        return checked(post, **kwargs)

    monkeypatch.setattr(workflow, "post_problems", meanwhile)
    workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=approval.anna, seen=seen)
    monkeypatch.undo()
    post = Post.objects.get(pk=post.pk)
    assert post.approved_content["variants"][0]["text"] == APPROVED_TEXT
    PostTarget.objects.update(next_attempt_at=timezone.now())
    _run_worker()
    assert not DemoPost.objects.filter(text=NEW_TEXT).exists()
    assert Post.objects.get(pk=post.pk).status == S.IN_REVIEW


def test_the_worker_sends_the_content_it_checked_even_if_a_save_lands_meanwhile(
    approval, monkeypatch
) -> None:
    post = _approved(approval)
    connector_for = publisher.connector_for

    def meanwhile(channel):  # the editor's save commits between the check and the send
        post.variants.update(text=NEW_TEXT)
        return connector_for(channel)

    monkeypatch.setattr(publisher, "connector_for", meanwhile)
    PostTarget.objects.update(next_attempt_at=timezone.now())
    _run_worker()
    assert [p.text for p in DemoPost.objects.all()] == [APPROVED_TEXT]


def test_a_partly_published_post_keeps_its_time(cast, monkeypatch) -> None:
    post = _half_published(cast, monkeypatch)
    with pytest.raises(workflow.TransitionRefused):
        workflow.post_reschedule(
            post=post, actor=cast.erin, publish_at=timezone.now() + timedelta(days=3)
        )
    assert Post.objects.get(pk=post.pk).publish_at == post.publish_at


def test_a_save_that_does_not_say_its_version_is_refused_as_stale(cast) -> None:
    post = _post(cast, when=None)
    erins = _form(post, "save", **{"mastodon-text": "La version d’Erin"})
    del erins["post-version"]
    _as(cast.bob).post(
        f"/w/lumiere/posts/{post.pk}/", _form(post, "save", **{"mastodon-text": "Bob d’abord"})
    )
    response = _as(cast.erin).post(f"/w/lumiere/posts/{post.pk}/", erins)
    assert response.status_code == 200 and "La version d’Erin" in _page(response)
    assert post.variants.get().text == "Bob d’abord"


def test_the_composer_says_before_a_save_that_an_approved_post_goes_back(approval) -> None:
    post = _approved(approval)
    page = _page(_as(approval.erin).get(f"/w/lumiere/posts/{post.pk}/"))
    assert "une modification enregistrée ici la renvoie en validation" in page
    assert "Enregistrer le brouillon" not in page  # it is not a draft
    draft = _post(approval)
    assert "renvoie en validation" not in _page(
        _as(approval.erin).get(f"/w/lumiere/posts/{draft.pk}/")
    )


def test_the_history_says_who_changed_what_and_which_time_became_which(approval) -> None:
    """The idea edited twice, the time moved in review: the history said only "Created as a
    draft", and "New time: back to review" gave neither time."""
    post = _post(approval)
    approval.erin.language = "en"
    approval.erin.save()
    editor = _as(approval.erin)
    url = f"/w/lumiere/posts/{post.pk}/"
    editor.post(url, _form(post, "save", **{"post-idea": "Atelier pain, samedi 10 h."}))
    editor.post(url, _form(Post.objects.get(pk=post.pk), "save", **{"mastodon-text": NEW_TEXT}))
    editor.post(url, _form(Post.objects.get(pk=post.pk), "save"))  # nothing changed
    workflow.post_submit(post=Post.objects.get(pk=post.pk), actor=approval.erin)
    old = timezone.localtime(post.publish_at, approval.workspace.tzinfo)
    new = old + timedelta(days=3)
    moved = editor.post(
        "/w/lumiere/calendar/move/", {"post": post.pk, "date": f"{new:%Y-%m-%d}"}, follow=True
    )
    assert moved.status_code == 200
    page = _page(editor.get(url))
    said = re.findall(r"<li data-change>(.*?)</li>", page, re.S)
    assert len(said) == 3 and all("Erin · changed" in s for s in said)
    assert "changed the idea" in said[0] and "changed Mastodon: text" in said[1]
    when = f"from {old.day} {old:%B %Y, %H:%M} to {new.day} {new:%B %Y, %H:%M}"
    assert f"changed the publication time, {when}" in said[2]
    # Moves and saves in the order they happened.
    assert page.index("changed the idea") < page.index('data-transition="draft-in_review"')
    # Which parts changed, never the texts (the post holds them; a history of drafts grows).
    kept = str(list(PostChange.objects.values_list("what", flat=True)))
    assert "Atelier" not in kept and "soldes" not in kept


def test_the_approver_reads_what_changed_since_changes_were_asked(approval) -> None:
    """Changes asked, the post written again and sent back: the approver saw no difference."""
    post = _post(approval)
    workflow.post_submit(post=post, actor=approval.erin)
    workflow.post_request_changes(
        post=Post.objects.get(pk=post.pk), actor=approval.anna, comment="Plus court"
    )
    approval.anna.language = "en"
    approval.anna.save()
    review = f"/w/lumiere/posts/{post.pk}/review/"
    editor = _as(approval.erin)
    editor.post(f"/w/lumiere/posts/{post.pk}/", _form(post, "save", **{"mastodon-text": NEW_TEXT}))
    workflow.post_submit(post=Post.objects.get(pk=post.pk), actor=approval.erin)
    page = _page(_as(approval.anna).get(review))
    assert "Changed since changes were asked: Mastodon: text" in page
    assert "Changed since the last approval" not in page  # it never had one
    workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=approval.anna)
    assert Post.objects.get(pk=post.pk).asked_content is None  # answered: not said again


def test_the_writer_withdraws_a_post_from_review_to_change_it_first(approval) -> None:
    """Sent for approval a moment too soon: nothing took it back before a decision."""
    post = _post(approval)
    workflow.post_submit(post=post, actor=approval.erin)
    editor, url = _as(approval.erin), f"/w/lumiere/posts/{post.pk}/"
    assert 'value="withdraw"' in editor.get(url).content.decode()
    assert 'value="withdraw"' not in _as(approval.anna).get(f"{url}review/").content.decode()
    refused = _as(approval.anna).post(f"{url}workflow/", {"action": "withdraw"})
    assert refused.status_code == 403  # the approver decides; withdrawing is the writer's
    done = _page(editor.post(f"{url}workflow/", {"action": "withdraw"}, follow=True))
    assert "Retirée de la validation" in done
    assert Post.objects.get(pk=post.pk).status == S.DRAFT
    assert not Notice.objects.filter(post=post, user=approval.anna, read_at__isnull=True).exists()
    again = _page(editor.post(f"{url}workflow/", {"action": "withdraw"}, follow=True))
    assert "Impossible tant que la publication est" in again  # a second click: nothing more


def test_one_approvers_decision_settles_the_others_notices(approval) -> None:
    """Two approvers asked: one approved, the other's notices still said "to approve" (a
    walk through the demo)."""
    from palabre.accounts.models import Membership, Role, User

    zoe = User.objects.create_user("zoe@example.com", "correct horse battery", name="Zoé")
    Membership.objects.create(workspace=approval.workspace, user=zoe, role=Role.APPROVER)
    post = _post(approval)
    workflow.post_submit(post=post, actor=approval.erin)
    unread = Notice.objects.filter(post=post, read_at__isnull=True)
    assert unread.filter(user=zoe).exists() and unread.filter(user=approval.anna).exists()
    workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=approval.anna)
    assert not unread.filter(user__in=[zoe, approval.anna]).exists()


def test_a_published_post_shows_its_own_figures_on_each_network(cast) -> None:
    """The post's page said where it went, never how it did."""
    from palabre.analytics.models import PostStat
    from palabre.inbox.tests.helpers import published

    target = published(cast.workspace, cast.alice, network="bluesky")
    page = _page(_as(cast.bob).get(f"/w/lumiere/posts/{target.post_id}/"))
    assert "data-figures" not in page  # not counted yet: nothing said
    PostStat.objects.update_or_create(  # made when it went out, counted later
        target=target,
        defaults={
            "workspace": cast.workspace,
            "channel": target.channel,
            "published_at": timezone.now(),
            "likes": 1234,
            "reposts": 3,
            "replies": 5,
            "collected_at": timezone.now() - timedelta(hours=2),
        },
    )
    cast.bob.language = "en"
    cast.bob.save()
    page = _page(_as(cast.bob).get(f"/w/lumiere/posts/{target.post_id}/"))
    figures = page.split("data-figures>")[1].split("</span>")[0]
    assert "Likes 1,234 · Shares 3 · Replies 5" in figures and "as counted " in figures
    assert "Reach" not in figures  # Bluesky gives none
