from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.lib.oneline import validate_one_line
from palabre.webhooks.events import EVENT_TYPES
from palabre.webhooks.models import URL_MAX
from palabre.webhooks.services import NO_EVENTS


class SubscriptionForm(forms.Form):
    # A plain text field: the outbound guard (services.subscription_url_check) decides, and
    # a host name an operator listed ("receiver", a container's) has no dot to please
    # Django's URL validator.
    url = forms.CharField(
        label=_("Address that receives the events"),
        max_length=URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        validators=[validate_one_line],
        help_text=_("What receives them, for the people who read this list later."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EVENT_TYPES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NO_EVENTS},
    )
