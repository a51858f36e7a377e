from __future__ import annotations

import unicodedata
from functools import cache

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.dates import WEEKDAYS
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
        slots = []
        for part in str(self.cleaned_data["time_slots"]).split(","):
            if not part.strip():
                continue
            # "lundi 9h", "Monday at 9:00", "mer. à 18h30": a day, then a time.
            words = [w for w in part.strip().split() if w.lower() not in FILLERS]
            day = _weekday(words[0]) if len(words) == 2 else None
            at = _clock(words[1]) if len(words) == 2 else None
            if day is None or at is None:
                raise forms.ValidationError(
                    _("“%(slot)s” is not a day and a time, e.g. mon 09:00.")
                    % {"slot": part.strip()[:40]}
                )
            slots.append(f"{day} {at}")
        return slots


# Words between a day and its time, as people write them.
FILLERS = {"à", "a", "at", "@"}


def _clock(value: str) -> str | None:
    """ "9:00", "09:30", "9h", "18h30", "18H30" → "HH:MM"; None for anything else."""
    hour, separator, minute = value.lower().replace("h", ":", 1).partition(":")
    minute = minute or ("00" if separator else "")
    # isascii(): "²".isdigit() is true, and int() refuses it.
    digits = hour.isascii() and hour.isdigit() and minute.isascii() and minute.isdigit()
    if not digits or len(hour) > 2 or len(minute) != 2:
        return None
    if int(hour) > 23 or int(minute) > 59:
        return None
    return f"{int(hour):02d}:{minute}"


def _weekday(word: str) -> int | None:
    """Monday is 0. A day's name in any language of the site, whole or cut after three
    letters or more ("wed", "Wednes.", "mer", "Mercredi", "MERC"), wherever the person
    is reading: a slot typed in French by an English reader is still understood."""
    typed = _folded(word.rstrip("."))
    if len(typed) < 3:
        return None
    found = {day for day, name in _weekday_names() if name.startswith(typed)}
    return found.pop() if len(found) == 1 else None


def _folded(word: str) -> str:
    """Lower case, without accents: "Mercredi", "MERCREDI" and "mércredi" are one word."""
    decomposed = unicodedata.normalize("NFKD", word).lower()
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache  # the same for the process's life: not read again for every slot of every form
def _weekday_names() -> tuple[tuple[int, str], ...]:
    names = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for day, name in WEEKDAYS.items():
                names.append((day, _folded(str(name))))
    return tuple(names)
