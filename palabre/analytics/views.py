"""Reports: the dashboard, its CSV exports and PDF, its settings, and the definitions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palabre.accounts.permissions import Action, can, membership_for
from palabre.analytics import dashboard, report
from palabre.analytics.definitions import DEFINITIONS
from palabre.analytics.forms import ReportSettingsForm, ScopeForm
from palabre.analytics.models import MonthlyReport, ReachAlert
from palabre.analytics.report import previous_month, report_filename
from palabre.analytics.services import report_settings_update
from palabre.lib.downloads import download
from palabre.lib.months import parse_month


def reports(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_REPORTS)
    workspace = membership.workspace
    form = ScopeForm(request.GET or None, workspace=workspace)
    scope, query = form.scope(), form.query()
    people = can(membership, Action.VIEW_COMMUNITY)
    context = {
        "membership": membership,
        "section": "reports",
        "form": form,
        "scope": scope,
        # Computed only when the page's cached figures are missing (reports.html).
        "report": dashboard.Report(scope, people=people),
        "report_cache": dashboard.REPORT_CACHE_SECONDS,
        # The drill-down links replace the channel and keep the period.
        "scope_query": _without(query, "channel"),
        "alerts": ReachAlert.objects.filter(channel__workspace=workspace).select_related("channel")[
            :5
        ],
        "query": query,
        "last_month": previous_month(timezone.now(), workspace),
        "can_manage": can(membership, Action.MANAGE_REPORTS),
        "can_people": can(membership, Action.VIEW_COMMUNITY),
    }
    return render(request, "analytics/reports.html", context)


def _without(query: str, name: str) -> str:
    kept = QueryDict(query, mutable=True)
    kept.pop(name, None)
    return kept.urlencode()


def report_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    # A list of named people follows the Community page's permission, not the reports'.
    action = Action.VIEW_COMMUNITY if table in dashboard.PEOPLE else Action.VIEW_REPORTS
    membership = membership_for(request, slug, action)
    form = ScopeForm(request.GET or None, workspace=membership.workspace)
    if form.is_bound and not form.is_valid():
        # A saved link whose period no longer reads (reversed, too long): the page says
        # why, where the file gave another period's figures without a word.
        return redirect(f"{reverse('reports', args=[slug])}?{request.GET.urlencode()}")
    scope = form.scope()
    found = dashboard.find_table(scope, table)
    if found is None:
        raise Http404
    name = dashboard.table_csv_name(scope, table)
    return download(name, found.csv(tz=membership.workspace.tzinfo))


def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """One month's report; a missing or unreadable month means last month. A month to
    come has nothing to report: it is refused, back on the reports page."""
    membership = membership_for(request, slug, Action.VIEW_REPORTS)
    workspace = membership.workspace
    month = parse_month(request.GET.get("month", "")) or previous_month(timezone.now(), workspace)
    if month > workspace.local_date().replace(day=1):
        messages.error(
            request, _("That month has not begun yet: choose this month or an earlier one.")
        )
        return redirect("reports", slug=slug)
    people = can(membership, Action.VIEW_COMMUNITY)
    pdf = report.report_pdf(
        workspace=workspace, month=month, language=translation.get_language(), people=people
    )
    return download(report_filename(workspace, month), pdf, content_type="application/pdf")


def report_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_REPORTS)
    workspace = membership.workspace
    report, _created = MonthlyReport.objects.get_or_create(workspace=workspace)
    initial = {
        "business_hours": workspace.business_hours,
        "business_start": workspace.business_start,
        "business_end": workspace.business_end,
        "business_days": list(workspace.business_days),
        "recipients": list(report.recipients.all()),
    }
    form = ReportSettingsForm(request.POST or None, initial=initial, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report_settings_update(
            workspace=workspace,
            business_hours=data["business_hours"],
            business_start=data["business_start"],
            business_end=data["business_end"],
            business_days="".join(sorted(data["business_days"])),
            recipients=list(data["recipients"]),
        )
        messages.success(request, _("Report settings saved."))
        return redirect("reports", slug=slug)
    return render(
        request,
        "analytics/settings.html",
        {"membership": membership, "section": "reports", "form": form},
    )


def definitions(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_REPORTS)
    rows = [(key, str(name), str(text)) for key, (name, text) in DEFINITIONS.items()]
    return render(
        request,
        "analytics/definitions.html",
        {"membership": membership, "section": "reports", "definitions": rows},
    )
