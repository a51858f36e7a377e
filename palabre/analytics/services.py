"""Changing how the reports count, and whom the monthly report goes to."""

from __future__ import annotations

from datetime import time

from django.db import transaction

from palabre.accounts.models import User, Workspace
from palabre.analytics.models import MonthlyReport
from palabre.analytics.report import first_report_time
from palabre.analytics.talk import talk_hours_forget
from palabre.inbox.models import Interaction
from palabre.inbox.services import response_times


def report_settings_update(
    *,
    workspace: Workspace,
    business_hours: bool,
    business_start: time,
    business_end: time,
    business_days: str,
    recipients: list[User],
) -> Workspace:
    before = (workspace.business_start, workspace.business_end, workspace.business_days)
    workspace.business_hours = business_hours
    workspace.business_start = business_start
    workspace.business_end = business_end
    workspace.business_days = business_days
    with transaction.atomic():
        workspace.save(
            update_fields=["business_hours", "business_start", "business_end", "business_days"]
        )
        report, _created = MonthlyReport.objects.get_or_create(
            workspace=workspace, defaults={"next_attempt_at": first_report_time(workspace)}
        )
        report.recipients.set(recipients)
    if before != (business_start, business_end, business_days):
        response_times_recount(workspace=workspace)
        talk_hours_forget(workspace=workspace)  # its business times are the old ones
    return workspace


def response_times_recount(*, workspace: Workspace) -> int:
    """Business hours changed: count every recorded first response again."""
    answered = Interaction.objects.filter(workspace=workspace, answered_at__isnull=False).only(
        "created_at", "answered_at"
    )
    changed = []
    for interaction in answered.iterator(chunk_size=2000):
        assert interaction.answered_at is not None
        times = response_times(workspace, interaction.created_at, interaction.answered_at)
        interaction.response_seconds, interaction.response_business_seconds = times
        changed.append(interaction)
    Interaction.objects.bulk_update(
        changed, ["response_seconds", "response_business_seconds"], batch_size=1000
    )
    return len(changed)
