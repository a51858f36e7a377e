"""Lean web processes: loading every URL route imports no heavy library (the models,
SciPy, ReportLab, the Bluesky SDK); each loads in the request or process that uses it."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

HEAVY = ("numpy", "scipy", "sklearn", "reportlab", "atproto", "atproto_client", "twitter_text")

LOADED = """
import json, os, sys, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view module
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def test_loading_the_url_routes_imports_no_heavy_library(tmp_path) -> None:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "palabre.settings",
        "PALABRE_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", LOADED], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert "django" in loaded and "palabre" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_pages_go_out_compressed_to_browsers_that_ask(client, cast) -> None:
    client.force_login(cast.alice)
    url = f"/w/{cast.workspace.slug}/inbox/"
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    assert gzip.decompress(packed.content).startswith(b"<!doctype html>")


def test_files_go_out_as_they_are_with_their_length(client, cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from palabre.publishing.models import MediaItem
    from palabre.publishing.tests import media_samples

    client.force_login(cast.alice)
    data = media_samples.image(fmt="PNG")
    client.post(f"/w/{cast.workspace.slug}/media/", {"file": SimpleUploadedFile("Miche.png", data)})
    item = MediaItem.objects.get(workspace=cast.workspace)
    response = client.get(
        f"/w/{cast.workspace.slug}/media/{item.pk}/file/", headers={"accept-encoding": "gzip"}
    )
    assert response.status_code == 200 and response.streaming
    assert "Content-Encoding" not in response
    assert response["Content-Length"] == str(len(data))
    assert b"".join(response.streaming_content) == data
