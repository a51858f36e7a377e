"""The API's fixed words, importable without Django (`palabre mcp` uses them too).

They mirror networks/kinds.py and publishing/models.py's choices; test_posts_api.py checks
that they stay the same.
"""

from typing import Literal

Network = Literal["bluesky", "facebook", "instagram", "linkedin", "mastodon", "threads", "x"]
Category = Literal["helpful", "entertaining", "conversation", "promotional"]
PostStatus = Literal[
    "draft",
    "in_review",
    "changes_requested",
    "approved",
    "scheduled",
    "published",
    "failed",
    "unknown",
]
Queue = Literal["answer", "all", "review", "hidden", "mine"]
