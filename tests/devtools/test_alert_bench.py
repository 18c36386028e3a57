"""The alert delivery benchmark at a tiny size, so it cannot rot: the real processes (fakes,
two alert workers, two conversation workers), 60 alerts, a few bids and buyer messages;
nothing lost, nothing sent twice, every outbid alert, ending-soon reminder and reply received."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.bench import alert_bench
from devtools.bench._common import redis_server


@pytest.mark.slow
def test_a_tiny_fan_out_loses_nothing_and_sends_nothing_twice(tmp_path: Path) -> None:
    with redis_server("embedded", tmp_path) as (redis_url, _):  # a server of its own
        [result] = alert_bench.main([
            "--alerts", "60", "--bids", "6", "--bids-per-lot", "3", "--chatters", "6",
            "--inbound", "10", "--inject-every", "3", "--timeout", "60", "--no-write",
            "--ending", "4",
            "--redis-url", redis_url,
            "--workdir", str(tmp_path / "run"),
            "--database-url", f"sqlite:///{tmp_path / 'catalog.sqlite3'}",
        ])  # fmt: skip

    assert result["alerts"] == 60
    assert result["lost"] == 0, result["lost_ids"]
    assert set(result["statuses"]) == {"sent"}
    assert result["duplicated"] == 0 and result["repeated_ids"] == 0
    assert result["outbid_missing"] == {"quiet": 0, "fanout": 0}
    assert len(result["outbid"]["quiet"]) == len(result["outbid"]["fanout"]) == 6
    assert len(result["reply_lags"]) == 10
    assert result["reminders_missing"] == 0
    assert len(result["reminder_lags"][60]) == len(result["reminder_lags"][10]) == 2
    for row in result["rates"]:
        assert row["max_1s"] <= row["limit"]
