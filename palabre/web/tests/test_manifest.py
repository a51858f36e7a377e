"""The web app manifest: Palabre can be installed on a phone's home screen."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image


def test_the_manifest_is_public_and_names_icons_that_exist(client: Client) -> None:
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # fetched without the session's cookies
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert manifest["description"] == "Talk with your community, not at it."
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon
        if icon["type"] == "image/png":
            width, height = Image.open(path).size
            assert f"{width}x{height}" == icon["sizes"]
    sizes = {i["sizes"] for i in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes  # what Chrome asks for to offer installing
    assert any(i.get("purpose") == "maskable" for i in manifest["icons"])


def test_the_manifest_speaks_the_readers_language(client: Client) -> None:
    manifest = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert manifest["lang"] == "fr"
    assert manifest["description"] == "Parler avec votre communauté, pas seulement à elle."


def test_every_page_links_the_manifest(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert client.post("/manifest.webmanifest").status_code == 405
