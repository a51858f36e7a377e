"""What one web process holds: gunicorn serving Palabre as `palabre start` runs it, but with
one worker (2 threads) so that every request reaches it; the demo's owner signs in and
opens every page of the demo (tests/layout.py PAGES), each twice; then the worker's peak
resident memory (VmHWM) is read from /proc. The pages' sizes as sent (gzip) and as
written are summed too.

Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

import django

from palabre.worker.tests.processes import children, free_port, peak_rss_mib, web_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.layout: the pages every layout test opens


def worker_of(master: int) -> int:
    """gunicorn's one worker: the master's child process."""
    for _ in range(100):
        if found := children(master):
            return found[0]
        time.sleep(0.1)
    raise RuntimeError("gunicorn has no worker")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    django.setup()
    import httpx
    from django.conf import settings
    from django.core.management import call_command

    from palabre.web.demo import DEMO_PASSWORD
    from tests.layout import DEMO_PEOPLE, PAGES, demo_ids

    call_command("migrate", verbosity=0)
    call_command("demo", "--if-missing", verbosity=0, stdout=io.StringIO())
    ids = demo_ids()
    port = free_port()
    server = web_server(port, env=os.environ, workers=1)  # every request reaches it
    try:
        worker = worker_of(server.pid)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
            client.get("/login/")
            form = {"email": DEMO_PEOPLE["owner"], "password": DEMO_PASSWORD}
            form["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME]
            signed_in = client.post("/login/", data=form, headers={"Referer": f"{base}/login/"})
            assert "/w/" in str(signed_in.url), "the demo's owner could not sign in"
            sent = written = 0
            for _round in range(2):
                for path in PAGES:
                    page = client.get(path.format(**ids), headers={"Accept-Encoding": "gzip"})
                    assert page.status_code == 200, (path, page.status_code)
                    sent += int(page.headers.get("Content-Length") or len(page.content))
                    written += len(page.content)
        figures = [
            ("web_worker_rss_mib", round(peak_rss_mib(worker), 1), "MiB (peak, one worker)"),
            ("web_pages_sent_share", round(100 * sent / written, 1), "% of the bytes written"),
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name, value, unit in figures:
        print(json.dumps({"name": name, "value": value, "unit": unit}))


if __name__ == "__main__":
    sys.exit(main())
