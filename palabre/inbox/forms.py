from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import User, Workspace
from palabre.accounts.permissions import Action, members_who, scoped
from palabre.channels.models import Channel
from palabre.inbox.models import (
    LANGUAGES,
    AbuseKind,
    Category,
    Contact,
    EventAction,
    ModerationRule,
    RuleAction,
    SavedReply,
)
from palabre.inbox.moderation import rule_author, rule_keywords
from palabre.inbox.saved_replies import TEXT_MAX, saved_reply_text_problem
from palabre.lib.concurrency import OnceField, VersionField
from palabre.lib.filters import search_field
from palabre.networks.base import Visibility
from palabre.publishing.models import Post

QUEUES = {
    "answer": _("Answer first"),
    "all": _("All"),
    "review": _("To review"),
    "hidden": _("Hidden"),
    "mine": _("Assigned to me"),
}


class FilterForm(forms.Form):
    q = forms.ChoiceField(choices=list(QUEUES.items()), required=False)
    channel = forms.ModelChoiceField(queryset=Channel.objects.none(), required=False)
    category = forms.ChoiceField(
        choices=[("", _("All categories")), *Category.choices], required=False
    )
    lang = forms.ChoiceField(choices=[("", _("All languages")), *LANGUAGES], required=False)
    done = forms.ChoiceField(
        choices=[("", _("Open")), ("yes", _("Done")), ("any", _("Open and done"))], required=False
    )
    text = search_field()
    # One post's replies and mentions (its page links here).
    post = forms.IntegerField(
        label=_("Post"), required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.about: Post | None = None  # the post whose replies are listed (clean_post)
        labels = {"category": _("Category"), "lang": _("Language"), "done": _("Open or done")}
        _filters_set(self, workspace, labels)

    def clean_post(self) -> int | None:
        """Another workspace's post (or a deleted one) is said, not read as "no replies";
        the one found is kept for the page (`about`)."""
        pk = self.cleaned_data.get("post")
        if pk:
            self.about = scoped(Post.objects.filter(pk=pk), self.workspace).first()
            if self.about is None:
                raise forms.ValidationError(_("no such post in this workspace"))
        return pk


def _filters_set(form: forms.Form, workspace: Workspace, labels: dict[str, Any]) -> None:
    """A filter bar's channel choice (this workspace's only, "All channels" first) and each
    select's name for screen readers (the bar shows no labels)."""
    field = form.fields["channel"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = Channel.objects.filter(workspace=workspace)
    field.empty_label = _("All channels")
    for name, label in (labels | {"channel": _("Channel")}).items():
        form.fields[name].widget.attrs["aria-label"] = label


class PeopleSearchForm(forms.Form):
    text = search_field()


class LogFilterForm(forms.Form):
    """The moderation log's filters: what was done, by whom, on which channel."""

    action = forms.ChoiceField(
        choices=[("", _("Every action")), *EventAction.choices], required=False
    )
    by = forms.ChoiceField(
        choices=[
            ("", _("By anyone")),
            ("people", _("By a person")),
            ("machine", _("By Palabre or a rule")),
        ],
        required=False,
    )
    channel = forms.ModelChoiceField(queryset=Channel.objects.none(), required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _filters_set(self, workspace, {"action": _("Action"), "by": _("By")})


ANSWER_MAX = 5000  # characters of an answer as typed


class ReplyForm(forms.Form):
    once = OnceField()
    text = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=ANSWER_MAX
    )
    # Who will read it: the page offers the audiences that fit (inbox/audience.py), in
    # words; the service refuses a wider one than what it answers.
    visibility = forms.ChoiceField(
        choices=[("", "—"), *((v.value, v.value) for v in Visibility)], required=False
    )


class PrivateReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your private message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,  # Messenger's and Instagram's limit for a text message
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the answer's form beside it has a `text` too, and one label
        # must not lead to the other's box.
        super().__init__(*args, **{"auto_id": "note_%s", **kwargs})


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Assign to")
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        # Who can answer it: an item's owner who may only read it would leave it silent.
        field.queryset = members_who(workspace, Action.ANSWER)
        field.empty_label = _("Nobody")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class VersionedForm(forms.ModelForm):
    """A form two people may have open at once: it carries the version it was opened at."""

    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["version"] = self.instance.version

    def seen_version(self) -> int | None:
        """The version this edit is based on; an edit that sent none is based on none
        (-1 matches no row), so it is refused and shown again rather than saved blind."""
        return None if self.instance.pk is None else int(self.cleaned_data["version"])


class SavedReplyForm(VersionedForm):
    class Meta:
        model = SavedReply
        fields = ["title", "lang", "text", "for_thanks"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "text": _("{first_name}, {name} and {handle} are replaced by the person's details."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text = self.fields["text"]
        assert isinstance(text, forms.CharField)
        text.max_length = TEXT_MAX
        text.validators.append(MaxLengthValidator(TEXT_MAX))
        text.widget.attrs["maxlength"] = str(TEXT_MAX)

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"])
        problem = saved_reply_text_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return text


def _looks_at_what_is_said(data: dict[str, Any]) -> bool:
    """A rule that hides must: a channel or a language alone would hide every comment. Its
    keywords and author are read as the matcher reads them ("@" or "´" alone say nothing)."""
    author = rule_author(str(data.get("author") or ""))
    keywords = rule_keywords(str(data.get("keywords") or ""))
    score = data.get("min_abuse")
    return bool(
        data.get("category") or data.get("abuse_kind") or keywords or author or (score or 0) > 0
    )


class RuleForm(VersionedForm):
    class Meta:
        model = ModerationRule
        fields = [
            "name",
            "enabled",
            "category",
            "abuse_kind",
            "min_abuse",
            "keywords",
            "author",
            "channel",
            "lang",
            "unanswered_hours",
            "action",
            "label",
            "assign_to",
        ]

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel = self.fields["channel"]
        assignee = self.fields["assign_to"]
        assert isinstance(channel, forms.ModelChoiceField)
        assert isinstance(assignee, forms.ModelChoiceField)
        channel.queryset = Channel.objects.filter(workspace=workspace)
        assignee.queryset = members_who(workspace, Action.ANSWER)
        channel.empty_label = _("Any channel")
        assignee.empty_label = "—"
        anything: dict[str, tuple[Any, list[tuple[str, Any]]]] = {
            "category": (_("Any category"), Category.choices),
            "abuse_kind": (_("Any kind"), AbuseKind.choices),
            "lang": (_("Any language"), LANGUAGES),
        }
        for name, (label, choices) in anything.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", label), *choices]
        self.fields["min_abuse"].widget.attrs.update(min="0", max="1", step="0.05")

    def clean_keywords(self) -> str:
        typed = str(self.cleaned_data.get("keywords") or "")
        for part in (p.strip() for p in typed.split(",")):
            if part and not rule_keywords(part):
                raise forms.ValidationError(
                    _("“%(keyword)s” has no letter or digit to look for.") % {"keyword": part}
                )
        return typed

    def clean_author(self) -> str:
        typed = str(self.cleaned_data.get("author") or "").strip()
        if typed and not rule_author(typed):
            raise forms.ValidationError(_("Write the author's name or handle, not only “@”."))
        return typed

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == RuleAction.LABEL and not data.get("label"):
            self.add_error("label", _("Name the label this rule adds."))
        if action == RuleAction.ASSIGN and not data.get("assign_to"):
            self.add_error("assign_to", _("Choose who this rule assigns to."))
        if action == RuleAction.HIDE and data.get("unanswered_hours"):
            self.add_error(
                "action", _("Waiting is not abuse: a time rule can review, label, assign or alert.")
            )
        elif action == RuleAction.HIDE and not _looks_at_what_is_said(data):
            self.add_error(
                "action",
                _(
                    "A rule that hides needs a condition on what is said or who says it "
                    "(category, kind of abuse, abuse score, keywords or author): without "
                    "one it would hide every comment."
                ),
            )
        return data


class InboxSettingsForm(forms.ModelForm):
    class Meta:
        model = Workspace
        fields = ["answer_alert_hours", "retention_months", "netiquette", "netiquette_public"]
        widgets = {"netiquette": forms.Textarea(attrs={"rows": 8})}


class ContactForm(forms.ModelForm):
    """Name and notes, and the two things only a person knows: a customer, a recommender."""

    customer = forms.BooleanField(label=_("Customer"), required=False)
    recommends = forms.BooleanField(
        label=_("Recommends us"),
        required=False,
        help_text=_("A member who recommends you counts as an advocate in the reports."),
    )

    class Meta:
        model = Contact
        fields = ["name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        # An "@ines" here told nobody, and nothing said so (a walk): where "@" does.
        help_texts = {
            "notes": _(
                "What the team should know about this person. To ask a colleague something, "
                "write a note on one of their messages: an @ there tells them."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tags = self.instance.tags or []
        self.fields["customer"].initial = "customer" in tags
        self.fields["recommends"].initial = "advocate" in tags

    def save(self, commit: bool = True) -> Contact:
        tags = [t for t in (self.instance.tags or []) if t not in ("customer", "advocate")]
        if self.cleaned_data.get("customer"):
            tags.append("customer")
        if self.cleaned_data.get("recommends"):
            tags.append("advocate")
        self.instance.tags = tags
        return super().save(commit)


class MergeForm(forms.Form):
    """Merging cannot be undone: nobody is chosen beforehand, and the person says so. The
    page offers a short list (contacts.merge_candidates); any of the workspace is taken."""

    other = forms.ModelChoiceField(queryset=Contact.objects.none(), label=_("Same person as"))
    sure = forms.BooleanField(
        label=_(
            "They are the same person: their accounts, history and notes become one. "
            "This cannot be undone."
        )
    )

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["other"]
        assert isinstance(field, forms.ModelChoiceField)
        others = Contact.objects.filter(workspace_id=contact.workspace_id).exclude(pk=contact.pk)
        field.queryset = others
