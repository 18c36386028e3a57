"""Entities benchmark: does feeding the CRF's entities to the reader make searches right more often?

    .venv/bin/python -m devtools.bench.entities            # train both variants once, then measure
    .venv/bin/python -m devtools.bench.entities --skip-training   # reuse var/bench-entities models

Two variants of the project's model, each trained once with the project's own tooling
(`dialogs.training.train_if_changed`), into var/bench-entities/<variant>/models:

- ``crf``: the pipeline as it was, with CRFEntityExtractor and the entity annotations of nlu/;
  the search action gives the CRF's entities to the reader as hints (`understand(entities=...)`).
- ``reader``: no CRFEntityExtractor (nor EntitySynonymMapper), annotations stripped from a copy
  of nlu/; the reader alone reads the text (button payloads still carry their entities).

For each language, every held-out search message of tests/nlu/<lang>.yml is parsed by the trained
model (in the Rasa environment, as a subprocess: nothing here imports rasa) and read by the reader
into `VehicleFilters`; the filters are compared with the expected ones written by hand in
tests/nlu/search_filters.yml. A search is right when every filter is exactly the expected one.
Until that file exists, the run lists the held-out searches whose filters differ between the two
variants (everywhere else both give the same filters), and the training time and model size.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import subprocess
import tarfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import yaml

from catalog.demo.models_table import MODELS
from catalog.money import ILLUSTRATIVE_EXCHANGE_RATES, ExchangeRates
from catalog.vehicles.vocabulary import Vocabulary
from chat.languages import LANGUAGES
from dialogs.config import get_dialog_settings
from dialogs.nlu_eval import plain_text, read_examples
from dialogs.training import CONFIG, DATA_DIRS, DOMAIN, TRAINER_PINS, train_if_changed
from dialogs.understanding import understand

ROOT: Final = Path(__file__).resolve().parents[2]
OUT: Final = ROOT / "var" / "bench-entities"
EXPECTED: Final = ROOT / "tests" / "nlu" / "search_filters.yml"
SEARCH_INTENT: Final = "search_vehicles"
VARIANTS: Final = ("crf", "reader")
_ANNOTATION: Final = re.compile(r"\[(?P<text>[^\]]+)\](?:\([^)]+\)|\{[^}]*\})")
_NO_ENTITY_COMPONENTS: Final = ("CRFEntityExtractor", "EntitySynonymMapper")

# Runs in the Rasa environment: parses each line of stdin (JSON text) with the model in argv[1].
_PARSER: Final = """
import asyncio, json, logging, sys
logging.disable(logging.WARNING)
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
async def main():
    for line in sys.stdin:
        parsed = await agent.parse_message(json.loads(line))
        print(json.dumps({"entities": parsed.get("entities", [])}), flush=True)
asyncio.run(main())
"""


@dataclass(frozen=True)
class Trained:
    variant: str
    model: Path
    seconds: float

    @property
    def megabytes(self) -> float:
        return self.model.stat().st_size / 1e6


def without_entities(project: Path) -> None:
    """Drop the entity components from the config and the annotations from the NLU data."""
    config = yaml.safe_load((project / CONFIG).read_text(encoding="utf-8"))
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] not in _NO_ENTITY_COMPONENTS]
    (project / CONFIG).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    for path in (project / "nlu").rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(_ANNOTATION.sub(r"\g<text>", text), encoding="utf-8")


def copy_project(variant: str) -> Path:
    """The training inputs of the project, copied to var/bench-entities/<variant>/project."""
    project = OUT / variant / "project"
    shutil.rmtree(project, ignore_errors=True)
    for relative in (CONFIG, DOMAIN, *DATA_DIRS, TRAINER_PINS):
        source, target = ROOT / relative, project / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    if variant == "reader":
        without_entities(project)
    return project


def train(variant: str, *, skip: bool) -> Trained:
    models = OUT / variant / "models"
    if skip:
        found = sorted(models.glob("nzila-*.tar.gz"))
        timing = json.loads((OUT / variant / "timing.json").read_text(encoding="utf-8"))
        return Trained(variant, found[-1], timing["seconds"])
    shutil.rmtree(models, ignore_errors=True)
    project = copy_project(variant)
    result = train_if_changed(
        rasa_bin=get_dialog_settings().rasa_bin, project_root=project, models_dir=models, force=True
    )
    (OUT / variant / "timing.json").write_text(json.dumps({"seconds": result.seconds}))
    return Trained(variant, result.model_path, result.seconds)


def parse_all(model: Path, texts: Sequence[str]) -> list[list[dict[str, Any]]]:
    """Rasa's entities for each text, from the model loaded once in the Rasa environment."""
    python = get_dialog_settings().rasa_bin.parent / "python"
    lines = "".join(json.dumps(text) + "\n" for text in texts)
    done = subprocess.run(
        [str(python), "-c", _PARSER, str(model)],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"},
    )
    parsed = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return [entry["entities"] for entry in parsed]


