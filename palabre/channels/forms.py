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


class PollForm(forms.Form):
    # Empty: the network's default (settings.INBOX_POLL_SECONDS). At most a day.
    poll_minutes = forms.IntegerField(
        label=_("Look for replies every (minutes)"), min_value=1, max_value=1440, required=False
    )


class PlanningForm(forms.Form):
    cadence_per_week = forms.IntegerField(
        label=_("Posts per week (goal)"), min_value=0, max_value=100, required=False
    )
    time_slots = forms.CharField(
        label=_("Time slots"),
        max_length=500,
        required=False,
        help_text=_("e.g. mon 09:00, wed 12:30, sat 10:00 (in the workspace's time zone)"),
    )

    def clean_time_slots(self) -> list[str]:
        days = {
            "mon": 0,
            "tue": 1,
            "wed": 2,
            "thu": 3,
            "fri": 4,
            "sat": 5,
            "sun": 6,
            "lun": 0,
            "mar": 1,
            "mer": 2,
            "jeu": 3,
            "ven": 4,
            "sam": 5,
            "dim": 6,
        }
        slots = []
        for part in str(self.cleaned_data["time_slots"]).split(","):
            if not part.strip():
                continue
            words = part.strip().lower().split()
            if len(words) != 2 or words[0][:3] not in days or not _is_time(words[1]):
                raise forms.ValidationError(
                    _("“%(slot)s” is not a day and a time, e.g. mon 09:00.")
                    % {"slot": part.strip()[:40]}
                )
            slots.append(f"{days[words[0][:3]]} {words[1].zfill(5)}")
        return slots


def _is_time(value: str) -> bool:
    hour, _sep, minute = value.partition(":")
    # isascii(): "²".isdigit() is true, and int() refuses it.
    return (
        hour.isascii()
        and hour.isdigit()
        and minute.isascii()
        and minute.isdigit()
        and int(hour) < 24
        and int(minute) < 60
        and len(minute) == 2
    )
