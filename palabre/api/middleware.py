"""What every API answer shares: a retried POST answered once, and the rate headers.

`Idempotency-Key` on a POST: the first answer (2xx or 4xx) is kept a day, keyed by the
token and the key. The same key with the same method, path and body gets that answer
again, marked `Idempotent-Replayed: true`, and nothing runs twice; the same key with
another request is refused (422). The operation and the keeping of its answer share one
transaction: of two retries racing each other, the second cannot keep its answer (the
key's row is unique), so everything it wrote is rolled back and it answers with the
first's. A 5xx is not kept (it rolls back too): a retry runs again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.api.access import pace
from palabre.api.errors import ApiError, problem, too_large, unreadable
from palabre.api.models import IdempotentAnswer
from palabre.api.tokens import Caller, TokenInvalid, token_authenticate

API_PREFIX = "/api/v1/"
KEPT = timedelta(hours=24)
KEY_LONGEST = 255
REPLAYED_HEADERS = ("Location", "ETag")


class _NotKept(Exception):
    """A 5xx answer: its transaction is rolled back and the key stays free."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        key = request.headers.get("Idempotency-Key")
        caller = _caller(request) if request.method == "POST" and key is not None else None
        if caller is not None and key is not None:
            response = self._once(request, key, caller)
        else:  # no key, or no valid token: the operation answers (401 before reading a body)
            response = self.get_response(request)
        rate = getattr(request, "palabre_rate", None)
        if rate is not None:
            response["RateLimit-Limit"], response["RateLimit-Remaining"] = (
                str(rate[0]),
                str(rate[1]),
            )
            response["RateLimit-Reset"] = str(rate[2])
        return response

    def _once(self, request: HttpRequest, key: str, caller: Caller) -> HttpResponse:
        if not key or len(key) > KEY_LONGEST or not key.isprintable():
            return problem(
                400,
                "idempotency_key_invalid",
                _("An Idempotency-Key is 1 to 255 printable characters."),
            )
        token_digest = caller.token.digest  # the token, however its header was written
        try:
            fingerprint = _fingerprint(request)
        except RequestDataTooBig:  # read here first: answered as the API answers it
            return too_large()
        except (SuspiciousOperation, MultiPartParserError):
            return unreadable()
        kept = _kept(token_digest, key)
        if kept is not None:
            try:
                pace(request, caller)  # a replay is a call too
            except ApiError as refusal:
                return refusal.response()
            return _replay(kept, fingerprint)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500 or response.status_code in (401, 429):
                    raise _NotKept(response)  # a 401 or 429 is about the caller, not the key
                IdempotentAnswer.objects.create(
                    token_digest=token_digest,
                    key=key,
                    fingerprint=fingerprint,
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    body=bytes(response.content),
                    headers={h: response[h] for h in REPLAYED_HEADERS if h in response},
                )
        except _NotKept as not_kept:
            return not_kept.response
        except IntegrityError:
            # Another call with this key committed first: everything here was rolled back.
            kept = _kept(token_digest, key)
            if kept is None:
                raise
            return _replay(kept, fingerprint)
        return response


def _caller(request: HttpRequest) -> Caller | None:
    """The bearer's token, checked as every call checks it: a revoked or expired token, or
    one whose creator left, gets no kept answer back."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    try:
        return token_authenticate(secret.strip())
    except TokenInvalid:
        return None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path()):
        digest.update(part.encode() + b"\n")
    if request.content_type == "multipart/form-data":
        # An upload is read from its parsed parts: `request.body` refuses what is over
        # DATA_UPLOAD_MAX_MEMORY_SIZE, and a photo is.
        for key, values in sorted(request.POST.lists()):
            digest.update(repr((key, values)).encode())
        for key, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(repr((key, upload.name, upload.size)).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _kept(token_digest: str, key: str) -> IdempotentAnswer | None:
    kept = IdempotentAnswer.objects.filter(token_digest=token_digest, key=key).first()
    if kept is not None and kept.created_at < timezone.now() - KEPT:
        kept.delete()  # a day old: the key is free again
        return None
    return kept


def idempotent_answers_forget(*, now: datetime | None = None) -> int:
    """Housekeeping: the answers kept longer than a day."""
    before = (now or timezone.now()) - KEPT
    return IdempotentAnswer.objects.filter(created_at__lt=before).delete()[0]


def _replay(kept: IdempotentAnswer, fingerprint: str) -> HttpResponse:
    if kept.fingerprint != fingerprint:
        return problem(
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was used with another request: use a new key."),
        )
    response = HttpResponse(bytes(kept.body), status=kept.status, content_type=kept.content_type)
    for name, value in kept.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response
