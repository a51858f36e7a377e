"""The inbox: queues, one conversation, and what a person does with it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from palabre.accounts.models import Membership, User
from palabre.accounts.permissions import Action, can, get_scoped_or_404, membership_for
from palabre.inbox import audience, authors, moderation, queues, services, waiting
from palabre.inbox.forms import (
    ANSWER_MAX,
    QUEUES,
    AssignForm,
    FilterForm,
    NoteForm,
    PrivateReplyForm,
    ReasonForm,
    ReplyForm,
)
from palabre.inbox.models import Interaction, SavedReply, replies_late
from palabre.inbox.saved_replies import saved_reply_render
from palabre.lib.filters import applied, left_out, words_left
from palabre.lib.home_return import back_home
from palabre.networks.base import Capability, Visibility

PAGE = 50


def rights(membership: Membership) -> dict[str, bool]:
    """What the inbox's pages offer this person (the views check again on every action)."""
    return {
        "can_answer": can(membership, Action.ANSWER),
        "can_moderate": can(membership, Action.MODERATE),
        "can_contacts": can(membership, Action.VIEW_COMMUNITY),
    }


def inbox(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_INBOX)
    workspace = membership.workspace
    queue = request.GET.get("q", "answer")
    queue = queue if queue in QUEUES else "answer"
    data = request.GET.copy()
    if queue in ("all", "hidden") and not data.get("done"):  # the filter says what is shown
        data["done"] = "any"
    form = FilterForm(data or None, workspace=workspace)
    user = cast(User, request.user)
    filters = applied(form)
    talk = queues.conversations(workspace)
    rows = waiting.with_answer_state(
        queues.queue_filtered(queues.queue_rows(talk, queue, user), filters, queue)
    )
    page = Paginator(rows.select_related("identity", "channel", "assigned_to"), PAGE).get_page(
        request.GET.get("page")
    )
    counts = queues.queue_counts(workspace, user)
    undo_done = _just_done(request, workspace.slug, talk)
    context = {
        "membership": membership,
        "queue": queue,
        "queues": QUEUES,
        "counts": counts,
        "form": form,
        "page": page,
        "left_out": left_out(form),
        "words_left": words_left(form),
        "undo_done": undo_done,
        "messages_at": "inbox" if undo_done and can(membership, Action.ANSWER) else None,
        "narrowed": any(filters.get(name) for name in NARROWING),
        "about_post": form.about,
    } | rights(membership)
    return render(request, "inbox/inbox.html", context)


NARROWING = ("channel", "category", "lang", "text", "post")


def _just_done(request: HttpRequest, slug: str, talk: QuerySet[Interaction]) -> Interaction | None:
    """What this person just marked done from its page (inbox_done), to offer its undo once;
    opened again meanwhile, "done" is said without one."""
    pk = request.session.pop(f"{UNDO_DONE}:{slug}", None)
    found = talk.filter(pk=pk, done_at__isnull=False).first() if pk else None
    if pk and found is None:
        messages.success(request, _("Done: out of the queues."))
    return found


def _thread(interaction: Interaction) -> list[Interaction]:
    """The comments above this one, oldest first (a few levels are enough to follow)."""
    chain: list[Interaction] = []
    current = interaction.parent
    while current is not None and len(chain) < 6:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def _audience_context(interaction: Interaction, chosen: str = "") -> dict[str, object]:
    """Who reads what was written, who the answer can reach, and a private conversation."""
    own = audience.audience_of(interaction)
    choices = [v.value for v in audience.answer_choices(interaction)]
    actions = authors.author_actions(interaction)
    deleted = moderation.comment_deleted(interaction)  # on the network: nothing to answer
    return {
        "audience_label": audience.LABELS[own],
        "written_for": audience.written_for(interaction),
        "private": own is Visibility.DIRECT,
        "conversation": audience.conversation(interaction) if own is Visibility.DIRECT else None,
        "answer_choices": [
            (value, audience.answer_reaches(interaction, Visibility(value))) for value in choices
        ],
        "answer_chosen": chosen if chosen in choices else own.value,
        "network_hides": interaction.hides_on_network,
        "can_mute": Capability.MUTE_AUTHOR in actions,
        "can_block": Capability.BLOCK_AUTHOR in actions,
        "can_report": Capability.REPORT in actions,
        "can_delete": moderation.comment_deletable(interaction) and not deleted,
        "deleted": deleted,
        "standing": authors.author_standing(interaction) if actions else None,
    }


