from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from webhook.cli import app

SUBCOMMANDS = [
    "migrate",
    "seed",
    "import",
    "generate-bulk",
    "search",
    "serve",
    "check-config",
    "fake-providers",
    "worker",
    "train",
    "nlu-lookups",
    "nlu-eval",
    "up",
    "telegram",
    "chat",
    "conversation-eval",
]


def test_help_lists_every_subcommand_with_one_line() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    for name in SUBCOMMANDS:
        described = [line for line in lines if line.strip().startswith(f"│ {name} ")]
        assert described, f"{name} missing from --help"
        assert len(described[0].split(name, 1)[1].strip(" │")) > 10, f"{name} has no description"


def nzila(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "MEDIA_DIR": str(tmp_path / "media"),
    }
    return subprocess.run(
        [sys.executable, "-m", "webhook.cli", *args],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=120,
    )  # fmt: skip


def test_seed_then_import_then_search_from_the_command_line(tmp_path: Path) -> None:
    seeded = nzila(tmp_path, "seed", "--vehicles", "12", "--no-photos")
    assert seeded.returncode == 0, seeded.stderr
    assert "6 dealers, 12 vehicles" in seeded.stdout
    csv_file = tmp_path / "stock.csv"
    csv_file.write_text(
        "vin,make,model,year,body_type,fuel,transmission,drive,mileage,price,"
        "yard_city,yard_region,yard_country,export_port\n"
        "1HGCM82633A004352,Honda,Accord,2003,sedan,gasoline,automatic,fwd,250000,2500,"
        'Houston,TX,US,"Houston, TX"\n'
        "1HGCM82633A004353,Honda,Accord,2003,sedan,gasoline,automatic,fwd,250000,2500,"
        'Houston,TX,US,"Houston, TX"\n'
    )
    imported = nzila(tmp_path, "import", "vehicles", str(csv_file), "--dealer", "Gulf Coast Motors")
    assert imported.returncode == 1  # one row refused
    assert "imported 1 vehicles (1 new, 0 updated, 0 unchanged); 1 rows refused" in imported.stdout
    assert "line 3 (1HGCM82633A004353): vin: VIN 1HGCM82633A004353 fails its check digit" in (
        imported.stderr
    )
    found = nzila(tmp_path, "search", "Acord", "--max-price", "3000")
    assert found.returncode == 0, found.stderr
    assert "(read 'acord' as Accord)" in found.stdout
    assert "2003 Honda Accord" in found.stdout


def test_an_invalid_search_gets_a_clear_error_and_exit_code_2(tmp_path: Path) -> None:
    assert nzila(tmp_path, "migrate").returncode == 0
    result = nzila(tmp_path, "search", "--sort", "cheapest")
    assert result.returncode == 2
    assert "invalid search" in result.stderr


def test_the_chat_simulator_is_a_plain_command_and_absent_in_production(tmp_path: Path) -> None:
    development = subprocess.run(
        [sys.executable, "-m", "webhook.cli", "chat", "--help"],
        capture_output=True, text=True, cwd=tmp_path, check=False, timeout=120,
        env={**os.environ, "COLUMNS": "200", "NZILA_ENV": "development"},
    )  # fmt: skip
    production = subprocess.run(
        [sys.executable, "-m", "webhook.cli", "--help"],
        capture_output=True, text=True, cwd=tmp_path, check=False, timeout=120,
        env={**os.environ, "COLUMNS": "200", "NZILA_ENV": "production"},
    )  # fmt: skip

    assert development.returncode == 0, development.stderr
    assert "Usage: nzila chat [OPTIONS]" in development.stdout
    assert "COMMAND [ARGS]" not in development.stdout
    assert production.returncode == 0, production.stderr
    assert " chat " not in production.stdout
    assert " migrate " in production.stdout


def test_conversation_eval_refuses_an_unknown_set_before_starting_anything() -> None:
    result = CliRunner().invoke(app, ["conversation-eval", "--set", "tuned"])

    assert result.exit_code == 2
    assert "unknown set 'tuned': heldout, dev or all" in result.output
