"""Every post of a workspace, found by its words: the calendar shows a month, this finds
"the brioche post of last spring" without paging through the months."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from palabre.accounts.models import Workspace
from palabre.accounts.permissions import scoped
from palabre.lib.folded_sql import folded, word_found
from palabre.publishing.models import Post, PostVariant

MAX_WORDS = 8  # a search's words: each one a condition


def posts_found(
    *, workspace: Workspace, text: str = "", status: str = "", network: str = ""
) -> QuerySet[Post]:
    """Newest first (by creation). Each word must be in the idea or in one network's text,
    accents and case aside ("creme" finds "Crème")."""
    rows = scoped(Post.objects.all(), workspace)
    if status:
        rows = rows.filter(status=status)
    if network:
        rows = rows.filter(Exists(PostVariant.objects.filter(post=OuterRef("pk"), network=network)))
    words = text.split()[:MAX_WORDS]
    if words:
        rows = rows.alias(**folded("idea"))
    for word in words:
        in_a_variant = PostVariant.objects.filter(post=OuterRef("pk")).alias(**folded("text"))
        rows = rows.filter(
            word_found("idea", word) | Exists(in_a_variant.filter(word_found("text", word)))
        )
    return rows.select_related("author").prefetch_related("variants").order_by("-created_at", "-pk")
