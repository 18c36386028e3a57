from __future__ import annotations

import json
import logging

from infra.logs import JsonFormatter


def test_log_lines_are_json_with_the_extra_fields_a_call_passes() -> None:
    record = logging.makeLogRecord(
        {"name": "bots.worker", "levelname": "WARNING", "msg": "send failed",
         "conversation": "whatsapp:+2348012345678", "channel": "whatsapp"}
    )  # fmt: skip
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "send failed"
    assert line["level"] == "warning"
    assert line["conversation"] == "whatsapp:+2348012345678"
    assert line["channel"] == "whatsapp"
    assert "ts" in line
