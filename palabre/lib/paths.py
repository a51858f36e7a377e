"""Where a `next` parameter may send a person: a path of this site, nothing else.

Given to redirect(), any other word is read as a URL's name: "dashboard" fails (a 500,
after the password was accepted), "logout" is followed. The caller redirects with
HttpResponseRedirect to what this returns."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from palabre.lib.oneline import has_control_characters


def site_path(request: HttpRequest, target: str, *, default: str) -> str:
    """`target` when it is a path of this site ("/w/lumiere/inbox/?page=2"), else `default`."""
    if (
        target.startswith("/")
        and not has_control_characters(target)
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return default
