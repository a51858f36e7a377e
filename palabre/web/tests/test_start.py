"""`palabre start` (what `make run` ends with): web server, worker and stream up, Ctrl-C stops
them all."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from palabre.web.management.commands import start
from palabre.worker.tests.processes import children
from tests.ports import free_port


def _start(tmp_path: Path, port: int | None = None) -> tuple[subprocess.Popen[str], int]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env["PALABRE_VAR_DIR"] = str(tmp_path)
    palabre = [sys.executable, "-m", "palabre"]
    subprocess.run([*palabre, "migrate", "-v0"], env=env, check=True, timeout=120)
    port = port or free_port()
    proc = subprocess.Popen(
        [*palabre, "start", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, port


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGHUP], ids=["ctrl-c", "hang-up"])
def test_start_serves_pages_and_ctrl_c_stops_web_worker_and_stream(
    tmp_path: Path, signum: int
) -> None:
    """Ctrl-C, or the terminal closed (SIGHUP): nothing is left running."""
    proc, port = _start(tmp_path)
    output = _Output(proc)
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/login/") == 200
        output.wait_for("started with steps")  # the worker is looping too
        output.wait_for("stream ")  # and the stream process ("stream <holder> started")
        proc.send_signal(signum)
        proc.wait(timeout=30)
        out = output.text()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out[-3000:]
    assert f"http://127.0.0.1:{port}/" in out and "Palabre stopped." in out
    assert "worker" in out and "stopped after" in out  # the worker said goodbye itself
    assert re.search(r"stream \S+ stopped", out), out[-3000:]  # the stream gave its channels back
    leftovers = subprocess.run(["pgrep", "-f", f"127.0.0.1:{port}"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""


def test_a_process_that_dies_is_started_again_and_the_others_keep_running(
    tmp_path: Path,
) -> None:
    proc, port = _start(tmp_path)
    output = _Output(proc)
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/login/") == 200
        output.wait_for("started with steps")
        time.sleep(start.QUICK_EXIT)  # a process that ends sooner stops them all
        [worker] = [pid for pid in children(proc.pid) if b" worker" in _cmdline(pid)]
        os.kill(worker, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        output.wait_for("worker stopped (exit -9): started again.")
        eventually = time.monotonic() + 60
        while sum("started with steps" in line for line in output.lines) < 2:
            assert time.monotonic() < eventually, output.text()[-2000:]
            time.sleep(0.2)
        assert _wait_for(f"http://127.0.0.1:{port}/login/") == 200  # the web server stayed
        assert worker not in children(proc.pid)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "Palabre stopped." in output.text()


def test_a_port_already_taken_stops_palabre_with_an_error(tmp_path: Path) -> None:
    """gunicorn gives up after 5 s of retries: that is no crash to restart forever, and a
    service manager must hear the failure."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        proc, _port = _start(tmp_path, port=int(taken.getsockname()[1]))
        output = _Output(proc)
        try:
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    out = output.text()
    assert proc.returncode == 1, out[-2000:]
    assert "web stopped (exit 1): Palabre stops." in out
    assert "started again" not in out


def _cmdline(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")


class _Output:
    """Collects a process's output in a thread, so the test can wait for a line."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append(line)

    def wait_for(self, marker: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(marker in line for line in self.lines) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any(marker in line for line in self.lines), "".join(self.lines)[-2000:]

    def text(self) -> str:
        self.thread.join(timeout=30)
        return "".join(self.lines)


def _wait_for(url: str, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                return int(response.status)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} never answered")


def test_links_follow_the_address_served_unless_the_administrator_set_them(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    env, hint = start.served_at("192.168.1.20:9000", {"PATH": "/bin"})
    assert env["SITE_URL"] == "http://192.168.1.20:9000" and hint == ""
    assert env["ALLOWED_HOSTS"] == "127.0.0.1,localhost,192.168.1.20"  # pages answer there
    assert env["PATH"] == "/bin"
    env, _hint = start.served_at("[::1]:9000", {})
    assert env["SITE_URL"] == "http://[::1]:9000" and env["ALLOWED_HOSTS"].endswith(",[::1]")
    chosen = {"SITE_URL": "https://palabre.example", "ALLOWED_HOSTS": "palabre.example"}
    assert start.served_at("127.0.0.1:9000", chosen) == (chosen, "")
    assert start.served_at("unix:/run/palabre.sock", {}) == ({}, "")


def test_on_every_interface_palabre_says_to_set_the_address(settings) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    settings.SITE_URL = "http://127.0.0.1:8000"
    for bind in ("0.0.0.0:8000", "[::]:8000"):
        with translation.override("en"):
            env, hint = start.served_at(bind, {})
        assert "SITE_URL" not in env and "set SITE_URL" in hint and "127.0.0.1:8000" in hint
    assert start.served_at("0.0.0.0:8000", {"SITE_URL": "https://palabre.example"})[1] == ""
