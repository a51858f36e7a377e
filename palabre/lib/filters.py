"""A list page's filter bar: the filters that hold apply, the others are named with why."""

from __future__ import annotations

from django import forms


def left_out(form: forms.Form) -> list[tuple[str, str]]:
    """After form.is_valid(): each filter not applied, as (its name, why). A filter bar shows
    no labels: a select's name is its aria-label."""
    return [
        (
            str(form.fields[name].widget.attrs.get("aria-label", form.fields[name].label)),
            str(errors[0]),
        )
        for name, errors in form.errors.items()
        if name in form.fields
    ]
