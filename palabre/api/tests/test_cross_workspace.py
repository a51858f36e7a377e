"""Another workspace's objects, through every operation that names one: never a 2xx.

A token of workspace A, with every scope and its owner's role, calls each operation of
the OpenAPI document whose path holds an id with the id of workspace B's object of that
kind. Reads answer 404; writes answer 404 (or refuse their body first), and B's objects
are left exactly as they were.
"""

from __future__ import annotations

import pytest
from django.test import Client

from palabre.api.models import Scope
from palabre.api.tests.conftest import MakeApi
from palabre.inbox.models import Contact, Interaction, Note
from palabre.inbox.tests.helpers import comment, ingested, poll, published
from palabre.publishing.media import media_store
from palabre.publishing.models import MediaItem, Post
from palabre.publishing.tests.media_samples import image

BODIES = {
    "replies": {"text": "Bonjour"},
    "draft": {"text": "Bonjour"},
    "notes": {"text": "Note"},
    "assign": {"assignee": None},
    "done": {"done": True},
    "hide": {"reason": "x"},
    "unhide": {"reason": "x"},
    "merge": {"other": 1},
    "erase": {"confirm": True},
    "comments": {"text": "Bravo"},
    "request-changes": {"text": "Non"},
}


@pytest.fixture
def theirs(cast, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    target = published(cast.other_workspace, cast.charlie)
    asked = comment(target, "Vous livrez ?")
    poll(target.channel)
    row = ingested(asked)
    media = media_store(
        workspace=cast.other_workspace,
        uploaded_by=cast.charlie,
        name="pain.jpg",
        data=image(800, 600),
        alt_text="Pain",
        tags=[],
    )
    return {
        "conversations": row.pk,
        "posts": target.post_id,
        "media": media.pk,
        "contacts": row.identity.contact_id,
        "calendar": target.post_id,
    }


def test_no_operation_touches_another_workspaces_object(cast, theirs, make_api: MakeApi) -> None:
    api = make_api(cast.alice, cast.workspace, list(Scope.values))
    document = Client().get("/api/v1/openapi.json").json()
    before = (
        Post.objects.get(pk=theirs["posts"]).status,
        Interaction.objects.get(pk=theirs["conversations"]).hidden,
    )
    called = 0
    for path, item in document["paths"].items():
        if "{pk}" not in path:
            continue
        kind = path.split("/")[3]
        url = path.replace("{pk}", str(theirs[kind]))
        for method in ("get", "post", "patch", "delete"):
            if method not in item:
                continue
            called += 1
            if method in ("get", "delete"):
                answer = getattr(api, method)(url)
                assert answer.status_code == 404, (method, url, answer.status_code)
                continue
            body = BODIES.get(path.rsplit("/", 1)[-1], {})
            headers = {"If-Match": 'W/"0"'} if method == "patch" else None
            answer = getattr(api, method)(url, body, headers=headers)
            assert not 200 <= answer.status_code < 300, (method, url, answer.content)
            assert answer.status_code in (404, 422), (method, url, answer.status_code)
    assert called >= 25
    after = (
        Post.objects.get(pk=theirs["posts"]).status,
        Interaction.objects.get(pk=theirs["conversations"]).hidden,
    )
    assert after == before
    assert not Note.objects.exists()
    assert MediaItem.objects.filter(pk=theirs["media"]).exists()
    assert Contact.objects.filter(pk=theirs["contacts"]).exists()
