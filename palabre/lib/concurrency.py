"""Optimistic concurrency: a save based on a version someone else has moved past is refused.

A model that two people edit carries `version = models.PositiveIntegerField(default=0)`.
Its form sends back the version it was opened at (a hidden field); the service calls
`version_advance` first, in the same transaction as its writes. One conditional UPDATE
both checks and moves the version, so two saves racing on the same version cannot both
pass. The view answers `StaleVersion` by showing the person's own input again, beside what
the other person saved: nothing is lost.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.db import models
from django.db.models import F


class StaleVersion(Exception):
    """Someone saved this object since the form was opened; nothing was written."""


def saved_at_version(instance: models.Model, *, seen: int | None, values: dict[str, Any]) -> None:
    """Write `values` onto `instance`, which a form opened at version `seen`: StaleVersion if
    someone saved it since, or if the form sent no version (it cannot say what it saw)."""
    if seen is None:
        raise StaleVersion
    version_advance(instance, seen=seen)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save(update_fields=list(values))


def version_advance(instance: models.Model, *, seen: int | None) -> int:
    """Move `instance` from version `seen` to the next, or raise StaleVersion.

    `seen` None (a caller with no form, such as a job or the demo) skips the check but
    still moves the version, so an open form based on the old one is refused later.
    """
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    if seen is not None:
        rows = rows.filter(version=seen)
    if rows.update(version=F("version") + 1) != 1:
        raise StaleVersion
    instance.refresh_from_db(fields=["version"])
    return int(instance.version)  # type: ignore[attr-defined]


class VersionField(forms.Field):
    """The hidden version a form was opened at. Missing or mangled, it reads -1, which no row
    has: the save is refused as stale and the person's input shown again, never saved blind."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> int:
        text = str(value or "")
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else -1


ONCE = re.compile(r"[0-9a-f]{32}")


def new_once() -> str:
    return uuid.uuid4().hex


class OnceField(forms.Field):
    """The token a page carries so that it is acted on once: sent twice (a double click, a
    page sent again after the browser's Back), an answer is queued once
    (inbox.services.interaction_reply's `once`), a new post saved once
    (publishing.services.post_compose_once). A token that is not one a page gave is
    dropped, not refused: the person could not correct a hidden field."""

    widget = forms.HiddenInput

    def __init__(self) -> None:
        super().__init__(required=False, initial=new_once)

    def clean(self, value: Any) -> str:
        return value if isinstance(value, str) and ONCE.fullmatch(value) else ""
