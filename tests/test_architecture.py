"""The package map of docs/architecture.md, enforced: imports point down the layers, never up.

Every import of every module is read (module level and inside functions), so a rule cannot be
dodged by importing late. The one place a lazy import is the rule is the composition root
(`webhook/`), which mounts the development tools in `devtools/` only when not in production.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = frozenset(
    {"chat", "infra", "catalog", "notifications", "dialogs", "bots", "inbox", "webhook", "nlu",
     "devtools"}
)  # fmt: skip

# package -> what it may import of ours (itself always). "dialogs.client" names one module.
ALLOWED: dict[str, frozenset[str]] = {
    "chat": frozenset(),
    "infra": frozenset(),
    "nlu": frozenset(),
    "catalog": frozenset({"chat", "infra"}),
    "notifications": frozenset({"catalog", "chat", "infra"}),
    "dialogs": frozenset({"notifications", "catalog", "chat", "infra"}),
    "bots": frozenset({"dialogs.client", "notifications", "catalog", "chat", "infra"}),
    "inbox": frozenset({"bots", "dialogs.client", "notifications", "catalog", "chat", "infra"}),
    "webhook": OURS - {"devtools"},  # and devtools, lazily: see below
    "devtools": OURS,
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # what it imports, dotted
    line: int
    top_level: bool  # at module level (not inside a function)

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[Import]:
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from dialogs import client` imports dialogs.client
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in OURS:
                yield Import(module, name, node.lineno, id(node) in top)


def _product_modules() -> Iterator[Path]:
    for package in sorted(OURS):
        yield from sorted((ROOT / package).rglob("*.py"))


ALL_IMPORTS = [found for path in _product_modules() for found in _imports(path)]


def _allowed(found: Import) -> bool:
    source = found.module.split(".")[0]
    target_package = found.target.split(".")[0]
    if target_package == source:
        return True
    if source == "webhook" and target_package == "devtools":
        return not found.top_level  # mounted on demand, in development only
    allowed = ALLOWED[source]
    if target_package in allowed:
        return True
    # a single module allowed ("dialogs.client"): the import must name it or something in it
    return any(
        "." in rule and (found.target == rule or found.target.startswith(rule + "."))
        for rule in allowed
    )


def test_the_map_covers_every_package_of_ours() -> None:
    on_disk = {
        path.name for path in ROOT.iterdir() if path.is_dir() and (path / "__init__.py").exists()
    }
    assert on_disk - {"tests"} == set(OURS)


@pytest.mark.parametrize("package", sorted(OURS))
def test_imports_point_down_the_map(package: str) -> None:
    wrong = [str(found) for found in ALL_IMPORTS
             if found.module.split(".")[0] == package and not _allowed(found)]  # fmt: skip
    assert wrong == [], f"{package} may import only {sorted(ALLOWED[package])}"


def test_product_code_never_imports_the_development_tools() -> None:
    wrong = [str(found) for found in ALL_IMPORTS
             if found.target.split(".")[0] == "devtools"
             and found.module.split(".")[0] not in {"devtools", "webhook"}]  # fmt: skip
    assert wrong == []


def test_the_composition_root_mounts_development_tools_only_on_demand() -> None:
    wrong = [str(found) for found in ALL_IMPORTS
             if found.module.startswith("webhook") and found.target.startswith("devtools")
             and found.top_level]  # fmt: skip
    assert wrong == []


def test_bots_reach_the_dialog_engine_only_through_its_client() -> None:
    wrong = [str(found) for found in ALL_IMPORTS
             if found.module.startswith("bots") and found.target.startswith("dialogs")
             and not found.target.startswith("dialogs.client")]  # fmt: skip
    assert wrong == []


def test_nothing_of_ours_imports_rasa() -> None:
    wrong = []
    for path in _product_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            wrong += [f"{path}:{node.lineno}" for name in names if name.split(".")[0] == "rasa"]
    assert wrong == []


def test_the_checker_sees_a_wrong_import() -> None:
    """The rules above are not vacuous: an upward import is caught."""
    upward = Import("catalog.vehicles.search", "bots.worker", 1, top_level=True)
    lazy_tool = Import("bots.worker", "devtools.fakes", 1, top_level=False)
    assert not _allowed(upward)
    assert not _allowed(lazy_tool)
    assert _allowed(Import("bots.worker", "dialogs.client", 1, top_level=True))
    assert not _allowed(Import("bots.worker", "dialogs.actions.vehicles", 1, top_level=True))
    assert len(ALL_IMPORTS) > 300


# What the auctions domain shows the rest of the code: its one public service and the types it
# speaks in. lifecycle, storage, queries, bidders and events are the role files behind it.
AUCTIONS_PUBLIC = frozenset({"service", "schemas", "models", "engine", "fees"})


def _auctions_role_file(found: Import) -> bool:
    parts = found.target.split(".")
    return (
        parts[:2] == ["catalog", "auctions"] and len(parts) > 2
        and parts[2] not in AUCTIONS_PUBLIC and not found.module.startswith("catalog.auctions")
    )  # fmt: skip


def test_auctions_are_reached_through_their_public_service() -> None:
    wrong = [str(found) for found in ALL_IMPORTS if _auctions_role_file(found)]
    assert wrong == [], f"outside catalog/auctions, import only {sorted(AUCTIONS_PUBLIC)}"
    assert _auctions_role_file(Import("webhook.gallery", "catalog.auctions.queries", 1, True))
    assert not _auctions_role_file(Import("webhook.gallery", "catalog.auctions.service", 1, True))
