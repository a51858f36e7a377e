"""Fault injection for tests: `PALABRE_FAULT=<point>` kills the process at that point.

Used to prove that a crash at the worst moment (after the network accepted a post,
before Palabre recorded it) neither loses nor duplicates the post. Unset in production.
"""

from __future__ import annotations

import os
import signal


def point(name: str) -> None:
    if os.environ.get("PALABRE_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
