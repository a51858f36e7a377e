"""`palabre evaluate-moderation`: the figures docs/moderation.md reports.

Two kinds of evidence, never used in training:
- the frozen set (data/eval/): per language and kind, what each comment was sorted as;
- the held-out part of every shared dataset: abusive vs not.
Every rate comes with its count and a 95% Wilson interval (product rule 7).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sklearn.metrics import f1_score

from palabre.inbox.ml import frozen
from palabre.inbox.ml.classifier import Prediction, classify
from palabre.inbox.ml.datasets import Row, heldout_sets
from palabre.inbox.ml.meaning import KINDS, MeaningModel
from palabre.inbox.ml.model import AbuseModel
from palabre.lib.stats import wilson

INBOX_MIX = Path(__file__).resolve().parents[3] / "benchmarks" / "inbox_mix.csv"
INSULTS = ("insult_staff", "insult_collective", "body_shaming")


@dataclass(frozen=True)
class Rate:
    hits: int
    n: int

    @property
    def value(self) -> float:
        return self.hits / self.n if self.n else 0.0

    def __str__(self) -> str:
        if not self.n:
            return "–"
        low, high = wilson(self.hits, self.n)
        return f"{100 * self.value:.1f}% ({self.hits}/{self.n}, 95% CI {100 * low:.0f}–{100 * high:.0f}%)"


@dataclass
class FrozenResult:
    """The frozen set, one language: what each written kind was sorted as."""

    lang: str
    sorted_as: Counter[tuple[str, str]] = field(default_factory=Counter)  # (written, kind)
    actions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (written, action)
    caught: Counter[str] = field(default_factory=Counter)  # written → found as its family
    total: Counter[str] = field(default_factory=Counter)
    language_right: int = 0
    second_stage: int = 0

    def rate(self, written: tuple[str, ...], counter: Counter[str] | None = None) -> Rate:
        counter = self.caught if counter is None else counter
        return Rate(sum(counter[w] for w in written), sum(self.total[w] for w in written))

    def action_rate(self, written: str, action: str) -> Rate:
        return Rate(self.actions[(written, action)], self.total[written])

    def kind_scores(self) -> dict[str, tuple[Rate, Rate]]:
        """Per kind a person acts on: (precision, recall) over this language's set."""
        result = {}
        for kind in KINDS:
            truth: Counter[tuple[bool, bool]] = Counter()
            for (written, found), count in self.sorted_as.items():
                truth[(frozen.EXPECTED[written] == kind, found == kind)] += count
            tp = truth[(True, True)]
            result[kind] = (
                Rate(tp, tp + truth[(False, True)]),
                Rate(tp, tp + truth[(True, False)]),
            )
        return result


@dataclass
class SetResult:
    name: str
    lang: str
    rows: int
    abusive: int
    macro_f1: float | None  # None for one-class sets (the civil comments)
    precision: Rate
    recall: Rate
    hidden_civil: int  # label-0 rows the default rules would hide
    flagged_civil: int  # label-0 rows sorted as abuse: review or hide
    hidden_abusive: int  # label-1 rows hidden (automatic recall)


@dataclass
class Report:
    model_version: str
    hide_thresholds: dict[str, dict[str, float]]
    digest: str
    frozen: dict[str, FrozenResult] = field(default_factory=dict)
    sets: list[SetResult] = field(default_factory=list)
    macro_f1_by_lang: dict[str, float] = field(default_factory=dict)
    pooled: dict[str, SetResult] = field(default_factory=dict)
    mix_second_stage: Rate = Rate(0, 0)


def frozen_measures(r: FrozenResult) -> list[tuple[str, str, Rate]]:
    """What the frozen set says of one language, with the issue's target ("–": none)."""
    n = sum(r.total.values())
    return [
        ("threats caught (hidden or reviewed)", "≥ 95%", r.rate(("threat",))),
        ("identity hate caught", "≥ 90%", r.rate(("hate",))),
        ("insults caught (staff, collective, body-shaming)", "≥ 90%", r.rate(INSULTS)),
        ("harassment caught", "–", r.rate(("harassment",))),
        ("sexual harassment caught", "–", r.rate(("sexual",))),
        ("spam caught", "≥ 90%", r.rate(("spam",))),
        ("civil criticism hidden", "0", r.action_rate("criticism", "hide")),
        ("civil criticism answered first", "≥ 90%", r.rate(("criticism",))),
        ("questions sorted as questions", "≥ 95%", r.rate(("question",))),
        ("praise sorted as praise", "–", r.rate(("praise",))),
        ("neutral sorted as other", "–", r.rate(("neutral",))),
        ("language right", "≥ 98%", Rate(r.language_right, n)),
        ("read by the second stage", "–", Rate(r.second_stage, n)),
    ]


def _family_caught(comment: frozen.Comment, p: Prediction) -> bool:
    """Abuse is caught when it is hidden or sent to review, whatever kind it is given."""
    expected = frozen.EXPECTED[comment.written_as]
    if comment.abusive:
        return p.category == "abuse"
    if expected == "criticism":
        return p.action == "answer_first"
    return p.kind == expected


