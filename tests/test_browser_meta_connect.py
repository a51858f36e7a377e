"""A community manager connects a Facebook Page and its Instagram account, in a browser:
Palabre's button, the login dialog of the Graph API double (who logs in, which Pages),
Palabre's list of accounts, ticked. Selectors name forms and values, not words: the words
are translated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from palabre.channels.models import Channel, ChannelGrant, ChannelStatus
from tests.networks.meta.browser import connect_ticked, log_in, open_meta_picker

pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.django_db(transaction=True)]


def test_connect_a_page_and_its_instagram_account(
    browser: Any, live_server: Any, settings: Any, cast: Any, meta_double: Any, screenshot_dir: Path
) -> None:
    settings.SITE_URL = live_server.url  # where the dialog sends the person back
    base = live_server.url
    person = meta_double.person("Brigitte Boulanger")
    fb = meta_double.page(person, "Boulangerie Lumière")
    ig = meta_double.instagram(fb, "lumiere.navigateur")
    other = meta_double.page(person, "Lumière Traiteur")

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    log_in(page, base)
    open_meta_picker(page, base, meta_double, person)
    for value in (f"facebook:{fb.id}", f"instagram:{ig.id}", f"facebook:{other.id}"):
        assert not page.locator(f'input[value="{value}"]').is_checked()
    page.screenshot(path=screenshot_dir / "meta-pick.png", full_page=True)
    connect_ticked(page, base, [f"facebook:{fb.id}", f"instagram:{ig.id}"])

    connected = Channel.objects.filter(workspace=cast.workspace).order_by("connector")
    assert [(c.connector, c.account_id, c.status) for c in connected] == [
        ("facebook", fb.id, ChannelStatus.ACTIVE),
        ("instagram", ig.id, ChannelStatus.ACTIVE),
    ]
    for channel in connected:
        page.locator(f"#channel-{channel.pk}").wait_for()
        assert channel.credentials["page_token"] not in page.content()
    assert ChannelGrant.objects.filter(granted_by=person.id).count() == 2
    page.screenshot(path=screenshot_dir / "meta-connected.png", full_page=True)
