"""`make bench`: run every benchmark, then write benchmarks/results.json and docs/benchmarks.md.

Each benchmark is a script printing JSON lines {"name", "value", "unit"}; the database
ones run once on SQLite and once on PostgreSQL (when a server answers).

`benchmarks/run.py bench_compose.py …` (`make bench BENCH=bench_compose.py`) runs only the
scripts named; the figures of the others are kept as they were.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
REPORT = ROOT / "docs" / "benchmarks.md"
PG_ADMIN = os.environ.get("PALABRE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BENCH_DB = "palabre_bench"
DATABASE_BENCHMARKS = ["bench_worker.py", "bench_dashboard.py"]
PLAIN_BENCHMARKS = [
    "bench_check_post.py",
    "bench_classify.py",
    "bench_cli.py",
    "bench_listen_match.py",
]
# Against the local Bluesky network, the Graph API double, the X and LinkedIn doubles, on
# PostgreSQL when it answers.
NETWORK_BENCHMARKS = [
    "bench_publish.py",
    "bench_ingest.py",
    "bench_listen_stream.py",
    "bench_meta.py",
    "bench_x.py",
    "bench_linkedin.py",
]
# Served by gunicorn on loopback, on PostgreSQL when it answers (bench_team_load.py: only then).
SERVER_BENCHMARKS = ["bench_shortlink.py", "bench_web_memory.py", "bench_team_load.py"]
# Pages through Django's test client on SQLite: the time is Palabre's, not the database's.
PAGE_BENCHMARKS = ["bench_compose.py", "bench_api.py"]


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return f"{os.cpu_count()} cores, {cpu}, {mem_kb / 1024 / 1024:.0f} GiB, Python {platform.python_version()}"


def postgres_url() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except Exception as error:
        print(f"PostgreSQL benchmarks skipped: {error}", file=sys.stderr)
        return None
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_BENCH_DB


def run_script(script: str, database_url: str, var_dir: str) -> list[dict[str, object]]:
    env = dict(os.environ, DATABASE_URL=database_url, PALABRE_VAR_DIR=var_dir)
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main(only: list[str]) -> None:
    stamp = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "machine": machine()}
    fresh: list[dict[str, object]] = []

    def chosen(scripts: list[str]) -> list[str]:
        return [s for s in scripts if not only or s in only]

    with tempfile.TemporaryDirectory() as var_dir:
        databases = [f"sqlite:///{var_dir}/bench.sqlite3"]
        pg = (
            postgres_url()
            if chosen(DATABASE_BENCHMARKS + NETWORK_BENCHMARKS + SERVER_BENCHMARKS)
            else None
        )
        if pg:
            databases.append(pg)
        for script in chosen(DATABASE_BENCHMARKS):
            for url in databases:
                fresh += [r | stamp for r in run_script(script, url, var_dir)]
        for script in chosen(PLAIN_BENCHMARKS + PAGE_BENCHMARKS):
            fresh += [r | stamp for r in run_script(script, databases[0], var_dir)]
        for script in chosen(NETWORK_BENCHMARKS + SERVER_BENCHMARKS):
            fresh += [r | stamp for r in run_script(script, databases[-1], var_dir)]
    write(merge(fresh))
    for result in fresh:
        print(f"{result['name']}: {result['value']} {result['unit']}")


def merge(fresh: list[dict[str, object]]) -> list[dict[str, object]]:
    """Keep earlier results of benchmarks that did not run this time."""
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    names = {r["name"] for r in fresh}
    return sorted([r for r in old if r["name"] not in names] + fresh, key=lambda r: str(r["name"]))


def write(results: list[dict[str, object]]) -> None:
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (benchmarks/run.py); do not edit by hand. Figures are from",
        "the machine and date shown on each row; the same data is in `benchmarks/results.json`.",
        "",
        "| Benchmark | Value | Unit | Date | Machine |",
        "|---|---:|---|---|---|",
    ]
    lines += [
        f"| `{r['name']}` | {r['value']} | {r['unit']} | {r['date']} | {r['machine']} |"
        for r in results
    ]
    lines += ["", "## What each measures", ""]
    lines += [f"- `{name}`: {text}" for name, text in DESCRIPTIONS.items()]
    REPORT.write_text("\n".join(lines) + "\n")


DESCRIPTIONS = {
    "worker_claims_per_s_sqlite": "rows of the demo network's job claimed, handled (one simulated "
    "like written) and recorded per second by one `palabre worker` loop on SQLite, 5,000 due rows.",
    "worker_claims_per_s_postgres": "the same on PostgreSQL 15 at 127.0.0.1 "
    "(claims with SELECT … FOR UPDATE SKIP LOCKED).",
    "publish_lag_p50_s": "median delay from a post's due time to the network confirming it: 100 "
    "posts due one per second, 1 worker, the local Bluesky network (PostgreSQL).",
    "publish_lag_p99_s": "the same, 99th percentile (target: under 1 s).",
    "publish_burst_per_s_4_workers": "posts confirmed per second when 500 fall due at the same "
    "second, 4 workers (target: at least half of sdk_create_per_s).",
    "meta_interrupted_duplicates": "posts on the network twice after 100 publishes (Facebook, "
    "Instagram with an image, Threads in turn) each by a `palabre worker` killed (SIGKILL) right "
    "after the Graph API double accepted it, settled by other workers reading the accounts back "
    "(target: 0).",
    "meta_interrupted_lost": "the same 100: posts missing on the network or whose id Palabre did "
    "not record (target: 0).",
    "meta_interrupted_for_a_person": "the same 100: posts left for a person to check (target: 0).",
    "x_interrupted_duplicates": "posts on X twice after 100 publishes (a text post, a post with "
    "an image and its alt text, a two-part thread, in turn) each by a `palabre worker` killed "
    "(SIGKILL) right after the X double accepted it, settled by other workers reading the "
    "account back (target: 0).",
    "x_interrupted_lost": "the same 100: posts or thread parts missing on X, or posts whose id "
    "Palabre did not record (target: 0).",
    "x_interrupted_for_a_person": "the same 100: posts left for a person to check (target: 0).",
    "linkedin_interrupted_duplicates": "posts on LinkedIn twice after 100 publishes on an "
    "organization page (text, one image with alt text, three images, in turn) each by a "
    "`palabre worker` killed (SIGKILL) right after the LinkedIn double accepted it, settled by "
    "other workers reading the page back (target: 0).",
    "linkedin_interrupted_lost": "the same 100: posts missing on LinkedIn, or posts whose id "
    "Palabre did not record (target: 0).",
    "linkedin_interrupted_for_a_person": "the same 100: posts left for a person to check "
    "(target: 0).",
    "meta_publish_lag_p50_s": "median delay from a post's due time to Palabre recording the "
    "double's confirmation: 100 Facebook posts due one per second, 1 worker (PostgreSQL).",
    "meta_publish_lag_p99_s": "the same, 99th percentile (target: under 1 s).",
    "sdk_create_per_s": "the ceiling: the official Python SDK creating 500 posts one after "
    "another on the same local PDS, no Palabre involved.",
    "check_post_per_s": "posts checked per second by one `palabre check-post --batch` process "
    "(3,000 JSON lines cycling through the seven networks and five typical texts, process "
    "start-up included).",
    "classify_per_s": "comments classified per second (language, abuse and its kind, spam, "
    "sentiment, question, praise, and the default action) by the shipped base model, in "
    "batches of 512, the process pinned to one CPU with single-threaded numeric libraries "
    "(target: at least 3,000).",
    "classify_full_per_s": "comments classified per second by both stages (the fast model, "
    "then the sentence-embedding stage for the comments it is unsure of) on "
    "benchmarks/inbox_mix.csv, 600 comments mixed as a real inbox receives them (mostly "
    "reactions, questions and praise, some criticism, a little abuse and spam), three passes "
    "in batches of 50, one CPU, single-threaded (target: at least 200).",
    "classify_second_stage_share": "the share of those comments the second stage read "
    "(aim: about one in five).",
    "listen_match_per_s": "posts matched per second by Listening's matcher, one pinned core, "
    "against 1,000 saved searches of 5 terms each (words, all-of-these words, exact phrases, "
    "hashtags; three in five with exclusions, half kept to one network), as businesses and "
    "topics write them: 4,000 French and English post texts generated with a fixed seed "
    "(mostly about something else, about one in four naming a business, a place or a topic "
    "some search follows), the fastest of five passes (target: at least 20,000; the public "
    "Bluesky stream carries a few hundred posts a second).",
    "dashboard_p95_ms_sqlite": "the reports page on a generated history (`palabre bench seed`: "
    "20 channels, 12 months, 5 million interactions, 1 million brand replies, 400,000 people): "
    "each part of the page (dialogue, channels, posts, content mix, funnel, contributors, "
    "supporters, drifting regulars, twelve-month trend, insights) built 20 times for the "
    "default view (last 30 days, all channels); the 95th percentile of the slowest part, on "
    "SQLite (target: under 500 ms).",
    "dashboard_p95_ms_postgres": "the same on PostgreSQL 15, after VACUUM ANALYZE (target: "
    "under 500 ms).",
    "dashboard_month_p95_ms_sqlite": "the same page for last calendar month (its people "
    "tables read from the hourly rankings of this month and the one before), on SQLite.",
    "dashboard_month_p95_ms_postgres": "the same on PostgreSQL.",
    "dashboard_page_p95_sum_ms_sqlite": "the sum of every part's 95th percentile: the whole "
    "page's tables and charts, on SQLite (target: under 250 ms).",
    "dashboard_page_p95_sum_ms_postgres": "the same on PostgreSQL (target: under 250 ms).",
    "dashboard_month_page_p95_sum_ms_sqlite": "the same sum for last calendar month, on SQLite "
    "(target: under 250 ms).",
    "dashboard_month_page_p95_sum_ms_postgres": "the same on PostgreSQL (target: under 250 ms).",
    "dashboard_key_figures_p95_ms_sqlite": "the four key figures above the tables (response "
    "rate, median first response, engaged people, reach, each against the 30 days before and "
    "in eight steps), built 20 times for the default view as the reports page builds them (the "
    "home page keeps them five minutes); the 95th percentile, on SQLite.",
    "dashboard_key_figures_p95_ms_postgres": "the same on PostgreSQL.",
    "bench_seed_s_sqlite": "how long `palabre bench seed` takes to write that history on SQLite.",
    "bench_seed_s_postgres": "the same on PostgreSQL (COPY).",
    "shortlink_rps": "tracked-link redirects answered per second (/l/<code>, each a browser's "
    "GET counted as a click, the clicks written in batches once a second): gunicorn as "
    "`palabre start` runs it (4 workers × 2 threads, its access log, persistent PostgreSQL "
    "connections), loaded for 15 s by Debian's wrk keeping 32 connections busy on loopback, "
    "sharing the 2 cores (target: at least 1,500).",
    "shortlink_p99_ms": "the same run's 99th-percentile latency as wrk measures it, queueing "
    "behind 8 server threads included (target: under 100 ms).",
    "shortlink_clicks_lost": "after that run, gunicorn stopped as `palabre start` stops it "
    "(SIGTERM): redirects its access log shows answered, less the Click rows written (target: "
    "0). wrk's own count is lower by the requests in flight when its time ran out, which it "
    "abandons but the server answers and counts.",
    "cli_start_s": "`palabre check-post --network bluesky` on one line (a text with a mention, "
    "a tag and a link), the whole process from start to exit, as a script or a pre-commit hook "
    "runs it; the median of 9 runs after one that warms the disk cache (target: under 0.5 s).",
    "cli_start_x_s": "the same for X, whose count needs twitter-text-parser (its import compiles "
    "large patterns and loads pkg_resources).",
    "classify_start_s": "`palabre classify` on one comment, the whole process, the same way: "
    "it loads the fast model, and the second stage only if the comment needs it.",
    "web_worker_rss_mib": "peak resident memory (VmHWM) of one gunicorn worker (2 threads, as `palabre start` runs it) after "
    "the demo's owner signed in and opened every page of the demo twice (tests/layout.py "
    "PAGES), on PostgreSQL (target: under 130 MiB).",
    "web_pages_sent_share": "the same pages' bytes as sent (gzip), as a share of the bytes "
    "written.",
    "compose_prepare_10k_s": "a 10,000-character idea (links, mentions, hashtags, emoji, "
    "accents) sent to the seven networks and the variants page shown, as a person does it "
    "(the idea posted, the redirect to the variants followed: each variant checked, threads "
    "proposed, previews drawn, same text everywhere compared); the median of 5 through "
    "Django's test client on SQLite (target: under 1 s).",
    "ingest_to_inbox_p95_s": "95th percentile of the delay from a reply being accepted by the "
    "local Bluesky network to its row being stored, classified, in the inbox: 40 replies 0.7 s "
    "apart while another account posts about other things ten times a second (a network in "
    "use; a relay carries thousands of events a second), one `palabre stream` subscribed to "
    "the PDS's event stream beside one `palabre worker` (PostgreSQL; target: under 0.5 s).",
    "ingest_to_inbox_p95_s_idle_network": "the same 40 replies on the network with no other "
    "traffic: the reference PDS then reads its own event log with a backoff growing to 1 s, "
    "so the PDS sets this figure (`firehose_arrival_p95_s_idle_network`), not Palabre.",
    "ingest_to_inbox_p95_s_polling": "the same with the worker alone, polling every 2 s (the "
    "fallback when no stream runs).",
    "firehose_arrival_p95_s": "for the same 40 replies as `ingest_to_inbox_p95_s`, the delay "
    "to a bare subscriber of the PDS's event stream (the benchmark's recorder): the floor no "
    "consumer can beat there.",
    "firehose_arrival_p95_s_idle_network": "the same for the replies of "
    "`ingest_to_inbox_p95_s_idle_network`.",
    "team_load_page_p95_ms": "95th percentile of a page's time (request sent to last byte) for "
    "50 simulated team members (the demo's people, several sessions each) each opening the "
    "inbox, calendar, composer or reports page their role may open every 2 s ± 0.5 s for 60 s, "
    "one httpx.AsyncClient each, against gunicorn as `palabre start` runs it (4 workers × 2 "
    "threads, persistent PostgreSQL connections) on the demo data, while 4 `palabre worker` "
    "publish 500 approved posts falling due at the same second on the demo network's channels "
    "of the demo workspace (not Instagram and Threads, which have daily quotas, nor X, polled "
    "once a minute) and 1,000 replies to them arrive at a steady pace, all on the same 2 cores "
    "(target: under 300 ms).",
    "team_load_pages": "pages the 50 members opened in that window (at 2 s each, about 1,500 "
    "when every page comes back at once).",
    "team_load_errors": "pages answered other than 200, or not at all within 30 s (target: 0).",
    "team_load_web_cpu_ms_per_page": "the web processes' CPU time during the window divided by "
    "the pages opened: what one page costs the server under that load.",
    "team_load_others_cpu_share": "the share of the machine's busy CPU time during the window "
    "used by processes that are not the benchmark's (other work on a shared machine): a high "
    "share means the other figures are a lower bound of what the machine can do. Its unit "
    "gives the CPU seconds of each part: the web processes, the workers, PostgreSQL's server "
    "processes for the database, the benchmark's own process, the whole machine.",
    "team_load_db_connections": "the most connections to the database open at once during the "
    "window (gunicorn keeps one per thread, each worker one, the benchmark's replies one).",
    "team_load_worker_rss_mib": "peak resident memory (VmHWM) of the largest of the 4 workers "
    "at the end (publishing, polling, both stages of the classifier loaded).",
    "team_load_posts_published": "of the 500 posts, those published with their remote id "
    "recorded, once the window closed and the workers caught up (at most 3 minutes).",
    "team_load_replies_stored": "of the 1,000 replies, those in the inbox (one Interaction each).",
    "team_load_lost": "posts not on the demo network with their id recorded, plus replies not "
    "in the inbox (target: 0).",
    "team_load_duplicated": "posts on the demo network more than once, plus replies stored more "
    "than once (target: 0).",
    "firehose_events_per_s": "frames of the repository event stream read per second by the "
    "stream's decoder (networks/bluesky/firehose.py), one pinned core: every frame the local "
    "network's PDS sent during the benchmark (the replies, 150 unrelated posts and likes, "
    "accounts' own events), recorded to a file and replayed for 5 s, the bench's channel "
    "watched (target: at least 3,000, a relay's pace).",
    "listen_stream_lag_p95_s": "95th percentile of the delay from a post being accepted by the "
    "local Bluesky network to Listening storing it, classified (a Heard row): `palabre stream` "
    "listening through the PDS's event stream for a workspace's saved search, another account "
    "posting its term 30 times, one post every 0.7 s, while a third posts about other things "
    "ten times a second (target: under 1 s).",
}

if __name__ == "__main__":
    main(sys.argv[1:])
