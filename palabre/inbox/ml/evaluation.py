"""`palabre evaluate-moderation`: the figures docs/moderation.md reports, from held-out data."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sklearn.metrics import f1_score

from palabre.inbox.ml.classifier import Prediction, classify
from palabre.inbox.ml.datasets import Row, heldout_sets
from palabre.inbox.ml.model import AbuseModel


@dataclass
class SetResult:
    name: str
    lang: str
    rows: int
    abusive: int
    macro_f1: float | None  # None for one-class sets (the civil comments)
    hidden_civil: int  # label-0 rows the default rules would hide
    flagged_civil: int  # label-0 rows scored abusive (≥ 0.5): review or hide
    hidden_abusive: int  # label-1 rows hidden (automatic recall)
    lexicon_civil: int  # label-0 rows hit by the lexicon


@dataclass
class Report:
    model_version: str
    thresholds: dict[str, dict[str, float]]
    sets: list[SetResult] = field(default_factory=list)
    macro_f1_by_lang: dict[str, float] = field(default_factory=dict)
    civil_categories: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)


def _result(name: str, rows: list[Row], predictions: list[Prediction]) -> SetResult:
    truth = [r.abusive for r in rows]
    guessed = [int(p.category == "abuse") for p in predictions]
    civil = [p for p, r in zip(predictions, rows, strict=True) if not r.abusive]
    abusive = [p for p, r in zip(predictions, rows, strict=True) if r.abusive]
    two_classes = 0 < sum(truth) < len(truth)
    return SetResult(
        name=name,
        lang=rows[0].lang,
        rows=len(rows),
        abusive=sum(truth),
        macro_f1=f1_score(truth, guessed, average="macro") if two_classes else None,
        hidden_civil=sum(p.action == "hide" for p in civil),
        flagged_civil=sum(p.category == "abuse" for p in civil),
        hidden_abusive=sum(p.action == "hide" for p in abusive),
        lexicon_civil=sum(bool(p.lexicon) for p in civil),
    )


def evaluate(root: Path, model: AbuseModel) -> Report:
    report = Report(model.version, model.thresholds)
    pooled: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for name, rows in heldout_sets(root).items():
        predictions = classify([r.text for r in rows], model=model)
        report.sets.append(_result(name, rows, predictions))
        if not name.startswith("Civil"):
            truth, guessed = pooled[rows[0].lang]
            truth += [r.abusive for r in rows]
            guessed += [int(p.category == "abuse") for p in predictions]
        else:
            report.civil_categories[rows[0].lang] = Counter(
                (r.civil_kind, p.category) for r, p in zip(rows, predictions, strict=True)
            )
    for lang, (truth, guessed) in sorted(pooled.items()):
        report.macro_f1_by_lang[lang] = f1_score(truth, guessed, average="macro")
    return report


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def as_text(report: Report) -> str:
    lines = [f"model {report.model_version}", f"thresholds {report.thresholds}"]
    for lang, f1 in report.macro_f1_by_lang.items():
        lines.append(f"macro-F1 {lang} (all held-out {lang} files pooled): {f1:.3f}")
    for s in report.sets:
        shown = f"{s.macro_f1:.3f}" if s.macro_f1 is not None else "n/a"
        civil = s.rows - s.abusive
        lines.append(
            f"{s.name}: rows {s.rows}, macro-F1 {shown}, civil hidden {s.hidden_civil}/{civil}"
            f" ({_pct(s.hidden_civil, civil)}), abusive hidden {s.hidden_abusive}/{s.abusive}"
        )
    return "\n".join(lines)
