"""Acceptance: exactly once on LinkedIn, which takes no idempotency key. Ten sends, each by a
real `palabre worker` killed (SIGKILL) right after the LinkedIn double accepted a post, a
continuation, a first comment or an inbox answer; other workers take over, read the page's
posts and comments back (networks/reconcile.py) and record what the dead one sent.
0 duplicates, 0 lost, 0 left for a person. What the organization holds is read from the
double's own state, never through the connector under test."""

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
from tests.networks.linkedin import channels
from tests.networks.linkedin.double import LinkedInDouble
from tests.networks.linkedin.state import Comment, Post

pytestmark = [pytest.mark.network, pytest.mark.django_db(transaction=True)]

# (where the worker dies, continuations, first comment, images): eight publishes.
PUBLISHES = [
    ("publish.after_network", 0, False, 0),
    ("publish.after_network", 0, False, 1),
    ("publish.after_network", 0, False, 3),
    ("publish.after_network", 1, True, 0),
    ("publish.after_part", 2, False, 0),
    ("publish.after_part", 1, False, 2),
    ("publish.after_comment", 0, True, 0),
    ("publish.after_comment", 0, True, 1),
]


def _images(workspace: Any, count: int) -> list[MediaItem]:
    author = User.objects.create_user(f"photos-{workspace.pk}-{count}@example.com", "x")
    found = []
    for n in range(count):
        data = io.BytesIO()
        Image.new("RGB", (600, 600), (200, 150 + n * 20, 90)).save(data, "JPEG")
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
    ("fault", "parts", "first_comment", "images"),
    PUBLISHES,
    ids=[f"{s[0].split('.')[1]}-{s[1]}parts-{s[3]}img" for s in PUBLISHES],
)
def test_an_interrupted_publish_goes_out_once(
    linkedin_double: LinkedInDouble,
    cast: Any,
    fault: str,
    parts: int,
    first_comment: bool,
    images: int,
) -> None:
    connected = channels.linkedin(linkedin_double, cast.workspace)

    def count(text: str) -> int:
        return sum(text in said for said in channels.brand_texts(linkedin_double, connected))

    target = publish_through_a_kill(
        connected.channel,
        count,
        fault=fault,
        parts=parts,
        first_comment=first_comment,
        media=_images(cast.workspace, images),
    )
    published = linkedin_double.get(target.remote_id)
    assert isinstance(published, Post)  # the id recorded is the post's on LinkedIn
    content = published.body.get("content", {})
    if images > 1:
        assert len(content["multiImage"]["images"]) == images
    elif images == 1:
        assert content["media"]["altText"] == "Une fournée de pains, photo 1"
    for part in target.part_ids:
        said = linkedin_double.get(part)
        assert isinstance(said, Comment) and said.actor == connected.organization.urn


@pytest.mark.parametrize("nested", [False, True], ids=["a-comment", "a-reply"])
def test_an_interrupted_answer_goes_out_once(
    linkedin_double: LinkedInDouble, cast: Any, nested: bool
) -> None:
    connected = channels.linkedin(linkedin_double, cast.workspace)
    post = linkedin_double.post(connected.organization, "Vos pains préférés ?")
    fan = linkedin_double.member("Fanny Fan")
    asked = linkedin_double.comment(post.urn, fan, "Vous livrez à Lyon ?")
    if nested:
        asked = linkedin_double.comment(
            post.urn, linkedin_double.member("Olivier"), "Et à Grenoble ?", parent=asked.urn
        )
    poll(connected.channel)
    question = Interaction.objects.get(channel=connected.channel, remote_id=asked.urn)

    def count(text: str) -> int:
        return sum(text in said for said in channels.brand_texts(linkedin_double, connected))

    reply = answer_through_a_kill(question, count)
    answer = linkedin_double.get(reply.remote_id)
    assert isinstance(answer, Comment) and answer.actor == connected.organization.urn
    # LinkedIn nests one level: an answer to a reply goes under that reply's comment.
    assert answer.parent == (asked.parent if nested else asked.urn)
