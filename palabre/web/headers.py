"""The security headers Django 5.2 does not send itself: Content-Security-Policy and
Permissions-Policy (Referrer-Policy, nosniff and X-Frame-Options come from Django's own
middleware; see settings.py).

The policy, in settings.CONTENT_SECURITY_POLICY, lets a page run our own static scripts
only (the vendored htmx and palabre/static/js) and use our own stylesheets only: no
inline <script>, no on…= handler, no style= attribute, no eval. A template that needs a
look gets a class in palabre/static/css/palabre.css; one that needs behaviour gets a file
in palabre/static/js/.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Pages whose form leads to another site on purpose: signing in on the person's Mastodon
# instance, or on Facebook, Threads, X or LinkedIn from Settings → Channels (a POST answered
# by a redirect there, which form-action also governs, along the login pages' own redirects).
FORMS_TO_OTHER_SITES = frozenset({"channel_connect_mastodon", "channel_list"})


def _login_origins() -> str:
    """Facebook's, Threads', X's and LinkedIn's login addresses as configured: https ones are
    allowed anyway; these name them when they are not (the networks' doubles, in tests), read
    at each request because tests point them elsewhere."""
    found = []
    for url in (
        settings.PALABRE_META_LOGIN_URL,
        settings.PALABRE_THREADS_LOGIN_URL,
        settings.PALABRE_X_AUTHORIZE_URL,
        settings.PALABRE_LINKEDIN_LOGIN_URL,
    ):
        parts = urlsplit(str(url))
        if parts.scheme == "http" and parts.netloc:
            found.append(f"http://{parts.netloc}")
    return "".join(f" {origin}" for origin in dict.fromkeys(found))


def policy_text(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        directives = dict(settings.CONTENT_SECURITY_POLICY)
        self.csp = policy_text(directives)
        self.directives = directives
        self.permissions = ", ".join(
            f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        forms_out = match is not None and match.url_name in FORMS_TO_OTHER_SITES
        # setdefault: a view that needs another policy sets its own header.
        if forms_out:
            outward = {"form-action": "'self' https:" + _login_origins()}
            policy = policy_text(self.directives | outward)
        else:
            policy = self.csp
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
