"""Forms for people and workspaces: every field bounded, every error in the person's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Role, validate_timezone
from palabre.lib.numbers import AmountField
from palabre.lib.oneline import validate_one_line

COMMON_TIMEZONES = [
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/Luxembourg",
    "Europe/London",
    "America/Montreal",
    "America/Toronto",
    "America/New_York",
    "Africa/Casablanca",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Indian/Reunion",
    "America/Martinique",
    "Pacific/Noumea",
    "UTC",
]


class PasswordResetInTheirLanguageForm(PasswordResetForm):
    """The reset e-mail in the account's language, not in the browser's that asked for it:
    whoever asks, the message reaches the account's owner."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        with translation.override(context["user"].language or settings.LANGUAGE_CODE):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    password = forms.CharField(label=_("Password"), max_length=128, widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TotpDisableForm(forms.Form):
    """Turning two-factor login off asks for what only the person has: both factors."""

    password = forms.CharField(label=_("Password"), max_length=128, widget=forms.PasswordInput)
    code = forms.CharField(
        label=_("Six-digit code from your app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TotpEnableForm(TotpForm):
    """Turning two-factor login on asks for the password too (not only an open session)."""

    password = forms.CharField(label=_("Password"), max_length=128, widget=forms.PasswordInput)
    field_order = ["password", "code"]


class TotpReplaceForm(TotpForm):
    """Two-factor login already on: moving it to another app asks for both factors too."""

    password = forms.CharField(label=_("Password"), max_length=128, widget=forms.PasswordInput)
    current_code = forms.CharField(
        label=_("Current code from the app you use now"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["password", "current_code", "code"]


class TimezoneField(forms.CharField):
    """Free text with suggestions, so any IANA zone works and a typo gets a clear message."""

    default_validators = [validate_timezone]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("initial", settings.DEFAULT_WORKSPACE_TIMEZONE)
        kwargs.setdefault("help_text", _("Every date is shown in this zone, e.g. Europe/Paris."))
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": "timezones"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip()


class WorkspaceForm(forms.Form):
    name = forms.CharField(
        label=_("Workspace name"), max_length=100, validators=[validate_one_line]
    )
    timezone = TimezoneField()


class WorkspaceSettingsForm(WorkspaceForm):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor login for every member"), required=False
    )
    approval_required = forms.BooleanField(
        label=_("Posts need an approver's approval before they are published"), required=False
    )
    crosspost_percent = forms.IntegerField(
        label=_("Flag “same text everywhere” from this similarity (%)"),
        min_value=50,
        max_value=100,
        initial=90,
        help_text=_("Variants of one post at least this alike are flagged in the composer."),
    )
    x_monthly_cap_usd = AmountField(  # "25,00" on a French page, as people type it
        label=_("Monthly cap on X API spending (USD)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_(
            "X bills each request. Before the month's estimate for this workspace's X "
            "channels would pass this, their replies and mentions stop being collected and "
            "the owners are told. Empty: no cap."
        ),
    )


class SetupForm(WorkspaceForm):
    """The very first account of a new installation, and its first workspace."""

    field_order = ["your_name", "email", "password", "name", "timezone"]
    your_name = forms.CharField(
        label=_("Your name"), max_length=100, validators=[validate_one_line]
    )
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    password = forms.CharField(label=_("Password"), max_length=128, widget=forms.PasswordInput)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100, validators=[validate_one_line])
    password = forms.CharField(label=_("Password"), max_length=128, widget=forms.PasswordInput)
    password_again = forms.CharField(
        label=_("Password again"), max_length=128, widget=forms.PasswordInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords differ."))
        elif password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class NameForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        validators=[validate_one_line],
        help_text=_(
            "As your colleagues see it: in the history of each post, the time spent, the inbox."
        ),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_("PNG, JPEG, WebP or GIF, 2 MB at most; it heads the monthly report."),
    )
