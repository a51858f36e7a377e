from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from palabre.webhooks.tests.helpers import Clock, Receiver

# The browser fixtures (Debian's Chromium, the CSP watch, the screenshots folder).
from tests.conftest import browser, chromium, screenshot_dir  # noqa: F401


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    # Loopback is refused by the outbound guard unless listed, as other tests list it.
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    found = Receiver()
    found.start()
    yield found
    found.stop()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """`timezone.now()` is this clock's time, moved by the test (as other worker tests do)."""
    found = Clock(now=timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: found.now)
    return found
