"""A team at work while the workers are busy: the demo (`palabre demo`) served by gunicorn as
`palabre start` runs it (4 workers × 2 threads, persistent PostgreSQL connections), four
`palabre worker` processes, and 50 simulated members of the team, each opening a page of
the inbox, calendar, composer or reports every 2 s (with jitter) for 60 s. Meanwhile 500
approved posts fall due at the same second on the demo network and 1,000 replies to them
arrive at a steady pace (DemoActivity rows, fetched by the inbox's poll).

The members are the demo's six people (tests/layout.py DEMO_PEOPLE), several sessions each;
each opens only the pages their role may open. A page's time is from the request sent to its
last byte read, by one httpx.AsyncClient per member, all in this process, on loopback: the
client, the server, the workers and PostgreSQL share the machine's cores. Static files are
not fetched (a browser keeps them). Then, the posts and replies counted: each post on the
network once with its id recorded, each reply in the inbox once.

PostgreSQL only (on SQLite it prints nothing). Run by benchmarks/run.py with DATABASE_URL and
PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.layout: the demo's people

MEMBERS = 50
EVERY = 2.0  # seconds between one member's pages, ± JITTER
JITTER = 0.5
SECONDS = 60.0  # the measured window
POSTS = 500
REPLIES = 1000
FALL_DUE = 5.0  # seconds into the window
SCHEDULING = 45.0  # seconds: the time to set 500 posts' time, with room to spare
DRAIN = 180.0  # after the window, the longest wait for the last posts and replies
PAGES = {
    "inbox": "/w/{slug}/inbox/",
    "calendar": "/w/{slug}/calendar/",
    "composer": "/w/{slug}/compose/",
    "reports": "/w/{slug}/reports/",
}
# The demo's channels without a daily quota (Instagram, Threads) or a billed, slow poll (X):
# every post can go out and every reply be read within the run.
NETWORKS = ["bluesky", "mastodon", "facebook", "linkedin"]
WORKER = [sys.executable, "-m", "palabre", "worker"]


@dataclass
class Opened:
    page: str
    seconds: float
    status: int


@dataclass
class Run:
    opened: list[Opened] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)  # DemoActivity ids
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds in the window, by part
    seconds: float = 0.0  # the window, until the last page came back
    connections: int = 0  # the most PostgreSQL connections open to the database at once
    worker_mib: float = 0.0  # the largest peak resident memory of the four workers


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench_team_load runs on PostgreSQL only", file=sys.stderr)
        return
    call_command("migrate", verbosity=0)
    call_command("demo", "--if-missing", verbosity=0, stdout=io.StringIO())
    # The approvers' e-mails for 500 submitted posts: not on this script's stdout.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    marker = f"{random.randrange(16**6):06x}"
    started = time.monotonic()
    posts = _approved_posts(marker)
    print(f"{POSTS} posts approved in {time.monotonic() - started:.0f} s", file=sys.stderr)
    connection.close()

    from palabre.worker.tests.processes import children, free_port, peak_rss_mib, web_server

    env = dict(os.environ, DATABASE_CONN_MAX_AGE="60")
    port = free_port()
    log = (Path(settings.VAR_DIR) / "team-load-access.log").open("w")
    server = web_server(port, env=env, log=log)
    workers = [
        subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(4)
    ]
    try:
        parts = {"workers": [w.pid for w in workers]}

        def web() -> list[int]:  # the master and its workers
            return [server.pid, *children(server.pid)]

        run = asyncio.run(_load(f"http://127.0.0.1:{port}", posts, marker, parts, web))
        drained = _drain(marker, run.replies)
        run.worker_mib = max(peak_rss_mib(w.pid) for w in workers)
    finally:
        for process in [*workers, server]:
            process.send_signal(signal.SIGTERM)
        for process in [*workers, server]:
            process.wait(timeout=60)
        log.close()
    for result in _results(run, marker, drained):
        print(json.dumps(result))


def _approved_posts(marker: str) -> list[Any]:
    """500 posts written by the editor, submitted and approved by the approver, one channel
    each, no time yet."""
    from palabre.accounts.models import User
    from palabre.channels.models import Channel
    from palabre.publishing.services import post_create
    from palabre.publishing.workflow import post_approve, post_submit
    from palabre.web.demo import DEMO_SLUG
    from tests.layout import DEMO_PEOPLE

    editor = User.objects.get(email=DEMO_PEOPLE["editor"])
    approver = User.objects.get(email=DEMO_PEOPLE["approver"])
    channels = list(Channel.objects.filter(workspace__slug=DEMO_SLUG, network__in=NETWORKS))
    posts = []
    for i in range(POSTS):
        channel = channels[i % len(channels)]
        idea = f"Fournée n° {i} du jour : pain de seigle, noix et miel. [{marker}]"
        post = post_create(
            workspace=channel.workspace,
            author=editor,
            idea=idea,
            category="helpful",
            networks=[channel.network],
        )
        post_submit(post=post, actor=editor)
        post_approve(post=post, actor=approver)
        posts.append(post)
    return posts


def _schedule(posts: list[Any]) -> float:
    """Every post due at the same second, SCHEDULING from now (the approver sets the time).
    Returns that second (time.time())."""
    from django.db import connection
    from django.utils import timezone

    from palabre.accounts.models import User
    from palabre.publishing.workflow import post_schedule
    from tests.layout import DEMO_PEOPLE

    try:
        approver = User.objects.get(email=DEMO_PEOPLE["approver"])
        due = timezone.now() + timedelta(seconds=SCHEDULING)
        for post in posts:
            post_schedule(post=post, actor=approver, publish_at=due)
    finally:
        connection.close()
    return due.timestamp()


async def _load(
    base: str,
    posts: list[Any],
    marker: str,
    parts: dict[str, list[int]],
    web: Callable[[], list[int]],
) -> Run:
    import httpx

    from tests.layout import DEMO_PEOPLE

    run = Run()
    # A contributor opens none of the four pages (they write drafts in the media library…).
    accounts = [email for role, email in DEMO_PEOPLE.items() if role != "contributor"]
    # gunicorn closes a connection idle for 2 s (its keepalive): a member reading a page for
    # 2 s opens a new one, as a browser would, rather than race the server's close.
    limits = httpx.Limits(max_connections=1, keepalive_expiry=1.0)
    clients = [httpx.AsyncClient(base_url=base, timeout=30, limits=limits) for _ in range(MEMBERS)]
    try:
        # Signing in: the password hasher's 0.3 s, a few at a time, before the window.
        gate = asyncio.Semaphore(4)
        pages = await asyncio.gather(
            *(
                _sign_in(client, accounts[n % len(accounts)], gate)
                for n, client in enumerate(clients)
            )
        )
        due = await asyncio.to_thread(_schedule, posts)
        start = due - FALL_DUE
        print(
            f"signed in, scheduled; the window opens in {start - time.time():.0f} s",
            file=sys.stderr,
        )
        await asyncio.sleep(max(start - time.time(), 0))
        end = time.time() + SECONDS
        # gunicorn's workers, read now: when it first answers, it may not have forked them all.
        parts |= {"web": web(), "postgres": _backends(), "bench": [os.getpid()]}
        before, opened = _cpu(parts), time.monotonic()
        replies = asyncio.to_thread(_replies, marker, due + 2, end - 5, run)
        connections = asyncio.to_thread(_connections, end, run)
        members = (_member(c, p, end, run) for c, p in zip(clients, pages, strict=True))
        await asyncio.gather(replies, connections, *members)
        # PostgreSQL's server processes come and go (a connection lives 60 s): those that
        # started during the window count whole.
        after = _cpu(parts | {"postgres": sorted(set(parts["postgres"]) | set(_backends()))})
        run.cpu = _cpu_used(before, after)
        run.seconds = time.monotonic() - opened  # the last pages may end after SECONDS
    finally:
        for client in clients:
            await client.aclose()
    return run


async def _sign_in(client: Any, email: str, gate: asyncio.Semaphore) -> list[str]:
    """Through the login form; returns the pages this person's role may open."""
    from django.conf import settings

    from palabre.web.demo import DEMO_PASSWORD, DEMO_SLUG

    async with gate:
        await client.get("/login/")
        form = {"email": email, "password": DEMO_PASSWORD}
        form["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME]
        signed_in = await client.post("/login/", data=form)
        assert signed_in.status_code == 302, f"{email} could not sign in"
    allowed = []
    for name, path in PAGES.items():
        page = await client.get(path.format(slug=DEMO_SLUG))
        if page.status_code == 200:
            allowed.append(name)
    return allowed


async def _member(client: Any, pages: list[str], end: float, run: Run) -> None:
    from palabre.web.demo import DEMO_SLUG

    await asyncio.sleep(random.uniform(0, EVERY))
    while time.time() < end:
        name = random.choice(pages)
        started = time.perf_counter()
        try:
            page = await client.get(PAGES[name].format(slug=DEMO_SLUG))
            status = page.status_code
        except Exception as error:  # a timeout, a dropped connection: an error, counted
            run.failures.append(f"{name}: {error!r}")
            status = 0
        run.opened.append(Opened(name, time.perf_counter() - started, status))
        await asyncio.sleep(max(EVERY + random.uniform(-JITTER, JITTER), 0))


def _replies(marker: str, begin: float, end: float, run: Run) -> None:
    """1,000 replies from 300 people, at a steady pace between `begin` and `end`, each to a
    post already published (the network's own rows)."""
    from django.db import connection

    from palabre.networks.demo.models import DemoActivity, DemoPost

    comments = _comments()
    time.sleep(max(begin - time.time(), 0))
    pace = REPLIES / (end - begin)
    posts: list[Any] = []
    try:
        while len(run.replies) < REPLIES:
            if len(posts) < POSTS:  # those published so far
                posts = list(DemoPost.objects.filter(text__contains=f"[{marker}]"))
            owed = min(int((time.time() - begin) * pace) + 1, REPLIES) - len(run.replies)
            if posts and owed > 0:
                made = DemoActivity.objects.bulk_create(
                    _reply(random.choice(posts), n, comments)
                    for n in range(len(run.replies), len(run.replies) + owed)
                )
                run.replies += [a.pk for a in made]
            time.sleep(0.5)
    finally:
        connection.close()


def _connections(end: float, run: Run) -> None:
    """The most connections to this database seen at once, read every second."""
    from django.db import connection

    try:
        while time.time() < end:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                )
                run.connections = max(run.connections, cursor.fetchone()[0] - 1)  # not ours
            time.sleep(1)
    finally:
        connection.close()


