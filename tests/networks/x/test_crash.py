"""Acceptance: exactly once on X, which takes no idempotency key. Ten sends, each by a real
`palabre worker` killed (SIGKILL) right after the X double accepted the post, a thread part,
the first comment or an inbox answer; other workers take over, read the account's posts back
(networks/reconcile.py) and record what the dead one sent. 0 duplicates, 0 lost, 0 left for a
person. What the account holds is read from the double's own state, never through the
connector under test.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from palabre.accounts.models import User
from palabre.inbox.models import Interaction
from palabre.inbox.tests.helpers import poll
from palabre.publishing.media import media_store
from palabre.publishing.models import MediaItem
from palabre.publishing.tests.crash import answer_through_a_kill, publish_through_a_kill
from tests.networks.x.channels import Brand, brand_texts, connect
from tests.networks.x.double import XDouble

pytestmark = [pytest.mark.network, pytest.mark.django_db(transaction=True)]

# (where the worker dies, thread parts, first comment, images): nine publishes.
SCENARIOS = [
    ("publish.after_network", 0, False, 0),
    ("publish.after_network", 0, False, 1),
    ("publish.after_network", 0, False, 4),
    ("publish.after_network", 2, False, 0),
    ("publish.after_part", 1, False, 0),
    ("publish.after_part", 3, False, 2),
    ("publish.after_comment", 0, True, 0),
    ("publish.after_comment", 2, True, 1),
    ("publish.after_network", 1, True, 0),
]


def _images(workspace: Any, count: int) -> list[MediaItem]:
    author = User.objects.create_user(f"photos-{workspace.pk}-{count}@example.com", "x")
    found = []
    for n in range(count):
        data = io.BytesIO()
        Image.new("RGB", (640, 640), (200, 150 + n * 20, 90)).save(data, "JPEG")
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


def _count(double: XDouble, brand: Brand) -> Any:
    return lambda text: sum(text in said for said in brand_texts(double, brand))


@pytest.mark.parametrize(
    ("fault", "parts", "first_comment", "images"),
    SCENARIOS,
    ids=[
        f"{s[0].split('.')[1]}-{s[1]}parts-{'comment-' if s[2] else ''}{s[3]}img" for s in SCENARIOS
    ],
)
def test_an_interrupted_publish_goes_out_once(
    x_double: XDouble, cast: Any, fault: str, parts: int, first_comment: bool, images: int
) -> None:
    brand = connect(x_double, cast.workspace)
    target = publish_through_a_kill(
        brand.channel,
        _count(x_double, brand),
        fault=fault,
        parts=parts,
        first_comment=first_comment,
        media=_images(cast.workspace, images),
    )
    published = x_double.get(target.remote_id)
    assert published is not None and published.author_id == brand.user.id
    assert len(published.media_keys) == images
    chain = [x_double.get(part) for part in target.part_ids]
    assert [p.in_reply_to if p else None for p in chain] == [target.remote_id, *target.part_ids][
        : len(chain)
    ]
    alts = sorted(m.alt_text for m in map(x_double.media, _ids(x_double, published.media_keys)))
    assert alts == [f"Une fournée de pains, photo {n + 1}" for n in range(images)]


def _ids(double: XDouble, keys: list[str]) -> list[str]:
    by_key = {m.media_key: m.id for m in double.world.media.values()}
    return [by_key[k] for k in keys]


def test_an_interrupted_answer_goes_out_once(x_double: XDouble, cast: Any) -> None:
    brand = connect(x_double, cast.workspace)
    fan = x_double.user("fanny", "Fanny")
    root = x_double.post(brand.user, "Nos horaires de Noël")
    asked = x_double.post(fan, "Ouvert le 24 ?", reply_to=root.id)
    poll(brand.channel)
    question = Interaction.objects.get(channel=brand.channel, remote_id=asked.id)
    reply = answer_through_a_kill(question, _count(x_double, brand))
    sent = x_double.get(reply.remote_id)
    assert sent is not None and sent.in_reply_to == asked.id
