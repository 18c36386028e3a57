"""End-to-end tests need the Rasa environment: where it must exist (scripts/test.sh, CI), a
missing one fails them instead of skipping them silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import rasa_stack


def test_a_missing_rasa_environment_fails_where_it_is_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(rasa_stack, "RASA_BIN", tmp_path / "no-rasa")
    monkeypatch.setattr(rasa_stack, "RASA_REQUIRED", True)

    with pytest.raises(pytest.fail.Exception, match="Rasa environment is not built"):
        rasa_stack.require_rasa()


def test_a_missing_rasa_environment_skips_on_a_developer_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(rasa_stack, "RASA_BIN", tmp_path / "no-rasa")
    monkeypatch.setattr(rasa_stack, "RASA_REQUIRED", False)

    with pytest.raises(pytest.skip.Exception):
        rasa_stack.require_rasa()


def test_the_test_command_requires_it() -> None:
    script = (rasa_stack.ROOT / "scripts" / "test.sh").read_text()
    assert "NZILA_REQUIRE_RASA=1" in script
