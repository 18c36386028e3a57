"""`nzila nlu-eval`: scores computed from `rasa test nlu` reports, the held-out test sets' rules,
and one real run on the current model.

Recorded reports live in tests/fixtures/nlu_eval/<run>/: `core_model_en` is a real run of the
English held-out set on a model trained on the core intents only (no entities: Rasa wrote no
entity report); `search_model_en` a real run on a model given a few search, history and language
examples too; both miss the targets. `meets_targets` is a small run in Rasa's format that meets
them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dialogs.config import get_dialog_settings
from dialogs.nlu_eval import (
    ENTITY_REPORT,
    LanguageScore,
    NluEvalError,
    annotated_entities,
    fallback_threshold,
    format_report,
    plain_text,
    read_examples,
    run_nlu_eval,
    score_language,
)
from dialogs.training import training_inputs
from tests.rasa_stack import require_rasa
from webhook.cli import app

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT = ROOT / "tests" / "nlu"
FIXTURES = ROOT / "tests" / "fixtures" / "nlu_eval"
LANGUAGES = ["en", "fr", "pt"]
MIN_EXAMPLES_PER_LANGUAGE = 14
MIN_ANNOTATIONS_PER_ENTITY = 3
DESIGN_INTENTS = {
    # core
    "greet", "goodbye", "thank", "help", "affirm", "deny", "out_of_scope",
    # vehicles
    "search_vehicles", "more_results", "vehicle_details", "similar_vehicles",
    # extras
    "show_photos", "more_photos", "vehicle_history", "watch_vehicle", "show_watchlist",
    "unwatch_vehicle", "save_search",
    # privacy
    "opt_out", "opt_in", "my_data", "delete_my_data",
    # alert settings
    "alert_settings", "mute_alerts",
    # handoff, language
    "human_handoff", "choose_language",
    # auctions
    "place_bid", "current_bid", "buy_now", "my_bids", "auctions_ending", "auction_terms",
    "bidding_limit",
}  # fmt: skip
DESIGN_ENTITIES = {
    "make", "model", "year", "price", "body_type", "fuel", "transmission", "seats", "steering",
    "colour", "mileage", "vin", "language", "lot",
}  # fmt: skip


def score(run: str, *, threshold: float = 0.6, annotated: int = 1) -> LanguageScore:
    return score_language(
        FIXTURES / run, language="en", fallback_threshold=threshold, annotated_entities=annotated
    )


def write_run(folder: Path, predictions: list[tuple[str, str, float]]) -> Path:
    """A report folder as `rasa test nlu --successes` writes it, for (intent, predicted, conf)."""
    folder.mkdir(parents=True, exist_ok=True)
    records = [
        {"text": f"example {n}", "intent": intent,
         "intent_prediction": {"name": predicted, "confidence": confidence}}
        for n, (intent, predicted, confidence) in enumerate(predictions)
    ]  # fmt: skip
    successes = [record for record in records
                 if record["intent"] == record["intent_prediction"]["name"]]  # fmt: skip
    errors = [record for record in records if record not in successes]
    supports = Counter(intent for intent, _, _ in predictions)
    report: dict[str, Any] = {intent: {"support": n} for intent, n in supports.items()}
    report |= {"accuracy": 0.5, "macro avg": {"support": len(records)}}
    for name, content in [("intent_successes.json", successes), ("intent_errors.json", errors),
                          ("intent_report.json", report)]:  # fmt: skip
        if content:
            (folder / name).write_text(json.dumps(content))
    return folder


# --- the scores ---------------------------------------------------------------------------


def test_a_run_that_meets_both_targets_is_reported_as_meeting_them() -> None:
    result = score("meets_targets")

    assert result.meets_targets
    assert result.intent_macro_f1 == pytest.approx((1 + 16 / 17 + 14 / 15) / 3)
    assert result.entity_f1 == pytest.approx(0.9333, abs=1e-4)
    assert result.examples == 24
    assert result.fallbacks == 0


def test_a_model_that_knows_only_the_core_intents_misses_the_targets() -> None:
    result = score("core_model_en", annotated=100)

    assert not result.meets_targets
    assert result.intent_macro_f1 < 0.92
    assert result.entity_f1 == 0.0  # entities annotated, none predicted: no entity report
    assert result.examples == 370
    worst = result.worst_intents()
    assert [item.f1 for item in worst] == sorted(item.f1 for item in worst)
    assert worst[0].f1 == 0.0
    counts = [count for _, _, count in result.confusions]
    assert counts == sorted(counts, reverse=True)


def test_entity_f1_is_rasas_micro_average_over_the_annotated_types() -> None:
    result = score("search_model_en", annotated=100)

    assert result.entity_f1 == pytest.approx(0.6860, abs=1e-4)
    assert not result.meets_targets
    by_type = {item.label: item for item in result.entities}
    assert by_type["year"].f1 == pytest.approx(0.9524, abs=1e-4)
    assert by_type["mileage"].f1 == 0.0
    assert "micro avg" not in by_type


@pytest.mark.parametrize("run", ["core_model_en", "search_model_en"])
def test_without_a_fallback_threshold_intent_f1_is_rasas_own(run: str) -> None:
    rasa = json.loads((FIXTURES / run / "intent_report.json").read_text())

    result = score(run, threshold=0.0)

    assert result.fallbacks == 0
    for item in result.intents:
        assert item.f1 == pytest.approx(rasa[item.label]["f1-score"]), item.label
        assert item.support == rasa[item.label]["support"]


def test_the_macro_average_weighs_every_intent_of_the_test_set_alike() -> None:
    result = score("meets_targets")

    assert {item.label for item in result.intents} == {
        "greet",
        "search_vehicles",
        "vehicle_history",
    }
    mean = sum(item.f1 for item in result.intents) / 3
    assert result.intent_macro_f1 == pytest.approx(mean)


def test_a_prediction_below_the_fallback_threshold_is_an_nlu_fallback_error(
    tmp_path: Path,
) -> None:
    run = write_run(tmp_path, [("greet", "greet", 0.95), ("greet", "greet", 0.55),
                               ("thank", "thank", 0.9), ("thank", "thank", 0.8)])  # fmt: skip

    result = score_language(run, language="en", fallback_threshold=0.6, annotated_entities=0)

    assert result.fallbacks == 1
    assert result.confusions == (("greet", "nlu_fallback", 1),)
    # greet: 1 of 2 found, no false positive -> F1 2/3; thank: 1.0; nlu_fallback not averaged.
    assert [item.label for item in result.intents] == ["greet", "thank"]
    assert result.intent_macro_f1 == pytest.approx((2 / 3 + 1.0) / 2)


def test_a_wrong_intent_costs_the_precision_of_the_intent_it_was_taken_for(
    tmp_path: Path,
) -> None:
    run = write_run(tmp_path, [("greet", "greet", 0.9), ("thank", "greet", 0.9)])

    result = score_language(run, language="en", fallback_threshold=0.6, annotated_entities=0)

    f1 = {item.label: item.f1 for item in result.intents}
    assert f1 == {"greet": pytest.approx(2 / 3), "thank": 0.0}


def test_entities_annotated_but_never_predicted_score_zero(tmp_path: Path) -> None:
    run = write_run(tmp_path, [("search_vehicles", "search_vehicles", 0.9)])

    with_entities = score_language(run, language="en", fallback_threshold=0.6, annotated_entities=3)
    without = score_language(run, language="en", fallback_threshold=0.6, annotated_entities=0)

    assert with_entities.entity_f1 == 0.0
    assert not with_entities.meets_targets
    assert without.entity_f1 is None
    assert without.meets_targets


def test_reports_of_different_runs_are_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path, [("greet", "greet", 0.9)])
    (run / "intent_report.json").write_text(json.dumps({"greet": {"support": 7}}))

    with pytest.raises(NluEvalError, match="different runs"):
        score_language(run, language="en", fallback_threshold=0.6, annotated_entities=0)


def test_a_missing_intent_report_is_an_error(tmp_path: Path) -> None:
    run = write_run(tmp_path, [("greet", "greet", 0.9)])
    (run / "intent_report.json").unlink()

    with pytest.raises(NluEvalError, match=r"intent_report\.json"):
        score_language(run, language="en", fallback_threshold=0.6, annotated_entities=0)


def test_the_fallback_threshold_is_read_from_the_pipeline() -> None:
    assert fallback_threshold(ROOT / "dialogs" / "config.yml") == 0.6


def test_the_report_names_each_language_its_worst_intents_and_the_missed_targets() -> None:
    passing, failing = score("meets_targets"), score("core_model_en", annotated=100)
    failing = dataclasses.replace(failing, language="fr")

    report = format_report([passing, failing], model_name="nzila-0123.tar.gz")

    assert "Model nzila-0123.tar.gz" in report
    assert "MISSES the targets in fr" in report
    assert "| en | 24 | 0.958 | 0.933 | 0 |" in report
    assert "| fr |" in report
    assert report.count("\n- ") == 2  # one confusion line per language


def test_the_report_gives_every_intents_f1_in_every_language() -> None:
    en, pt = score("meets_targets"), dataclasses.replace(score("core_model_en"), language="pt")

    report = format_report([en, pt], model_name="nzila-0123.tar.gz")

    assert "| intent F1 | en | pt |" in report
    assert "| vehicle_history | 0.93 | 0.00 |" in report
    assert "| delete_my_data |  | 0.00 |" in report  # not in the English run


@pytest.mark.parametrize(
    ("example", "entities"),
    [
        ("[Hilux](model) [2015](year) under [15k](price)", ["model", "year", "price"]),
        ('[toyta]{"entity": "make", "value": "Toyota"} [Corola](model)', ["make", "model"]),
        ("abeg show me cars", []),
    ],
)
def test_annotated_entities_are_read_in_both_rasa_notations(
    example: str, entities: list[str]
) -> None:
    assert annotated_entities(example) == entities
    assert "[" not in plain_text(example)


def test_an_unreadable_entity_annotation_is_an_error() -> None:
    with pytest.raises(NluEvalError, match="unreadable entity annotation"):
        annotated_entities('[toyta]{"value": "Toyota"}')


# --- the runner and the command -------------------------------------------------------------

FAKE_RASA = """#!/bin/sh
# A stand-in for the Rasa environment: `train` writes a model, `test nlu` copies a recorded run.
echo "$@" >> {calls}
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift ;;
    --fixed-model-name) name="$2"; shift ;;
  esac
  shift
