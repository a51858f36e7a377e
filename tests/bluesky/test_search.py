"""The Bluesky connector's search on the real local network (the contract suite's
search_contract: the local network is not one of the suite's servers yet)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.networks.search_contract import search_contract

pytestmark = [pytest.mark.network]


def test_search_finds_public_posts_by_hashtag_and_word(
    bluesky_channel: Any, bluesky_peer: Any
) -> None:
    search_contract(
        bluesky_channel.get_connector(),
        post=lambda text: str(bluesky_peer.send_post(text).uri),
        author_id=bluesky_peer.me.did,
    )
