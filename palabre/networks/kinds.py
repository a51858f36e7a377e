"""The networks Palabre knows, with the limits their own rules set.

The composer (issue #3) refines these with the exact counting rules; these numbers are
the ones each network documents (see docs/networks.md).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from palabre.networks.base import Limits, PostMetrics


@dataclass(frozen=True)
class Network:
    key: str
    label: str | Promise
    limits: Limits
    # What the network tells of a post beyond its four counts (PostMetrics' optional
    # figures; never more: the contract suite checks), and whether it tells the account's
    # reach over a day. The demo network and the seeded history tell only these.
    post_figures: frozenset[str] = frozenset()
    account_reach: bool = False
    counts_quotes: bool = False  # a post's quotes apart from its reposts (elsewhere 0)

    def __post_init__(self) -> None:
        if unknown := self.post_figures - OPTIONAL_FIGURES:
            raise ValueError(f"{self.key}: no such figure {unknown}")

    def told(self, figures: dict[str, int | None]) -> dict[str, int | None]:
        """`figures` (PostMetrics' optional ones, by name), None where this network is silent."""
        return {name: v if name in self.post_figures else None for name, v in figures.items()}


# PostMetrics' figures a network may not give (None then); likes, reposts, replies and
# quotes are counts, 0 when none.
OPTIONAL_FIGURES = frozenset(
    f.name for f in fields(PostMetrics) if f.name not in ("likes", "reposts", "replies", "quotes")
)


NETWORKS: dict[str, Network] = {
    n.key: n
    for n in [
        Network(
            "x",
            "X",
            Limits(max_chars=280, max_images=4, max_videos=1, alt_text_required=False),
            post_figures=frozenset({"impressions", "saves"}),
            counts_quotes=True,
        ),
        Network(
            "mastodon",
            "Mastodon",
            Limits(max_chars=500, max_images=4, max_videos=1, alt_text_required=False),
            counts_quotes=True,  # 4.5 and later; older servers have no quotes
        ),
        Network(
            "bluesky",
            "Bluesky",
            Limits(max_chars=300, max_images=4, max_videos=1, alt_text_required=True),
            counts_quotes=True,
        ),
        Network(
            "threads",
            "Threads",
            Limits(max_chars=500, max_images=20, max_videos=1, alt_text_required=False),
            post_figures=frozenset({"impressions"}),
            counts_quotes=True,
        ),
        Network(
            "linkedin",
            "LinkedIn",
            Limits(max_chars=3000, max_images=20, max_videos=1, alt_text_required=False),
            post_figures=frozenset({"impressions", "reach", "clicks"}),
        ),
        Network(
            "facebook",
            _("Facebook Page"),
            Limits(max_chars=63206, max_images=10, max_videos=1, alt_text_required=False),
            post_figures=frozenset({"impressions", "reach", "video_views"}),
            account_reach=True,
        ),
        Network(
            "instagram",
            "Instagram",
            Limits(max_chars=2200, max_images=10, max_videos=1, alt_text_required=False),
            post_figures=frozenset({"impressions", "reach", "saves", "video_views"}),
            account_reach=True,
        ),
    ]
}

NETWORK_CHOICES = [(n.key, n.label) for n in NETWORKS.values()]
