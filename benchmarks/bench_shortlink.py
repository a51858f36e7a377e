"""The short-link redirect under load: gunicorn serving Palabre as `palabre start` does
(4 workers × 2 threads, its access log, DATABASE_CONN_MAX_AGE=60 as .env.example advises
for PostgreSQL), loaded by Debian's wrk on loopback: 32 connections for 15 s, each request
a browser's GET (a Lua script sets the User-Agent), so each is counted as a click. wrk
shares the machine's 2 cores with the server.

Then gunicorn is stopped as `palabre start` stops it (SIGTERM) and the Click rows are
counted: every redirect the server answered (its access log) must have its row. wrk's own
count is lower by the requests still in flight when its time ran out, which it abandons
but the server answers and counts.

Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
`make bench` installs wrk when run as root (apt-get install wrk otherwise).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import django

CONNECTIONS = 32
SECONDS = 15
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0"
# wrk's Lua: the method and the browser's User-Agent; `done` prints the run's figures as
# JSON, and answers other than 302 are counted (wrk counts only 4xx and 5xx as errors).
SCRIPT = """
wrk.method = "%(method)s"
wrk.headers["User-Agent"] = "%(agent)s"
other = 0
function response(status, headers, body)
  if status ~= 302 then other = other + 1 end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%.3f, "p99_us": %%d, "other": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(99), other,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""
# A GET answered by a redirect, in gunicorn's access log (the HEAD warm-up is not counted).
GET_REDIRECTED = re.compile(r'"GET /l/\w+ HTTP/1\.1" 302 ')


def wrk(url: str, method: str, seconds: int, var_dir: Path) -> dict[str, float]:
    script = var_dir / f"shortlink-{method.lower()}.lua"
    script.write_text(SCRIPT % {"method": method, "agent": BROWSER})
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    out = subprocess.run(
        [*command, "-s", str(script), url], capture_output=True, text=True, check=True
    ).stdout
    print(out, file=sys.stderr)
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("bench_shortlink needs wrk: apt-get install wrk (make bench does it as root)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from palabre.accounts.models import User, Workspace
    from palabre.strategy.links import link_create
    from palabre.strategy.models import Click
    from palabre.worker.tests.processes import free_port, web_server

    call_command("migrate", verbosity=0)
    owner, _ = User.objects.get_or_create(email="links@bench.example")
    workspace, _ = Workspace.objects.get_or_create(slug="links", defaults={"name": "Links"})
    link = link_create(workspace=workspace, actor=owner, destination="https://example.com/x")
    vendor = connection.vendor.replace("postgresql", "postgres")
    connection.close()
    var_dir = Path(settings.VAR_DIR)
    access_log = var_dir / "shortlink-access.log"
    access_log.unlink(missing_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/l/{link.code}"
    # gunicorn as `palabre start` runs it, persistent connections as .env.example advises.
    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1,localhost", DATABASE_CONN_MAX_AGE="60")
    with access_log.open("w") as log:
        server = web_server(port, env=env, log=log)
    try:
        # HEAD is answered, never counted: both workers booted and the code remembered.
        wrk(url, "HEAD", 3, var_dir)
        run = wrk(url, "GET", SECONDS, var_dir)
    finally:
        server.terminate()  # SIGTERM, as `palabre start` stops it
        server.wait(timeout=60)
    assert server.returncode == 0, server.returncode
    assert run["errors"] == 0 and run["other"] == 0, run
    answered = sum(1 for line in access_log.read_text().splitlines() if GET_REDIRECTED.search(line))
    counted = Click.objects.filter(link=link).count()
    print(
        f"wrk completed {run['requests']}, gunicorn answered {answered} GET redirects, "
        f"{counted} clicks written",
        file=sys.stderr,
    )
    assert run["requests"] <= answered <= run["requests"] + CONNECTIONS, (run, answered)
    rows = [
        ("shortlink_rps", round(run["requests"] / run["seconds"], 1), f"redirects/s ({vendor})"),
        ("shortlink_p99_ms", round(run["p99_us"] / 1000, 1), f"ms ({vendor})"),
        ("shortlink_clicks_lost", answered - counted, f"clicks ({vendor})"),
    ]
    for name, value, unit in rows:
        print(json.dumps({"name": name, "value": value, "unit": unit}))


if __name__ == "__main__":
    sys.exit(main())
