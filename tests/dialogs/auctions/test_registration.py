"""The action server (`python -m rasa_sdk --actions dialogs.actions`) serves every auction action
the domain names, now that auctions are a folder of modules."""

# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN = Path(__file__).resolve().parents[3] / "dialogs" / "domain" / "auctions.yml"


def test_every_auction_action_of_the_domain_is_registered_from_the_package() -> None:
    named = set(yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["actions"])
    executor = ActionExecutor()
    executor.register_package("dialogs.actions")

    assert len(named) >= 12  # place, buy now, confirm x2, cancel, status, lists, terms, decisions
    assert named <= set(executor.actions), f"not served: {sorted(named - set(executor.actions))}"
