"""The import rules of ARCHITECTURE.md, checked on the source: imports point down, never to rasa."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["webhook", "inbox", "bots", "dialogs", "notifications", "catalog", "nlu"]
MAY_IMPORT = {
    "webhook": set(PACKAGES) - {"webhook"},
    "inbox": {"bots", "catalog", "notifications"},
    "bots": {"dialogs", "notifications", "catalog"},
    "dialogs": {"catalog", "notifications"},
    "notifications": {"catalog"},
    "catalog": set(),
    "nlu": set(),
}


def imported_top_level_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_down_the_package_list(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        ours = imported_top_level_names(path) & set(PACKAGES) - {package}
        assert ours <= MAY_IMPORT[package], f"{path.relative_to(ROOT)} imports {ours}"


def test_nothing_of_ours_imports_rasa() -> None:
    for package in [*PACKAGES, "tests", "bench"]:
        for path in (ROOT / package).rglob("*.py"):
            assert "rasa" not in imported_top_level_names(path), path.relative_to(ROOT)
