"""The Instagram connector's tests run against the Graph API double (tests/networks/meta):
a brand's Page and its Instagram professional account there, a channel connected to it as
connecting stores it, and this instance's files served on loopback for the double to fetch,
as Instagram fetches them from the instance's signed URLs (`instance_files`, a fixture of
tests/networks/meta/fixtures.py)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from palabre.channels.models import Channel
from palabre.networks.base import Media, MediaUpload
from palabre.networks.instagram.connector import InstagramConnector
from palabre.publishing.tests import media_samples
from tests.networks.files import InstanceFiles
from tests.networks.meta.double import Fan, MetaDouble
from tests.networks.meta.state import IGUser, Page


@dataclass
class Brand:
    page: Page
    ig: IGUser
    token: str


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Reasons are asserted as written in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def brand(meta_double: MetaDouble) -> Brand:
    admin = meta_double.person("Brigitte Boulanger")
    page = meta_double.page(admin, "Boulangerie Lumière")
    ig = meta_double.instagram(page, f"lumiere.{secrets.token_hex(3)}", followers=812)
    ig.follows_count = 90
    return Brand(page=page, ig=ig, token=meta_double.page_token(page))


@pytest.fixture
def channel(cast: Any, brand: Brand) -> Channel:
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="instagram",
        connector="instagram",
        name="Lumière on Instagram",
        handle=brand.ig.username,
        account_id=brand.ig.id,
    )
    channel.save_credentials(
        {"ig_user_id": brand.ig.id, "page_id": brand.page.id, "page_token": brand.token}
    )
    return channel


@pytest.fixture
def connector(channel: Channel) -> InstagramConnector:
    found = channel.get_connector()
    assert isinstance(found, InstagramConnector)
    return found


@pytest.fixture
def fan(meta_double: MetaDouble) -> Fan:
    return meta_double.fan("Fanny Fan")


@pytest.fixture
def upload(connector: InstagramConnector, instance_files: InstanceFiles) -> Any:
    """What the publisher does for each file: sign a URL, then `upload_media`."""

    def made(kind: str = "image", alt_text: str = "", *, url: str = "") -> Media:
        body, content_type = (
            (media_samples.image(), "image/jpeg")
            if kind == "image"
            else (media_samples.mp4(), "video/mp4")
        )
        public_url = url or instance_files.add(body, content_type)
        name = "photo.jpg" if kind == "image" else "clip.mp4"
        return connector.upload_media(
            MediaUpload(name, content_type, body, alt_text, public_url=public_url)
        )

    return made
