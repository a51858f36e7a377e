"""A web process is ready before its first visitor: the page code and the networks' SDKs
are loaded when gunicorn imports the WSGI module, not during someone's first request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from palabre.networks.registry import CONNECTORS

LOADED = """
import json, sys
import palabre.wsgi
from palabre.networks.registry import CONNECTORS
modules = {path.rpartition(".")[0] for path in CONNECTORS.values()}
print(json.dumps({"missing": sorted(m for m in modules if m not in sys.modules),
                  "views": "palabre.listening.views" in sys.modules,
                  "atproto": "atproto" in sys.modules}))
"""


def test_importing_the_wsgi_module_loads_every_page_and_connector(tmp_path: Path) -> None:
    env = {**os.environ, "PALABRE_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", LOADED], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"missing": [], "views": True, "atproto": True}


def test_a_connector_whose_sdk_is_missing_or_broken_is_only_logged(monkeypatch, caplog) -> None:
    from palabre.web import warmup

    asked = []

    def load(key: str) -> object:
        asked.append(key)
        if key == "bluesky":
            raise ImportError("No module named 'atproto'")
        if key == "x":  # an SDK of another version failing as it loads
            raise RuntimeError("pydantic says no")
        return object

    monkeypatch.setattr(warmup, "connector_class", load)
    with caplog.at_level("WARNING", logger="palabre.web"):
        warmup.warm_up()
    assert "bluesky" in caplog.text and "atproto" in caplog.text
    assert "The x connector" in caplog.text and "pydantic says no" in caplog.text
    assert asked == list(CONNECTORS)  # the ones after it were loaded too
