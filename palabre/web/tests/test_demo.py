from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from palabre.accounts.models import Membership, Role, Workspace
from palabre.channels.models import Channel
from palabre.networks.demo.models import DemoActivity
from palabre.networks.kinds import NETWORKS
from palabre.publishing.models import Notice, Post, PostStatus
from palabre.web import demo


@pytest.mark.django_db
def test_demo_creates_a_bakery_with_every_role_and_network() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    workspace = Workspace.objects.get(slug=demo.DEMO_SLUG)
    roles = set(Membership.objects.filter(workspace=workspace).values_list("role", flat=True))
    assert roles == set(Role.values)
    assert set(
        Channel.objects.filter(workspace=workspace).values_list("network", flat=True)
    ) == set(NETWORKS)
    assert DemoActivity.objects.filter(kind="comment").count() >= 3
    assert "camille@lumiere.example" in out.getvalue() and demo.DEMO_PASSWORD in out.getvalue()
    # Made-up people: the story's notices stay in the app, no e-mail goes out.
    assert mail.outbox == []
    assert Notice.objects.filter(workspace=workspace).exists()


@pytest.mark.django_db
def test_demo_if_missing_runs_once() -> None:
    call_command("demo", "--if-missing", stdout=StringIO())
    call_command("demo", "--if-missing", stdout=StringIO())
    assert Workspace.objects.filter(slug=demo.DEMO_SLUG).count() == 1


@pytest.mark.django_db
def test_demo_owner_sees_the_dashboard_in_french(client: Client) -> None:
    call_command("demo", stdout=StringIO())
    assert client.login(email="camille@lumiere.example", password=demo.DEMO_PASSWORD)
    page = client.get(f"/w/{demo.DEMO_SLUG}/").content.decode()
    assert "Boulangerie Lumière" in page and "Boîte de réception" in page
    assert "Page Facebook Boulangerie Lumière" in page
    assert client.get("/w/librairie-des-quais/").status_code == 404


