"""Every post of a workspace, found by its words: the calendar shows a month, this finds
"the brioche post of last spring" without paging through the months."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from palabre.accounts.models import Workspace
from palabre.accounts.permissions import scoped
from palabre.lib.wordsearch import search_words, word_found
from palabre.publishing.models import Post, PostVariant


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
    for word in search_words(text):
        in_a_variant = PostVariant.objects.filter(post=OuterRef("pk"))
        rows = rows.filter(
            word_found("idea", word) | Exists(in_a_variant.filter(word_found("text", word)))
        )
    return rows.select_related("author").prefetch_related("variants").order_by("-created_at", "-pk")
