"""The community page: people ranked by relationship, not by follower counts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from palabre.accounts.permissions import Action, membership_for, scoped
from palabre.analytics.community import TAG_CUSTOMER, tagged
from palabre.analytics.tables import Column, Table
from palabre.inbox.models import Contact, Stage
from palabre.lib.downloads import download

RANK = Case(
    When(stage=Stage.ADVOCATE, then=Value(0)),
    When(stage=Stage.MEMBER, then=Value(1)),
    When(stage=Stage.ENGAGED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
FILTERS = ("advocate", "member", "engaged", "drifting", "customer")


def _people(request: HttpRequest, workspace: object) -> tuple[QuerySet[Contact], str]:
    rows = scoped(Contact.objects.all(), workspace).prefetch_related("identities")  # type: ignore[arg-type]
    show = request.GET.get("show", "")
    if show in (Stage.ADVOCATE, Stage.MEMBER, Stage.ENGAGED):
        rows = rows.filter(stage=show)
    elif show == "drifting":
        rows = rows.filter(drifting=True)
    elif show == "customer":
        rows = tagged(rows, TAG_CUSTOMER)
    else:
        show = ""
        rows = rows.exclude(stage=Stage.NONE, drifting=False)
    ordered = rows.annotate(rank=RANK).order_by("rank", "-interactions_12m", "name")
    return ordered, show


def community(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_COMMUNITY)
    rows, show = _people(request, membership.workspace)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/community.html",
        {
            "membership": membership,
            "section": "community",
            "page": page,
            "show": show,
            "filters": FILTERS,
            "stages": dict(Stage.choices),
        },
    )


def community_csv(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_COMMUNITY)
    rows, _show = _people(request, membership.workspace)
    stages = dict(Stage.choices)
    table = Table(
        "community",
        _("Community"),
        [
            Column("name", _("Person")),
            Column("stage", _("Relationship")),
            Column("drifting", _("Drifting away")),
            Column("customer", _("Customer")),
            Column("interactions", _("Interactions in 12 months"), "int"),
            Column("months", _("Months active"), "int"),
            Column("last", _("Last seen"), "date"),
            Column("accounts", _("Accounts")),
        ],
    )
    for c in rows:
        table.rows.append(
            [
                c.name,
                str(stages.get(c.stage, c.stage)),
                _("yes") if c.drifting else "",
                _("yes") if TAG_CUSTOMER in (c.tags or []) else "",
                c.interactions_12m,
                c.months_active,
                c.last_seen_at,
                # "claire (Instagram)": a cell starting with "@" would read as a formula
                ", ".join(f"{i.handle} ({i.network_label})" for i in c.identities.all()),
            ]
        )
    return download(f"palabre-{slug}-community.csv", table.csv(tz=membership.workspace.tzinfo))