def _history(interaction: Interaction) -> list[tuple[datetime, str, object]]:
    """What was done with this message, newest first: moderation, answers and thanks."""
    entries: list[tuple[datetime, str, object]] = [
        (e.created_at, "event", e) for e in interaction.events.select_related("actor")[:50]
    ]
    entries += [(r.created_at, "reply", r) for r in interaction.replies.select_related("author")]
    return sorted(entries, key=lambda entry: entry[0], reverse=True)


def _item_context(
    membership: Membership, interaction: Interaction, chosen: str = ""
) -> dict[str, object]:
    workspace = membership.workspace
    # The comment's own language first: an English question offered "Horaires (fr)" first.
    saved = sorted(
        SavedReply.objects.filter(workspace=workspace), key=lambda s: s.lang != interaction.lang
    )
    return (
        {
            "membership": membership,
            "item": interaction,
            "thread": _thread(interaction),
            "children": interaction.children.select_related("identity").order_by("created_at"),
            "replies": interaction.replies.select_related("author"),
            "late_replies": set(
                interaction.replies.filter(replies_late(timezone.now())).values_list(
                    "pk", flat=True
                )
            ),
            "notes": interaction.notes.select_related("author"),
            "history": _history(interaction),
            # Sent within seconds: meanwhile the item says so instead of "waiting".
            "answer_queued": waiting.answer_queued(interaction),
            "saved_replies": [
                (s, saved_reply_render(text=s.text, interaction=interaction)) for s in saved
            ],
            "reply_form": ReplyForm(initial={"text": interaction.reply_draft}),
            "private_reply_form": PrivateReplyForm(prefix="private"),
            # "Reply privately": offered once per comment, where the network has it.
            "private_reply": services.private_reply_offered(interaction),
            "private_reply_taken": services.private_reply_taken(interaction),
            "private_reply_too_late": services.private_reply_too_late(interaction),
            "thanked": services.interaction_thanked(interaction),
            "note_form": NoteForm(),
            "assign_form": AssignForm(
                workspace=workspace, initial={"assignee": interaction.assigned_to_id}
            ),
            "reason_form": ReasonForm(),
        }
        | _audience_context(interaction, chosen)
        | rights(membership)
    )


def inbox_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_INBOX)
    interaction = get_scoped_or_404(
        Interaction.objects.select_related("identity__contact", "channel", "target__variant"),
        membership.workspace,
        pk=pk,
    )
    return render(request, "inbox/item.html", _item_context(membership, interaction))


def _acting(
    request: HttpRequest, slug: str, pk: int, action: Action
) -> tuple[Membership, Interaction]:
    membership = membership_for(request, slug, action)
    interaction = get_scoped_or_404(Interaction.objects.all(), membership.workspace, pk=pk)
    return membership, interaction


def _back(slug: str, interaction: Interaction) -> HttpResponse:
    return redirect("inbox_item", slug=slug, pk=interaction.pk)


@require_POST
def inbox_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, interaction = _acting(request, slug, pk, Action.ANSWER)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reply = services.interaction_reply(
                interaction=interaction,
                actor=cast(User, request.user),
                text=form.cleaned_data["text"],
                visibility=form.cleaned_data["visibility"],
                once=form.cleaned_data["once"],
            )
        except services.InboxRefused as refused:
            form.add_error(None, str(refused))
        else:
            reaches = audience.reply_visibility(reply)
            messages.success(request, _sent(interaction, reaches))
            return back_home(request, slug) or _back(slug, interaction)
    chosen = form.cleaned_data.get("visibility", "")  # what the person picked, if valid
    context = _item_context(membership, interaction, chosen) | {"reply_form": form}
    return render(request, "inbox/item.html", context)