def filters_of(
    text: str, entities: Sequence[Mapping[str, Any]] | None, *, fill_only: bool = False
) -> dict[str, Any]:
    """The filters read with the CRF's entities as hints that override the text, or with
    `fill_only` as the product reads them: filling only what the reader left empty."""
    if fill_only:
        understood = understand(text, vocabulary=VOCABULARY, rates=RATES, guesses=entities)
    else:
        understood = understand(text, vocabulary=VOCABULARY, rates=RATES, entities=entities)
    dumped: dict[str, Any] = json.loads(understood.filters.model_dump_json(exclude_defaults=True))
    return dumped


VOCABULARY: Final = Vocabulary.from_names([(spec.make, spec.model) for spec in MODELS])
RATES: Final = ExchangeRates(ILLUSTRATIVE_EXCHANGE_RATES)


def expected_filters() -> dict[str, dict[str, dict[str, Any]]]:
    """language -> held-out search text -> the filters a person reads in it."""
    raw = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    return {lang: {row["text"]: row["filters"] for row in rows} for lang, rows in raw.items()}


def search_texts(language: str) -> list[str]:
    examples = read_examples(ROOT / "tests" / "nlu" / f"{language}.yml")
    return [plain_text(example) for example in examples[SEARCH_INTENT]]


@dataclass(frozen=True)
class Score:
    language: str
    variant: str
    right: int
    total: int
    wrong: tuple[tuple[str, dict[str, Any]], ...]


def measure(language: str, crf_model: Path) -> list[Score]:
    expected = expected_filters()[language]
    texts = search_texts(language)
    missing = [text for text in texts if text not in expected]
    if missing:
        raise SystemExit(f"{EXPECTED} lacks the expected filters of {missing}")
    crf_entities = parse_all(crf_model, texts)
    scores = []
    for variant, hints in (("crf", crf_entities), ("reader", [None] * len(texts))):
        wrong = tuple(
            (text, got)
            for text, entities in zip(texts, hints, strict=True)
            if (got := filters_of(text, entities)) != expected[text]
        )
        scores.append(Score(language, variant, len(texts) - len(wrong), len(texts), wrong))
    return scores


def compare(
    language: str, crf_model: Path
) -> list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """The held-out searches whose filters differ between CRF hints overriding the text (a),
    the reader alone (b) and CRF hints filling only what the reader left empty (c)."""
    texts = search_texts(language)
    differ = []
    for text, entities in zip(texts, parse_all(crf_model, texts), strict=True):
        with_hints, alone = filters_of(text, entities), filters_of(text, None)
        filled = filters_of(text, entities, fill_only=True)
        if not with_hints == alone == filled:
            differ.append((text, with_hints, alone, filled))
    return differ


def report(trained: Mapping[str, Trained], scores: Sequence[Score]) -> str:
    lines = [
        f"## Entities: CRF hints vs the reader alone ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {platform.node()}, {platform.machine()}, {_cores()} cores, "
        f"Python {platform.python_version()}. Command: `python -m devtools.bench.entities`.",
        "",
        "| language | searches | right with CRF hints (a) | right with the reader alone (b) |",
        "|---|---|---|---|",
    ]
    for language in LANGUAGES:
        a, b = (next(s for s in scores if s.language == language and s.variant == v)
                for v in VARIANTS)  # fmt: skip
        lines.append(f"| {language} | {a.total} | {_share(a)} | {_share(b)} |")
    lines += ["", "| variant | training seconds | model MB |", "|---|---|---|"]
    for variant in VARIANTS:
        t = trained[variant]
        lines.append(f"| {variant} | {t.seconds:.0f} | {t.megabytes:.2f} |")
    for score in scores:
        for text, got in score.wrong:
            lines.append(f"- wrong ({score.language}, {score.variant}): {text!r} -> {got}")
    return "\n".join(lines)


def _share(score: Score) -> str:
    return f"{score.right}/{score.total} ({100 * score.right / score.total:.0f} %)"


def _cores() -> int:
    import os

    return os.cpu_count() or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-training", action="store_true", help="reuse trained models")
    args = parser.parse_args()
    started = time.monotonic()
    trained = {variant: train(variant, skip=args.skip_training) for variant in VARIANTS}
    if not EXPECTED.exists():  # no hand-written filters yet: show where the variants disagree
        for language in LANGUAGES:
            differ = compare(language, trained["crf"].model)
            print(f"{language}: {len(search_texts(language))} searches, {len(differ)} differ")
            for text, with_hints, alone, filled in differ:
                print(
                    f"  {text!r}\n    (a) CRF hints: {with_hints}\n    (b) reader: {alone}"
                    f"\n    (c) reader, CRF fills gaps: {filled}"
                )
        for variant in VARIANTS:
            t = trained[variant]
            print(f"{variant}: trained in {t.seconds:.0f} s, model {t.megabytes:.2f} MB")
        return
    scores = [s for language in LANGUAGES for s in measure(language, trained["crf"].model)]
    print(report(trained, scores))
    print(f"\n(took {time.monotonic() - started:.0f} s)")


def model_files(model: Path) -> list[str]:
    with tarfile.open(model) as archive:
        return archive.getnames()


if __name__ == "__main__":
    main()
