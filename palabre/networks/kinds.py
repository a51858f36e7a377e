"""The networks Palabre knows, with the limits their own rules set.

The composer (issue #3) refines these with the exact counting rules; these numbers are
the ones each network documents (see docs/networks.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from palabre.networks.base import Limits


@dataclass(frozen=True)
class Network:
    key: str
    label: str | Promise
    limits: Limits


NETWORKS: dict[str, Network] = {
    n.key: n
    for n in [
        Network(
            "x", "X", Limits(max_chars=280, max_images=4, max_videos=1, alt_text_required=False)
        ),
        Network(
            "mastodon",
            "Mastodon",
            Limits(max_chars=500, max_images=4, max_videos=1, alt_text_required=False),
        ),
        Network(
            "bluesky",
            "Bluesky",
            Limits(max_chars=300, max_images=4, max_videos=1, alt_text_required=True),
        ),
        Network(
            "threads",
            "Threads",
            Limits(max_chars=500, max_images=20, max_videos=1, alt_text_required=False),
        ),
        Network(
            "linkedin",
            "LinkedIn",
            Limits(max_chars=3000, max_images=20, max_videos=1, alt_text_required=False),
        ),
        Network(
            "facebook",
            _("Facebook Page"),
            Limits(max_chars=63206, max_images=10, max_videos=1, alt_text_required=False),
        ),
        Network(
            "instagram",
            "Instagram",
            Limits(max_chars=2200, max_images=10, max_videos=1, alt_text_required=False),
        ),
    ]
}

NETWORK_CHOICES = [(n.key, n.label) for n in NETWORKS.values()]
