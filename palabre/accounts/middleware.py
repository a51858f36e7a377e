from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palabre.accounts.permissions import SignInRequired, TwoFactorRequired
from palabre.lib.paths import site_path


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
        if isinstance(exception, SignInRequired):
            return _sign_in_first(request)
        if isinstance(exception, TwoFactorRequired):
            messages.warning(
                request,
                _("%(workspace)s requires two-factor login: set it up to continue.")
                % {"workspace": exception.workspace.name},
            )
            return HttpResponseRedirect(reverse("account_two_factor"))
        return None


def _sign_in_first(request: HttpRequest) -> HttpResponse:
    """The sign-in page, which comes back here after: the page asked for, or, for a form
    sent or an htmx request, the page it was sent from (a form's address may not be
    opened)."""
    if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
        back = request.get_full_path()
    else:
        sent_from = request.headers.get("HX-Current-URL") or request.headers.get("Referer", "")
        back = site_path(request, _path_of(sent_from), default="")
    login = reverse("login")
    address = f"{login}?{urlencode({'next': back})}" if back else login
    if request.headers.get("HX-Request"):
        # Typing on a page whose session ended (a live check, a note): leaving the page
        # for the sign-in one would lose what is typed. Nothing on it is replaced; the
        # page says so, with the sign-in page to open in another tab (shell.js).
        said = _("You are signed out. Sign in again in another tab, then carry on here.")
        return HttpResponse(said, status=401, headers={"X-Sign-In": address})
    return HttpResponseRedirect(address)


def _path_of(url: str) -> str:
    """ "/w/lumiere/inbox/?page=2" of "https://palabre.example/w/lumiere/inbox/?page=2"."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
