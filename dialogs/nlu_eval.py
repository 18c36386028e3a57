"""Score the trained model on the held-out NLU test sets (``tests/nlu/<language>.yml``).

``rasa test nlu`` runs in the Rasa environment as a subprocess (nothing here imports rasa) and
writes its JSON reports; ``score_language`` turns one language's reports into intent macro-F1,
entity F1, the worst intents and the most common confusions. Rasa undoes the FallbackClassifier's
``nlu_fallback`` before scoring, so ``score_language`` puts it back from each prediction's
confidence: a buyer who gets "Sorry, I didn't understand" was not understood.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from dialogs.client import DialogError
from dialogs.rasa_process import run_rasa_command
from dialogs.training import CONFIG, DOMAIN

HELD_OUT_DIR: Final = Path("tests/nlu")  # never under nlu/ or dialogs/: those are trained on
INTENT_MACRO_F1_TARGET: Final = 0.92
ENTITY_F1_TARGET: Final = 0.90
FALLBACK_INTENT: Final = "nlu_fallback"
ENTITY_REPORT: Final = "CRFEntityExtractor_report.json"  # entities after EntitySynonymMapper
DEFAULT_TIMEOUT_SECONDS: Final = 600.0
_ANNOTATION: Final = re.compile(
    r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[^)]+)\)|(?P<json>\{[^}]*\}))"
)


class NluEvalError(DialogError):
    """``rasa test nlu`` failed or its reports are missing or inconsistent."""


@dataclass(frozen=True)
class LabelScore:
    """One intent's or entity type's F1, and its support: examples, or annotated tokens."""

    label: str
    f1: float
    support: int


@dataclass(frozen=True)
class LanguageScore:
    """One language's held-out results; ``entity_f1`` is None when no entity is annotated."""

    language: str
    examples: int
    intent_macro_f1: float
    entity_f1: float | None
    intents: tuple[LabelScore, ...]
    entities: tuple[LabelScore, ...]  # per entity type: f1 and annotated tokens
    confusions: tuple[tuple[str, str, int], ...]  # (intended, predicted, count), most first
    fallbacks: int

    @property
    def meets_targets(self) -> bool:
        entity_ok = self.entity_f1 is None or self.entity_f1 >= ENTITY_F1_TARGET
        return self.intent_macro_f1 >= INTENT_MACRO_F1_TARGET and entity_ok

    def worst_intents(self, count: int = 3) -> list[LabelScore]:
        return sorted(self.intents, key=lambda score: (score.f1, score.label))[:count]


def score_language(
    report_dir: Path, *, language: str, fallback_threshold: float, annotated_entities: int
) -> LanguageScore:
    """Score one language from the reports ``rasa test nlu --successes`` wrote in ``report_dir``.

    Intent macro-F1 averages the per-intent F1 over the intents of the test set (nlu_fallback
    excluded), where a prediction below ``fallback_threshold`` counts as nlu_fallback: an error.
    Entity F1 is Rasa's token-level micro average over the annotated entity types; 0.0 when
    entities are annotated but none was predicted (Rasa then writes no entity report).

    Raises:
        NluEvalError: a report is missing, or the reports disagree on the examples.
    """
    predictions = _predictions(report_dir, fallback_threshold)
    _check_supports(_read_json(report_dir / "intent_report.json"), predictions)
    intents = _intent_scores(predictions)
    macro = sum(score.f1 for score in intents) / len(intents) if intents else 0.0
    entity_f1, entities = _entity_scores(report_dir / ENTITY_REPORT, annotated_entities)
    confusions = Counter(
        (target, predicted) for target, predicted in predictions if target != predicted
    )
    return LanguageScore(
        language=language,
        examples=len(predictions),
        intent_macro_f1=macro,
        entity_f1=entity_f1,
        intents=intents,
        entities=entities,
        confusions=tuple((t, p, n) for (t, p), n in confusions.most_common()),
        fallbacks=sum(predicted == FALLBACK_INTENT for _, predicted in predictions),
    )


def _predictions(report_dir: Path, fallback_threshold: float) -> list[tuple[str, str]]:
    records: list[Any] = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = report_dir / name
        if path.is_file():  # Rasa writes neither file when it has nothing to put in it
            records.extend(_read_json(path))
    pairs = []
    for record in records:
        predicted = record["intent_prediction"]
        confidence = predicted.get("confidence") or 0.0
        name = predicted.get("name") if confidence >= fallback_threshold else FALLBACK_INTENT
        pairs.append((str(record["intent"]), str(name or FALLBACK_INTENT)))
    return pairs