@pytest.mark.django_db
def test_demo_has_drafts_photos_and_a_published_post(settings, tmp_path) -> None:
    from palabre.analytics.seed import history_marked
    from palabre.publishing.models import MediaItem, Post, PostTarget, TargetStatus

    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=StringIO())
    # The year of history the reports read is set aside: its targets are marked.
    history = Post.objects.filter(history_marked("targets__"))
    posts = Post.objects.exclude(pk__in=history)
    assert posts.count() == 6
    # One photo has no alt text, so that the library shows its reminder.
    assert MediaItem.objects.filter(alt_text="").count() == 1
    targets = PostTarget.objects.exclude(history_marked())
    statuses = sorted(targets.values_list("status", flat=True))
    assert statuses == [TargetStatus.PUBLISHED] * 3 + [TargetStatus.SCHEDULED] * 2
    assert posts.filter(status="in_review").count() == 1  # waiting for Hélène, the approver
    assert posts.filter(status="changes_requested").count() == 1  # Hélène asked for changes
    assert posts.filter(publish_at__isnull=False).count() == 5  # in the calendar's grid
    # Approved by Hélène before anyone chose its time: listed under "No date yet".
    assert posts.filter(status="approved", publish_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_demo_has_a_year_of_history_for_the_reports() -> None:
    from palabre.analytics.models import ChannelDay, MonthlyReport, MonthStat, PostStat, ReachAlert
    from palabre.inbox.models import Contact, Stage

    call_command("demo", stdout=StringIO())
    assert ChannelDay.objects.count() >= 7 * 365
    assert PostStat.objects.count() > 500
    # A year of messages, counted per month, on every channel. (The small channels may
    # receive nothing in a given early month, and the first month is partial and depends
    # on the hour the demo is built: not every channel × month has a row.)
    from django.utils import timezone

    from palabre.lib.months import month_before

    assert MonthStat.objects.values("channel_id").distinct().count() == 7
    month = month_before(timezone.now().date())
    for _ in range(11):
        assert MonthStat.objects.filter(month=month).exists(), month
        month = month_before(month)
    assert Contact.objects.filter(stage=Stage.ADVOCATE).exists()
    [alert] = ReachAlert.objects.all()
    assert alert.channel.network == "instagram"
    report = MonthlyReport.objects.get(workspace__slug=demo.DEMO_SLUG)
    roles = sorted(report.recipients.values_list("memberships__role", flat=True))
    assert roles == ["approver", "owner"]


@pytest.mark.django_db
def test_demo_has_tracked_links_with_clicks() -> None:
    from palabre.strategy.models import Click, ShortLink

    call_command("demo", stdout=StringIO())
    assert ShortLink.objects.filter(workspace__slug=demo.DEMO_SLUG).count() == 2
    assert Click.objects.count() == 69


@pytest.mark.django_db
def test_demo_has_a_strategy_time_spent_and_a_return_per_network(client: Client) -> None:
    from palabre.strategy.models import Conversion, NetworkPlan, Objective, TimeEntry
    from palabre.strategy.timesheet import local_midnight, week_start

    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug=demo.DEMO_SLUG)
    assert NetworkPlan.objects.filter(workspace=workspace).count() == 4
    assert Objective.objects.filter(workspace=workspace).count() == 4
    entries = TimeEntry.objects.filter(workspace=workspace)
    monday = local_midnight(week_start(workspace.local_date()), workspace)
    assert entries.filter(started_at__lt=monday).count() == 6 * 8 - 1  # Bluesky skipped once
    assert entries.filter(minutes=None).count() == 1  # the manager's timer, running
    assert all(e.started_at.date() < workspace.local_date() for e in entries.exclude(minutes=None))
    assert Conversion.objects.filter(workspace=workspace).count() == 14
    assert client.login(email="camille@lumiere.example", password=demo.DEMO_PASSWORD)
    page = client.get(f"/w/{demo.DEMO_SLUG}/strategy/return/").content.decode()
    # Instagram's eight conversions through its link pay for its time and ads.
    assert 'data-verdict="pays"' in page and 'data-verdict="too_few"' in page
    today = timezone.now().astimezone(workspace.tzinfo).date()
    last_week = today - timedelta(days=7)
    week = client.get(f"/w/{demo.DEMO_SLUG}/time/?week={last_week:%Y-%m-%d}").content.decode()
    assert "sous le budget" in week  # Bluesky got none of its time last week


@pytest.mark.django_db
def test_demo_mastodon_cannot_hide_and_holds_a_private_conversation() -> None:
    from palabre.inbox.models import EventAction, Interaction, ModerationEvent, Reply
    from palabre.networks.demo.models import DemoPost

    call_command("demo", stdout=StringIO())
    mastodon = Channel.objects.get(workspace__slug=demo.DEMO_SLUG, network="mastodon")
    assert mastodon.connector == "demo_mastodon" and not mastodon.hides_replies
    private = Interaction.objects.filter(channel=mastodon, visibility="direct").order_by(
        "created_at"
    )
    first, waiting = private
    assert first.identity == waiting.identity and first.answered_at is not None
    assert waiting.needs_answer and waiting.answered_at is None  # in "answer first"
    answer = Reply.objects.get(interaction=first)
    assert answer.status == "sent" and answer.author.email == "lucas@lumiere.example"
    sent = DemoPost.objects.get(pk=int(answer.remote_id.removeprefix("post:")))
    assert sent.visibility == "direct" and first.created_at < answer.sent_at < waiting.created_at
    # The threat under the Mastodon post cannot be hidden there: it waits for review.
    threat = Interaction.objects.get(
        channel=mastodon, category="abuse", remote_id__startswith="act:"
    )
    assert threat.abuse_kind == "threat" and threat.in_review and not threat.hidden
    assert ModerationEvent.objects.filter(interaction=threat, action=EventAction.REFUSED).exists()
    # Under the thread, what only the second stage reads: a veiled threat, hate without a
    # slur, body-shaming, each for review with its kind; calm criticism answered first.
    from palabre.inbox.demo import THREAD

    thread = Interaction.objects.filter(category="abuse", text__in=[t[4] for t in THREAD])
    assert {a.abuse_kind for a in thread} >= {"insult", "threat", "hate"}
    assert all(a.in_review or a.hidden for a in thread)
    hidden = thread.get(text__startswith="Je vais te casser la gueule")
    assert hidden.hidden and hidden.abuse_kind == "threat"  # on the list, and meant
    calm = Interaction.objects.get(text__startswith="Cliente depuis dix ans")
    assert calm.category == "criticism" and calm.needs_answer


