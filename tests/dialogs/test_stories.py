"""Rasa's own test stories (tests/rasa/*.yml), one per flow, run with `rasa test core` on the
trained model: the dialogue must predict every action of every story."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from dialogs.training import train_if_changed
from tests.rasa_stack import MODELS_DIR, RASA_BIN, ROOT, require_rasa

STORIES = ROOT / "tests" / "rasa"


@pytest.mark.slow
def test_every_test_story_is_followed(tmp_path: Path) -> None:
    require_rasa()
    model = train_if_changed(rasa_bin=RASA_BIN, project_root=ROOT, models_dir=MODELS_DIR)
    command = [str(RASA_BIN), "test", "core", "--model", str(model.model_path), "--stories",
               str(STORIES), "--out", str(tmp_path), "--fail-on-prediction-errors"]  # fmt: skip
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=600, check=False)  # fmt: skip

    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else finished.stdout[-3000:]
    assert finished.returncode == 0, details
    assert "None of the test stories failed" in failed.read_text()
