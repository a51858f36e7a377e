"""How fast the command line answers: `palabre check-post` on one line, the whole process
from start to exit, as a script or a pre-commit hook runs it (the median of 9 runs, after
one that warms the disk cache).

Run by benchmarks/run.py; prints JSON lines.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

RUNS = 9
TEXT = "Le pain au levain sort du four à 7 h. @lumiere.bsky.social #boulangerie https://lumiere.fr"


def started_and_done(*arguments: str, text: str) -> float:
    """Seconds from starting the command to its exit, its answer read."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    begin = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "palabre", *arguments],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    elapsed = time.perf_counter() - begin
    assert done.stdout.startswith("{"), done.stdout
    return elapsed


def median_start(*arguments: str, text: str) -> float:
    started_and_done(*arguments, text=text)  # warm: files read once from disk
    return statistics.median(started_and_done(*arguments, text=text) for _ in range(RUNS))


def main() -> None:
    figures = {
        "cli_start_s": median_start("check-post", "--network", "bluesky", text=TEXT),
        "cli_start_x_s": median_start("check-post", "--network", "x", text=TEXT),
        "classify_start_s": median_start("classify", text=json.dumps({"text": "Merci !"})),
    }
    for name, value in figures.items():
        print(json.dumps({"name": name, "value": round(value, 3), "unit": "s (median)"}))


if __name__ == "__main__":
    sys.exit(main())
