"""Acceptance: exactly once on Facebook, Instagram and Threads, which take no idempotency
key. Ten publishes, each by a real `palabre worker` killed (SIGKILL) right after the Graph
API double accepted the post, a thread part or the first comment; other workers take over,
read the account's posts back (networks/reconcile.py) and record what the dead one sent.
0 duplicates, 0 lost, 0 left for a person. What the account holds is read from the
double's own state, never through the connector under test.

Instagram and Threads fetch images from the instance: the workers sign the addresses with
this test's SITE_URL, a live server in this process that serves them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from palabre.accounts.models import User
from palabre.publishing.media import media_store
from palabre.publishing.models import MediaItem
from palabre.publishing.tests.crash import publish_through_a_kill
from tests.networks.meta import channels
from tests.networks.meta.double import MetaDouble

pytestmark = [pytest.mark.network, pytest.mark.django_db(transaction=True)]

CONNECT: dict[str, Callable[..., channels.Connected]] = {
    "facebook": channels.facebook,
    "instagram": channels.instagram,
    "threads": channels.threads,
}

# (network, where the worker dies, thread parts, first comment, images): ten publishes.
SCENARIOS = [
    ("facebook", "publish.after_network", 0, False, 0),
    ("facebook", "publish.after_network", 0, False, 2),
    ("facebook", "publish.after_comment", 0, True, 0),
    ("instagram", "publish.after_network", 0, False, 1),
    ("instagram", "publish.after_network", 0, False, 3),
    ("instagram", "publish.after_comment", 0, True, 1),
    ("threads", "publish.after_network", 0, False, 0),
    ("threads", "publish.after_network", 0, False, 1),
    ("threads", "publish.after_part", 2, False, 0),
    ("threads", "publish.after_comment", 0, True, 0),
]


@pytest.fixture
def instance(live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """This process serves the signed media addresses; the workers sign them for it."""
    settings.SITE_URL = live_server.url
    monkeypatch.setenv("SITE_URL", live_server.url)
    return str(live_server.url)


def _images(workspace: Any, count: int) -> list[MediaItem]:
    author = User.objects.create_user(f"photos-{workspace.pk}@example.com", "x")
    found = []
    for n in range(count):
        data = io.BytesIO()
        Image.new("RGB", (1080, 1080), (200, 150 + n * 20, 90)).save(data, "JPEG")
        found.append(
            media_store(
                workspace=workspace,
                uploaded_by=author,
                name=f"fournee-{n}.jpg",
                data=data.getvalue(),
                alt_text=f"Une fournée de pains, photo {n + 1}",
                tags=[],
            )
        )
    return found


@pytest.mark.parametrize(
    ("network", "fault", "parts", "first_comment", "images"),
    SCENARIOS,
    ids=[f"{s[0]}-{s[1].split('.')[1]}-{s[4]}img" for s in SCENARIOS],
)
def test_an_interrupted_publish_goes_out_once(
    meta_double: MetaDouble,
    cast: Any,
    instance: str,
    network: str,
    fault: str,
    parts: int,
    first_comment: bool,
    images: int,
) -> None:
    connected = CONNECT[network](meta_double, cast.workspace)

    def count(text: str) -> int:
        return sum(text in said for said in channels.brand_texts(meta_double, connected))

    target = publish_through_a_kill(
        connected.channel,
        count,
        fault=fault,
        parts=parts,
        first_comment=first_comment,
        media=_images(cast.workspace, images),
    )
    published = meta_double.get(target.remote_id)
    assert published is not None  # the id recorded is the post's on the network
    if images > 1 and network != "facebook":
        assert len(getattr(published, "children", [])) == images
