from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from palabre.accounts.models import User, Workspace
from palabre.analytics.metrics import Scope
from palabre.channels.models import Channel
from palabre.lib.ids import IdsField
from palabre.lib.months import FIRST_YEAR, LAST_YEAR, month_after, parse_month

DEFAULT_DAYS = 30  # the reports' period when none is chosen, and the home page's
MAX_RANGE_DAYS = 731  # dates chosen by hand: their charts have a point a day
PERIODS = [
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
]


def month_bounds(month: date, workspace: Workspace) -> tuple[datetime, datetime]:
    tz = workspace.tzinfo
    start = datetime.combine(month.replace(day=1), datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(month_after(month), datetime.min.time(), tzinfo=tz)


class ScopeForm(forms.Form):
    """What a report covers; anything unreadable falls back to the last 30 days. A month
    wins over dates (from, to), which win over a period (as the API says); the page shows
    the others empty then, so that the form says what the report covers (and reports.js
    keeps them apart as one is chosen)."""

    period = forms.ChoiceField(
        label=_("Period"), choices=[("", "—"), *PERIODS], required=False, initial=DEFAULT_DAYS
    )
    month = forms.CharField(
        label=_("or a month"),
        required=False,
        max_length=7,
        widget=forms.DateInput(attrs={"type": "month"}),
    )
    start = forms.DateField(
        label=pgettext_lazy("a report's first day", "or from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("a report's last day", "to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("All channels"),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        field = self.fields["channel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Channel.objects.filter(workspace=workspace).order_by("name")
        if self.is_bound and self.is_valid():  # shown as read: a month, dates, or a period
            month, period = self.cleaned_data["month"], self.cleaned_data["period"]
            dated = self._dates() is not None
            shown = dict(self.data.items())  # a QueryDict's items are its last values
            self.data = {
                **shown,
                "period": "" if month or dated else period or str(DEFAULT_DAYS),
                **({"start": "", "end": ""} if month else {}),
            }

    def clean_month(self) -> date | None:
        text = self.cleaned_data.get("month") or ""
        month = parse_month(text)
        if text and month is None:
            # Where the browser shows no month picker (Safari on a Mac), people type it.
            raise forms.ValidationError(
                _("Type the month as year-month, such as %(example)s, between 2000 and 2100.")
                % {"example": f"{timezone.localdate():%Y-%m}"}
            )
        return month

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not data.get("month"):
            self.add_error("end" if end is None else "start", _("Give both dates, or neither."))
        elif start and end and start > end:
            self.add_error("end", _("The end comes before the start."))
        elif start and end and (end - start).days >= MAX_RANGE_DAYS:
            self.add_error("end", _("Two years at most: choose a shorter range."))
        for name in ("start", "end"):
            day = data.get(name)
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, _("Choose a day between 2000 and 2100."))
        return data

    def _dates(self) -> tuple[date, date] | None:
        """The first and last days asked for, both given and read (a month wins over them)."""
        data = self._readable()
        if data.get("month") or not (data.get("start") and data.get("end")):
            return None
        return data["start"], data["end"]

    def query(self) -> str:
        """The report's query string as the form read it (what is unreadable dropped, in one
        order): the links carry it, and the kept page is found by it."""
        data, dates = self._readable(), self._dates()
        kept = {
            "period": "" if data.get("month") or dates else data.get("period") or "",
            "month": f"{data['month']:%Y-%m}" if data.get("month") else "",
            "start": f"{dates[0]:%Y-%m-%d}" if dates else "",
            "end": f"{dates[1]:%Y-%m-%d}" if dates else "",
            "channel": data["channel"].pk if data.get("channel") else "",
        }
        return urlencode({k: v for k, v in kept.items() if v})

    def _readable(self) -> dict[str, Any]:
        """What the form could read: a bad month leaves a good period (and channel) in use,
        as the form, which shows them, says."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def scope(self) -> Scope:
        data = self._readable()
        channel = data.get("channel")
        ids = (channel.pk,) if channel else ()
        month, dates = data.get("month"), self._dates()
        if month:
            start, end = month_bounds(month, self.workspace)
            return Scope(self.workspace, start, end, ids)
        if dates:
            tz = self.workspace.tzinfo
            first = datetime.combine(dates[0], datetime.min.time(), tzinfo=tz)
            after = datetime.combine(dates[1] + timedelta(days=1), datetime.min.time(), tzinfo=tz)
            return Scope(self.workspace, first, after, ids)
        days = int(data.get("period") or DEFAULT_DAYS)
        return last_days(self.workspace, days, timezone.now(), ids)


def last_days(
    workspace: Workspace, days: int, end: datetime, channel_ids: tuple[int, ...] = ()
) -> Scope:
    """The `days` days up to `end`: the reports' default period, and the home page's."""
    return Scope(workspace, end - timedelta(days=days), end, channel_ids, rolling_days=days)


class MemberChoiceField(IdsField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})"


class ReportSettingsForm(forms.Form):
    business_hours = forms.BooleanField(
        label=_("Count response times in business hours only"), required=False
    )
    business_start = forms.TimeField(
        label=_("Business hours start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    business_end = forms.TimeField(
        label=_("Business hours end"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    business_days = forms.MultipleChoiceField(
        label=_("Business days"),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("0", _("Monday")),
            ("1", _("Tuesday")),
            ("2", _("Wednesday")),
            ("3", _("Thursday")),
            ("4", _("Friday")),
            ("5", _("Saturday")),
            ("6", _("Sunday")),
        ],
        required=False,
    )
    recipients = MemberChoiceField(
        label=_("Send the monthly PDF report to"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sent on the 1st of each month, for the month before."),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipients"]
        assert isinstance(field, MemberChoiceField)
        field.queryset = User.objects.filter(memberships__workspace=workspace).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("business_start"), data.get("business_end")
        if start and end and end <= start:
            self.add_error("business_end", _("Business hours must end after they start."))
        if data.get("business_hours") and not data.get("business_days"):
            self.add_error("business_days", _("Choose at least one business day."))
        return data
