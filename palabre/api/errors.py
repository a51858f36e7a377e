"""Every refusal as `application/problem+json` (RFC 9457), with a stable `code`.

A program branches on `code`; a person reads `detail`, in the token owner's language.
Nothing here ever shows a traceback, a query or a server path.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
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

    def response(self) -> HttpResponse:
        return problem(
            self.status, self.code, self.detail, errors=self.errors, headers=self.headers
        )


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        # A name, not a page to open (RFC 9457 allows it): the codes are listed in docs/api.md.
        "type": f"urn:palabre:problem:{code}",
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


def too_large() -> HttpResponse:
    return problem(413, "too_large", _("This request is too large."))


def unreadable() -> HttpResponse:
    # Too many fields or files, a broken multipart boundary, a header too long.
    return problem(400, "bad_request", _("This request cannot be read."))


def _validation_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    # The field and a short reason in the person's language; pydantic's English wording and
    # the input it refused stay out.
    return [
        {
            "field": _field(tuple(e.get("loc", ()))),
            "message": _reason(str(e.get("type", "")), e.get("ctx") or {}),
        }
        for e in exc.errors
    ]


def _field(loc: tuple[Any, ...]) -> str:
    """`text`, not ninja's `body.body.text`: where it was sent, then the operation's
    parameter name, are left out."""
    parts = list(loc)
    if len(parts) > 1 and parts[0] in ("body", "query", "path", "form", "file", "header"):
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in ("body", "filters", "paging", "data", "payload"):
            parts = parts[1:]
    return ".".join(str(p) for p in parts)


def _reason(kind: str, ctx: dict[str, Any]) -> str:
    if kind == "missing":
        return _("This field is required.")
    if kind == "literal_error":
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind.startswith("int_") or kind.startswith("float_") or kind.startswith("decimal_"):
        return _("Enter a number.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind.startswith(("datetime_", "date_", "time_")):
        return _("Enter a date and time such as 2026-12-24T09:30:00+01:00.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        return _("Out of range (%(bound)s).") % {"bound": bound}
    if kind == "string_too_long":
        return _("At most %(count)s characters.") % {"count": ctx.get("max_length", "")}
    if kind == "too_many_words":  # a list's search (api.schemas.SearchText)
        return _("At most %(count)s words.") % {"count": ctx.get("count", "")}
    if kind.startswith("string_"):
        return _("Enter text.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Enter a list.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Enter an object.")
    return _("This value is not valid.")


def install(api: NinjaAPI) -> None:
    """Answer every exception an API view can raise as a problem document."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return exc.response()

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return not_found().response()

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
        return invalid(_validation_errors(exc)).response()

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return too_large()

    def _unreadable(request: HttpRequest, exc: Any) -> HttpResponse:
        return unreadable()

    api.add_exception_handler(SuspiciousOperation, _unreadable)
    api.add_exception_handler(MultiPartParserError, _unreadable)
    # A form sent where JSON is read, with an Idempotency-Key: the key's fingerprint read
    # it as a form first (an upload's way), and its body can no longer be read as JSON.
    api.add_exception_handler(RawPostDataException, _unreadable)

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
    """JSON bodies parsed within the project's nesting bound (lib/boundedjson.py), and
    refused when a string holds a lone surrogate ("\\ud800"): valid JSON, but no database
    can store it, and a page showing it later would fail for everyone."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json_loads_bounded(request.body)
        json.dumps(data, ensure_ascii=False).encode()  # UnicodeEncodeError: a lone surrogate
        return data
