"""Prometheus metrics of the messaging spine. Labels are low-cardinality by design: channel and
outcome, never a user or conversation id."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

WEBHOOKS = Counter(
    "nzila_webhooks_total",
    "Webhook requests by channel and outcome "
    "(queued, duplicate, status, refused_item, ignored, bad_signature, malformed, too_large, "
    "unsupported_media_type, body_timeout, busy, disabled).",
    ["channel", "outcome"],
)
TURN_SECONDS = Histogram(
    "nzila_turn_seconds",
    "Time from picking a message off the queue to its replies being sent.",
    ["channel"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUEUE_LAG_SECONDS = Histogram(
    "nzila_queue_lag_seconds",
    "Time a message waited in the queue before its turn started.",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120),
)
QUEUE_DEPTH = Gauge("nzila_queue_depth", "Inbound messages queued or in flight.")
SENDS = Counter(
    "nzila_sends_total",
    "Provider API calls for replies by channel and outcome (sent, retried, failed).",
    ["channel", "outcome"],
)
