"""mastodon-mock (PyPI) as a server of its own: HTTPS on a free 127.0.0.1 port, in memory,
fault injection on, two accounts (brand and fan) with tokens.

A subprocess rather than the package's in-thread server: the tests' own processes (the
`palabre worker` a test starts) reach it as they would reach any instance, and a test's
stop or crash cannot leave a thread inside the test run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from palabre.worker.tests.processes import process_stop
from tests.networks.mastodon.tls import ServerCertificate
from tests.ports import free_port

START_TIMEOUT = 30
# Faults on, nothing seeded (the accounts are made through its own API), no streaming:
# Palabre polls.
CONFIG = """\
[faults]
enabled = true

[streaming]
enabled = false

[seed]
accounts = []
"""


class MockFailed(RuntimeError):
    pass


@dataclass
class MockServer:
    base_url: str
    process: subprocess.Popen[bytes]
    ca: Path  # what to verify its certificate with
    log: Path
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The mock's own control plane (/api/v1/_mock/...), JSON in and out."""
        answer = requests.request(
            method, self.base_url + path, json=body, verify=str(self.ca), timeout=10
        )
        answer.raise_for_status()
        return answer.json()

    def stop(self) -> None:
        process_stop(self.process)


def _ready(url: str, ca: Path) -> bool:
    try:
        return requests.get(url, verify=str(ca), timeout=2).status_code == 200
    except requests.RequestException:
        return False


def start(folder: Path, tls: ServerCertificate) -> MockServer:
    """Start it, wait until it answers, create brand and fan. A failure says why."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "mastodon_mock.toml"
    config.write_text(CONFIG)
    port = free_port()
    base_url = f"https://127.0.0.1:{port}"
    log = folder / "mastodon-mock.log"
    # The interpreter running the tests has it installed (pyproject's dev extras).
    command = [
        sys.executable,
        "-m",
        "mastodon_mock",
        "serve",
        "--config",
        str(config),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--domain",
        f"127.0.0.1:{port}",
        "--in-memory",
        "--ssl-certfile",
        str(tls.certificate),
        "--ssl-keyfile",
        str(tls.key),
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    server = MockServer(base_url, process, tls.ca, log)
    deadline = time.monotonic() + START_TIMEOUT
    while not _ready(f"{base_url}/api/v1/instance", tls.ca):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise MockFailed(f"mastodon-mock did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    for name in ("brand", "fan"):
        server.accounts[name] = server.call(
            "POST", "/api/v1/_mock/dev_user", {"username": name, "display_name": name.title()}
        )
    return server
