"""What an attacker's and a hurried user's review of the inbox found (2026-12-06): a
comment deleted on the network brought back and answered; a hide rule whose keyword reads
as nothing; comments' words e-mailed to people who cannot open them; an erasure that left
copies; a merge that lost conversions; a thank-you sent twice; hides sent twice."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import connections
from django.utils import translation

from palabre.accounts import services as accounts
from palabre.accounts.models import Membership, Role
from palabre.inbox import alerts, contacts, moderation, services
from palabre.inbox.forms import RuleForm
from palabre.inbox.models import (
    Contact,
    EventAction,
    Interaction,
    ModerationEvent,
    ModerationRule,
    Reply,
    RuleAction,
)
from palabre.inbox.tests.helpers import comment, ingested, poll, published
from palabre.publishing.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def target(cast):
    return published(cast.workspace, cast.bob)


def _item(target, text: str = "Vos croissants sont trop chers.", **who: str) -> Interaction:
    activity = comment(target, text, **who)
    poll(target.channel)
    return ingested(activity)


def test_a_comment_deleted_on_the_network_is_not_shown_again_nor_answered(cast) -> None:
    linkedin = published(cast.workspace, cast.bob, network="linkedin", connector="demo_linkedin")
    item = _item(linkedin)
    moderation.interaction_delete(interaction=item, actor=cast.bob, reason="spam")
    item.refresh_from_db()
    refusals = [
        lambda: moderation.interaction_unhide(interaction=item, actor=cast.bob),
        lambda: moderation.interaction_judge(interaction=item, actor=cast.bob, abusive=False),
        lambda: services.interaction_reply(interaction=item, actor=cast.bob, text="Merci !"),
        lambda: services.interaction_thank(interaction=item, actor=cast.bob),
        lambda: services.interaction_draft_reply(interaction=item, actor=cast.bob, text="…"),
    ]
    for refused in refusals:
        with pytest.raises(services.InboxRefused, match="Deleted on the network"):
            refused()
    item.refresh_from_db()
    assert item.hidden and not Reply.objects.exists()


def test_the_page_says_why_an_unhide_of_a_deleted_comment_is_refused(cast, client) -> None:
    linkedin = published(cast.workspace, cast.bob, network="linkedin", connector="demo_linkedin")
    item = _item(linkedin)
    moderation.interaction_delete(interaction=item, actor=cast.bob)
    cast.bob.language = "en"
    cast.bob.save()
    client.force_login(cast.bob)
    response = client.post(f"/w/lumiere/inbox/{item.pk}/unhide/", follow=True)
    assert response.status_code == 200
    assert "Deleted on the network" in response.content.decode()


def test_hiding_twice_or_hiding_a_like_asks_the_network_nothing_more(cast, target) -> None:
    item = _item(target)
    assert moderation.interaction_hide(interaction=item, actor=cast.bob)
    with pytest.raises(services.InboxRefused, match="Already hidden"):
        moderation.interaction_hide(interaction=item, actor=cast.bob)
    moderation.interaction_unhide(interaction=item, actor=cast.bob)
    with pytest.raises(services.InboxRefused, match="Already shown"):
        moderation.interaction_unhide(interaction=item, actor=cast.bob)
    events = ModerationEvent.objects.filter(interaction=item)
    assert [e.action for e in events.order_by("pk")] == [EventAction.HIDE, EventAction.UNHIDE]
    like = _item(target, "", kind="like", handle="@fan")
    with pytest.raises(services.InboxRefused, match="nothing to hide"):
        moderation.interaction_hide(interaction=like, actor=cast.bob)


def test_a_page_opened_before_a_colleague_acted_acts_no_more(cast, target) -> None:
    """Each service reads the comment's state again under a lock: the row a page loaded
    before a colleague hid it (or judged it) asks the network nothing more."""
    item = _item(target)
    opened = [Interaction.objects.get(pk=item.pk) for _ in range(3)]
    moderation.interaction_hide(interaction=item, actor=cast.bob)
    with pytest.raises(services.InboxRefused, match="Already hidden"):
        moderation.interaction_hide(interaction=opened[0], actor=cast.alice)
    moderation.interaction_judge(interaction=opened[1], actor=cast.alice, abusive=True)
    moderation.interaction_unhide(interaction=item, actor=cast.bob)
    with pytest.raises(services.InboxRefused, match="Already shown"):
        moderation.interaction_unhide(interaction=opened[2], actor=cast.alice)
    events = ModerationEvent.objects.filter(interaction=item).order_by("pk")
    actions = [EventAction.HIDE, EventAction.IS_ABUSE, EventAction.UNHIDE]
    assert [e.action for e in events] == actions


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_moderators_acting_at_the_same_moment_act_once(cast) -> None:
    """Six hides, six thanks and six deletions sent at the same moment (two moderators, a
    double click): one each, one request each to the network."""
    target = published(cast.workspace, cast.bob)
    linkedin = published(cast.workspace, cast.bob, network="linkedin", connector="demo_linkedin")
    hidden, thanked, deleted = (
        _item(target),
        _item(target, "Merci !", handle="@fan"),
        _item(linkedin),
    )
    people = [cast.bob, cast.alice] * 3
    at_once(
        [
            *(
                lambda p=p: moderation.interaction_hide(interaction=_fresh(hidden), actor=p)
                for p in people
            ),
            *(
                lambda p=p: services.interaction_thank(interaction=_fresh(thanked), actor=p)
                for p in people
            ),
            *(
                lambda p=p: moderation.interaction_delete(interaction=_fresh(deleted), actor=p)
                for p in people
            ),
        ]
    )
    assert ModerationEvent.objects.filter(interaction=hidden, action=EventAction.HIDE).count() == 1
    assert Reply.objects.filter(interaction=thanked, thanks=True).count() == 1
    assert (
        ModerationEvent.objects.filter(interaction=deleted, action=EventAction.DELETE).count() == 1
    )


def _fresh(item: Interaction) -> Interaction:
    return Interaction.objects.select_related("channel").get(pk=item.pk)


def at_once(actions: list[Callable[[], object]]) -> None:
    """Each action in a thread of its own, all let go at the same moment; a refusal ("Already
    hidden") is an answer, anything else fails the test."""
    barrier, failures = threading.Barrier(len(actions)), []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            action()
        except services.InboxRefused:
            pass
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures


def test_thanking_twice_thanks_once(cast, target, client) -> None:
    item = _item(target, "Merci, c'était délicieux !", kind="mention")
    client.force_login(cast.bob)
    page = f"/w/lumiere/inbox/{item.pk}/"
    assert f"/inbox/{item.pk}/thank/" in client.get(page).content.decode()
    services.interaction_thank(interaction=item, actor=cast.bob)
    assert f"/inbox/{item.pk}/thank/" not in client.get(page).content.decode()  # no second
    with pytest.raises(services.InboxRefused, match="Already thanked|Déjà remercié"):
        services.interaction_thank(interaction=item, actor=cast.alice)
    assert Reply.objects.filter(interaction=item, thanks=True).count() == 1


@pytest.mark.parametrize(
    ("keywords", "author"), [("pain, ´", ""), ("¨", ""), ("", "＠"), ("", "@\u0301")]
)
def test_a_hide_rule_whose_condition_reads_as_nothing_is_refused(
    cast, keywords: str, author: str
) -> None:
    """A dead key pressed then a space ("´") folds to nothing, and "" is in every comment:
    such a rule would hide them all."""
    data = {"name": "R", "enabled": "on", "action": RuleAction.HIDE, "keywords": keywords}
    form = RuleForm({**data, "author": author}, workspace=cast.workspace)
    assert not form.is_valid()
    assert "keywords" in form.errors or "author" in form.errors


def test_a_stored_keyword_that_reads_as_nothing_matches_nothing(cast, target) -> None:
    """A rule saved before the form refused it: the empty keyword matches no comment, and
    gives no grounds to hide."""
    rule = ModerationRule.objects.create(
        workspace=cast.workspace, name="old", action=RuleAction.HIDE, keywords="´, ¨"
    )
    item = _item(target)
    assert not moderation.rule_matches(rule, item)
    assert not moderation.may_hide_automatically(item, rule)
    rule.keywords = "´, croissants"
    assert moderation.rule_matches(rule, item)


def test_only_those_who_answer_may_be_assigned(cast) -> None:
    """A comment's owner answers it: the editor and the analyst only read the inbox, and
    an item assigned to them waited in silence (a new user's walk through the demo)."""
    from palabre.inbox.forms import AssignForm

    names = {u.email for u in AssignForm(workspace=cast.workspace).fields["assignee"].queryset}
    assert names == {"alice@example.com", "bob@example.com"}


def test_a_member_who_leaves_or_loses_the_inbox_is_no_longer_assigned_nor_told(
    cast, target
) -> None:
    item = _item(target)
    services.interaction_assign(interaction=item, actor=cast.alice, assignee=cast.bob)
    rule = ModerationRule.objects.create(
        workspace=cast.workspace, name="to Bob", action=RuleAction.ASSIGN, assign_to=cast.bob
    )
    bob = Membership.objects.get(workspace=cast.workspace, user=cast.bob)
    accounts.membership_update_role(membership=bob, role=Role.CONTRIBUTOR)
    item.refresh_from_db()
    rule.refresh_from_db()
    assert item.assigned_to is None
    assert (rule.assign_to, rule.enabled) == (None, False)
    # Assigned before, by whatever path: the alert goes to the managers, not to him.
    Interaction.objects.filter(pk=item.pk).update(assigned_to=cast.bob)
    item.refresh_from_db()
    alerts.interaction_alert(interaction=item, reason="test")
    alerted = Notice.objects.exclude(message=alerts.ASSIGNED)  # Bob was told he had it, then
    told = set(alerted.values_list("user__email", flat=True))
    assert "bob@example.com" not in told and told


def test_erasing_a_person_erases_the_copies_of_their_words(cast, target, settings) -> None:
    from palabre.webhooks.models import Delivery
    from palabre.webhooks.tests.helpers import subscribe

    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    subscribe(cast.workspace, cast.bob, "http://127.0.0.1:9/hook", events=["interaction.hidden"])
    item = _item(target, "Claire Martin, 12 rue X", handle="@claire")
    services.interaction_draft_reply(interaction=item, actor=cast.bob, text="Bonjour Claire")
    moderation.interaction_hide(interaction=item, actor=cast.bob, reason="adresse de Claire")
    alerts.interaction_alert(interaction=item, reason="test")
    assert Delivery.objects.exists() and Notice.objects.exists()
    contacts.contact_erase(contact=item.identity.contact)
    item.refresh_from_db()
    assert (item.text, item.reply_draft) == ("", "")
    reasons = ModerationEvent.objects.filter(interaction=item, actor=cast.bob)
    assert "Claire" not in " ".join(reasons.values_list("reason", flat=True))
    assert not Delivery.objects.exists()
    assert all(
        "Claire" not in n.text and "12 rue" not in str(n.params) for n in Notice.objects.all()
    )


def test_merging_two_people_keeps_their_conversions(cast, target) -> None:
    from django.utils import timezone

    from palabre.strategy.models import Conversion

    first = _item(target, "Bonjour", handle="@claire").identity.contact
    second = _item(target, "Salut", handle="@claire_m", name="Claire M.").identity.contact
    Conversion.objects.create(
        workspace=cast.workspace, external_id="c1", occurred_at=timezone.now(), contact=second
    )
    contacts.contact_merge(into=first, other=second)
    assert Conversion.objects.get().contact == first
    assert not Contact.objects.filter(pk=second.pk).exists()


def test_a_second_invitation_replaces_the_first_and_a_member_is_told(cast) -> None:
    from palabre.accounts.models import Invitation

    first = accounts.invitation_create(
        workspace=cast.workspace, email="zed@example.com", role=Role.ANALYST, invited_by=cast.alice
    )
    second = accounts.invitation_create(
        workspace=cast.workspace, email="zed@example.com", role=Role.EDITOR, invited_by=cast.alice
    )
    assert list(Invitation.objects.filter(email="zed@example.com")) == [second]
    assert first.pk != second.pk
    invitation = accounts.invitation_create(
        workspace=cast.other_workspace,
        email="bob@example.com",
        role=Role.OWNER,
        invited_by=cast.charlie,
    )
    accounts.invitation_accept(invitation=invitation, user=cast.bob)
    again = accounts.invitation_create(
        workspace=cast.other_workspace,
        email="zed2@example.com",
        role=Role.OWNER,
        invited_by=cast.charlie,
    )
    Invitation.objects.filter(pk=again.pk).update(email="bob@example.com")
    again.refresh_from_db()
    with pytest.raises(accounts.ServiceError, match="already a member"):
        accounts.invitation_accept(invitation=again, user=cast.bob)
    again.refresh_from_db()
    assert again.accepted_at is None
    assert Membership.objects.get(workspace=cast.other_workspace, user=cast.bob).role == Role.OWNER


def test_enabling_two_factor_needs_the_password(cast) -> None:
    import pyotp

    secret = accounts.totp_new_secret()
    with pytest.raises(accounts.ServiceError, match="not the right one"):
        accounts.user_enable_totp(
            user=cast.nina, secret=secret, code=pyotp.TOTP(secret).now(), password="guess"
        )
    cast.nina.refresh_from_db()
    assert not cast.nina.has_totp


def test_the_last_two_owners_cannot_both_step_down(cast) -> None:
    """Each reads the owners again, locked, before it writes: of two demotions at once,
    the second finds one owner left and is refused."""
    Membership.objects.filter(user=cast.bob, workspace=cast.workspace).update(role=Role.OWNER)
    alice = Membership.objects.get(user=cast.alice, workspace=cast.workspace)
    bob = Membership.objects.get(user=cast.bob, workspace=cast.workspace)
    stale_bob = Membership.objects.get(pk=bob.pk)
    accounts.membership_update_role(membership=alice, role=Role.MANAGER)
    with pytest.raises(accounts.ServiceError, match="at least one owner"):
        accounts.membership_update_role(membership=stale_bob, role=Role.MANAGER)
    assert Membership.objects.filter(workspace=cast.workspace, role=Role.OWNER).count() == 1


def test_the_upgrade_releases_what_waited_on_someone_who_cannot_answer(cast, target) -> None:
    """Migration inbox 0017: assigned before the rule, to an editor or an analyst."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("palabre.inbox.migrations.0017_assigned_only_to_who_answers")
    kept, released = _item(target), _item(target, "Et le dimanche ?")
    Interaction.objects.filter(pk=kept.pk).update(assigned_to=cast.bob)
    Interaction.objects.filter(pk=released.pk).update(assigned_to=cast.nina)
    to_erin = ModerationRule.objects.create(
        workspace=cast.workspace, name="to Erin", action=RuleAction.ASSIGN, assign_to=cast.erin
    )
    to_bob = ModerationRule.objects.create(
        workspace=cast.workspace, name="to Bob", action=RuleAction.ASSIGN, assign_to=cast.bob
    )
    migration.release(apps, None)
    assert Interaction.objects.get(pk=kept.pk).assigned_to == cast.bob
    assert Interaction.objects.get(pk=released.pk).assigned_to is None
    to_erin.refresh_from_db()
    to_bob.refresh_from_db()
    assert (to_erin.assign_to, to_erin.enabled) == (None, False)
    assert (to_bob.assign_to, to_bob.enabled) == (cast.bob, True)
