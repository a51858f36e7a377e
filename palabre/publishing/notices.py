"""Telling one person something that needs them: a notice in the app and an e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from palabre.accounts.models import User, Workspace
from palabre.lib.oneline import one_line
from palabre.publishing.models import Notice, Post


def notice_send(
    *,
    workspace: Workspace,
    user: User,
    text: str,
    url: str,
    post: Post | None = None,
    email: bool = True,
) -> Notice:
    """`text` is already in the person's language; `url` is a path within Palabre (a post's
    notice links to the post itself on the notices page, by role)."""
    notice = Notice.objects.create(
        workspace=workspace, user=user, post=post, text=text[:500], url="" if post else url
    )
    if email:
        # A header never carries a line break, whatever a name held before names were checked.
        subject = one_line(f"Palabre · {workspace.name}")
        send_mail(subject, f"{text}\n\n{settings.SITE_URL}{url}\n", None, [user.email])
    return notice