done
if [ -n "$name" ]; then echo trained > "$out/$name.tar.gz"; exit 0; fi
cp {run}/*.json "$out/"
"""


def fake_rasa(folder: Path, run: str) -> Path:
    script = folder / "rasa"
    script.write_text(FAKE_RASA.format(calls=folder / "calls.log", run=FIXTURES / run))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_the_runner_tests_each_language_on_its_held_out_set(tmp_path: Path) -> None:
    rasa = fake_rasa(tmp_path, "meets_targets")
    model = tmp_path / "nzila-0123.tar.gz"

    scores = run_nlu_eval(rasa_bin=rasa, project_root=ROOT, model_path=model,
                          languages=["fr", "pt"], out_dir=tmp_path / "out")  # fmt: skip

    assert [result.language for result in scores] == ["fr", "pt"]
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert calls[0] == (
        f"test nlu --model {model} --nlu {ROOT}/tests/nlu/fr.yml --domain {ROOT}/dialogs/domain "
        f"--out {tmp_path}/out/fr --successes --no-plot"
    )
    assert (tmp_path / "out" / "pt" / ENTITY_REPORT).is_file()


def test_the_runner_accepts_paths_relative_to_where_it_is_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_rasa(tmp_path, "meets_targets")
    monkeypatch.chdir(tmp_path)

    [result] = run_nlu_eval(
        rasa_bin=Path("rasa"),
        project_root=Path(os.path.relpath(ROOT)),
        model_path=Path("m.tar.gz"),
        languages=["en"],
        out_dir=Path("out"),
    )

    assert result.examples == 24
    assert f"--model {tmp_path}/m.tar.gz" in (tmp_path / "calls.log").read_text()


def test_a_failing_rasa_test_is_an_error_with_the_end_of_its_output(tmp_path: Path) -> None:
    rasa = tmp_path / "rasa"
    rasa.write_text("#!/bin/sh\necho 'InvalidModel: cannot load' >&2\nexit 1\n")
    rasa.chmod(rasa.stat().st_mode | stat.S_IXUSR)

    with pytest.raises(NluEvalError, match="exit code 1") as raised:
        run_nlu_eval(rasa_bin=rasa, project_root=ROOT, model_path=tmp_path / "m.tar.gz",
                     languages=["en"], out_dir=tmp_path / "out")  # fmt: skip

    assert "InvalidModel: cannot load" in str(raised.value)


@pytest.fixture
def nzila_with_fake_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Runs `nzila nlu-eval` in this process with a fake Rasa replaying `run`."""
    import devtools.bench._common

    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n")
    monkeypatch.setattr(devtools.bench._common, "RESULTS", results)

    def invoke(run: str, *args: str) -> Any:
        folder = tmp_path / run
        folder.mkdir()
        monkeypatch.setenv("RASA_BIN", str(fake_rasa(folder, run)))
        monkeypatch.setenv("RASA_MODELS_DIR", str(tmp_path / "models"))
        get_dialog_settings.cache_clear()
        try:
            return CliRunner().invoke(
                app, ["nlu-eval", "--out", str(tmp_path / "out"), *args], env={"COLUMNS": "200"}
            )
        finally:
            get_dialog_settings.cache_clear()

    invoke.results = results  # type: ignore[attr-defined]
    return invoke


def test_nlu_eval_exits_0_when_every_language_meets_the_targets(nzila_with_fake_rasa: Any) -> None:
    result = nzila_with_fake_rasa("meets_targets", "--languages", "en,pt")

    assert result.exit_code == 0, result.output
    assert "meets the targets" in result.output
    assert "| pt | 24 |" in result.output


def test_nlu_eval_exits_1_when_a_target_is_missed(nzila_with_fake_rasa: Any) -> None:
    result = nzila_with_fake_rasa("core_model_en", "--languages", "en")

    assert result.exit_code == 1, result.output
    assert "MISSES the targets in en" in result.output


def test_write_results_appends_the_report_with_the_machine_and_date(
    nzila_with_fake_rasa: Any,
) -> None:
    result = nzila_with_fake_rasa("meets_targets", "--languages", "fr", "--write-results")

    assert result.exit_code == 0, result.output
    written = nzila_with_fake_rasa.results.read_text()
    assert written.startswith("# Benchmark results\n")
    assert "\n## NLU on the held-out test sets — 20" in written
    assert "Machine: " in written
    assert "Command: `nzila nlu-eval --languages fr`" in written
    assert "| fr | 24 |" in written


def test_an_unknown_language_is_refused_with_exit_code_2(nzila_with_fake_rasa: Any) -> None:
    result = nzila_with_fake_rasa("meets_targets", "--languages", "en,de")

    assert result.exit_code == 2
    assert "languages must be among en, fr, pt" in result.output


def test_help_lists_nlu_eval_with_one_line() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})

    [line] = [line for line in result.output.splitlines() if "│ nlu-eval " in line]
    assert "held-out" in line


# --- the held-out test sets -----------------------------------------------------------------


def typed_the_same(example: str) -> str:
    """The text a buyer typed, up to case, accents, spacing and end punctuation."""
    text = unicodedata.normalize("NFKD", plain_text(example).casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.split()).rstrip(" ?!.")


def training_examples() -> set[str]:
    return {
        typed_the_same(example)
        for path in (ROOT / "nlu").rglob("*.y*ml")
        for examples in read_examples(path).values()
        for example in examples
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_of_the_design_has_enough_held_out_examples(language: str) -> None:
    examples = read_examples(HELD_OUT / f"{language}.yml")

    assert set(examples) == DESIGN_INTENTS
    short = {intent: len(found) for intent, found in examples.items()
             if len(set(found)) < MIN_EXAMPLES_PER_LANGUAGE}  # fmt: skip
    assert not short, f"fewer than {MIN_EXAMPLES_PER_LANGUAGE} examples: {short}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_examples_are_never_in_the_training_data(language: str) -> None:
    trained = training_examples()
    examples = read_examples(HELD_OUT / f"{language}.yml")

    leaked = [example for found in examples.values() for example in found
              if typed_the_same(example) in trained]  # fmt: skip
    assert not leaked, f"held-out examples also in nlu/: {leaked}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_entities_are_the_designs_each_annotated_a_few_times(language: str) -> None:
    examples = read_examples(HELD_OUT / f"{language}.yml")

    counts = Counter(entity for found in examples.values() for example in found
                     for entity in annotated_entities(example))  # fmt: skip
    assert set(counts) == DESIGN_ENTITIES
    rare = {entity: n for entity, n in counts.items() if n < MIN_ANNOTATIONS_PER_ENTITY}
    assert not rare
    left_over = [example for found in examples.values() for example in found
                 if any(mark in plain_text(example) for mark in "[]{}")]  # fmt: skip
    assert not left_over, f"broken annotations: {left_over}"


def test_every_held_out_example_is_written_once_across_intents() -> None:
    for language in LANGUAGES:
        examples = read_examples(HELD_OUT / f"{language}.yml")
        typed = Counter(typed_the_same(e) for found in examples.values() for e in found)
        assert not [text for text, n in typed.items() if n > 1], language


def test_the_held_out_sets_are_not_training_inputs() -> None:
    inputs = set(training_inputs(ROOT))

    assert not [path for path in inputs if HELD_OUT in path.parents]
    assert any((ROOT / "nlu") in path.parents for path in inputs)


# --- the real thing -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(1200)  # trains first when the training data changed
def test_nzila_nlu_eval_scores_the_current_model_on_a_held_out_set(tmp_path: Path) -> None:
    require_rasa()
    result = subprocess.run(
        [sys.executable, "-m", "webhook.cli", "nlu-eval", "--languages", "pt",
         "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=1200,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip

    # Exit code 1 means a language missed its target: that fails here, with the report.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| language | examples | intent macro-F1 | entity F1 |" in result.stdout
    examples = sum(len(found) for found in read_examples(HELD_OUT / "pt.yml").values())
    assert f"| pt | {examples} | " in result.stdout
    assert (tmp_path / "pt" / "intent_report.json").is_file()
    assert json.loads((tmp_path / "pt" / "intent_report.json").read_text())["accuracy"] >= 0
