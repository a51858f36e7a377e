"""Workspaces, their settings and their members."""

from __future__ import annotations

from datetime import datetime, time
from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from palabre.accounts import logo, services
from palabre.accounts.forms import (
    COMMON_TIMEZONES,
    InviteForm,
    LogoForm,
    RoleForm,
    SignupForm,
    WorkspaceForm,
    WorkspaceSettingsForm,
)
from palabre.accounts.models import ROLE_TEXTS, Invitation, Membership, Role, User, Workspace
from palabre.accounts.permissions import Action, get_scoped_or_404, membership_for
from palabre.publishing.models import Post, PostStatus


@login_required
def home(request: HttpRequest) -> HttpResponse:
    first = Membership.objects.filter(user=cast(User, request.user)).order_by("created_at").first()
    if first is None:
        return redirect("workspace_list")
    return redirect("dashboard", slug=first.workspace.slug)


@login_required
def workspace_list(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = services.workspace_create(
            name=form.cleaned_data["name"],
            owner=cast(User, request.user),
            timezone_name=form.cleaned_data["timezone"],
        )
        return redirect("dashboard", slug=workspace.slug)
    memberships = Membership.objects.filter(user=cast(User, request.user)).select_related(
        "workspace"
    )
    context = {"form": form, "memberships": memberships, "timezones": COMMON_TIMEZONES}
    return render(request, "accounts/workspace_list.html", context)


def _zone_moved(workspace: Workspace, before: str) -> str:
    """A new time zone keeps every planned post's moment: their local times move, which
    "Settings saved" alone did not say (08:00 in Paris became 02:00 in Montreal)."""
    planned = (
        Post.objects.filter(workspace=workspace, publish_at__gte=timezone.now())
        .exclude(status__in=[PostStatus.PUBLISHED, PostStatus.FAILED, PostStatus.UNKNOWN])
        .count()
    )
    eight = datetime.combine(workspace.local_date(), time(8, 0), tzinfo=ZoneInfo(before))
    said = {
        "before": before,
        "after": workspace.timezone,
        "then": date_format(eight.astimezone(workspace.tzinfo), "TIME_FORMAT"),
        "n": planned,
    }
    changed = _("Time zone changed from %(before)s to %(after)s.") % said
    if not planned:
        return changed
    moved = ngettext(
        "The %(n)s post to come keeps its moment, so its local time moved (08:00 there is "
        "%(then)s here): check it in the calendar.",
        "The %(n)s posts to come keep their moment, so their local times moved (08:00 there "
        "is %(then)s here): check them in the calendar.",
        planned,
    )
    return f"{changed} {moved % said}"


def workspace_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_SETTINGS)
    workspace = membership.workspace
    initial = {
        "name": workspace.name,
        "timezone": workspace.timezone,
        "require_two_factor": workspace.require_two_factor,
        "crosspost_percent": round(workspace.crosspost_threshold * 100),
        "approval_required": workspace.approval_required,
        "x_monthly_cap_usd": workspace.x_monthly_cap_usd,
    }
    form = WorkspaceSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        membership = membership_for(request, slug, Action.MANAGE_WORKSPACE)
        if form.is_valid():
            zone_before = workspace.timezone
            services.workspace_update(
                workspace=workspace,
                name=form.cleaned_data["name"],
                timezone_name=form.cleaned_data["timezone"],
                require_two_factor=form.cleaned_data["require_two_factor"],
                crosspost_threshold=form.cleaned_data["crosspost_percent"] / 100,
                approval_required=form.cleaned_data["approval_required"],
                x_monthly_cap_usd=form.cleaned_data["x_monthly_cap_usd"],
            )
            messages.success(request, _("Settings saved."))
            if workspace.timezone != zone_before:
                messages.warning(request, _zone_moved(workspace, zone_before))
            return redirect("workspace_settings", slug=workspace.slug)
    context = {
        "membership": membership,
        "form": form,
        "timezones": COMMON_TIMEZONES,
        "logo_form": LogoForm(),
    }
    return render(request, "accounts/workspace_settings.html", context)


def workspace_logo(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the logo, for the members. POST: the owner uploads or removes it."""
    if request.method != "POST":
        workspace = membership_for(request, slug, Action.VIEW_WORKSPACE).workspace
        if not workspace.logo_png:
            raise Http404
        response = HttpResponse(bytes(workspace.logo_png), content_type="image/png")
        response["Cache-Control"] = "private, max-age=300"
        return response
    membership = membership_for(request, slug, Action.MANAGE_WORKSPACE)
    if request.POST.get("remove"):
        logo.workspace_logo_remove(workspace=membership.workspace)
        messages.success(request, _("Logo removed."))
        return redirect("workspace_settings", slug=slug)
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["logo"]
        try:
            logo.logo_size_check(upload.size)  # before reading: it may be 300 MB
            logo.workspace_logo_set(workspace=membership.workspace, data=upload.read())
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _("Logo saved: it heads the monthly report."))
    else:
        messages.error(request, _("Choose an image file first."))
    return redirect("workspace_settings", slug=slug)


def members(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_MEMBERS)
    workspace = membership.workspace
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                workspace=workspace,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=cast(User, request.user),
            )
        except services.ServiceError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("members", slug=slug)
    context = {
        "membership": membership,
        "form": form,
        "members": workspace.memberships.select_related("user").order_by("created_at"),
        "invitations": workspace.invitations.filter(accepted_at=None).order_by("-created_at"),
        "role_form": RoleForm(),
        "role_texts": [(r.label, ROLE_TEXTS[r]) for r in Role],
    }
    return render(request, "accounts/members.html", context)


@require_POST
def member_update(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_MEMBERS)
    target = get_scoped_or_404(Membership.objects.all(), membership.workspace, pk=member_id)
    form = RoleForm(request.POST)
    try:
        if request.POST.get("remove"):
            services.membership_remove(membership=target)
            messages.success(request, _("%(person)s was removed.") % {"person": target.user})
        elif form.is_valid():
            services.membership_update_role(membership=target, role=form.cleaned_data["role"])
            messages.success(request, _("Role changed."))
        else:
            messages.error(request, _("Choose one of the listed roles."))
    except services.ServiceError as error:
        messages.error(request, str(error))
    return redirect("members", slug=slug)


@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_MEMBERS)
    invitation = get_scoped_or_404(Invitation.objects.all(), membership.workspace, pk=invitation_id)
    invitation.delete()
    messages.success(request, _("Invitation withdrawn."))
    return redirect("members", slug=slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("workspace"), token=token)
    if not services.invitation_is_valid(invitation):
        return render(request, "accounts/invitation_invalid.html", status=410)
    has_account = User.objects.filter(email=invitation.email).exists()
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                services.invitation_accept(invitation=invitation, user=request.user)
            elif not has_account and form.is_valid():
                user = services.invitation_accept_as_new_user(
                    invitation=invitation,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password"],
                )
                login(request, user, backend="palabre.accounts.backends.EmailBackend")
            else:
                return _invitation_page(request, invitation, form, has_account)
        except services.ServiceError as error:
            messages.error(request, str(error))
            return _invitation_page(request, invitation, form, has_account)
        return redirect("dashboard", slug=invitation.workspace.slug)
    return _invitation_page(request, invitation, form, has_account)


def _invitation_page(
    request: HttpRequest, invitation: Invitation, form: SignupForm, has_account: bool
) -> HttpResponse:
    context = {"invitation": invitation, "form": form, "has_account": has_account}
    return render(request, "accounts/invitation.html", context)
