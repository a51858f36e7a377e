"""moto (PyPI) in server mode: an S3 endpoint on a 127.0.0.1 port of 8400-8499, in memory.

A subprocess rather than moto's in-thread server: Palabre reaches it over HTTP as it
reaches any bucket, and its memory is not the test's (the upload tests measure what
Palabre holds in memory with tracemalloc, which would count the server's too).
"""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from palabre.worker.tests.processes import process_stop

PORTS = range(8400, 8500)  # this suite's own range: other suites' servers use others
START_TIMEOUT = 30


class MotoFailed(RuntimeError):
    pass


@dataclass
class MotoServer:
    endpoint: str
    process: subprocess.Popen[bytes]

    def reset(self) -> None:
        """Every bucket and object gone: each test starts from an empty server."""
        requests.post(f"{self.endpoint}/moto-api/reset", timeout=10).raise_for_status()

    def stop(self) -> None:
        process_stop(self.process)


def start(folder: Path) -> MotoServer:
    """Start it on the first free port of the range that it binds; a failure says why."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "moto.log"
    for port in random.sample(PORTS, len(PORTS)):
        if not _free(port):
            continue
        with log.open("wb") as out:
            command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        server = MotoServer(f"http://127.0.0.1:{port}", process)
        if _wait_ready(server):
            return server
        server.stop()  # another process took the port meanwhile: the next one
    raise MotoFailed(f"moto did not start on any port of 8400-8499:\n{log.read_text()[-3000:]}")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_ready(server: MotoServer) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while server.process.poll() is None and time.monotonic() < deadline:
        try:
            requests.get(f"{server.endpoint}/moto-api/", timeout=2).raise_for_status()
            return server.process.poll() is None  # it answers, and not another process
        except requests.RequestException:
            time.sleep(0.1)
    return False