@require_POST
def inbox_reply_count(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """htmx: the answer as typed, counted as its network counts it (the composer's rules),
    so that a long one is seen before it is refused on sending."""
    _membership, interaction = _acting(request, slug, pk, Action.ANSWER)
    # Past what the form takes, nothing more is counted (it is asked at each keystroke).
    typed = str(request.POST.get("text", ""))[: ANSWER_MAX + 1]
    counted = services.reply_counted(channel=interaction.channel, text=typed)
    # The answer box takes ANSWER_MAX: a network that takes more (Facebook, 8,000) is not
    # shown as the limit, or a long paste is cut without a word.
    most = min(counted.max, ANSWER_MAX) if counted else ANSWER_MAX
    return render(request, "inbox/_reply_count.html", {"counted": counted, "most": most})


@require_POST
def inbox_private_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The one private message a network lets the brand send a comment's author."""
    membership, interaction = _acting(request, slug, pk, Action.ANSWER)
    form = PrivateReplyForm(request.POST, prefix="private")
    if form.is_valid():
        try:
            services.interaction_private_reply(
                interaction=interaction,
                actor=cast(User, request.user),
                text=form.cleaned_data["text"],
            )
        except services.InboxRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("Your private answer is on its way. %(who)s")
                % {"who": audience.answer_reaches(interaction, Visibility.DIRECT)},
            )
            return _back(slug, interaction)
    context = _item_context(membership, interaction) | {"private_reply_form": form}
    return render(request, "inbox/item.html", context)


def _sent(interaction: Interaction, reaches: Visibility) -> str:
    if reaches is Visibility.DIRECT:
        return _("Your private answer is on its way. %(who)s") % {
            "who": audience.answer_reaches(interaction, reaches)
        }
    return _("Your answer is on its way to the thread.")


