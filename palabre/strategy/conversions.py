"""Conversions: imported from a CSV file or sent by the shop's own system to a webhook.

Both go through `conversion_parse` and `conversion_record`, so a row means the same thing
whichever way it came, and a reference seen before is recorded once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from palabre.accounts.models import Workspace
from palabre.analytics.community import TAG_CUSTOMER
from palabre.inbox.models import Contact, Identity
from palabre.lib.csvsafe import (
    columns_twice,
    csv_rows,
    not_utf8,
    overflowing_line,
    unreadable_line,
    utf8_text,
)
from palabre.lib.months import FIRST_YEAR, LAST_YEAR
from palabre.lib.storable import unstorable
from palabre.networks.kinds import NETWORKS
from palabre.strategy.models import Conversion, ShortLink, Strategy, largest_amount
from palabre.webhooks.emit import conversion_recorded_emit

COLUMNS = ("id", "date", "value", "network", "link", "contact", "customer")
MAX_ROWS = 10_000
YES = {"1", "yes", "oui", "true", "vrai", "y", "o", "x"}
VALUE_MAX = largest_amount(Conversion, "value")
CENT = Decimal("0.01")


class Invalid(ValueError):
    """One row that cannot be recorded, with the reason in the reader's language."""


@dataclass(frozen=True)
class ConversionInput:
    external_id: str
    occurred_at: datetime
    value: Decimal
    network: str
    link: ShortLink | None
    contact: Contact | None
    customer: bool


def conversion_parse(*, workspace: Workspace, data: dict[str, Any]) -> ConversionInput:
    """One conversion from a CSV row or a webhook's JSON, checked; raises Invalid."""
    text = {key: str(data.get(key) or "").strip() for key in COLUMNS}
    for key, value in text.items():
        if unstorable(value):  # a NUL, or half of an emoji: no database stores either
            raise Invalid(
                _(
                    "“%(name)s” contains a character that cannot be stored (NUL, or half of an emoji): remove it."
                )
                % {"name": key}
            )
    if not text["id"] or len(text["id"]) > 200:
        raise Invalid(
            _("“id” is required: your own reference for this conversion (200 characters at most).")
        )
    link = _link(workspace, text["link"])
    network = text["network"].lower()
    if network and network not in NETWORKS:
        raise Invalid(
            _("Unknown network “%(name)s”: use one of %(names)s.")
            % {"name": text["network"][:40], "names": ", ".join(NETWORKS)}
        )
    return ConversionInput(
        external_id=text["id"],
        occurred_at=_moment(workspace, text["date"]),
        value=_amount(text["value"]),
        network=network or (link.network if link else ""),
        link=link,
        contact=_contact(workspace, text["contact"], network),
        customer=_yes(data.get("customer")),
    )


def _moment(workspace: Workspace, text: str) -> datetime:
    try:
        moment = parse_datetime(text) if "T" in text or ":" in text else None
        day = None if moment else parse_date(text)
    except ValueError:  # well formed but impossible, such as 2026-02-31
        moment = day = None
    if moment is None and day is not None:
        moment = datetime.combine(day, time(12, 0))
    if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Invalid(
            _("“date” must read like 2026-11-21 or 2026-11-21T14:30 (got “%(value)s”).")
            % {"value": text[:40]}
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=workspace.tzinfo)
    # A day's grace: the sender's clock, or its time zone, may run ahead of ours.
    if moment > timezone.now() + timedelta(days=1):
        raise Invalid(_("“date” cannot be in the future (got “%(value)s”).") % {"value": text[:40]})
    return moment


def _amount(text: str) -> Decimal:
    if not text:
        return Decimal(0)
    try:
        value = Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise Invalid(
            _("“value” must be an amount such as 24.50 (got “%(value)s”).") % {"value": text[:40]}
        )
    if value > VALUE_MAX:  # the column's limit: beyond it a row could be written, not read
        raise Invalid(
            _("“value” must be at most %(max)s (got “%(value)s”).")
            % {"max": VALUE_MAX, "value": text[:40]}
        )
    return value.quantize(CENT)


def _link(workspace: Workspace, text: str) -> ShortLink | None:
    if not text:
        return None
    code = text.rstrip("/").rsplit("/", 1)[-1]  # a code, or the whole short link
    link = ShortLink.objects.filter(workspace=workspace, code=code).first()
    if link is None:
        raise Invalid(_("No tracked link “%(value)s” in this workspace.") % {"value": text[:60]})
    return link


