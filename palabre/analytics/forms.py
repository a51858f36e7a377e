from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import User, Workspace
from palabre.analytics.metrics import Scope
from palabre.channels.models import Channel
from palabre.lib.ids import IdsField
from palabre.lib.months import month_after, parse_month

DEFAULT_DAYS = 30  # the reports' period when none is chosen, and the home page's
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
    wins over a period (as the API says); the page shows the period empty then, so that the
    form says what the report covers (and reports.js keeps the two apart as one is chosen)."""

    period = forms.ChoiceField(
        label=_("Period"), choices=[("", "—"), *PERIODS], required=False, initial=DEFAULT_DAYS
    )
    month = forms.CharField(
        label=_("or a month"),
        required=False,
        max_length=7,
        widget=forms.DateInput(attrs={"type": "month"}),
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
        if self.is_bound and self.is_valid():  # shown as read: the month, or a period
            month, period = self.cleaned_data["month"], self.cleaned_data["period"]
            shown = dict(self.data.items())  # a QueryDict's items are its last values
            self.data = {**shown, "period": "" if month else period or str(DEFAULT_DAYS)}

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

    def query(self) -> str:
        """The report's query string as the form read it (what is unreadable dropped, in one
        order): the links carry it, and the kept page is found by it."""
        data = self._readable()
        kept = {
            "period": "" if data.get("month") else data.get("period") or "",
            "month": f"{data['month']:%Y-%m}" if data.get("month") else "",
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
        month = data.get("month")
        if month:
            start, end = month_bounds(month, self.workspace)
            return Scope(self.workspace, start, end, ids)
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
