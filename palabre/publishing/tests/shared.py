"""Where the project's shared test material lives (../shared beside the checkout).

A user's clone does not have it: tests that need it skip with a reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3].parent / "shared"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the conformance data lives in ../shared beside the project")
    return path
