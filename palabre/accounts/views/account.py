"""A person's own settings: name, language, two-factor login, password."""

from __future__ import annotations

from typing import cast

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.accounts import services
from palabre.accounts.forms import (
    LanguageForm,
    NameForm,
    TotpDisableForm,
    TotpEnableForm,
    TotpReplaceForm,
)
from palabre.accounts.models import User
from palabre.accounts.views.auth import client_ip
from palabre.lib.paths import site_path

NEW_SECRET = "palabre_new_totp_secret"  # noqa: S105 (a session key, not a secret)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Works signed out too (a cookie); signed in, the choice follows the person."""
    form = LanguageForm(request.POST)
    response = HttpResponseRedirect(site_path(request, request.POST.get("next", ""), default="/"))
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_update_language(user=request.user, language=language)
        translation.activate(language)
        response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _account_page(
    request: HttpRequest, disable_form: TotpDisableForm, name_form: NameForm | None = None
) -> HttpResponse:
    name_form = name_form or NameForm(initial={"name": cast(User, request.user).name})
    context = {
        "language_form": LanguageForm(),
        "disable_form": disable_form,
        "name_form": name_form,
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def account_name(request: HttpRequest) -> HttpResponse:
    form = NameForm(request.POST)
    if not form.is_valid():
        return _account_page(request, TotpDisableForm(), name_form=form)
    services.user_update_name(user=cast(User, request.user), name=form.cleaned_data["name"])
    messages.success(request, _("Your name is saved."))
    return redirect("account")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request, TotpDisableForm())


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    secret = request.session.get(NEW_SECRET) or services.totp_new_secret()
    request.session[NEW_SECRET] = secret
    replacing = user.has_totp
    form = (TotpReplaceForm if replacing else TotpEnableForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _enable_or_replace(request, user, secret, form.cleaned_data)
        except services.ServiceError as error:
            form.add_error(None if replacing else "code", str(error))
        else:
            del request.session[NEW_SECRET]
            messages.success(request, _("Two-factor login is on."))
            return redirect("account")
    uri = services.totp_uri(user=user, secret=secret)
    qr_svg = segno.make(uri).svg_inline(scale=4, title=_("QR code for your app"))
    context = {"form": form, "secret": secret, "qr_svg": qr_svg, "replacing": replacing}
    return render(request, "accounts/two_factor.html", context)


def _enable_or_replace(request: HttpRequest, user: User, secret: str, data: dict[str, str]) -> None:
    if not user.has_totp:
        services.user_enable_totp(
            user=user,
            secret=secret,
            code=data["code"],
            password=data["password"],
            ip=client_ip(request),
        )
        return
    services.user_replace_totp(
        user=user,
        password=data["password"],
        current_code=data["current_code"],
        secret=secret,
        code=data["code"],
        ip=client_ip(request),
    )


@require_POST
@login_required
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = TotpDisableForm(request.POST)
    if form.is_valid():
        try:
            services.user_disable_totp(
                user=cast(User, request.user),
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except services.ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Two-factor login is off."))
            return redirect("account")
    return _account_page(request, form)
