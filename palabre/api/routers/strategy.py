"""Time spent, tracked links and conversions: what the time page, the links page and the
return page (and its conversions webhook) do, with the same forms, services and
permissions.

- Time entries: the time page's (Action.LOG_TIME): a person's own entries, and a manual
  entry through the page's form.
- Tracked links: listed to those who see the strategy, created by those who compose.
- Conversions: listed to those who see the return; recorded by those who manage the
  strategy (who hold the webhook's secret), checked by the webhook's own validation
  (`conversion_parse`), so a conversion means the same whichever way it came.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Schema, Status
from pydantic import Field

from palabre.accounts.models import Workspace
from palabre.accounts.permissions import Action
from palabre.api.access import ApiRouter, allowed, caller_of
from palabre.api.models import Scope
from palabre.api.pagination import page
from palabre.api.schemas import REFUSALS, Page, Ref, ShortText, Text, form_valid, refused
from palabre.api.tokens import Caller
from palabre.strategy import timesheet
from palabre.strategy.conversions import (
    CENT,
    Invalid,
    conversion_parse,
    conversion_record,
    conversions_listed,
)
from palabre.strategy.forms import LinkForm, TimeEntryForm
from palabre.strategy.links import link_create, links_counted, short_url, target_url
from palabre.strategy.models import Conversion, ShortLink, TimeEntry

router = ApiRouter(tags=["strategy"])
M = TypeVar("M", bound=models.Model)


class Paging(Schema):
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


# --- Time entries --------------------------------------------------------------------------


class TimeEntryOut(Schema):
    id: int
    day: date = Field(description="In the workspace's time zone.")
    started_at: datetime
    network: str
    activity: str
    minutes: int | None
    note: str


class TimeEntryPage(Page):
    items: list[TimeEntryOut]


def _entry_out(entry: TimeEntry, workspace: Workspace) -> TimeEntryOut:
    return TimeEntryOut(
        id=entry.pk,
        day=workspace.local_date(entry.started_at),
        started_at=entry.started_at,
        network=entry.network,
        activity=entry.activity,
        minutes=entry.minutes,
        note=entry.note,
    )


@router.get("/time-entries", response={200: TimeEntryPage, **REFUSALS})
@allowed(Action.LOG_TIME, Scope.READ)
def time_entries_list(request: HttpRequest, paging: Query[Paging]) -> TimeEntryPage:
    """The token's creator's logged time, the latest first (as the time page lists it)."""
    caller = caller_of(request)
    rows = timesheet.time_entries_logged(workspace=caller.workspace, user=caller.user)
    found, cursor = page(
        rows, field="started_at", descending=True, cursor=paging.cursor, limit=paging.limit
    )
    items = [_entry_out(e, caller.workspace) for e in found]
    return TimeEntryPage(items=items, next_cursor=cursor)


class TimeEntryIn(Schema):
    day: ShortText = Field(description="YYYY-MM-DD, in the workspace's time zone.")
    network: ShortText
    activity: ShortText = Field(
        description="writing, visuals, publishing, answering, analysing or ads."
    )
    minutes: int = Field(description="From 1 to 1,440.")
    note: ShortText = ""


@router.post("/time-entries", response={201: TimeEntryOut, **REFUSALS})
@allowed(Action.LOG_TIME, Scope.WRITE)
def time_entry_create(request: HttpRequest, body: TimeEntryIn) -> Status[TimeEntryOut]:
    """Time logged afterwards, with the time page's form (counted on that day)."""
    caller = caller_of(request)
    form = TimeEntryForm(
        {
            "day": body.day,
            "network": body.network,
            "activity": body.activity,
            "minutes": str(body.minutes),
            "note": body.note,
        }
    )
    data = form_valid(form)
    entry = timesheet.time_entry_add(workspace=caller.workspace, user=caller.user, **data)
    return Status(201, _entry_out(entry, caller.workspace))


# --- Tracked links -------------------------------------------------------------------------


class LinkOut(Schema):
    id: int
    code: str
    short_url: str = Field(description="What to put in a post: it counts people's clicks.")
    destination: str
    target: str = Field(description="Where it leads: the destination with its UTM parameters.")
    label: str
    network: str
    utm_campaign: str
    created_at: datetime
    clicks: int = Field(description="People's clicks (crawlers and previews aside), all time.")
    clicks_30d: int = Field(description="The same, in the last 30 days.")


class LinkPage(Page):
    items: list[LinkOut]


def _link_out(request: HttpRequest, link: ShortLink, total: int, recent: int) -> LinkOut:
    return LinkOut(
        id=link.pk,
        code=link.code,
        short_url=short_url(request, link),
        destination=link.destination,
        target=target_url(link),
        label=link.label,
        network=link.network,
        utm_campaign=link.utm_campaign,
        created_at=link.created_at,
        clicks=total,
        clicks_30d=recent,
    )


