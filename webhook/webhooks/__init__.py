"""Provider webhooks: verify, dedupe, enqueue and acknowledge inbound messages."""
