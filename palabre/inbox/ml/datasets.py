"""Where the training and held-out texts come from, and the fixed splits between them.

The raw datasets live outside the project (../shared/datasets in development and CI) and
are never committed; the civil comments are the project's own, in data/.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_DATASETS = Path(__file__).resolve().parents[4] / "shared" / "datasets"


@dataclass(frozen=True)
class Row:
    text: str
    lang: str
    abusive: int  # 1 abusive, 0 not
    kind: str = ""  # hate or insult, for abusive rows whose source says so
    source: str = ""
    civil_kind: str = ""  # criticism, question, praise or other (the project's civil set)


def bucket(key: str) -> int:
    """A stable 0-99 bucket: the same key lands in the same split on every machine."""
    return zlib.crc32(key.encode("utf-8")) % 100


def _csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def mlma(root: Path, lang: str) -> list[Row]:
    rows = []
    for record in _csv(root / "mlma_hate_speech" / f"{lang}_dataset.csv"):
        label = record["sentiment"].strip()
        abusive = int(label != "normal")
        kind = ("hate" if "hateful" in label else "insult") if abusive else ""
        rows.append(Row(record["tweet"], lang, abusive, kind, f"mlma-{lang}"))
    return rows


def davidson(root: Path) -> list[Row]:
    path = root / "davidson_hate_offensive" / "labeled_data.csv"
    kinds = {"0": "hate", "1": "insult", "2": ""}
    return [
        Row(r["tweet"], "en", int(r["class"] != "2"), kinds[r["class"]], "davidson")
        for r in _csv(path)
    ]


def toxifrench(root: Path, name: str, *, column: str = "content", lang: str = "fr") -> list[Row]:
    path = root / "toxifrench_benchmarks" / name
    return [
        Row(r[column], lang, int(r["label"]), "", name.removesuffix(".csv")) for r in _csv(path)
    ]


def toxifrench_balanced(root: Path, *, training: bool) -> list[Row]:
    """The fixed 70/30 split of ToxiFrenchBalanced, by message id."""
    path = root / "toxifrench_benchmarks" / "ToxiFrenchBalanced.csv"
    return [
        Row(r["content"], "fr", int(r["label"]), "", "toxifrench-balanced")
        for r in _csv(path)
        if (bucket(r["msg_id"]) < 70) == training
    ]


def civil(lang: str, *, training: bool) -> list[Row]:
    """The project's civil comments: 70% train the model, 30% check it never hides them."""
    return [
        Row(r["text"], lang, 0, "", f"civil-{lang}", r["kind"])
        for r in _csv(DATA_DIR / f"civil_{lang}.csv")
        if (bucket(r["text"]) < 70) == training
    ]


def training_rows(root: Path) -> list[Row]:
    return (
        mlma(root, "fr")
        + mlma(root, "en")
        + davidson(root)
        + toxifrench_balanced(root, training=True)
        + civil("fr", training=True)
        + civil("en", training=True)
    )


def heldout_sets(root: Path) -> dict[str, list[Row]]:
    """Never seen in training. Names are what docs/moderation.md reports."""
    return {
        "ToxiFrenchBalanced (30% held out)": toxifrench_balanced(root, training=False),
        "HateDay-french": toxifrench(root, "HateDay-french.csv"),
        "RTP-LX-french": toxifrench(root, "RTP-LX-french.csv"),
        "Jigsaw, French translation": toxifrench(root, "JigsawBilingualBalanced.csv"),
        "Jigsaw, English original": toxifrench(
            root, "JigsawBilingualBalanced.csv", column="original_text", lang="en"
        ),
        "Civil comments fr (30% held out)": civil("fr", training=False),
        "Civil comments en (30% held out)": civil("en", training=False),
    }


def find_root(explicit: str | None = None) -> Path | None:
    """The datasets folder: the one named, else ../shared/datasets beside the project."""
    candidate = Path(explicit) if explicit else DEFAULT_DATASETS
    return candidate if (candidate / "mlma_hate_speech").is_dir() else None
