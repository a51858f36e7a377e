"""Listening's trends page: volume, spikes, tone, share of voice, authors and words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palabre.accounts.models import Workspace
from palabre.accounts.permissions import Action, membership_for
from palabre.analytics.charts import Chart
from palabre.formats.written import date_text
from palabre.listening import spikes
from palabre.listening.actions import searchable_networks
from palabre.listening.models import Search
from palabre.listening.trends import MIN_POSTS, Tone, Trends, Volume, trends_read
from palabre.networks.kinds import NETWORKS

DEFAULT_DAYS = 30


class TrendsForm(forms.Form):
    """What the page covers; anything unreadable falls back to every search, 30 days."""

    days = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[
            ("7", gettext_lazy("Last 7 days")),
            ("30", gettext_lazy("Last 30 days")),
            ("90", gettext_lazy("Last 90 days")),
        ],
        required=False,
    )
    search = forms.ModelChoiceField(
        label=gettext_lazy("Saved search"),
        queryset=Search.objects.none(),
        required=False,
        empty_label=gettext_lazy("All searches"),
    )
    network = forms.ChoiceField(
        label=gettext_lazy("Network"),
        required=False,
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["search"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Search.objects.filter(workspace=workspace)
        network = self.fields["network"]
        assert isinstance(network, forms.ChoiceField)
        # Only the networks Palabre can listen to: the others would always show nothing.
        network.choices = [
            ("", gettext_lazy("All networks")),
            *[(key, NETWORKS[key].label) for key in searchable_networks()],
        ]

    def chosen(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "days": int(data.get("days") or DEFAULT_DAYS),
            "search": data.get("search"),
            "network": data.get("network") or "",
        }


def listening_trends(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_LISTENING)
    workspace = membership.workspace
    query = request.GET.copy()
    query.setdefault("days", str(DEFAULT_DAYS))  # the period chosen is the one shown
    form = TrendsForm(query, workspace=workspace)
    trends = trends_read(workspace=workspace, **form.chosen())
    context = {
        "membership": membership,
        "section": "listening",
        "form": form,
        "trends": trends,
        "day_charts": [_volume_chart(v, "day") for v in trends.by_day],
        "hour_charts": [_volume_chart(v, "hour") for v in trends.by_hour],
        "tone_charts": _tone_charts(trends),
        "min_posts": MIN_POSTS,
        "spreads": spikes.SPREADS,
        "least_count": spikes.LEAST_COUNT,
        "weeks": spikes.WEEKS,
    }
    return render(request, "listening/trends.html", context)


def _volume_chart(volume: Volume, step: str) -> Chart:
    if step == "day":
        title = _("%(search)s: posts a day") % {"search": volume.search.name}
        labels = [date_text(m, "DAY_AXIS_FORMAT") for m in volume.moments]
    else:
        title = _("%(search)s: posts an hour") % {"search": volume.search.name}
        labels = [f"{m:%H}:00" for m in volume.moments]
    return Chart(
        key=f"{step}-{volume.search.pk}",
        title=title,
        kind="bars",
        labels=tuple(labels),
        values=tuple(float(c) for c in volume.counts),
    )


def _tone_charts(trends: Trends) -> list[Chart]:
    """The positive and negative shares, step by step; a step under MIN_POSTS has no
    point: it is not drawn as a number it cannot support."""
    labels = tuple(date_text(t.first_day, "DAY_AXIS_FORMAT") for t in trends.tone_steps)
    titles = {"positive": _("Positive share"), "negative": _("Negative share")}
    return [
        Chart(
            key=f"tone-{tone}",
            title=titles[tone],
            kind="line",
            labels=labels,
            values=tuple(_shown(step, tone) for step in trends.tone_steps),
            percent=True,
        )
        for tone in ("positive", "negative")
    ]


def _shown(step: Tone, tone: str) -> float | None:
    share = step.share(tone)
    return share.value if share.enough else None
