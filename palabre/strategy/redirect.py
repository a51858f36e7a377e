"""The public redirect, /l/<code>, answered before the middleware it does not need.

A redirect needs no session, CSRF token, signed-in user, language, messages or htmx, and at
campaign scale their cost is most of the request's. ShortLinkMiddleware sits right after
the two middleware that set the security headers (settings.MIDDLEWARE), so its answer gets
them, and answers a known code itself. Everything else goes on down the usual way: other
methods to the view's 405, unknown codes to the view's 404 page, in the person's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from palabre.strategy.links import link_follow

PATH = re.compile(r"/l/([A-Za-z0-9]{4,16})")  # as in urls.py


def short_link_response(target: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"  # each click reaches us, to be counted
    response["X-Robots-Tag"] = "noindex"
    # The destination may learn which network sent the click, as far as it allowed.
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    # What the skipped middleware would have added: no framing, and the length.
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    response["Content-Length"] = "0"
    return response


class ShortLinkMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = PATH.fullmatch(request.path_info)
        if match is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        request.get_host()  # a Host not in ALLOWED_HOSTS is refused, as CommonMiddleware does
        target = link_follow(code=match[1], request=request)
        if target is None:
            return self.get_response(request)
        return short_link_response(target)
