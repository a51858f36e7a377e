"""A list page's filter bar: the filters that hold apply, the others are named with why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from palabre.lib.wordsearch import MAX_LENGTH, MAX_WORDS, words_beyond


def search_field() -> forms.CharField:
    """A filter bar's search box: its words (palabre.lib.wordsearch), named in left_out."""
    return forms.CharField(
        required=False, max_length=MAX_LENGTH, label=pgettext_lazy("a filter", "Search")
    )


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
        called = _called(form, name)
        if called:  # an unnamed one (the inbox's queue) falls back to its default unsaid
            said.append((called, str(errors[0])))
    return said


def words_left(form: forms.Form, field: str = "text") -> str:
    """After applied(form): the words of its search past the bound, which were dropped
    unsaid ("" for none); the page says the first ones were searched, these not."""
    beyond = words_beyond(applied(form).get(field) or "")
    if not beyond:
        return ""
    return _("Only the first %(count)d words are searched; left out: %(words)s") % {
        "count": MAX_WORDS,
        "words": " ".join(beyond),
    }


def _called(form: forms.Form, name: str) -> str:
    field = form.fields.get(name)
    return str(field and (field.widget.attrs.get("aria-label") or field.label) or "")
