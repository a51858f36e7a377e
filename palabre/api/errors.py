"""Every refusal as `application/problem+json` (RFC 9457), with a stable `code`.

A program branches on `code`; a person reads `detail`, in the token owner's language.
Nothing here ever shows a traceback, a query or a server path.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from palabre.lib.boundedjson import json_loads_bounded

log = logging.getLogger("palabre.api")

PROBLEM = "application/problem+json"


class ApiError(Exception):
    """A refusal a handler raises: its HTTP status, stable code and message."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors, self.headers = errors, headers or {}


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"/api/v1/docs/problems#{code}",
        "title": code.replace("_", " "),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Nothing here, or not in this token’s workspace."))


def invalid(errors: list[dict[str, Any]]) -> ApiError:
    return ApiError(422, "invalid", _("Some fields are not valid: see “errors”."), errors=errors)


def _validation_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    # pydantic's own wording and the input it refused stay out: the field and a short reason.
    return [
        {"field": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))}
        for e in exc.errors
    ]


def install(api: NinjaAPI) -> None:
    """Answer every exception an API view can raise as a problem document."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return problem(exc.status, exc.code, exc.detail, errors=exc.errors, headers=exc.headers)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        error = not_found()
        return problem(error.status, error.code, error.detail)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, "forbidden", _("Your role in this workspace does not allow this."))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            401,
            "unauthenticated",
            _("Send a valid token: Authorization: Bearer palabre_…"),
            headers={"WWW-Authenticate": 'Bearer realm="palabre"'},
        )

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        error = invalid(_validation_errors(exc))
        return problem(error.status, error.code, error.detail, errors=error.errors)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, "bad_request", _("This request cannot be read."))

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return problem(
            500, "server_error", _("Something went wrong on our side; nothing was lost.")
        )


class BoundedParser(Parser):
    """JSON bodies parsed within the project's nesting bound (lib/boundedjson.py)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json_loads_bounded(request.body)
