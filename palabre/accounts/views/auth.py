"""Logging in (password, then a code when two-factor login is on), out, and first set-up."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.accounts import services
from palabre.accounts.forms import LoginForm, SetupForm, TotpForm
from palabre.accounts.models import User
from palabre.lib.paths import site_path

PENDING = "palabre_pending_user"


def client_ip(request: HttpRequest) -> str | None:
    if settings.TRUST_X_FORWARDED_FOR and request.META.get("HTTP_X_FORWARDED_FOR"):
        # The last hop is the one our own proxy appended: earlier ones are client-supplied.
        return str(request.META["HTTP_X_FORWARDED_FOR"]).split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return site_path(request, target, default=reverse(settings.LOGIN_REDIRECT_URL))


def login_view(request: HttpRequest) -> HttpResponse:
    if not User.objects.exists():
        return redirect("setup")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, ip = form.cleaned_data["email"], client_ip(request)
        # Counted before the password is checked, in the statement that checks the limit.
        if not services.login_attempt_count(email=email, ip=ip):
            form.add_error(None, services.throttled_message())
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                form.add_error(None, _("This e-mail address and password do not match."))
            elif isinstance(user, User) and user.has_totp:
                services.login_attempt_refund(email=email, ip=ip)
                request.session[PENDING] = user.pk
                return redirect(
                    f"{reverse('login_code')}?{urlencode({'next': _next_url(request)})}"
                )
            else:
                services.login_attempts_clear(email=email, ip=ip)
                login(request, user)
                return HttpResponseRedirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def login_code(request: HttpRequest) -> HttpResponse:
    user = User.objects.filter(pk=request.session.get(PENDING, 0)).first()
    if user is None:
        return redirect("login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if not services.login_attempt_count(email=user.email, ip=ip):
            form.add_error(None, services.throttled_message())
        else:
            try:
                services.totp_consume(user=user, code=form.cleaned_data["code"])
            except services.ServiceError as error:
                form.add_error("code", str(error))
            else:
                del request.session[PENDING]
                services.login_attempts_clear(email=user.email, ip=ip)
                login(request, user, backend="palabre.accounts.backends.EmailBackend")
                return HttpResponseRedirect(_next_url(request))
    return render(request, "accounts/login_code.html", {"form": form, "next": _next_url(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def setup(request: HttpRequest) -> HttpResponse:
    """First run of a new installation: create the first account and workspace."""
    if User.objects.exists():
        return redirect("login")
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.create_user(
            data["email"], data["password"], name=data["your_name"], language=request.LANGUAGE_CODE
        )
        workspace = services.workspace_create(
            name=data["name"], owner=user, timezone_name=data["timezone"]
        )
        login(request, user, backend="palabre.accounts.backends.EmailBackend")
        return redirect("dashboard", slug=workspace.slug)
    return render(request, "accounts/setup.html", {"form": form})
