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

from palabre.inbox.ml.meaning import ABUSE_KINDS

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_DATASETS = Path(__file__).resolve().parents[4] / "shared" / "datasets"
PROJECT = ("kinds-", "civil-")  # sources the project wrote: they set the kinds' meaning


@dataclass(frozen=True)
class Row:
    text: str
    lang: str
    abusive: int  # 1 abusive, 0 not
    kind: str = ""  # hate or insult, for abusive rows whose source says so
    source: str = ""
    civil_kind: str = ""  # criticism, question, praise, spam or other (the project's sets)

    @property
    def label(self) -> str:
        """The kind a person would act on, when the source says it ("" when it does not)."""
        return self.kind if self.abusive else self.civil_kind


def bucket(key: str) -> int:
    """A stable 0-99 bucket: the same key lands in the same split on every machine."""
    return zlib.crc32(key.encode("utf-8")) % 100


def _csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


HELD_OUT = 30  # percent of a split shared file kept out of training, by a stable key


def _split(key: str, training: bool | None) -> bool:
    """None keeps every row; True the training part; False the held-out part."""
    return training is None or (bucket(key) >= HELD_OUT) == training


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


def toxifrench(
    root: Path,
    name: str,
    *,
    column: str = "content",
    lang: str = "fr",
    training: bool | None = None,
) -> list[Row]:
    """One ToxiFrench benchmark file, split by its message id (the text where it has none):
    the English original and the French translation of a Jigsaw comment share an id, so
    both land on the same side."""
    path = root / "toxifrench_benchmarks" / name
    source = name.removesuffix(".csv")
    return [
        Row(r[column], lang, int(r["label"]), "", source.lower())
        for r in _csv(path)
        if _split(r.get("msg_id") or r.get("tweet_id") or r["content"], training)
    ]


def toxifrench_balanced(root: Path, *, training: bool) -> list[Row]:
    return toxifrench(root, "ToxiFrenchBalanced.csv", training=training)


def civil(lang: str, *, training: bool) -> list[Row]:
    """The project's civil comments: 70% train the model, 30% check it never hides them."""
    return [
        Row(r["text"], lang, 0, "", f"civil-{lang}", r["kind"])
        for r in _csv(DATA_DIR / f"civil_{lang}.csv")
        if (bucket(r["text"]) < 70) == training
    ]


def kinds(lang: str) -> list[Row]:
    """The project's comments of every kind, written for training only (the frozen
    evaluation set in data/eval/ was written separately and is never trained on)."""
    rows = []
    for path in sorted(DATA_DIR.glob(f"kinds_{lang}*.csv")):
        rows += _kinds_file(path, lang)
    return rows


def _kinds_file(path: Path, lang: str) -> list[Row]:
    rows = []
    for r in _csv(path):
        kind = r["kind"].strip()
        abusive = int(kind in ABUSE_KINDS)
        rows.append(
            Row(
                r["text"],
                lang,
                abusive,
                kind if abusive else "",
                f"kinds-{lang}",
                "" if abusive else kind,
            )
        )
    return rows


SHARED_FILES = ("HateDay-french.csv", "RTP-LX-french.csv", "ToxiFrenchBalanced.csv")


def training_rows(root: Path) -> list[Row]:
    """MLMA and Davidson train whole, as before: their label-0 tweets were collected for
    their slurs and keywords, so they cannot stand for civil comments in an evaluation."""
    rows = mlma(root, "fr") + mlma(root, "en") + davidson(root)
    for name in SHARED_FILES:
        rows += toxifrench(root, name, training=True)
    rows += civil("fr", training=True) + civil("en", training=True)
    return rows + kinds("fr") + kinds("en")


def heldout_sets(root: Path) -> dict[str, list[Row]]:
    """Never seen in training: 30% of ToxiFrenchBalanced, HateDay and RTP-LX, all of Jigsaw
    (both languages), 30% of the project's civil comments. Names are what
    docs/moderation.md reports."""
    jigsaw = "JigsawBilingualBalanced.csv"
    return {
        "ToxiFrenchBalanced (30% held out)": toxifrench_balanced(root, training=False),
        "HateDay-french (30% held out)": toxifrench(root, "HateDay-french.csv", training=False),
        "RTP-LX-french (30% held out)": toxifrench(root, "RTP-LX-french.csv", training=False),
        "Jigsaw, French translation (all held out)": toxifrench(root, jigsaw),
        "Jigsaw, English original (all held out)": toxifrench(
            root, jigsaw, column="original_text", lang="en"
        ),
        "Civil comments fr (30% held out)": civil("fr", training=False),
        "Civil comments en (30% held out)": civil("en", training=False),
    }


def find_root(explicit: str | None = None) -> Path | None:
    """The datasets folder: the one named, else ../shared/datasets beside the project."""
    candidate = Path(explicit) if explicit else DEFAULT_DATASETS
    return candidate if (candidate / "mlma_hate_speech").is_dir() else None
