"""What a workspace's X channels cost this month, estimated from the requests they made
(ApiUsage, counted by the X connector through usage.py) and the instance's price table, and
the workspace's monthly cap, which stops the inbox's polling before it is passed.

X bills pay-per-use (https://docs.x.com/x-api/getting-started/pricing): reads per resource
returned (each post, each user), writes per request. The X connector (networks/x/client.py)
records each request under one of the kinds of DEFAULT_PRICES, and a page of posts read as
its posts (each billed). The
prices change: PALABRE_X_PRICES (a JSON object, US dollars) overrides any of them; a kind
nobody priced costs `default`. The estimate is Palabre's count, not X's bill: the X
developer console has the real figure.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext_noop

from palabre.accounts.models import Workspace
from palabre.channels.models import BILLED_CONNECTORS, ApiUsage, Channel, XCapNotice
from palabre.channels.usage import this_month

log = logging.getLogger("palabre.channels")

# US dollars, from X's pricing page (December 2026); docs/networks/x.md lists them.
DEFAULT_PRICES: dict[str, Decimal] = {
    "post_read": Decimal("0.005"),  # a post read (mentions, searches, listening, lookups)
    "user_read": Decimal("0.010"),  # a user read (the account, its followers count)
    "post_create": Decimal("0.015"),  # a post, a thread's part, a reply, a quote
    "post_create_url": Decimal("0.200"),  # the same holding a link ("Content: Create (with URL)")
    "post_delete": Decimal("0.010"),  # "Interaction: Delete"
    "reply_hide": Decimal("0.005"),  # hiding or unhiding a reply ("Content: Manage")
    "media_upload": Decimal("0.005"),  # each upload request, alt text ("Media Metadata")
    "default": Decimal("0.015"),  # any other kind: the price of an ordinary write
}
# A poll reads at most one page of the inbox's (inbox/ingest.py FULL_PAGE): the next poll is
# estimated at that many posts read, so polling stops while the cap still covers it.
POLL_POSTS = 50
# No request costs more: a price beyond is a typing slip (and would overflow the sums).
MAX_PRICE = Decimal(1000)
X_POLLING_PAUSED = gettext_noop(
    "X polling is paused for this workspace until next month: its X requests this "
    "month are estimated at $%(spent)s, and the next poll could pass the monthly cap "
    "of $%(cap)s. Replies and mentions on X are not collected meanwhile; publishing "
    "goes on. Raise the cap in Settings → General to resume now."
)


def x_prices() -> dict[str, Decimal]:
    """The default table with PALABRE_X_PRICES's overrides; a malformed value is logged
    and ignored (the defaults stay)."""
    prices = dict(DEFAULT_PRICES)
    raw = settings.PALABRE_X_PRICES
    if not raw:
        return prices
    try:
        given = json.loads(raw)
        if not isinstance(given, dict):
            raise ValueError("not an object")
        for kind, price in given.items():
            value = Decimal(str(price))
            if not value.is_finite() or not 0 <= value <= MAX_PRICE:
                raise ValueError(f"{kind}: {price}")
            prices[str(kind)] = value
    except (ValueError, InvalidOperation) as error:
        log.warning("PALABRE_X_PRICES is not a JSON object of prices, ignored: %s", error)
        return dict(DEFAULT_PRICES)
    return prices


def price_of(by_kind: dict[str, int], prices: dict[str, Decimal]) -> Decimal:
    return sum(
        (prices.get(kind, prices["default"]) * count for kind, count in by_kind.items()),
        Decimal(0),
    )


@dataclass(frozen=True)
class Month:
    requests: int
    usd: Decimal


def channel_x_month(channel: Channel) -> Month:
    """The requests the channel made to X this month and what they cost, estimated."""
    usage = ApiUsage.objects.filter(channel=channel, month=this_month()).first()
    if usage is None:
        return Month(0, Decimal(0))
    return Month(usage.requests, price_of(usage.by_kind or {}, x_prices()))


def workspace_x_month(workspace: Workspace) -> Month:
    """The same for all the workspace's X channels."""
    rows = ApiUsage.objects.filter(
        channel__workspace=workspace,
        channel__connector__in=BILLED_CONNECTORS,
        month=this_month(),
    )
    prices = x_prices()
    usd = sum((price_of(row.by_kind or {}, prices) for row in rows), Decimal(0))
    requests = rows.aggregate(total=Sum("requests"))["total"] or 0
    return Month(requests, usd)


def poll_estimate() -> Decimal:
    prices = x_prices()
    return prices.get("post_read", prices["default"]) * POLL_POSTS


def x_poll_over_cap(channel: Channel) -> bool:
    """Whether polling this X channel now could take the workspace past its monthly cap.
    The first time in a month, the people who manage channels are told."""
    if not channel.bills_requests:
        return False
    workspace = channel.workspace
    cap = workspace.x_monthly_cap_usd
    if cap is None:
        return False
    spent = workspace_x_month(workspace).usd
    if spent + poll_estimate() <= cap:
        return False
    _tell_once(channel, spent=spent, cap=cap)
    return True


def _tell_once(channel: Channel, *, spent: Decimal, cap: Decimal) -> None:
    from palabre.channels.services import channel_owners_tell

    try:
        with transaction.atomic():  # two workers reaching the cap at once tell once
            XCapNotice.objects.create(workspace_id=channel.workspace_id, month=this_month())
    except IntegrityError:
        return

    params = {"spent": f"{spent:.2f}", "cap": f"{cap:.2f}"}
    channel_owners_tell(channel=channel, message=X_POLLING_PAUSED, params=params)
