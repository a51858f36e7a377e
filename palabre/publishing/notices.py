"""Telling one person something that needs them: a notice in the app and an e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from palabre.accounts.models import User, Workspace
from palabre.publishing.models import Notice


def notice_send(*, workspace: Workspace, user: User, text: str, url: str) -> Notice:
    """`text` is already in the person's language; `url` is a path within Palabre."""
    notice = Notice.objects.create(workspace=workspace, user=user, text=text[:500], url=url)
    send_mail(
        f"Palabre · {workspace.name}", f"{text}\n\n{settings.SITE_URL}{url}\n", None, [user.email]
    )
    return notice
