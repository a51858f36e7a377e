from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from palabre.analytics import charts
from palabre.analytics.charts import Chart
from palabre.analytics.definitions import DEFINITIONS

register = template.Library()


@register.filter
def definition(key: str) -> str:
    """The written definition of a figure, for its tooltip ("" for an unknown key)."""
    found = DEFINITIONS.get(key)
    return str(found[1]) if found else ""


@register.filter
def get_stage(stages: dict[str, str], key: str) -> str:
    return str(stages.get(key, key))


@register.filter
def svg(chart: Chart) -> SafeString:
    return charts.svg(chart)
