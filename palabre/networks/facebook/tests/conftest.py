"""A brand's Facebook Page on the Graph API double, connected as connecting stores it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import translation

from palabre.channels.models import Channel
from palabre.networks.facebook.connector import FacebookConnector
from tests.networks.meta.double import Fan, MetaDouble
from tests.networks.meta.state import Page, Person


@dataclass
class Brand:
    double: MetaDouble
    admin: Person
    page: Page
    token: str
    channel: Channel
    connector: FacebookConnector

    def fan(self, name: str = "Fanny Fan") -> Fan:
        return self.double.fan(name)


@pytest.fixture
def brand(meta_double: MetaDouble, cast) -> Brand:
    admin = meta_double.person("Brigitte Boulanger")
    page = meta_double.page(admin, "Boulangerie Lumière", followers=1200)
    token = meta_double.page_token(page)
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="facebook",
        connector="facebook",
        name=page.name,
        account_id=page.id,
    )
    channel.save_credentials({"page_id": page.id, "page_token": token})
    connector = channel.get_connector()
    assert isinstance(connector, FacebookConnector)
    return Brand(meta_double, admin, page, token, channel, connector)


@pytest.fixture(autouse=True)
def _in_english():
    """Reasons are asserted as written; the instance's language (French) would translate
    them once the catalogue has them."""
    with translation.override("en"):
        yield
