"""Upgrade: every post already cleared to go out keeps going out.

Before this version Palabre did not record what was approved. The content of every approved
or scheduled post, and of every failed or unknown one with a publication not yet out, is
recorded as its approved content, so that the publisher's new check (the content must be the
approved one) does not stop them after the upgrade.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CLEARED = ["approved", "scheduled"]
SETTLING = ["failed", "unknown"]
NOT_OUT = ["scheduled", "held", "failed", "publishing"]


def record_approved_content(apps: Any, schema_editor: Any) -> None:
    # The live function on purpose: the digest recorded is the one the publisher will check.
    from palabre.publishing.content import content_digest, post_content

    Post = apps.get_model("publishing", "Post")
    waiting = Post.objects.filter(status__in=CLEARED) | Post.objects.filter(
        status__in=SETTLING, targets__status__in=NOT_OUT
    )
    for post in waiting.distinct().prefetch_related("variants__channels", "variants__media"):
        content = post_content(post)
        Post.objects.filter(pk=post.pk).update(
            approved_content=content,
            approved_digest=content_digest(content),
            approved_version=post.version,
        )


class Migration(migrations.Migration):
    dependencies = [("publishing", "0006_post_version_approval")]

    operations = [migrations.RunPython(record_approved_content, migrations.RunPython.noop)]
