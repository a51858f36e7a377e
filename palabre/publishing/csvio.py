"""Posts in and out as CSV. An import is all or nothing: every row is checked first, and one
bad row means nothing is imported and each problem is reported with its line."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from palabre.accounts.models import User, Workspace
from palabre.channels.models import Channel
from palabre.lib.csvsafe import (
    columns_twice,
    csv_rows,
    csv_writer,
    not_utf8,
    overflowing_line,
    unreadable_line,
    utf8_text,
)
from palabre.lib.months import FIRST_YEAR, LAST_YEAR
from palabre.networks.kinds import NETWORKS
from palabre.publishing.models import Category, Post, PostVariant
from palabre.publishing.planning import local_moment
from palabre.publishing.rules import check_text

IMPORT_COLUMNS = ["publish_at", "category", "network", "channel", "text"]
ALIASES = {"channel": "channels"}  # the export's name: an exported file imports as it is
EXPORT_COLUMNS = ["id", "status", "category", "publish_at", "network", "channels", "text"]
MAX_BYTES = 2_000_000
MAX_ROWS = 1000
DATE_FORMAT = "%Y-%m-%d %H:%M"


def export_posts(workspace: Workspace) -> str:
    out = io.StringIO()
    writer = csv_writer(out)  # every cell kept text, numbers kept numbers
    writer.writerow(EXPORT_COLUMNS)
    tz = workspace.tzinfo
    for post in (
        Post.objects.filter(workspace=workspace)
        .prefetch_related("variants__channels")
        .order_by("pk")
    ):
        when = post.publish_at.astimezone(tz).strftime(DATE_FORMAT) if post.publish_at else ""
        for variant in post.variants.all():
            channels = "|".join(c.name for c in variant.channels.all())
            writer.writerow(
                [
                    post.pk,
                    post.status,
                    post.category,
                    when,
                    variant.network,
                    channels,
                    variant.text,
                ]
            )
    return out.getvalue()


def import_posts(
    workspace: Workspace, author: User, raw: bytes
) -> tuple[int, list[dict[str, Any]]]:
    """Import the rows of a CSV file as drafts: all of them, or none and each row's problems."""
    text = utf8_text(raw)
    if text is None:
        return 0, [{"line": 1, "errors": [not_utf8()]}]
    read = csv_rows(text, most=MAX_ROWS)
    if read.stopped_at == 1:
        return 0, [{"line": 1, "errors": [unreadable_line()]}]
    if read.twice:
        return 0, [{"line": 1, "errors": [columns_twice(read.twice)]}]
    missing = [
        c for c in IMPORT_COLUMNS if c not in read.header and ALIASES.get(c) not in read.header
    ]
    if missing:
        return 0, [
            {
                "line": 1,
                "errors": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}],
            }
        ]
    if len(read.rows) > MAX_ROWS:
        line = read.rows[-1][0]
        return 0, [
            {
                "line": line,
                "errors": [_("More than %(max)s rows: split the file.") % {"max": MAX_ROWS}],
            }
        ]
    channels = {
        (c.name.casefold(), c.network): c for c in Channel.objects.filter(workspace=workspace)
    }
    categories = _categories()  # read once: every row looks its category up in it
    checked = [_check_row(line, row, workspace, channels, categories) for line, row in read.rows]
    for line, errors, _values in checked:
        if line in read.overflowing:
            errors.insert(0, overflowing_line())
    if read.stopped_at is not None:  # the reader stops there: the lines after it cannot be read
        checked.append((read.stopped_at, [unreadable_line()], {}))
    if not checked:
        return 0, [{"line": 1, "errors": [_("The file has no rows.")]}]
    with transaction.atomic():
        # One import at a time per workspace: the same file sent twice (a double click) finds
        # the first one's posts.
        list(Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk"))
        _twice(checked, workspace)
        report = [{"line": line, "errors": errors} for line, errors, _row in checked]
        if any(errors for _line, errors, _row in checked):
            return 0, report
        for _line, _errors, values in checked:
            post = Post.objects.create(
                workspace=workspace,
                author=author,
                idea=values["text"],
                category=values["category"],
                publish_at=values["publish_at"],
            )
            variant = PostVariant.objects.create(
                post=post, network=values["network"], text=values["text"]
            )
            variant.channels.set(values["channels"])
    return len(checked), report


def _twice(checked: list[tuple[int, list[str], dict[str, Any]]], workspace: Workspace) -> None:
    """Add a problem to a row that repeats an earlier one, or a post the workspace has (the
    same file sent twice): all or nothing, so the person removes it and sends the file again.
    The same text at the same time on other channels is another post."""

    def key(publish_at: Any, network: str, text: str, channels: Any) -> tuple[Any, ...]:
        return (publish_at, network, text, frozenset(c.pk for c in channels))

    # Rows already refused are not looked up: a NUL in one is an error in PostgreSQL's query.
    texts = {values["text"] for _line, errors, values in checked if values and not errors}
    variants = PostVariant.objects.filter(post__workspace=workspace, text__in=texts)
    known = {
        key(v.post.publish_at, v.network, v.text, v.channels.all()): v.post_id
        for v in variants.select_related("post").prefetch_related("channels")
    }
    first: dict[tuple[Any, ...], int] = {}
    for line, errors, values in checked:
        if not values or errors:
            continue
        found = key(values["publish_at"], values["network"], values["text"], values["channels"])
        if found in first:
            errors.append(_("The same post as line %(line)s.") % {"line": first[found]})
        elif found in known:
            errors.append(
                _("This post is already in the calendar (number %(id)s).") % {"id": known[found]}
            )
        first.setdefault(found, line)


def _check_row(
    number: int,
    row: dict[str, Any],
    workspace: Workspace,
    channels: dict[tuple[str, str], Channel],
    categories: dict[str, str],
) -> tuple[int, list[str], dict[str, Any]]:
    errors: list[str] = []
    text = (row.get("text") or "").strip()
    network = (row.get("network") or "").strip().lower()
    category = (row.get("category") or "").strip().lower()
    values: dict[str, Any] = {
        "text": text,
        "network": network,
        "category": category,
        "channels": [],
        "publish_at": None,
    }
    if any("\x00" in value for value in row.values() if isinstance(value, str)):
        errors.append(_("This line contains a NUL character: remove it."))  # PostgreSQL refuses
    if network not in NETWORKS:
        errors.append(_("Unknown network “%(name)s”.") % {"name": network[:100]})
    values["category"] = categories.get(category, category)
    if values["category"] not in Category.values:
        named = ", ".join(f"{c.value} ({c.label})" for c in Category)
        errors.append(
            _("Unknown category “%(name)s”: use %(names)s.")
            % {"name": category[:100], "names": named}
        )
    when = (row.get("publish_at") or "").strip()
    if when:
        parsed = _moment(when)
        if parsed is None:
            errors.append(_date_refused(when))
        else:
            # Outside these years a calendar cannot show it, and year 1 overflows in UTC.
            if FIRST_YEAR <= parsed.year <= LAST_YEAR:
                values["publish_at"] = local_moment(parsed.date(), parsed.time(), workspace.tzinfo)
            else:
                errors.append(
                    _("Date “%(value)s” must be between %(first)s and %(last)s.")
                    % {"value": when, "first": FIRST_YEAR, "last": LAST_YEAR}
                )
    # One channel's name, or the export's "channels": names joined with "|" (a name that
    # holds "|" itself is read whole first).
    cell = (row.get("channel") or row.get(ALIASES["channel"]) or "").strip()
    names = [cell] if (cell.casefold(), network) in channels else cell.split("|")
    for name in filter(None, (n.strip() for n in names)):
        channel = channels.get((name.casefold(), network)) if network in NETWORKS else None
        if channel is not None:
            values["channels"].append(channel)
        elif network in NETWORKS:
            errors.append(
                _("No %(network)s channel named “%(name)s”.")
                % {"network": network, "name": name[:100]}
            )
    if network in NETWORKS:
        errors += [p.message for p in check_text(network, text).errors]
    elif not text:  # said with the network's rules where there is one
        errors.append(_("Write something: the text is empty."))
    return number, errors, values


def _categories() -> dict[str, str]:
    """Each category by its code, or by its name in English or in the reader's language
    (a spreadsheet written in French says "Promotionnel")."""
    with translation.override("en"):
        english = {str(c.label).casefold(): c.value for c in Category}
    return english | {str(c.label).casefold(): c.value for c in Category}


# French readers write dates day first: read so when the page is in French, never otherwise
# (03/04 is the 3rd of April there, the 4th of March in the United States).
DAY_FIRST = {"fr": "%d/%m/%Y %H:%M"}


def _moment(text: str) -> datetime | None:
    formats = [DATE_FORMAT, DAY_FIRST.get(translation.get_language() or "", DATE_FORMAT)]
    for pattern in formats:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _date_refused(text: str) -> str:
    if (translation.get_language() or "") in DAY_FIRST:
        return _("Date “%(value)s” is not YYYY-MM-DD HH:MM nor DD/MM/YYYY HH:MM.") % {
            "value": text[:40]
        }
    return _("Date “%(value)s” is not YYYY-MM-DD HH:MM.") % {"value": text[:40]}
