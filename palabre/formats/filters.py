"""The template filter `date`, in place of Django's (settings.TEMPLATES' builtins): every
template's `{{ when|date:"DAY_FORMAT" }}` writes the date as date_text() does, so that
pages and Python code write the first of a month alike ("1er décembre")."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date as django_date

from palabre.formats.written import date_text

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    if not isinstance(value, datetime.date):
        return django_date(value, arg)  # "" for None; a time as Django writes it
    return date_text(value, arg or "DATE_FORMAT")
