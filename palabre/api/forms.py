"""The form a member makes an API token with: every field bounded, every error in their language."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Workspace
from palabre.api.models import ApiToken, Scope
from palabre.api.tokens import LONGEST_LIFE
from palabre.formats.written import date_text
from palabre.lib.oneline import validate_one_line

ON_A_DATE = "date"
LIVES = [
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In 365 days")),
    (ON_A_DATE, _("On a date")),
]
# A date chosen by hand: the token works until the end of that day, a year from today at most.
LAST_DAY = timedelta(days=365)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, so you can tell it from the others."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ApiToken.Kind.choices,
        initial=ApiToken.Kind.PERSONAL,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Both act with your role. Every owner and manager sees a workspace token, and "
            "can revoke it: make one for the team’s tools."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
        help_text=_(
            "A token never does more than your role in this workspace allows now: if your role "
            "changes, or you leave the workspace, your tokens follow."
        ),
    )
    life = forms.ChoiceField(
        label=_("Expiry"), choices=LIVES, initial="90", widget=forms.RadioSelect
    )
    expires_on = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self, *args: Any, workspace: Workspace, workspace_kind: bool, **kwargs: Any
    ) -> None:
        """`workspace_kind`: whether this member may make workspace tokens (owners, managers)."""
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.workspace_kind = workspace_kind
        today = workspace.local_date()
        self.last_day = today + LAST_DAY
        self.fields["expires_on"].widget.attrs.update(
            min=(today + timedelta(days=1)).isoformat(), max=self.last_day.isoformat()
        )

    def clean_name(self) -> str:
        # Run here rather than as a validator: a NUL byte is refused once, by Django's own.
        name: str = self.cleaned_data["name"]
        validate_one_line(name)
        return name

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or ApiToken.Kind.PERSONAL

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ApiToken.Kind.WORKSPACE and not self.workspace_kind:
            # Not offered on the page: a forged form. Said where the form's errors are shown.
            self.add_error(None, _("Only owners and managers create workspace tokens."))
        life = data.get("life")
        if life == ON_A_DATE:
            self._clean_date(data)
        elif life:
            data["expires_at"] = timezone.now() + timedelta(days=int(life))
        return data

    def _clean_date(self, data: dict[str, Any]) -> None:
        day = data.get("expires_on")
        if "expires_on" in self.errors:
            return
        if day is None:
            self.add_error("expires_on", _("Choose the date the token expires."))
            return
        if not self.workspace.local_date() < day <= self.last_day:
            last = date_text(self.last_day, "DATE_FORMAT")
            self.add_error(
                "expires_on",
                _("Choose a day after today and within a year: %(last)s at the latest.")
                % {"last": last},
            )
            return
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.workspace.tzinfo)
        data["expires_at"] = min(end, timezone.now() + LONGEST_LIFE)

    def token_fields(self) -> dict[str, Any]:
        """What `token_create` takes from the form."""
        data = self.cleaned_data
        keys = ("name", "kind", "scopes", "expires_at")
        return {key: data[key] for key in keys}
