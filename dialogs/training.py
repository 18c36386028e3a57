"""Train the Rasa model only when its inputs changed.

The model is named after a fingerprint of every training input (``nzila-<hash16>.tar.gz``), so
an unchanged project reuses its model, and the file name tells which inputs made it. Training
runs ``rasa train`` from the Rasa environment as a subprocess: nothing here imports rasa.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from dialogs.client import DialogError
from dialogs.rasa_process import RASA_QUIET_ENV, run_rasa_command

MODEL_PREFIX: Final = "nzila-"
MODEL_SUFFIX: Final = ".tar.gz"
DEFAULT_TIMEOUT_SECONDS: Final = 900.0
CONFIG: Final = Path("dialogs/config.yml")
DOMAIN: Final = Path("dialogs/domain")  # a folder: one file per feature, merged by Rasa
DATA_DIRS: Final = (Path("dialogs/data"), Path("nlu"))
# The trainer's own pins: another Rasa version must not reuse a model it did not make.
TRAINER_PINS: Final = Path("dialogs/rasa-requirements.txt")


class TrainingError(DialogError):
    """``rasa train`` failed or timed out; the message ends with the tail of its output."""


@dataclass(frozen=True)
class TrainResult:
    """The model to serve, and whether this call trained it (False: an existing one fits)."""

    model_path: Path
    trained: bool
    fingerprint: str
    seconds: float = 0.0


def train_if_changed(
    *,
    rasa_bin: Path,
    project_root: Path,
    models_dir: Path,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> TrainResult:
    """Return the model for the current training inputs, training it only if it is missing.

    Args:
        rasa_bin: the ``rasa`` executable of the Rasa environment (``.venv-rasa/bin/rasa``).
        project_root: the folder holding ``dialogs/`` and ``nlu/``.
        models_dir: where models are kept (created if missing).
        force: train even when a model with this fingerprint exists.
        timeout: seconds before the training is killed.

    Raises:
        TrainingError: ``rasa train`` failed, timed out or produced no model.
    """
    fingerprint = training_fingerprint(project_root)
    model_path = models_dir / f"{MODEL_PREFIX}{fingerprint[:16]}{MODEL_SUFFIX}"
    if model_path.is_file() and not force:
        return TrainResult(model_path=model_path, trained=False, fingerprint=fingerprint)
    models_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    # Train into a scratch folder and rename: a killed run never leaves a model that looks done.
    scratch = Path(tempfile.mkdtemp(prefix=".training-", dir=models_dir))
    try:
        _run_rasa_train(rasa_bin, project_root, scratch, model_path.name, timeout)
        produced = scratch / model_path.name
        if not produced.is_file():
            raise TrainingError(f"rasa train finished but wrote no {produced.name} in {scratch}")
        produced.replace(model_path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return TrainResult(
        model_path=model_path,
        trained=True,
        fingerprint=fingerprint,
        seconds=time.monotonic() - started,
    )


def latest_model(models_dir: Path) -> Path | None:
    """The most recently written ``nzila-*.tar.gz`` in ``models_dir``, or None."""
    models = [path for path in models_dir.glob(f"{MODEL_PREFIX}*{MODEL_SUFFIX}") if path.is_file()]
    return max(models, key=lambda path: path.stat().st_mtime, default=None)


def training_fingerprint(project_root: Path) -> str:
    """SHA-256 over the names and contents of every training input, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(training_inputs(project_root)):
        digest.update(path.relative_to(project_root).as_posix().encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def training_inputs(project_root: Path) -> Iterator[Path]:
    """Config, domain (a file or a folder), stories and rules, NLU data and components, pins."""
    for relative in (CONFIG, DOMAIN, *DATA_DIRS, TRAINER_PINS):
        path = project_root / relative
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (child for child in path.rglob("*") if _is_training_file(child))


def _is_training_file(path: Path) -> bool:
    # Docs and bytecode do not change what Rasa learns.
    return (
        path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix not in {".md", ".pyc"}
        and not path.name.startswith(".")
    )


def _run_rasa_train(
    rasa_bin: Path, project_root: Path, out_dir: Path, model_file: str, timeout: float
) -> None:
    command = [
        str(rasa_bin),
        "train",
        "--config",
        str(project_root / CONFIG),
        "--domain",
        str(project_root / DOMAIN),
        "--data",
        *(str(project_root / data) for data in DATA_DIRS),
        "--out",
        str(out_dir),
        "--fixed-model-name",
        model_file.removesuffix(MODEL_SUFFIX),
    ]
    env = {
        **os.environ,
        **RASA_QUIET_ENV,
        # Rasa's component cache (reused when only some inputs change) stays beside the models.
        "RASA_CACHE_DIRECTORY": str(out_dir.parent / ".rasa-cache"),
    }
    run_rasa_command(command, cwd=project_root, env=env, timeout=timeout, error=TrainingError)
