"""Prometheus metrics of alert delivery, per kind and channel (never a recipient)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

ALERTS = Counter(
    "nzila_alerts_total",
    "Alerts handled by kind, channel and outcome (sent, held, retried, rerouted, skipped, dead).",
    ["kind", "channel", "outcome"],
)
ALERT_STATUSES = Counter(
    "nzila_alert_statuses_total",
    "Providers' status callbacks on alerts by kind, channel and status (delivered, read, failed).",
    ["kind", "channel", "status"],
)
ALERT_LAG_SECONDS = Histogram(
    "nzila_alert_lag_seconds",
    "Time from an alert being recorded to the provider accepting it.",
    ["kind", "channel"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600),
)