@pytest.mark.django_db
def test_demo_linkedin_cannot_hide_and_offers_delete(client) -> None:
    from palabre.inbox.models import Interaction

    call_command("demo", stdout=StringIO())
    linkedin = Channel.objects.get(workspace__slug=demo.DEMO_SLUG, network="linkedin")
    assert linkedin.connector == "demo_linkedin" and not linkedin.hides_replies
    comments = Interaction.objects.filter(
        channel=linkedin, kind="comment", remote_id__startswith="act:"
    )
    assert comments.count() == 2
    client.login(email="camille@lumiere.example", password=demo.DEMO_PASSWORD)
    spam = comments.get(text__startswith="Crédit rapide")
    # The demo's rule would hide it; LinkedIn cannot: it waits for review, logged, not hidden.
    assert spam.in_review and not spam.hidden
    assert spam.events.filter(rule_name="Arnaques au crédit").exists()
    page = client.get(f"/w/{demo.DEMO_SLUG}/inbox/{spam.pk}/").content.decode()
    assert f"/inbox/{spam.pk}/delete/" in page
    assert "Le masquage est impossible sur LinkedIn" in page  # Camille reads French


@pytest.mark.django_db
def test_demo_x_counts_its_requests_and_shows_their_cost_under_the_workspace_cap() -> None:
    from palabre.channels.connectors import connector_for
    from palabre.channels.x_cost import channel_x_month

    call_command("demo", stdout=StringIO())
    x = Channel.objects.get(workspace__slug=demo.DEMO_SLUG, network="x")
    assert x.connector == "demo_x" and x.bills_requests
    before = channel_x_month(x)
    assert before.requests > 0 and before.usd > 0
    connector_for(x).fetch_interactions(cursor=None)  # one poll, billed as X bills it
    after = channel_x_month(x)
    assert after.requests > before.requests and after.usd > before.usd
    owner = x.workspace.memberships.get(role="owner").user
    client = Client()
    client.force_login(owner)
    page = client.get(f"/w/{demo.DEMO_SLUG}/settings/channels/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'data-x-month="{after.requests}"' in text
    assert f'data-x-workspace-month="{after.requests}"' in text
    workspace_line = text.split("data-x-workspace-month=")[1].split("</p>")[0]
    assert "25,00" in workspace_line  # the workspace's cap beside its X month (in French)


@pytest.mark.django_db
def test_the_demo_workspace_has_a_logo_for_its_reports() -> None:
    from palabre.accounts.models import Workspace

    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug=demo.DEMO_SLUG)
    assert bytes(workspace.logo_png).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_the_post_awaiting_approval_is_still_to_come_when_the_demo_is_made_on_a_friday_evening(
    monkeypatch,
) -> None:
    friday_evening = datetime(2026, 12, 4, 19, 0, tzinfo=UTC)  # 20:00 in Paris
    monkeypatch.setattr(timezone, "now", lambda: friday_evening)
    call_command("demo", stdout=StringIO())
    waiting = Post.objects.get(workspace__slug=demo.DEMO_SLUG, status=PostStatus.IN_REVIEW)
    assert waiting.publish_at is not None and waiting.publish_at > friday_evening
    assert waiting.publish_at.astimezone(waiting.workspace.tzinfo).weekday() == 4  # a Friday
