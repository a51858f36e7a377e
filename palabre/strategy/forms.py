from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.networks.kinds import NETWORK_CHOICES
from palabre.strategy.links import check_destination


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