def _contact(workspace: Workspace, handle: str, network: str) -> Contact | None:
    """The person with this handle, if the inbox knows them; an unknown handle is no error."""
    if not handle:
        return None
    identities = Identity.objects.filter(workspace=workspace, handle__iexact=handle.lstrip("@"))
    if network:
        identities = identities.filter(network=network)
    identity = identities.select_related("contact").first()
    return identity.contact if identity else None


def _yes(value: object) -> bool:
    return value is True or str(value or "").strip().lower() in YES


def conversion_record(*, workspace: Workspace, item: ConversionInput, source: str) -> bool:
    """Record it (False when this reference was already recorded) and tag the customer."""
    try:
        with transaction.atomic():
            conversion = Conversion.objects.create(
                workspace=workspace,
                external_id=item.external_id,
                occurred_at=item.occurred_at,
                value=item.value,
                network=item.network,
                link=item.link,
                contact=item.contact,
                source=source,
            )
            conversion_recorded_emit(conversion=conversion, customer=item.customer)
    except IntegrityError:
        return False
    if item.customer and item.contact and TAG_CUSTOMER not in item.contact.tags:
        item.contact.tags = [*item.contact.tags, TAG_CUSTOMER]
        item.contact.save(update_fields=["tags"])
    return True


def conversions_listed(*, workspace: Workspace) -> QuerySet[Conversion]:
    """The workspace's conversions, the latest first, each with `amount`, its value.

    The value is read through an expression, not as the column: SQLite stored amounts too
    large for the column before they were bounded, and Django reads such a column value by
    rounding it into the column's digits, which fails; the page must show them, to delete
    them."""
    return (
        Conversion.objects.filter(workspace=workspace)
        .select_related("contact", "link")
        .defer("value")
        .annotate(amount=ExpressionWrapper(F("value"), output_field=DecimalField()))
    )


def conversions_recent(*, workspace: Workspace, limit: int = 20) -> list[Conversion]:
    """The latest conversions, for the return page."""
    return list(conversions_listed(workspace=workspace)[:limit])


def conversion_delete(*, workspace: Workspace, pk: int) -> bool:
    """Delete one of the workspace's conversions; False when it has none by that id."""
    # Only the key is read, so a row whose value overflows its column goes all the same.
    deleted, _by_model = Conversion.objects.filter(workspace=workspace, pk=pk).only("pk").delete()
    return deleted > 0


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0
    errors: list[str] = field(default_factory=list)


def conversions_import(*, workspace: Workspace, raw: bytes) -> ImportResult:
    """A CSV file with a header row. All rows are checked first: if any is wrong, nothing is
    recorded and every wrong line is listed, so the file can be fixed and sent again."""
    rows, unread = _csv_rows(raw)
    items, errors = [], []
    for line, row in rows:
        try:
            items.append(conversion_parse(workspace=workspace, data=row))
        except Invalid as problem:
            errors.append(_line_error(line, problem))
    errors += unread
    if errors:
        return ImportResult(errors=errors)
    result = ImportResult()
    for item in items:
        if conversion_record(workspace=workspace, item=item, source="csv"):
            result.added += 1
        else:
            result.already += 1
    return result


def _line_error(line: int, problem: object) -> str:
    return _("Line %(line)s: %(problem)s") % {"line": line, "problem": problem}


def _csv_rows(raw: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The rows read (with their line), and what stopped the reading, if anything."""
    text = utf8_text(raw)
    if text is None:
        return [], [not_utf8()]
    read = csv_rows(text, most=MAX_ROWS)
    if read.stopped_at == 1:
        return [], [_line_error(1, unreadable_line())]
    if read.twice:
        return [], [_line_error(1, columns_twice(read.twice))]
    missing = [name for name in ("id", "date") if name not in read.header]
    if missing:
        return [], [
            _("The first line must name the columns; missing: %(names)s. Expected: %(all)s.")
            % {"names": ", ".join(missing), "all": ", ".join(COLUMNS)}
        ]
    if len(read.rows) > MAX_ROWS:
        return [], [
            _("At most %(n)s rows per file: split it and import each part.") % {"n": MAX_ROWS}
        ]
    problems = [_line_error(line, overflowing_line()) for line in read.overflowing]
    if read.stopped_at is not None:  # the rows before it are still checked
        problems.append(_line_error(read.stopped_at, unreadable_line()))
    return read.rows, problems


# --- The webhook's secret ------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def webhook_token_new(*, strategy: Strategy) -> str:
    """A new secret for the webhook; only its hash is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    strategy.webhook_token_hash = _digest(token)
    strategy.save(update_fields=["webhook_token_hash"])
    return token


def webhook_token_valid(*, strategy: Strategy, token: str) -> bool:
    stored = strategy.webhook_token_hash
    return bool(stored and token) and hmac.compare_digest(stored, _digest(token))