def _check_supports(report: Mapping[str, Any], predictions: Sequence[tuple[str, str]]) -> None:
    counted = Counter(target for target, _ in predictions)
    reported = {
        intent: int(row["support"])
        for intent, row in report.items()
        if isinstance(row, dict) and "support" in row and not intent.endswith(" avg")
    }
    reported = {intent: support for intent, support in reported.items() if support}
    if reported != dict(counted):
        raise NluEvalError(
            f"intent_report.json counts {reported} examples per intent but the predictions "
            f"files hold {dict(counted)}: reports of different runs?"
        )


def _intent_scores(predictions: Sequence[tuple[str, str]]) -> tuple[LabelScore, ...]:
    intents = sorted({target for target, _ in predictions} - {FALLBACK_INTENT})
    scores = []
    for intent in intents:
        hits = sum(t == p == intent for t, p in predictions)
        predicted = sum(p == intent for _, p in predictions)
        support = sum(t == intent for t, _ in predictions)
        f1 = 2 * hits / (predicted + support) if predicted + support else 0.0
        scores.append(LabelScore(label=intent, f1=f1, support=support))
    return tuple(scores)


def _entity_scores(
    report_path: Path, annotated_entities: int
) -> tuple[float | None, tuple[LabelScore, ...]]:
    if not report_path.is_file():
        return (0.0 if annotated_entities else None), ()
    report = _read_json(report_path)
    per_type = tuple(
        LabelScore(label=name, f1=float(row["f1-score"]), support=int(row["support"]))
        for name, row in sorted(report.items())
        if isinstance(row, dict) and not name.endswith(" avg") and row.get("support")
    )
    micro = report.get("micro avg") or {}
    if "f1-score" in micro:
        return float(micro["f1-score"]), per_type
    # sklearn names the micro average "accuracy" when every label is an entity type.
    return float(report.get("accuracy", 0.0)), per_type


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise NluEvalError(f"cannot read {path}: {error}") from error


def read_examples(path: Path) -> dict[str, list[str]]:
    """The examples of a Rasa NLU YAML file, per intent, as written (annotations kept)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples: dict[str, list[str]] = {}
    for block in document.get("nlu") or []:
        if "intent" not in block:
            continue  # synonyms, regexes and lookup tables are not examples
        lines = str(block.get("examples", "")).splitlines()
        found = [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]
        examples.setdefault(str(block["intent"]), []).extend(found)
    return examples


def plain_text(example: str) -> str:
    """What the buyer typed: ``[Hilux](model) 2015`` -> ``Hilux 2015``."""
    return _ANNOTATION.sub(lambda match: match["text"], example)


def annotated_entities(example: str) -> list[str]:
    """The entity types annotated in one example, in order: ``[Hilux](model)`` or
    ``[toyta]{"entity": "make", "value": "Toyota"}``."""
    found = []
    for match in _ANNOTATION.finditer(example):
        if match["entity"]:
            found.append(match["entity"].split(":")[0])
            continue
        try:
            found.append(str(json.loads(match["json"])["entity"]))
        except (ValueError, KeyError, TypeError) as error:
            raise NluEvalError(f"unreadable entity annotation {match[0]!r}: {error}") from error
    return found


def fallback_threshold(config_path: Path) -> float:
    """The FallbackClassifier's threshold in the pipeline, or 0.0 when there is none.

    The ambiguity threshold needs no check while threshold >= (1 + ambiguity) / 2: the
    classifier's confidences sum to 1, so a top intent above it leads the next by more.
    """
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return 0.0


def format_report(scores: Sequence[LanguageScore], *, model_name: str) -> str:
    """The scores as Markdown: the verdict, a row per language, the confusions to work on and
    every intent's F1 per language."""
    missed = [score.language for score in scores if not score.meets_targets]
    verdict = f"MISSES the targets in {', '.join(missed)}" if missed else "meets the targets"
    lines = [
        f"Model {model_name} on the held-out sets {HELD_OUT_DIR}/<language>.yml (never trained "
        f"on): {sum(score.examples for score in scores)} examples — {verdict} (intent "
        f"macro-F1 >= {INTENT_MACRO_F1_TARGET:.2f} and entity F1 >= {ENTITY_F1_TARGET:.2f} in "
        "each language). A prediction under the FallbackClassifier's threshold is nlu_fallback, "
        "an error; entity F1 is Rasa's token-level micro average over the annotated types.",
        "",
        *_summary_table(scores),
        "",
        "Most common confusions (intended -> predicted, examples) and entity F1:",
        "",
        *_confusion_lines(scores),
        "",
        *_intent_table(scores),
    ]
    return "\n".join(lines) + "\n"


