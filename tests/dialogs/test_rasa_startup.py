"""What a newcomer reads when the servers start: no errors that are not errors, no warnings
from Rasa's own dependencies."""

from __future__ import annotations

from tests.rasa_stack import RasaStack


def test_the_action_server_finds_its_endpoints_file(rasa_stack: RasaStack) -> None:
    log = rasa_stack.action_server_log.read_text(errors="replace")
    assert "Failed to read endpoint configuration" not in log
    assert "Action endpoint is up and running" in log


def test_the_rasa_server_starts_without_deprecation_warnings(rasa_stack: RasaStack) -> None:
    log = rasa_stack.rasa_server_log.read_text(errors="replace")
    assert "DeprecationWarning" not in log
    assert "Starting Rasa server" in log  # the log is the server's
