"""The network pass shares two workers (scripts/test.sh: --dist loadgroup); each heavy
server's tests must all run in one of them, the only one that starts it (conftest.py,
_network_group). pytest 9.2 with xdist 3.8 silently stopped grouping
(pytest-dev/pytest-xdist#1386): two Bluesky networks then fought over their ports. This
runs the same mechanism, a collection hook marking tests by the fixture they use, on a
small suite of its own."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CONFTEST = """
import pytest

@pytest.fixture(scope="session")
def heavy():
    return "started once"

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        group = "heavy" if "heavy" in item.fixturenames else item.path.stem
        item.add_marker(pytest.mark.xdist_group(group))
"""

TESTS = """
import pytest

@pytest.mark.parametrize("n", range(4))
def test_with_the_server(heavy, n):
    pass

@pytest.mark.parametrize("n", range(4))
def test_without(n):
    pass
"""


def test_a_heavy_servers_tests_all_run_in_one_worker(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for name in ("test_one.py", "test_two.py", "test_three.py"):
        (tmp_path / name).write_text(TESTS)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v"]
        + ["-p", "no:django", "-p", "no:randomly", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    workers = re.findall(r"\[(gw\d)\].*PASSED .*test_with_the_server\[\d\]", run.stdout)
    assert len(workers) == 12, run.stdout[-2000:]
    assert len(set(workers)) == 1, f"the heavy server's tests ran in {sorted(set(workers))}"
