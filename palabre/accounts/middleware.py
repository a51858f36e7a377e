from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palabre.accounts.permissions import TwoFactorRequired


class UserPreferencesMiddleware:
    """The signed-in person's language; the workspace's time zone is set by the permission check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Threads are reused between requests: never leak the previous workspace's zone.
        timezone.deactivate()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, TwoFactorRequired):
            messages.warning(
                request,
                _("%(workspace)s requires two-factor login: set it up to continue.")
                % {"workspace": exception.workspace.name},
            )
            return HttpResponseRedirect(reverse("account_two_factor"))
        return None
