"""Moderation classifier throughput on one core, in batches: comments per second.

Run by benchmarks/run.py; prints JSON lines, the process pinned to one CPU with
single-threaded numeric libraries.
- `classify_per_s`: the fast stage alone, on the project's civil comments plus insults,
  spam and long comments, 10,000 in all, classified 512 at a time;
- `classify_full_per_s`: both stages, on benchmarks/inbox_mix.csv (600 comments mixed as a
  real inbox receives them), three passes, 50 at a time (an ingest's batch); also the
  share of comments the second stage read.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[name] = "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMENTS = 10_000
BATCH = 512
FULL_BATCH = 50
FULL_PASSES = 3
EXTRA = [
    "Ferme ta gueule, espèce de connard.",
    "Shut up you stupid idiot",
    "Gagnez 500 € par jour ! Cliquez sur le lien dans ma bio https://spam.example",
    "Le pain était bon mais la file d'attente beaucoup trop longue samedi matin. " * 4,
]


def main() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    import django

    django.setup()
    from palabre.inbox.ml import datasets
    from palabre.inbox.ml.classifier import classify

    pool = [r.text for lang in ("fr", "en") for r in datasets.civil(lang, training=True)]
    pool += [r.text for lang in ("fr", "en") for r in datasets.civil(lang, training=False)]
    pool += EXTRA
    texts = [pool[i % len(pool)] for i in range(COMMENTS)]
    classify(texts[:BATCH], second_stage=False)  # load the model and the language detector
    started = time.perf_counter()
    for start in range(0, COMMENTS, BATCH):
        classify(texts[start : start + BATCH], second_stage=False)
    rate = COMMENTS / (time.perf_counter() - started)
    print(json.dumps({"name": "classify_per_s", "value": round(rate, 1), "unit": "comments/s"}))
    full_rate()


def full_rate() -> None:
    import csv

    from palabre.inbox.ml.classifier import classify

    with (ROOT / "benchmarks" / "inbox_mix.csv").open(newline="", encoding="utf-8") as handle:
        texts = [r["text"] for r in csv.DictReader(handle)]
    classify(texts[:FULL_BATCH])  # load the second stage's engine
    read = 0
    started = time.perf_counter()
    for _ in range(FULL_PASSES):
        for start in range(0, len(texts), FULL_BATCH):
            read += sum(bool(p.kinds) for p in classify(texts[start : start + FULL_BATCH]))
    rate = FULL_PASSES * len(texts) / (time.perf_counter() - started)
    share = 100 * read / (FULL_PASSES * len(texts))
    print(
        json.dumps({"name": "classify_full_per_s", "value": round(rate, 1), "unit": "comments/s"})
    )
    print(
        json.dumps({"name": "classify_second_stage_share", "value": round(share, 1), "unit": "%"})
    )


if __name__ == "__main__":
    sys.exit(main())