@router.get("/links", response={200: LinkPage, **REFUSALS})
@allowed(Action.VIEW_STRATEGY, Scope.READ)
def tracked_links_list(request: HttpRequest, paging: Query[Paging]) -> LinkPage:
    """The workspace's tracked links, newest first, with their clicks."""
    rows = links_counted(workspace=caller_of(request).workspace, now=timezone.now())
    found, cursor = page(
        rows, field="created_at", descending=True, cursor=paging.cursor, limit=paging.limit
    )
    items = [_link_out(request, link, link.total, link.recent) for link in found]  # type: ignore[attr-defined]
    return LinkPage(items=items, next_cursor=cursor)


class LinkIn(Schema):
    destination: Text = Field(description="An http or https address (2,000 characters at most).")
    label: ShortText = ""
    network: ShortText = Field("", description="The network it is for; '' for any.")
    utm_campaign: ShortText = ""


@router.post("/links", response={201: LinkOut, **REFUSALS})
@allowed(Action.COMPOSE, Scope.WRITE)
def tracked_link_create(request: HttpRequest, body: LinkIn) -> Status[LinkOut]:
    """A short link to a page, with UTM parameters, through the links page's form."""
    caller = caller_of(request)
    data = form_valid(LinkForm(body.model_dump()))
    link = link_create(workspace=caller.workspace, actor=caller.user, **data)
    return Status(201, _link_out(request, link, 0, 0))


# --- Conversions ---------------------------------------------------------------------------


class ConversionOut(Schema):
    id: int
    reference: str = Field(description="The workspace's own id for it (`id` when recorded).")
    occurred_at: datetime
    value: Decimal
    network: str
    link: str | None = Field(description="The tracked link's code.")
    contact: Ref | None = Field(
        description="The person, when the inbox knows them and the token has the people scope."
    )
    source: str = Field(description="csv, webhook or api.")
    created_at: datetime


class ConversionPage(Page):
    items: list[ConversionOut]


def _amount(value: object) -> Decimal:
    """Two decimals, as the page shows it (SQLite hands the expression back as a float)."""
    amount = Decimal(str(value))
    try:
        return amount.quantize(CENT)
    except InvalidOperation:  # a legacy amount beyond the column (conversions_listed)
        return amount


def _conversion_out(row: Conversion, caller: Caller) -> ConversionOut:
    # The return page names the person to those who see the strategy; a program, only
    # with the scope for people's data.
    contact = row.contact if Scope.PEOPLE.value in caller.token.scopes else None
    return ConversionOut(
        id=row.pk,
        reference=row.external_id,
        occurred_at=row.occurred_at,
        value=_amount(row.amount),  # type: ignore[attr-defined]
        network=row.network,
        link=row.link.code if row.link else None,
        contact=Ref(id=contact.pk, name=contact.name) if contact else None,
        source=row.source,
        created_at=row.created_at,
    )


@router.get("/conversions", response={200: ConversionPage, **REFUSALS})
@allowed(Action.VIEW_STRATEGY, Scope.READ)
def conversions_list(request: HttpRequest, paging: Query[Paging]) -> ConversionPage:
    """Conversions, the latest first (the return page's "Latest conversions")."""
    caller = caller_of(request)
    rows = conversions_listed(workspace=caller.workspace)
    found, cursor = page(
        rows, field="occurred_at", descending=True, cursor=paging.cursor, limit=paging.limit
    )
    return ConversionPage(items=[_conversion_out(c, caller) for c in found], next_cursor=cursor)


class ConversionIn(Schema):
    """The conversions webhook's body (docs/strategy.md), checked the same way."""

    id: str = Field(description="Your own reference: sent twice, it is recorded once.")
    date: str = Field(description="2026-11-21, or 2026-11-21T14:30 (workspace time).")
    value: str | int | float | None = Field(None, description="An amount, such as 24.50.")
    network: str = ""
    link: str = Field("", description="A tracked link's code or short address.")
    contact: str = Field("", description="The person's handle, if the inbox knows them.")
    customer: bool | str = Field(False, description="true: tag the person a customer.")


@router.post("/conversions", response={201: ConversionOut, 200: ConversionOut, **REFUSALS})
@allowed(Action.MANAGE_STRATEGY, Scope.WRITE)
def conversion_create(request: HttpRequest, body: ConversionIn) -> Status[ConversionOut]:
    """Record a sale, sign-up or booking: 201, or 200 with the conversion already recorded
    under this reference (nothing changes)."""
    caller = caller_of(request)
    workspace = caller.workspace
    try:
        item = conversion_parse(workspace=workspace, data=body.model_dump())
    except Invalid as problem:
        raise refused(422, "conversion_invalid", problem) from None
    created = conversion_record(workspace=workspace, item=item, source="api")
    row = conversions_listed(workspace=workspace).get(external_id=item.external_id)
    return Status(201 if created else 200, _conversion_out(row, caller))
