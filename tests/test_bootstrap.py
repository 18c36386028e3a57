"""The bootstrap's promise when Python 3.10 is missing: stop, and say how to get it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_without_python_310_the_bootstrap_stops_and_says_how_to_get_it(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "dialogs").mkdir()
    shutil.copy(ROOT / "scripts" / "bootstrap.sh", tmp_path / "scripts")
    shutil.copy(ROOT / "dialogs" / "rasa-requirements.txt", tmp_path / "dialogs")
    bin_dir = tmp_path / "bin"  # a PATH with the tools the script needs, and no python3.10
    bin_dir.mkdir()
    for tool in ["bash", "cat", "cut", "sha256sum", "ls", "sort", "dirname", "python3"]:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "no-pyenv")}
    result = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "bootstrap.sh"), "rasa"],
        capture_output=True, text=True, env=env, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Rasa 3.6 needs Python 3.10" in result.stderr
    assert "pyenv install 3.10" in result.stderr
    assert "NZILA_RASA_PYTHON" in result.stderr
    assert not (tmp_path / ".venv-rasa").exists()


def test_the_rasa_environment_is_pinned_to_the_patched_release() -> None:
    pins = (ROOT / "dialogs" / "rasa-requirements.txt").read_text().splitlines()
    assert "rasa==3.6.21" in pins  # older 3.6 releases carry CVE-2024-49375
