"""The page where members make, see and revoke their API tokens.

A new token's secret is in the answer to the POST that made it, and nowhere else: not in
the session, not in a URL, not in the database (only its digest). The page is never cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from palabre.accounts.permissions import Action, can, get_scoped_or_404, membership_for
from palabre.api.forms import TokenForm
from palabre.api.tokens import TokenRefused, token_create, token_revoke, tokens_manageable


@never_cache
def api_tokens(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_WORKSPACE)
    workspace_kind = can(membership, Action.MANAGE_INTEGRATIONS)

    def blank(data: object = None) -> TokenForm:
        return TokenForm(data, workspace=membership.workspace, workspace_kind=workspace_kind)

    form, made, secret = blank(request.POST or None), None, ""
    if request.method == "POST" and form.is_valid():
        try:
            made, secret = token_create(
                workspace=membership.workspace, creator=membership.user, **form.token_fields()
            )
        except TokenRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            form = blank()
    context = {
        "membership": membership,
        "form": form,
        "workspace_kind": workspace_kind,
        "show_tabs": can(membership, Action.VIEW_SETTINGS),
        "tokens": tokens_manageable(membership=membership)[:500],
        "made": made,
        "secret": secret,
        # The address this page was opened at, which works where SITE_URL was left as is.
        "example_url": request.build_absolute_uri(reverse("api_v1:workspace_read")),
    }
    return render(request, "api/tokens.html", context)


@require_POST
def api_token_revoke(request: HttpRequest, slug: str, token_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_WORKSPACE)
    token = get_scoped_or_404(
        tokens_manageable(membership=membership), membership.workspace, pk=token_id
    )
    token_revoke(token=token)
    messages.success(request, _("“%(name)s” is revoked: it no longer works.") % {"name": token})
    return redirect("api_tokens", slug=slug)
