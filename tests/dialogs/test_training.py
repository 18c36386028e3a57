"""train_if_changed: a model per fingerprint of the training inputs, trained only when missing.

A fake `rasa` script stands in for the Rasa environment: it records each call and writes the
model file where `rasa train --out DIR --fixed-model-name NAME` would.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dialogs.training import (
    TrainingError,
    latest_model,
    train_if_changed,
    training_fingerprint,
)

FAKE_RASA = """#!/bin/sh
echo "$@" >> {calls}
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift ;;
    --fixed-model-name) name="$2"; shift ;;
  esac
  shift
done
{body}
"""
WRITES_MODEL = 'echo trained > "$out/$name.tar.gz"'
GREET = "version: '3.1'\nnlu:\n  - intent: greet\n    examples: |\n      - {example}\n"


def write_fake_rasa(folder: Path, body: str = WRITES_MODEL) -> Path:
    script = folder / "rasa"
    script.write_text(FAKE_RASA.format(calls=folder / "calls.log", body=body))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def calls(rasa_bin: Path) -> list[str]:
    log = rasa_bin.parent / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for relative, text in {
        "dialogs/config.yml": "recipe: default.v1\nlanguage: en\n",
        "dialogs/domain/core.yml": "version: '3.1'\nintents: [greet]\n",
        "dialogs/data/rules.yml": "version: '3.1'\nrules: []\n",
        "nlu/en/nlu.yml": GREET.format(example="hi"),
        "nlu/fr/nlu.yml": GREET.format(example="bonjour patron"),
        "nlu/README.md": "How to write examples.\n",
    }.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def rasa_bin(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    return write_fake_rasa(bin_dir)


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


def test_the_first_call_trains_a_model_named_after_the_fingerprint(
    project: Path, rasa_bin: Path, models_dir: Path
) -> None:
    result = train_if_changed(rasa_bin=rasa_bin, project_root=project, models_dir=models_dir)

    assert result.trained
    assert result.model_path == models_dir / f"nzila-{result.fingerprint[:16]}.tar.gz"
    assert result.model_path.read_text() == "trained\n"
    assert len(calls(rasa_bin)) == 1


def test_rasa_is_given_the_config_domain_and_both_data_folders(
    project: Path, rasa_bin: Path, models_dir: Path
) -> None:
    result = train_if_changed(rasa_bin=rasa_bin, project_root=project, models_dir=models_dir)

    [arguments] = calls(rasa_bin)
    assert arguments.startswith(
        f"train --config {project}/dialogs/config.yml --domain {project}/dialogs/domain "
        f"--data {project}/dialogs/data {project}/nlu --out "
    )
    assert arguments.endswith(f"--fixed-model-name nzila-{result.fingerprint[:16]}")


def test_unchanged_inputs_reuse_the_model_without_running_rasa(
    project: Path, rasa_bin: Path, models_dir: Path
) -> None:
    first = train_if_changed(rasa_bin=rasa_bin, project_root=project, models_dir=models_dir)

    second = train_if_changed(rasa_bin=rasa_bin, project_root=project, models_dir=models_dir)

    assert not second.trained
    assert second.model_path == first.model_path
    assert len(calls(rasa_bin)) == 1


@pytest.mark.parametrize(
    "changed",
    ["nlu/fr/nlu.yml", "dialogs/domain/core.yml", "dialogs/config.yml", "dialogs/data/rules.yml"],
)
def test_a_changed_training_input_trains_a_new_model(
    project: Path, rasa_bin: Path, models_dir: Path, changed: str
) -> None:
    first = train_if_changed(rasa_bin=rasa_bin, project_root=project, models_dir=models_dir)
    with (project / changed).open("a") as file:
        file.write("# edited\n")

    second = train_if_changed(rasa_bin=rasa_bin, project_root=project, models_dir=models_dir)

    assert second.trained
    assert second.model_path != first.model_path
    assert first.model_path.exists()
    assert len(calls(rasa_bin)) == 2


def test_a_new_nlu_file_changes_the_fingerprint(project: Path) -> None:
    before = training_fingerprint(project)
    (project / "nlu/pt").mkdir()
    (project / "nlu/pt/nlu.yml").write_text("version: '3.1'\nnlu: []\n")

    assert training_fingerprint(project) != before


def test_a_renamed_nlu_file_changes_the_fingerprint(project: Path) -> None:
    before = training_fingerprint(project)
    (project / "nlu/fr/nlu.yml").rename(project / "nlu/fr/greetings.yml")

    assert training_fingerprint(project) != before


def test_documentation_and_bytecode_do_not_change_the_fingerprint(project: Path) -> None:
    before = training_fingerprint(project)
    (project / "nlu/README.md").write_text("Rewritten docs.\n")
    (project / "nlu/__pycache__").mkdir()
    (project / "nlu/__pycache__/components.cpython-310.pyc").write_bytes(b"\0")

    assert training_fingerprint(project) == before


def test_force_retrains_even_when_the_model_exists(
    project: Path, rasa_bin: Path, models_dir: Path
) -> None:
    first = train_if_changed(rasa_bin=rasa_bin, project_root=project, models_dir=models_dir)

    forced = train_if_changed(
        rasa_bin=rasa_bin, project_root=project, models_dir=models_dir, force=True
    )

    assert forced.trained
    assert forced.model_path == first.model_path
    assert len(calls(rasa_bin)) == 2


def test_a_failed_training_raises_with_the_end_of_rasa_output(
    project: Path, tmp_path: Path, models_dir: Path
) -> None:
    (tmp_path / "bin").mkdir()
    failing = write_fake_rasa(
        tmp_path / "bin", body='echo "loading data"; echo "InvalidDomain: bad response" >&2; exit 1'
    )

    with pytest.raises(TrainingError, match="exit code 1") as raised:
        train_if_changed(rasa_bin=failing, project_root=project, models_dir=models_dir)

    assert "InvalidDomain: bad response" in str(raised.value)
    assert latest_model(models_dir) is None


def test_a_training_that_writes_no_model_is_an_error(
    project: Path, tmp_path: Path, models_dir: Path
) -> None:
    (tmp_path / "bin").mkdir()
    silent = write_fake_rasa(tmp_path / "bin", body="exit 0")

    with pytest.raises(TrainingError, match="wrote no"):
        train_if_changed(rasa_bin=silent, project_root=project, models_dir=models_dir)


def test_a_training_that_outlives_the_timeout_is_stopped_and_leaves_no_model(
    project: Path, tmp_path: Path, models_dir: Path
) -> None:
    (tmp_path / "bin").mkdir()
    slow = write_fake_rasa(
        tmp_path / "bin", body=f'echo partial > "$out/$name.tar.gz"; sleep 30\n{WRITES_MODEL}'
    )

    with pytest.raises(TrainingError, match="more than 1 s"):
        train_if_changed(rasa_bin=slow, project_root=project, models_dir=models_dir, timeout=1)

    assert latest_model(models_dir) is None
    assert [path.name for path in models_dir.iterdir()] == []


def test_a_missing_rasa_is_a_training_error(project: Path, models_dir: Path) -> None:
    with pytest.raises(TrainingError, match="cannot run"):
        train_if_changed(
            rasa_bin=Path("/nonexistent/rasa"), project_root=project, models_dir=models_dir
        )


def test_latest_model_is_the_most_recently_written(models_dir: Path) -> None:
    models_dir.mkdir()
    older = models_dir / "nzila-aaaaaaaaaaaaaaaa.tar.gz"
    newer = models_dir / "nzila-bbbbbbbbbbbbbbbb.tar.gz"
    older.write_text("old")
    newer.write_text("new")
    os.utime(older, (1_000_000, 1_000_000))
    (models_dir / "someone-else.tar.gz").write_text("not ours")

    assert latest_model(models_dir) == newer


def test_latest_model_of_an_empty_or_missing_folder_is_none(models_dir: Path) -> None:
    assert latest_model(models_dir) is None
    models_dir.mkdir()
    assert latest_model(models_dir) is None