def _backends() -> list[int]:
    """The PostgreSQL server processes serving this database (on this machine)."""
    from django.db import connection

    name = f" {connection.settings_dict['NAME']} ".encode()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if (
                name in (proc / "cmdline").read_bytes()
                and b"postgres" in (proc / "comm").read_bytes()
            ):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _cpu(parts: dict[str, list[int]]) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by each process of each part, and by the whole machine."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, dict[int, float]] = {}
    for part, pids in parts.items():
        used[part] = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone
            used[part][pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    used["machine"] = {0: (sum(ticks) - ticks[3] - ticks[4]) / tick}  # all but idle, iowait
    return used


def _cpu_used(
    before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
) -> dict[str, float]:
    """Each part's CPU seconds between the two readings (a process gone by the second
    reading is not counted; one new at the second counts whole)."""
    return {
        part: sum(t - before[part].get(pid, 0.0) for pid, t in pids.items())
        for part, pids in after.items()
    }


def _reply(post: Any, n: int, comments: list[str]) -> Any:
    from palabre.networks.demo.models import DemoActivity

    return DemoActivity(
        channel_id=post.channel_id,
        post=post,
        kind="comment",
        author_handle=f"@habitue-{n % 300}",
        author_name=f"Habituée {n % 300}",
        text=comments[n % len(comments)],
    )


def _comments() -> list[str]:
    """The comments of benchmarks/inbox_mix.csv: a real inbox's mix."""
    with (ROOT / "benchmarks" / "inbox_mix.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    column = "text" if "text" in rows[0] else next(iter(rows[0]))
    return [row[column] for row in rows]


def _drain(marker: str, replies: list[int]) -> float:
    """Seconds after the window until every post is out and every reply in (or DRAIN)."""
    from palabre.inbox.models import Interaction
    from palabre.publishing.models import PostTarget, TargetStatus

    started = time.monotonic()
    ids = [f"act:{pk}" for pk in replies]
    while time.monotonic() - started < DRAIN:
        waiting = PostTarget.objects.filter(variant__text__contains=f"[{marker}]").exclude(
            status=TargetStatus.PUBLISHED
        )
        stored = Interaction.objects.filter(remote_id__in=ids).values("remote_id").distinct()
        if not waiting.exists() and stored.count() == len(ids):
            break
        time.sleep(1)
    return time.monotonic() - started


def _results(run: Run, marker: str, drained: float) -> list[dict[str, object]]:
    from palabre.inbox.models import Interaction
    from palabre.networks.demo.models import DemoPost
    from palabre.publishing.models import PostTarget, TargetStatus

    targets = PostTarget.objects.filter(variant__text__contains=f"[{marker}]")
    recorded = set(
        targets.filter(status=TargetStatus.PUBLISHED).values_list("remote_id", flat=True)
    )
    on_network = list(
        DemoPost.objects.filter(text__contains=f"[{marker}]", in_reply_to="").values_list(
            "pk", "text"
        )
    )
    texts = [text for _pk, text in on_network]
    found = {f"post:{pk}" for pk, _text in on_network} & recorded
    posts_lost = POSTS - len({text for pk, text in on_network if f"post:{pk}" in found})
    posts_twice = len(texts) - len(set(texts))
    ids = [f"act:{pk}" for pk in run.replies]
    stored = list(Interaction.objects.filter(remote_id__in=ids).values_list("remote_id", flat=True))
    replies_lost = REPLIES - len(set(stored))
    replies_twice = len(stored) - len(set(stored))

    errors = [o for o in run.opened if o.status != 200]
    times = sorted(o.seconds for o in run.opened)
    by_page: dict[str, list[float]] = defaultdict(list)
    for o in run.opened:
        by_page[o.page].append(o.seconds)
    per_page = {page: _p95(sorted(s)) for page, s in by_page.items()}
    slowest = max(per_page, key=lambda p: per_page[p])
    print(
        f"pages p95 ms {per_page}, counts { ({p: len(s) for p, s in by_page.items()}) }; "
        f"errors {[(o.page, o.status) for o in errors][:10]} {run.failures[:5]}; "
        f"drained in {drained:.0f} s",
        file=sys.stderr,
    )
    cpu = run.cpu
    ours = sum(v for k, v in cpu.items() if k != "machine")
    print(
        "CPU seconds in the window: "
        + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items())
        + f" (of {run.seconds * (os.cpu_count() or 1):.0f}: {run.seconds:.0f} s × the cores)",
        file=sys.stderr,
    )
    return [
        {
            "name": "team_load_page_p95_ms",
            "value": _ms(_p95(times)),
            "unit": f"ms ({MEMBERS} members; slowest page: {slowest}, {_ms(per_page[slowest])} ms)",
        },
        {"name": "team_load_pages", "value": len(times), "unit": f"pages in {SECONDS:.0f} s"},
        {"name": "team_load_errors", "value": len(errors), "unit": "pages"},
        {
            "name": "team_load_web_cpu_ms_per_page",
            "value": round(1000 * cpu["web"] / max(len(times), 1), 1),
            "unit": "ms of CPU in the web processes per page opened",
        },
        {
            "name": "team_load_others_cpu_share",
            "value": round(100 * max(cpu["machine"] - ours, 0) / max(cpu["machine"], 1e-9), 1),
            "unit": "% of the machine's busy CPU time, by processes not the benchmark's "
            f"(CPU seconds in the {run.seconds:.0f} s window: web {cpu['web']:.0f}, workers "
            f"{cpu['workers']:.0f}, PostgreSQL {cpu['postgres']:.0f}, this script "
            f"{cpu['bench']:.0f}, the machine {cpu['machine']:.0f})",
        },
        {
            "name": "team_load_db_connections",
            "value": run.connections,
            "unit": "connections at most (web, workers, the bench's replies)",
        },
        {
            "name": "team_load_worker_rss_mib",
            "value": round(run.worker_mib, 1),
            "unit": "MiB (peak, the largest of 4 workers)",
        },
        {"name": "team_load_posts_published", "value": len(recorded), "unit": f"of {POSTS}"},
        {
            "name": "team_load_replies_stored",
            "value": len(set(stored)),
            "unit": f"of {len(ids)} sent",
        },
        {
            "name": "team_load_lost",
            "value": posts_lost + replies_lost,
            "unit": f"posts {posts_lost} + replies {replies_lost}",
        },
        {
            "name": "team_load_duplicated",
            "value": posts_twice + replies_twice,
            "unit": f"posts {posts_twice} + replies {replies_twice}",
        },
    ]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _p95(values: list[float]) -> float:
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))] if values else 0.0


if __name__ == "__main__":
    sys.exit(main())
