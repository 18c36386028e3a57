"""``python -m devtools.fakes --host 127.0.0.1 --port 8090``: serve the fake providers."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from devtools.fakes.app import serve


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line: where to listen, and which credentials to insist on (default: any)."""
    parser = argparse.ArgumentParser(
        prog="python -m devtools.fakes",
        description="Fake Telegram, WhatsApp Cloud and Twilio APIs for tests and the demo.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--telegram-token", help="the only bot token accepted")
    parser.add_argument("--graph-token", help="the only Graph access token accepted")
    parser.add_argument("--twilio-account-sid", help="the only Twilio account SID accepted")
    parser.add_argument("--twilio-auth-token", help="the only Twilio auth token accepted")
    parser.add_argument("--log-level", default="info")
    late = "answer each provider call this late (milliseconds), as a remote API would"
    parser.add_argument("--latency-ms", type=float, default=0.0, help=late)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    arguments = parse_arguments(argv)
    serve(
        host=arguments.host,
        port=arguments.port,
        telegram_token=arguments.telegram_token,
        graph_token=arguments.graph_token,
        twilio_account_sid=arguments.twilio_account_sid,
        twilio_auth_token=arguments.twilio_auth_token,
        log_level=arguments.log_level,
        latency_seconds=arguments.latency_ms / 1000,
    )


if __name__ == "__main__":
    main()