def _summary_table(scores: Sequence[LanguageScore]) -> list[str]:
    lines = [
        "| language | examples | intent macro-F1 | entity F1 | fallbacks | worst intents (F1) |",
        "|---|---|---|---|---|---|",
    ]
    for score in scores:
        entity = "n/a" if score.entity_f1 is None else f"{score.entity_f1:.3f}"
        worst = ", ".join(f"{item.label} {item.f1:.2f}" for item in score.worst_intents())
        lines.append(
            f"| {score.language} | {score.examples} | {score.intent_macro_f1:.3f} | {entity} "
            f"| {score.fallbacks} | {worst} |"
        )
    return lines


def _confusion_lines(scores: Sequence[LanguageScore]) -> list[str]:
    lines = []
    for score in scores:
        confused = "; ".join(f"{t} -> {p} {n}" for t, p, n in score.confusions[:5]) or "none"
        entities = ", ".join(f"{item.label} {item.f1:.2f}" for item in score.entities)
        lines.append(f"- {score.language}: {confused}. Entities: {entities or 'none predicted'}.")
    return lines


def _intent_table(scores: Sequence[LanguageScore]) -> list[str]:
    f1 = {(score.language, item.label): item.f1 for score in scores for item in score.intents}
    intents = sorted({intent for _, intent in f1})
    lines = [
        f"| intent F1 | {' | '.join(score.language for score in scores)} |",
        f"|---|{'---|' * len(scores)}",
    ]
    for intent in intents:
        cells = [f"{f1[score.language, intent]:.2f}" if (score.language, intent) in f1 else ""
                 for score in scores]  # fmt: skip
        lines.append(f"| {intent} | {' | '.join(cells)} |")
    return lines


def run_nlu_eval(
    *,
    rasa_bin: Path,
    project_root: Path,
    model_path: Path,
    languages: Iterable[str],
    out_dir: Path,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> list[LanguageScore]:
    """Run ``rasa test nlu`` on each language's held-out set and score its reports.

    Args:
        rasa_bin: the ``rasa`` executable of the Rasa environment.
        project_root: the folder holding ``dialogs/`` and ``tests/nlu/``.
        model_path: the trained model to evaluate.
        languages: language codes; each needs ``tests/nlu/<language>.yml``.
        out_dir: where Rasa's reports go, one emptied folder per language.
        timeout: seconds before one language's run is killed.

    Raises:
        NluEvalError: a test set is missing, or ``rasa test nlu`` failed or timed out.
    """
    # Absolute paths: rasa runs from project_root, the caller may not.
    rasa_bin, project_root, model_path, out_dir = (
        path.absolute() for path in (rasa_bin, project_root, model_path, out_dir)
    )
    threshold = fallback_threshold(project_root / CONFIG)
    scores = []
    for language in languages:
        test_set = project_root / HELD_OUT_DIR / f"{language}.yml"
        if not test_set.is_file():
            raise NluEvalError(f"no held-out test set for {language!r}: {test_set}")
        report_dir = out_dir / language
        shutil.rmtree(report_dir, ignore_errors=True)
        report_dir.mkdir(parents=True)
        _run_rasa_test(
            rasa_bin, project_root, model_path, test_set, out=report_dir, timeout=timeout
        )
        entities = sum(
            len(annotated_entities(example))
            for examples in read_examples(test_set).values()
            for example in examples
        )
        scores.append(
            score_language(
                report_dir,
                language=language,
                fallback_threshold=threshold,
                annotated_entities=entities,
            )
        )
    return scores


def _run_rasa_test(
    rasa_bin: Path, project_root: Path, model: Path, test_set: Path, *, out: Path, timeout: float
) -> None:
    command = [
        str(rasa_bin), "test", "nlu", "--model", str(model), "--nlu", str(test_set),
        "--domain", str(project_root / DOMAIN), "--out", str(out), "--successes", "--no-plot",
    ]  # fmt: skip
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    run_rasa_command(command, cwd=project_root, env=env, timeout=timeout, error=NluEvalError)
