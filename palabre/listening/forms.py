"""The Listening pages' forms: a search, the settings, an erasure, and what is done with
what was heard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import User, Workspace
from palabre.accounts.permissions import Action, members_who
from palabre.channels.models import Channel
from palabre.inbox.forms import VersionedForm
from palabre.inbox.models import LANGUAGES, REPLY_LANGUAGES, Category
from palabre.lib.concurrency import OnceField
from palabre.listening.actions import searchable_networks
from palabre.listening.definitions import DefinitionError, terms_read
from palabre.listening.models import ListeningSettings, Role, Search
from palabre.networks.kinds import NETWORKS

TYPED_MOST = 100_000  # characters of a list: far past what 50 terms take, short of a flood

TERMS_HELP = _(
    "One per line. A word: levain (capitals and accents do not matter). Several words: "
    "pain levain lyon (all of them, in any order). An exact phrase, in quotes: "
    "“pain au levain”. A hashtag: #levain. Patterns are not read: write each form "
    "you want (levain, levains)."
)


def network_choices(keys: list[str]) -> list[tuple[str, str]]:
    return [(key, str(NETWORKS[key].label)) for key in keys]


class SearchForm(VersionedForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=REPLY_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: any language."),
    )
    networks = forms.MultipleChoiceField(
        label=_("Networks"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every network Palabre can search."),
    )

    class Meta:
        model = Search
        fields = ["name", "role", "terms", "exclusions", "languages", "networks"]
        widgets = {
            "terms": forms.Textarea(attrs={"rows": 5}),
            "exclusions": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "terms": TERMS_HELP,
            "exclusions": _("Written the same way: a post with any of these is left out."),
            "role": _(
                "One search follows the brand (its names and misspellings): share of voice is "
                "counted against it."
            ),
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        networks = self.fields["networks"]
        assert isinstance(networks, forms.MultipleChoiceField)
        networks.choices = network_choices(searchable_networks())
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = Role.choices  # no blank "---------": every search follows something
        if self.instance.pk is None:
            self.initial.setdefault("role", Role.TOPIC)
        for name in ("terms", "exclusions"):
            field = self.fields[name]
            assert isinstance(field, forms.CharField)
            field.max_length = TYPED_MOST
            field.strip = False  # a line is a term: read by definitions.py, not here
        # An empty list is refused by definitions.py, in the words it uses for the rest.
        self.fields["terms"].required = False

    def _read(self, name: str, *, required: bool) -> str:
        typed = str(self.cleaned_data.get(name) or "")
        try:
            terms_read(typed, required=required)
        except DefinitionError as error:
            raise forms.ValidationError(str(error)) from None
        return typed

    def clean_terms(self) -> str:
        return self._read("terms", required=True)

    def clean_exclusions(self) -> str:
        return self._read("exclusions", required=False)

    def _others(self) -> Any:
        return Search.objects.filter(workspace=self.workspace).exclude(pk=self.instance.pk)

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if self._others().filter(name__iexact=name).exists():
            raise forms.ValidationError(_("Another search is already called that."))
        return name

    def clean_role(self) -> str:
        role = str(self.cleaned_data["role"])
        brand = self._others().filter(role=Role.BRAND).first()
        if role == Role.BRAND and brand is not None:
            raise forms.ValidationError(
                _("“%(name)s” already follows the brand: one search does.") % {"name": brand}
            )
        return role


class ListeningSettingsForm(forms.ModelForm):
    class Meta:
        model = ListeningSettings
        fields = ["retention_days", "x_requests_per_day"]
        help_texts = {
            "retention_days": _(
                "Posts older than this are deleted at the next daily pass, and older ones "
                "found later are not kept: from 1 to 365 days (90 by default)."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["retention_days"]
        # Its own bounds only: with the column's (0 and over) beside them, −5 was told two.
        bounds = (MinValueValidator, MaxValueValidator)
        kept = [v for v in days.validators if not isinstance(v, bounds)]
        days.validators = [*kept, MinValueValidator(1), MaxValueValidator(365)]
        days.widget.attrs.update(min="1", max="365")
        budget = self.fields["x_requests_per_day"]
        budget.validators.append(MaxValueValidator(1_000_000))
        budget.widget.attrs.update(min="0", max="1000000")


class EraseForm(forms.Form):
    handle = forms.CharField(
        label=_("The author’s handle"),
        max_length=300,
        help_text=_(
            "Every post heard from this account is deleted, whether or not it is a contact."
        ),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


KINDS = [("", _("Any kind")), *Category.choices]
LANGS = [("", _("Any language")), *LANGUAGES]


class HeardFilterForm(forms.Form):
    search = forms.ModelChoiceField(queryset=Search.objects.none(), required=False)
    network = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(choices=KINDS, required=False)
    lang = forms.ChoiceField(choices=LANGS, required=False)
    tag = forms.CharField(required=False, max_length=40)
    unseen = forms.BooleanField(required=False, label=_("Unseen only"))

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        search = self.fields["search"]
        assert isinstance(search, forms.ModelChoiceField)
        search.queryset = Search.objects.filter(workspace=workspace)
        search.empty_label = _("Every search")
        network = self.fields["network"]
        assert isinstance(network, forms.ChoiceField)
        # Only the networks Palabre can listen to: the others would always show nothing.
        network.choices = [("", _("Every network")), *network_choices(searchable_networks())]
        labels = {
            "search": _("Search"),
            "network": _("Network"),
            "kind": _("Kind"),
            "lang": _("Language"),
            "tag": _("Tag"),
        }
        for name, label in labels.items():
            self.fields[name].widget.attrs["aria-label"] = label
        self.fields["tag"].widget.attrs["placeholder"] = _("Tag")


class TagForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas."),
    )


class SendForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Send to")
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        # Only those who may read what is sent (a contributor would get a notice of a post
        # they cannot open).
        field.queryset = members_who(workspace, Action.VIEW_LISTENING)
        field.empty_label = _("Nobody")


class HeardReplyForm(forms.Form):
    once = OnceField()
    channel = forms.ModelChoiceField(
        queryset=Channel.objects.none(), label=_("Through"), empty_label=None
    )
    text = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, channels: list[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Channel.objects.filter(pk__in=[c.pk for c in channels])
