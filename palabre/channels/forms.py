from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.networks.kinds import NETWORK_CHOICES


class DemoChannelForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES)
    name = forms.CharField(label=_("Channel name"), max_length=100)


class BlueskyConnectForm(forms.Form):
    service = forms.URLField(
        label=_("Service address"),
        initial="https://bsky.social",
        max_length=200,
        assume_scheme="https",
        help_text=_("https://bsky.social, or your own PDS."),
    )
    handle = forms.CharField(
        label=_("Handle"), max_length=253, help_text=_("e.g. lumiere.bsky.social")
    )
    app_password = forms.CharField(
        label=_("App password"),
        max_length=100,
        widget=forms.PasswordInput,
        help_text=_(
            "Create one in Bluesky: Settings → Privacy and security → App passwords. Never your main password."
        ),
    )

    def clean_handle(self) -> str:
        from palabre.publishing.rules.atproto_syntax import is_valid_handle

        handle = str(self.cleaned_data["handle"]).strip().lstrip("@")
        if not is_valid_handle(handle):
            raise forms.ValidationError(
                _("This is not a Bluesky handle, e.g. lumiere.bsky.social.")
            )
        return handle


class MastodonConnectForm(forms.Form):
    instance = forms.CharField(
        label=_("Your instance"),
        max_length=200,
        help_text=_("e.g. piaille.fr or mastodon.social: Palabre sends you there to authorize it."),
    )
