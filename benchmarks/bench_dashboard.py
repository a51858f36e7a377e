"""Reports on a large history: `palabre bench seed` (20 channels, 12 months, 5 million
interactions), then every part of the reports page timed on the page's default view
(the last 30 days, all channels) and on last calendar month, and the key figures above
them. The figures are the slowest part's 95th percentile and the sum of every part's.

Run by benchmarks/run.py with DATABASE_URL and PALABRE_VAR_DIR set; prints JSON lines.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import django

RUNS = 20
SLUG = "history"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from palabre.accounts.models import Workspace
    from palabre.analytics.forms import month_bounds
    from palabre.analytics.metrics import Scope
    from palabre.lib.months import month_before

    call_command("migrate", verbosity=0)
    vendor = connection.vendor.replace("postgresql", "postgres")
    started = time.monotonic()
    interactions = os.environ.get("PALABRE_BENCH_INTERACTIONS", "5000000")
    call_command("bench", "seed", "--slug", SLUG, "--interactions", interactions, verbosity=0)
    seeded = time.monotonic() - started
    with connection.cursor() as cursor:  # what autovacuum (or SQLite's optimize) leaves
        cursor.execute("VACUUM ANALYZE" if vendor == "postgres" else "ANALYZE")
    workspace = Workspace.objects.get(slug=SLUG)
    now = timezone.now()
    default = Scope(workspace, now - timedelta(days=30), now, rolling_days=30)
    p95 = timed(default)
    slowest = max(p95, key=lambda k: p95[k])
    start, end = month_bounds(month_before(now.date()), workspace)
    month = timed(Scope(workspace, start, end))
    month_slowest = max(month, key=lambda k: month[k])
    figures = timed_figures(default)
    rows = [
        (f"dashboard_p95_ms_{vendor}", round(p95[slowest], 1), f"ms (slowest part: {slowest})"),
        (f"dashboard_page_p95_sum_ms_{vendor}", round(sum(p95.values()), 1), "ms (all parts)"),
        (f"dashboard_key_figures_p95_ms_{vendor}", round(figures, 1), "ms"),
        (
            f"dashboard_month_p95_ms_{vendor}",
            round(month[month_slowest], 1),
            f"ms (slowest part: {month_slowest})",
        ),
        (
            f"dashboard_month_page_p95_sum_ms_{vendor}",
            round(sum(month.values()), 1),
            "ms (all parts)",
        ),
        (f"bench_seed_s_{vendor}", round(seeded, 1), f"s ({int(interactions):,} interactions)"),
    ]
    for name, value, unit in rows:
        print(json.dumps({"name": name, "value": value, "unit": unit}))


def timed(scope: Any) -> dict[str, float]:
    """Each part's 95th percentile over RUNS builds, in milliseconds."""
    from palabre.analytics.dashboard import SECTIONS

    p95: dict[str, float] = {}
    for name, make in SECTIONS.items():
        p95[name] = p95_ms(partial(make, scope, False))
        print(f"{name}: p95 {p95[name]:.0f} ms", file=sys.stderr)
    return p95


def timed_figures(scope: Any) -> float:
    """The four key figures above the tables (and on the home page, kept five minutes
    there), built as the reports page builds them, with no cache."""
    from palabre.analytics.figures import key_figures

    found = p95_ms(lambda: key_figures(scope))
    print(f"key figures: p95 {found:.0f} ms", file=sys.stderr)
    return found


def p95_ms(build: Callable[[], object]) -> float:
    build()  # warm the caches once, as a second visitor would find them
    times = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        build()
        times.append((time.perf_counter() - begin) * 1000)
    times.sort()
    return times[int(0.95 * (RUNS - 1))]


if __name__ == "__main__":
    sys.exit(main())