@require_POST
def inbox_thank(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _membership, interaction = _acting(request, slug, pk, Action.ANSWER)
    try:
        services.interaction_thank(interaction=interaction, actor=cast(User, request.user))
    except services.InboxRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Thanked."))
    return _back(slug, interaction)


@require_POST
def inbox_note(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, interaction = _acting(request, slug, pk, Action.ANSWER)
    form = NoteForm(request.POST)
    if not form.is_valid():
        context = _item_context(membership, interaction) | {"note_form": form}
        return render(request, "inbox/item.html", context)
    _note, mentions = services.interaction_note(
        interaction=interaction, actor=cast(User, request.user), text=form.cleaned_data["text"]
    )
    if mentions.told:
        people = ", ".join(map(str, mentions.told))
        messages.success(request, _("Note added; told: %(people)s.") % {"people": people})
    if mentions.out_of_reach:
        words = ", ".join(f"@{word}" for word in mentions.out_of_reach)
        said = ngettext(
            "Nobody told for %(words)s: their role does not open the inbox.",
            "Nobody told for %(words)s: their roles do not open the inbox.",
            len(mentions.out_of_reach),
        )
        messages.warning(request, said % {"words": words})
    if unknown := [w for w in mentions.unknown if w not in mentions.out_of_reach]:
        words = ", ".join(f"@{word}" for word in unknown)
        messages.warning(
            request,
            _(
                "Nobody told for %(words)s: no colleague who can open the inbox answers to "
                "it alone. Use their address before the @."
            )
            % {"words": words},
        )
    return _back(slug, interaction)


@require_POST
def inbox_assign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, interaction = _acting(request, slug, pk, Action.ANSWER)
    if request.POST.get("me"):
        assignee: User | None = cast(User, request.user)
    else:
        form = AssignForm(request.POST, workspace=membership.workspace)
        if not form.is_valid():
            context = _item_context(membership, interaction) | {"assign_form": form}
            return render(request, "inbox/item.html", context)
        assignee = form.cleaned_data["assignee"]
    services.interaction_assign(
        interaction=interaction, actor=cast(User, request.user), assignee=assignee
    )
    return _back(slug, interaction)


@require_POST
def inbox_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _membership, interaction = _acting(request, slug, pk, Action.ANSWER)
    done = request.POST.get("done", "1") == "1"
    services.interaction_done(interaction=interaction, done=done)
    if done and request.POST.get("next") == "queue":
        # The queue says it with an undo: a tap on "Mark done" by a slip, on a phone, took
        # a question out of every queue with no way back but the "All" list.
        request.session[f"{UNDO_DONE}:{slug}"] = interaction.pk
        return redirect("inbox", slug=slug)
    messages.success(request, _("Done: out of the queues.") if done else _("Open again."))
    if request.POST.get("next") == "queue":
        return redirect("inbox", slug=slug)
    return _back(slug, interaction)


UNDO_DONE = "inbox_undo_done"  # per workspace: another's inbox in another tab keeps it


# A person's moderation verbs: hiding (and its undoing, and a review's verdict), and
# where replies cannot be hidden, what the brand's account can do about their author.
HIDING_VERBS = ("hide", "unhide", "abuse", "not-abuse")
AUTHOR_VERBS: dict[str, tuple[Callable[..., object], Promise]] = {
    # Said as on its way: the worker carries it to the network, the author's panel says
    # when it is done (or why it failed).
    "mute": (
        authors.author_mute,
        gettext_lazy("Muting on its way to the network. “Unmute” undoes it."),
    ),
    "unmute": (authors.author_unmute, gettext_lazy("Unmuting on its way to the network.")),
    "block": (
        authors.author_block,
        gettext_lazy("Blocking on its way to the network. “Unblock” undoes it."),
    ),
    "unblock": (authors.author_unblock, gettext_lazy("Unblocking on its way to the network.")),
    "report": (
        authors.interaction_report,
        gettext_lazy("Report on its way to the moderators, with your reason."),
    ),
    # Where comments cannot be hidden but the brand may delete them (LinkedIn).
    "delete": (
        moderation.interaction_delete,
        gettext_lazy("Deletion on its way to the network: the comment is removed for everyone."),
    ),
}


@require_POST
def inbox_moderate(request: HttpRequest, slug: str, pk: int, verb: str) -> HttpResponse:
    _membership, interaction = _acting(request, slug, pk, Action.MODERATE)
    if verb not in HIDING_VERBS and verb not in AUTHOR_VERBS:
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():  # over 500 characters, or a character a database cannot keep
        messages.error(
            request, _("Not done: the reason must be plain text of 500 characters at most.")
        )
        return _back(slug, interaction)
    user, reason = cast(User, request.user), form.cleaned_data["reason"]
    if verb in AUTHOR_VERBS:
        service, done = AUTHOR_VERBS[verb]
        try:
            service(interaction=interaction, actor=user, reason=reason)
        except services.InboxRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, str(done))
        return _back(slug, interaction)
    try:
        _hiding(request, interaction, user, verb, reason)
    except services.InboxRefused as refused:
        messages.error(request, str(refused))
    return _back(slug, interaction)


def _hiding(
    request: HttpRequest, interaction: Interaction, user: User, verb: str, reason: str
) -> None:
    network = interaction.channel.network_label
    if verb == "hide":
        if moderation.interaction_hide(interaction=interaction, actor=user, reason=reason):
            # The network's part is carried by the worker: said as under way, not done.
            messages.success(
                request,
                _("Hidden in Palabre; on the network in a moment. “Show again” undoes it."),
            )
        else:
            messages.warning(request, _palabre_only_hidden(interaction, network))
    elif verb == "unhide":
        if moderation.interaction_unhide(interaction=interaction, actor=user, reason=reason):
            messages.success(request, _("Shown again in Palabre; on the network in a moment."))
        else:
            messages.success(request, _("Shown again in Palabre."))
        if interaction.in_review:
            messages.info(request, _("It waits in “To review” for a verdict: abuse or not."))
    else:
        abusive = verb == "abuse"
        # What this verdict did, not what the page saw: a colleague may have judged first.
        changed = moderation.interaction_judge(
            interaction=interaction, actor=user, abusive=abusive, reason=reason
        )
        if abusive and changed and interaction.hides_on_network:
            said = _(
                "Hidden as abuse in Palabre; on the network in a moment. This decision also "
                "teaches the workspace's model."
            )
        elif abusive:
            said = _("Marked as abuse: this decision also teaches the workspace's model.")
        elif changed:
            said = _("Shown again as not abuse. This decision also teaches the workspace's model.")
        else:
            said = _("Marked as not abuse: this decision also teaches the workspace's model.")
        messages.success(request, said)
        if abusive and changed and not interaction.hides_on_network:
            messages.warning(request, _palabre_only_hidden(interaction, network))


def _palabre_only_hidden(interaction: Interaction, network: str) -> str:
    if interaction.channel.hides_replies:  # but not this kind (X: a mention, a quote)
        return _(
            "Hidden in Palabre only: %(network)s hides only replies to the account's own "
            "posts, so this stays visible there."
        ) % {"network": network}
    if interaction.channel.deletes_comments:
        return _(
            "Hidden in Palabre only: hiding is not possible on %(network)s, so it stays visible "
            "there. To remove it from %(network)s, delete it (for everyone, no undoing)."
        ) % {"network": network}
    return _(
        "Hidden in Palabre only: %(network)s has no way to hide replies, so it stays visible "
        "there. To act on the network, mute or block the author, or report it to the "
        "moderators."
    ) % {"network": network}
