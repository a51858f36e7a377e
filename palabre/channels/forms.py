from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.networks.kinds import NETWORK_CHOICES


class DemoChannelForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES)
    name = forms.CharField(label=_("Channel name"), max_length=100)
