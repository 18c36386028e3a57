"""Lookup tables for Rasa, from the catalog's names."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from dialogs.lookups import LOOKUPS_FILE, write_lookups
from tests.factories import make_dealer, make_vehicle, valid_vin

ROOT = Path(__file__).resolve().parents[2]


def test_the_catalog_names_become_rasa_lookup_tables(db_session: Session, tmp_path: Path) -> None:
    dealer = make_dealer(db_session)
    make_vehicle(db_session, dealer, model="Hilux")
    make_vehicle(db_session, dealer, model="Hilux")
    make_vehicle(db_session, dealer, vin=valid_vin(2015, "5FN"), make="Honda", model="Pilot")
    (tmp_path / "nlu").mkdir()

    path, counts = write_lookups(db_session, tmp_path)

    tables = {item["lookup"]: item["examples"].split("\n") for item in
              yaml.safe_load(path.read_text())["nlu"]}  # fmt: skip
    assert tables["make"][:2] == ["- Honda", "- Toyota"]
    assert tables["model"][:2] == ["- Hilux", "- Pilot"]
    assert counts == {"make": 2, "model": 2}


def test_the_committed_tables_hold_the_demo_catalogs_names() -> None:
    text = (ROOT / LOOKUPS_FILE).read_text()

    assert "      - Land Cruiser Prado\n" in text
    assert "      - Mercedes-Benz\n" in text
