"""A list page's filter bar: the filters that hold apply, the others are named with why."""

from __future__ import annotations

from typing import Any

from django import forms


def applied(form: forms.Form) -> dict[str, Any]:
    """The filters that hold, even when one does not: a bookmark whose channel was removed
    listed everything under a search box still showing its words. ({} for no filter.)"""
    form.is_valid()
    return getattr(form, "cleaned_data", {})


def left_out(form: forms.Form) -> list[tuple[str, str]]:
    """After applied(form): each filter not applied, as (its name, why). A filter bar shows
    no labels: a select's name is its aria-label."""
    said = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        called = field and (field.widget.attrs.get("aria-label") or field.label)
        if called:  # an unnamed one (the inbox's queue) falls back to its default unsaid
            said.append((str(called), str(errors[0])))
    return said
