"""The monthly report: sent on the 1st, for the month before, to the chosen members."""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palabre.accounts.models import Membership, User, Workspace
from palabre.accounts.permissions import Action, can
from palabre.analytics.forms import month_bounds
from palabre.analytics.metrics import Scope
from palabre.analytics.models import MonthlyReport
from palabre.formats.written import date_text
from palabre.lib.months import month_after, month_before
from palabre.lib.oneline import one_line
from palabre.worker.jobs import each_once, held_write

SEND_AT = time(7, 0)  # workspace time, on the 1st


def next_first_of_month(moment: datetime, workspace: Workspace) -> datetime:
    local = moment.astimezone(workspace.tzinfo)
    return datetime.combine(month_after(local.date()), SEND_AT, tzinfo=workspace.tzinfo)


def first_report_time(workspace: Workspace) -> datetime:
    return next_first_of_month(timezone.now(), workspace)


def previous_month(moment: datetime, workspace: Workspace) -> date:
    return month_before(workspace.local_date(moment))


def report_pdf(*, workspace: Workspace, month: date, language: str, people: bool) -> bytes:
    # ReportLab is imported here, by the worker that sends the report or the request that
    # downloads it: not by every web process.
    from palabre.analytics.pdf import monthly_pdf

    start, end = month_bounds(month, workspace)
    with translation.override(language):
        return monthly_pdf(Scope(workspace, start, end), month, people=people)


def report_filename(workspace: Workspace, month: date) -> str:
    return f"palabre-{workspace.slug}-{month:%Y-%m}.pdf"


def monthly_report_send(row: MonthlyReport) -> datetime | None:
    """The worker's step: last month's PDF to each recipient, in their language, once."""
    workspace = row.workspace
    month = previous_month(timezone.now(), workspace)
    key = f"{month:%Y-%m}"
    if row.last_month_sent != key:
        each_once(
            row,
            field="sent_to",
            period=key,
            people=row.recipients.filter(memberships__workspace=workspace)
            .distinct()
            .order_by("pk"),
            send=lambda user: report_email(workspace=workspace, month=month, user=user),
        )
        held_write(row, last_month_sent=key)
    return next_first_of_month(timezone.now(), workspace)


def report_email(*, workspace: Workspace, month: date, user: User) -> None:
    language = user.language or settings.LANGUAGE_CODE
    # The client's approver gets the report too, without the people lists.
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    people = can(membership, Action.VIEW_COMMUNITY)
    pdf = report_pdf(workspace=workspace, month=month, language=language, people=people)
    link = settings.SITE_URL + reverse("reports", args=[workspace.slug])
    with translation.override(language):
        name = date_text(month, "YEAR_MONTH_FORMAT")
        subject = _("Palabre · %(workspace)s: report for %(month)s") % {
            "workspace": workspace.name,
            "month": name,
        }
        body = _(
            "Hello,\n\nThe report for %(month)s is attached. Every figure, with its "
            "definition and a CSV export, is on the reports page:\n%(link)s\n"
        ) % {"month": name, "link": link}
    message = EmailMessage(one_line(subject), body, None, [user.email])
    message.attach(report_filename(workspace, month), pdf, "application/pdf")
    message.send()