def evaluate_frozen(
    model: AbuseModel, meaning: MeaningModel | None, *, second: bool
) -> dict[str, FrozenResult]:
    comments = frozen.load()
    predictions: list[Prediction] = []
    # Each file is read as a workspace of its language would read it: a comment with nothing
    # to tell its language by (emoji, a tag) takes the workspace's, as in the inbox.
    for lang in ("en", "fr"):
        mine = [c.text for c in comments if c.lang == lang]
        predictions += classify(
            mine, model=model, meaning_model=meaning, second_stage=second, default_lang=lang
        )
    comments = [c for lang in ("en", "fr") for c in comments if c.lang == lang]
    results: dict[str, FrozenResult] = {}
    for c, p in zip(comments, predictions, strict=True):
        r = results.setdefault(c.lang, FrozenResult(c.lang))
        r.total[c.written_as] += 1
        r.sorted_as[(c.written_as, p.kind)] += 1
        r.actions[(c.written_as, p.action)] += 1
        r.caught[c.written_as] += _family_caught(c, p)
        r.language_right += p.lang == c.lang
        r.second_stage += bool(p.kinds)
    return dict(sorted(results.items()))


def _set_result(name: str, rows: list[Row], predictions: list[Prediction]) -> SetResult:
    truth = [r.abusive for r in rows]
    guessed = [int(p.category == "abuse") for p in predictions]
    civil = [p for p, r in zip(predictions, rows, strict=True) if not r.abusive]
    abusive = [p for p, r in zip(predictions, rows, strict=True) if r.abusive]
    tp = sum(t and g for t, g in zip(truth, guessed, strict=True))
    two_classes = 0 < sum(truth) < len(truth)
    return SetResult(
        name=name,
        lang=rows[0].lang,
        rows=len(rows),
        abusive=sum(truth),
        macro_f1=f1_score(truth, guessed, average="macro") if two_classes else None,
        precision=Rate(tp, sum(guessed)),
        recall=Rate(tp, sum(truth)),
        hidden_civil=sum(p.action == "hide" for p in civil),
        flagged_civil=sum(p.category == "abuse" for p in civil),
        hidden_abusive=sum(p.action == "hide" for p in abusive),
    )


def mix_second_stage_share(model: AbuseModel, meaning: MeaningModel | None) -> Rate:
    with INBOX_MIX.open(newline="", encoding="utf-8") as handle:
        texts = [r["text"] for r in csv.DictReader(handle)]
    read = classify(texts, model=model, meaning_model=meaning)
    return Rate(sum(bool(p.kinds) for p in read), len(texts))


def evaluate(
    root: Path | None,
    model: AbuseModel,
    meaning: MeaningModel | None = None,
    *,
    second: bool = True,
) -> Report:
    """`root` None: the frozen set only (the shared datasets are not beside this clone)."""
    hide = meaning.thresholds["hide"] if meaning and second else {}
    version = model.version + (f"+{meaning.version}" if meaning and second else "")
    report = Report(version, hide, frozen.SHA256)
    report.frozen = evaluate_frozen(model, meaning, second=second)
    if second:
        report.mix_second_stage = mix_second_stage_share(model, meaning)
    if root is None:
        return report
    pooled: dict[str, tuple[list[Row], list[Prediction]]] = defaultdict(lambda: ([], []))
    for name, rows in heldout_sets(root).items():
        predictions = classify(
            [r.text for r in rows], model=model, meaning_model=meaning, second_stage=second
        )
        report.sets.append(_set_result(name, rows, predictions))
        if not name.startswith("Civil"):
            pooled[rows[0].lang][0].extend(rows)
            pooled[rows[0].lang][1].extend(predictions)
    for lang, (rows, predictions) in sorted(pooled.items()):
        result = _set_result(f"all held-out {lang}", rows, predictions)
        report.pooled[lang] = result
        report.macro_f1_by_lang[lang] = result.macro_f1 or 0.0
    return report


def as_text(report: Report) -> str:
    lines = [f"model {report.model_version}", f"frozen set sha256 {report.digest}"]
    for lang, r in report.frozen.items():
        for label, target, rate in frozen_measures(r):
            lines.append(f"frozen {lang}: {label} {rate} (target {target})")
    if report.mix_second_stage.n:
        lines.append(f"inbox mix: second stage read {report.mix_second_stage}")
    for lang, f1 in report.macro_f1_by_lang.items():
        lines.append(f"held-out macro-F1 {lang}: {f1:.3f}")
    for s in report.sets:
        shown = f"{s.macro_f1:.3f}" if s.macro_f1 is not None else "n/a"
        civil = s.rows - s.abusive
        lines.append(
            f"{s.name}: rows {s.rows}, macro-F1 {shown}, civil hidden {s.hidden_civil}/{civil}"
            f", precision {s.precision}, recall {s.recall}"
        )
    return "\n".join(lines)
