"""A NUL byte in an address answers 400, in the person's language, before any view runs.

PostgreSQL refuses NUL in text, so a NUL in a path token or a query parameter that
reaches a query (a search, a tag filter, an iCal or invitation token) answered 500 there
and something else on SQLite. No address of Palabre's has one, and no person types one: a
clear refusal is the whole answer. Form fields are not handled here: Django's forms refuse
NUL themselves with a message beside the field, keeping the rest of the input.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from palabre.web.errors import bad_request_saying


def has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class NulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            return bad_request_saying(
                request, _("This address contains a null character, which Palabre refuses.")
            )
        return self.get_response(request)
