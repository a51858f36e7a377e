"""Who calls, and may they: the token, its scopes, its creator's role, its pace.

Every operation declares the page action it mirrors and the scope it needs
(`@allowed(Action.X, Scope.Y)`): the role check is the pages' own (`permissions.can`), so
the API cannot grant what the pages refuse. The declarations are kept in `DECLARED`, which
the permission-matrix test replays for every role.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Router
from ninja.constants import NOT_SET
from ninja.security import HttpBearer

from palabre.accounts.permissions import Action, can
from palabre.api.errors import ApiError
from palabre.api.models import ApiToken, Scope
from palabre.api.tokens import Caller, TokenInvalid, token_authenticate

V = TypeVar("V", bound=Callable[..., Any])

# operation id (its function's name) -> (action, scope): what the matrix test replays.
DECLARED: dict[str, tuple[Action, Scope]] = {}


class TokenAuth(HttpBearer):
    """The token; with `needs`, also its scope and its creator's role, checked before the
    request's parameters are read (a caller refused learns nothing of what is expected)."""

    def __init__(self, needs: tuple[Action, Scope] | None = None) -> None:
        super().__init__()
        self.needs = needs

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        try:
            caller = token_authenticate(token)
        except TokenInvalid:
            raise ApiError(
                401,
                "token_invalid",
                _("This token is unknown, revoked or expired, or its creator left the workspace."),
                headers={"WWW-Authenticate": 'Bearer realm="palabre", error="invalid_token"'},
            ) from None
        # Messages in the token owner's language; dates in the workspace's time zone.
        translation.activate(caller.user.language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        timezone.activate(caller.workspace.tzinfo)
        pace(request, caller)
        if self.needs is not None:
            check(caller, *self.needs)
        return caller


def pace(request: HttpRequest, caller: Caller) -> None:
    """A fixed window per token and minute, counted on the token's row by an UPDATE (which
    also records its last use) and read back; the middleware writes the RateLimit headers."""
    limit = settings.PALABRE_API_RATE_PER_MINUTE
    now = time.time()
    window = int(now // 60)
    token = caller.token
    rows = ApiToken.objects.filter(pk=token.pk)
    moment = timezone.now()
    if rows.filter(rate_window=window).update(rate_calls=F("rate_calls") + 1, last_used_at=moment):
        # Read back: calls racing this one have counted themselves too.
        used = rows.values_list("rate_calls", flat=True).first() or 1
    else:  # the first call of this minute (two at once may both count 1: a call's grace)
        rows.update(rate_window=window, rate_calls=1, last_used_at=moment)
        used = 1
    reset = max(1, math.ceil((window + 1) * 60 - now))
    request.palabre_rate = (limit, max(0, limit - used), reset)  # type: ignore[attr-defined]
    if used > limit:
        raise ApiError(
            429,
            "rate_limited",
            _("Too many calls with this token: try again in %(seconds)s seconds.")
            % {"seconds": reset},
            headers={"Retry-After": str(reset)},
        )


def caller_of(request: HttpRequest) -> Caller:
    return cast(Caller, request.auth)  # type: ignore[attr-defined]


def check(caller: Caller, action: Action, scope: Scope) -> None:
    if scope.value not in caller.token.scopes:
        raise ApiError(
            403,
            "scope_missing",
            _("This token does not have the “%(scope)s” scope.") % {"scope": scope.value},
        )
    if not can(caller.membership, action):
        raise ApiError(403, "forbidden", _("Your role in this workspace does not allow this."))


def allowed(action: Action, scope: Scope) -> Callable[[V], V]:
    """What the operation needs: `ApiRouter` checks it at authentication, and the
    operation checks it again when it runs (a router that forgot it still refuses)."""

    def decorate(view: V) -> V:
        # The name is the operation's id in the OpenAPI document: one per API.
        assert view.__name__ not in DECLARED, f"two API operations named {view.__name__}"
        DECLARED[view.__name__] = (action, scope)

        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            check(caller_of(request), action, scope)
            return view(request, *args, **kwargs)

        checked.palabre_needs = (action, scope)  # type: ignore[attr-defined]
        return cast(V, checked)

    return decorate


class ApiRouter(Router):
    """A router whose operations authenticate with what `@allowed` says they need."""

    def add_api_operation(
        self, path: str, methods: list[str], view_func: Callable[..., Any], **kwargs: Any
    ) -> None:
        needs = getattr(view_func, "palabre_needs", None)
        if needs is not None and kwargs.get("auth", NOT_SET) is NOT_SET:
            kwargs["auth"] = TokenAuth(needs)
        super().add_api_operation(path, methods, view_func, **kwargs)
