"""palabre bench seed writes a coherent history, in bulk, on SQLite and PostgreSQL."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from palabre.accounts.models import Workspace
from palabre.analytics.models import ChannelDay, CommunityDay, MonthStat, PostStat
from palabre.inbox.models import Contact, Interaction, Reply

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_builds_a_history_the_reports_can_read() -> None:
    out = StringIO()
    call_command(
        "bench",
        "seed",
        "--slug",
        "petit",
        "--channels",
        "2",
        "--months",
        "3",
        "--interactions",
        "3000",
        stdout=out,
    )
    workspace = Workspace.objects.get(slug="petit")
    assert "Seeded 'petit'" in out.getvalue()
    assert Interaction.objects.filter(workspace=workspace).count() == 3000
    assert ChannelDay.objects.filter(channel__workspace=workspace).count() >= 2 * 90
    assert PostStat.objects.filter(workspace=workspace).count() > 20
    answered = Interaction.objects.filter(workspace=workspace, answered_at__isnull=False)
    assert answered.count() == Reply.objects.filter(interaction__workspace=workspace).count() > 0
    assert not answered.filter(response_seconds__isnull=True).exists()
    assert MonthStat.objects.filter(workspace=workspace).exists()
    assert CommunityDay.objects.filter(workspace=workspace).exists()
    assert Contact.objects.filter(workspace=workspace).exclude(stage="none").exists()
    # The ids written in bulk leave the database's own numbering working.
    contact = Contact.objects.create(workspace=workspace, name="Après")
    assert contact.pk > Contact.objects.exclude(pk=contact.pk).order_by("-pk").first().pk


def test_seed_refuses_an_existing_workspace_and_silly_sizes() -> None:
    call_command(
        "bench",
        "seed",
        "--slug",
        "petit",
        "--channels",
        "1",
        "--months",
        "1",
        "--interactions",
        "100",
        stdout=StringIO(),
    )
    with pytest.raises(CommandError, match="exists already"):
        call_command("bench", "seed", "--slug", "petit", stdout=StringIO())
    with pytest.raises(CommandError, match="--channels"):
        call_command("bench", "seed", "--slug", "autre", "--channels", "0", stdout=StringIO())
