from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.lib.months import FIRST_YEAR
from palabre.lib.numbers import AmountField
from palabre.networks.kinds import NETWORK_CHOICES
from palabre.strategy.links import check_destination
from palabre.strategy.models import Activity, Address, AdSpend, Metric, largest_amount

WEEK_MINUTES = 7 * 24 * 60
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Dates typed on these pages: nothing before 2000 (reports and calendars start there), no
# time or money spent in the future, and an objective due within the next ten years.
EARLIEST = date(FIRST_YEAR, 1, 1)
OBJECTIVE_YEARS = 10


def years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, into a year without one
        return day.replace(year=day.year + years, day=28)


def not_before_2000(day: date) -> date:
    if day < EARLIEST:
        raise forms.ValidationError(
            _("The date must be in %(year)s or later.") % {"year": FIRST_YEAR}
        )
    return day


def version_field(*, required: bool) -> forms.IntegerField:
    """The hidden version a form was opened at (optimistic concurrency, lib/concurrency.py).
    Missing or tampered with, it says the form is out of date rather than failing."""
    out_of_date = _("This form is out of date: reload the page and try again.")
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=required,
        min_value=0,
        max_value=2**31 - 1,
        error_messages={
            key: out_of_date for key in ("required", "invalid", "min_value", "max_value")
        },
    )


class DatedForm(forms.Form):
    """A form whose dates are checked against the workspace's today (the view passes it)."""

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()


def _amount(label: Any, **extra: Any) -> forms.DecimalField:
    return AmountField(label=label, min_value=0, max_digits=10, decimal_places=2, **extra)


class LinkForm(forms.Form):
    destination = forms.URLField(
        label=_("Destination"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("The page people reach; UTM parameters are added for your web analytics."),
    )
    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    network = forms.ChoiceField(
        label=_("Network"), choices=[("", _("Any network")), *NETWORK_CHOICES], required=False
    )
    utm_campaign = forms.CharField(
        label=_("Campaign (utm_campaign)"), max_length=100, required=False
    )

    def clean_destination(self) -> str:
        return check_destination(self.cleaned_data["destination"])


class GuidelinesForm(forms.Form):
    version = version_field(required=True)
    tone = forms.CharField(
        label=_("Tone"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How we sound: warm, expert, playful…"),
    )
    address = forms.ChoiceField(
        label=_("In French, address people as"),
        choices=[("", _("No rule")), *Address.choices],
        required=False,
    )
    words_to_avoid = forms.CharField(
        label=_("Words to avoid"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; the composer warns when a variant uses one."),
    )
    max_promotional_percent = forms.IntegerField(
        label=_("Maximum share of promotional posts (percent)"), min_value=0, max_value=100
    )
    weekly_minimum_minutes = forms.IntegerField(
        label=_("Minimum time a week, all networks (minutes)"),
        min_value=0,
        max_value=WEEK_MINUTES,
        help_text=_("At least 30 to 60 minutes a week, or a presence fades."),
    )
    hourly_cost = _amount(
        _("Hourly cost of the time spent"),
        max_value=100_000,
        help_text=_("What an hour of the team’s time costs: it turns time into money."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        min_length=3,
        validators=[RegexValidator(r"^[A-Za-z]{3}$", _("Three letters, such as EUR or USD."))],
    )


class AudienceForm(forms.Form):
    name = forms.CharField(label=_("Audience"), max_length=100)
    description = forms.CharField(
        label=_("Who they are, what they come for"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NetworkPlanForm(forms.Form):
    version = version_field(required=False)  # empty: the form was opened to choose a network
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES)
    reason = forms.CharField(
        label=_("Why this network"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    weekly_budget_minutes = forms.IntegerField(
        label=_("Weekly time budget (minutes)"), min_value=1, max_value=WEEK_MINUTES
    )
    max_hashtags = forms.IntegerField(
        label=_("Hashtags per post, at most"),
        min_value=0,
        max_value=30,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    hashtag_note = forms.CharField(label=_("Hashtag policy"), max_length=300, required=False)


class ObjectiveForm(DatedForm):
    # Both empty: a new objective; else the one changed, at the version it was opened at.
    objective = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )
    version = version_field(required=False)
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    target = _amount(_("Target"), percent_sign=True)  # a response rate's "90 %"
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def clean_deadline(self) -> date:
        deadline: date = self.cleaned_data["deadline"]
        # An objective changed keeps its day, past or not: the one this form was opened for
        # (the page's ?objective=), not whichever id the form sends.
        opened = self.initial.get("objective")
        changed = opened is not None and self.cleaned_data.get("objective") == opened
        kept = changed and deadline == self.initial.get("deadline")
        if deadline < self.today and not kept:
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        if deadline > years_later(self.today, OBJECTIVE_YEARS):
            raise forms.ValidationError(
                _("The deadline must be within %(years)s years.") % {"years": OBJECTIVE_YEARS}
            )
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        # A share of the messages answered: 5,000 % could never be reached (an attack).
        target = data.get("target")
        if data.get("metric") == Metric.RESPONSE_RATE and target is not None and target > 100:
            self.add_error("target", _("A response rate is at most 100 %."))
        return data


class TimerForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES)
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)


class TimeEntryForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE)
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES)
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_day(self) -> Any:
        day = self.cleaned_data["day"]
        if day > timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError(_("Time cannot be logged in the future."))
        return not_before_2000(day)


class AdSpendForm(DatedForm):
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES)
    spent_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = _amount(_("Amount"), max_value=largest_amount(AdSpend, "amount"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_spent_on(self) -> date:
        day: date = self.cleaned_data["spent_on"]
        if day > self.today:
            raise forms.ValidationError(_("Ad spend cannot be recorded in the future."))
        return not_before_2000(day)


class ConversionImportForm(forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(
        label=_("CSV file of conversions"),
        help_text=_(
            "Columns: id, date, value, network, link, contact, customer. Only id and date are "
            "required; a row already imported (same id) is not counted twice."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB: split it."))
        return upload
