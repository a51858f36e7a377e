"""The addresses Meta calls: webhooks (Pages and Instagram; Threads), the deauthorize and
data-deletion callbacks of each app, and the deletion status page Meta shows the person.

Anyone can call these. Nothing is done before the signature is checked; what is malformed,
forged or too large is refused with a 4xx, never a 500; a valid delivery for an account
Palabre does not know is answered 200 and ignored (Meta would otherwise retry it for hours).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palabre.channels import grants
from palabre.channels.models import DataDeletion, GrantApp
from palabre.lib.boundedjson import TooDeep, json_loads_bounded
from palabre.networks.base import RateLimited, Unavailable
from palabre.networks.meta import webhooks
from palabre.networks.meta.signed_request import Invalid, signed_request_user

log = logging.getLogger("palabre.channels")

MAX_SIGNED_REQUEST_BODY = 16 * 1024


def _app_secret(app: GrantApp) -> str:
    if app == GrantApp.THREADS:
        return str(settings.PALABRE_THREADS_APP_SECRET)
    return str(settings.PALABRE_META_APP_SECRET)


def _bounded_body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, read no further than `limit` bytes; None when it is longer."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    raw = request.read(limit + 1)
    return None if len(raw) > limit else raw


def _webhook(request: HttpRequest, app: GrantApp) -> HttpResponse:
    if request.method == "GET":
        challenge = webhooks.handshake_challenge(
            request.GET.dict(), verify_token=settings.PALABRE_META_WEBHOOK_TOKEN
        )
        if challenge is None:
            return HttpResponse("forbidden", status=403, content_type="text/plain")
        return HttpResponse(challenge, content_type="text/plain")
    raw = _bounded_body(request, webhooks.MAX_BODY)
    if raw is None:
        return HttpResponse("too large", status=413, content_type="text/plain")
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not signature:
        return HttpResponse("unsigned", status=401, content_type="text/plain")
    if not webhooks.signature_valid(raw, signature, app_secret=_app_secret(app)):
        return HttpResponse("bad signature", status=403, content_type="text/plain")
    try:
        payload = json_loads_bounded(raw)
    except (TooDeep, ValueError):
        return HttpResponse("not JSON", status=400, content_type="text/plain")
    from palabre.inbox.webhooks import webhook_delivery_ingest

    try:
        delivery = webhooks.delivery_read(payload, app=app.value)
    except (Unavailable, RateLimited):
        # Meta retries a delivery that was not answered 200, for up to a day or so.
        return HttpResponse("try again later", status=503, content_type="text/plain")
    added = webhook_delivery_ingest(delivery=delivery)
    log.info("webhook %s: %s new interactions", app.value, added)
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request: HttpRequest) -> HttpResponse:
    return _webhook(request, GrantApp.META)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def threads_webhook(request: HttpRequest) -> HttpResponse:
    return _webhook(request, GrantApp.THREADS)


def _signed_user(request: HttpRequest, app: GrantApp) -> str | None:
    """The person a valid `signed_request` names (a form field, as Meta posts it); None for
    anything else, a body too large to be one included."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > MAX_SIGNED_REQUEST_BODY:
        return None
    try:
        raw = request.POST.get("signed_request", "")
    except (MultiPartParserError, SuspiciousOperation, UnicodeDecodeError, ValueError):
        return None
    try:
        return signed_request_user(raw, app_secret=_app_secret(app))
    except Invalid as problem:
        log.warning("%s callback refused: %s", app.value, problem)
        return None


def _deauthorize(request: HttpRequest, app: GrantApp) -> HttpResponse:
    user_id = _signed_user(request, app)
    if user_id is None:
        return JsonResponse({"error": "invalid signed_request"}, status=400)
    grants.grants_deauthorize(app=app, user_id=user_id)
    return JsonResponse({"status": "ok"})


def _data_deletion(request: HttpRequest, app: GrantApp) -> HttpResponse:
    user_id = _signed_user(request, app)
    if user_id is None:
        return JsonResponse({"error": "invalid signed_request"}, status=400)
    deletion = grants.grants_delete_data(app=app, user_id=user_id)
    url = settings.SITE_URL + reverse("data_deletion_status", args=[deletion.code])
    return JsonResponse({"url": url, "confirmation_code": deletion.code})


@csrf_exempt
@require_POST
def meta_deauthorize(request: HttpRequest) -> HttpResponse:
    return _deauthorize(request, GrantApp.META)


@csrf_exempt
@require_POST
def threads_deauthorize(request: HttpRequest) -> HttpResponse:
    return _deauthorize(request, GrantApp.THREADS)


@csrf_exempt
@require_POST
def meta_data_deletion(request: HttpRequest) -> HttpResponse:
    return _data_deletion(request, GrantApp.META)


@csrf_exempt
@require_POST
def threads_data_deletion(request: HttpRequest) -> HttpResponse:
    return _data_deletion(request, GrantApp.THREADS)


@require_GET
def data_deletion_status(request: HttpRequest, code: str) -> HttpResponse:
    """What Palabre did for a data-deletion request; the code is the only key to it."""
    deletion = get_object_or_404(DataDeletion, code=code)
    return render(request, "channels/data_deletion.html", {"deletion": deletion})
